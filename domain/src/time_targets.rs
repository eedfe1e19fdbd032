//! Time targets and reporting periods (DOMAIN.md, "Time").
//!
//! "All calendar dates (today, due dates, quarters, years, ages) are dates in England
//! (Europe/London)"; the caller converts instants and passes "today". "The target is completion
//! within 6 calendar months of notification (end-of-month clamped: notified 31 August, due
//! 28/29 February). Keep every hold interval; the due date used for `overdue` is extended by the
//! days on hold; a case is `overdue` when it is open, not on hold, and past that date. Reports
//! give both the share completed within 6 months of notification as such and the share net of
//! holds."
//!
//! A day count is a difference of dates: notified and completed on the same day is 0 days
//! elapsed; a hold from 3 to 5 March is 2 days. Overlapping hold intervals count once.
//!
//! "Periods: national statistics use the calendar year of death …; an ICB's annual report uses
//! the financial year (`year=2025` is 1 April 2025 to 31 March 2026)". Quarters of death are
//! calendar quarters (January–March is quarter 1).

use time::{Date, Duration, Month};

/// The months allowed from notification to completion.
pub const TARGET_MONTHS: u8 = 6;

/// One hold: from the day it started to the day it ended (`None` while it lasts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoldInterval {
    /// The day the hold started.
    pub start: Date,
    /// The day the hold ended, or `None` while the case is still on hold.
    pub end: Option<Date>,
}

/// Where a case stands, for the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Open and not on hold: the clock runs and the case can be overdue.
    Open,
    /// Open and on hold: never overdue.
    OnHold,
    /// Open on the Child Death Review route: its clock belongs to that process, so it is never
    /// due soon or overdue here.
    OtherClock,
    /// Closed (completed, not eligible or opted out) on the given day.
    Closed {
        /// The day the case closed.
        on: Date,
    },
}

/// The derived time fields of a case (API.md: `due_date`, `days_elapsed`, `days_on_hold`,
/// `overdue`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Notification plus 6 calendar months, end-of-month clamped.
    pub due_date: Date,
    /// The due date extended by the days on hold: the date `overdue` is judged against.
    pub extended_due_date: Date,
    /// Days from notification to closure, or to today while open.
    pub days_elapsed: i64,
    /// Days on hold up to closure, or to today while open.
    pub days_on_hold: i64,
    /// Open, not on hold, and past the extended due date.
    pub overdue: bool,
    /// Open, not on hold, not overdue, and within 28 days of the extended due date.
    pub due_soon: bool,
}

/// How many days before the extended due date a case is `due_soon`.
pub const DUE_SOON_DAYS: i64 = 28;

/// `date` plus a number of calendar months, clamped to the end of a shorter month.
pub fn add_months(date: Date, months: u32) -> Option<Date> {
    let month_index = i64::from(date.month() as u8 - 1) + i64::from(months);
    let year = date
        .year()
        .checked_add(i32::try_from(month_index / 12).ok()?)?;
    let month = Month::try_from(u8::try_from(month_index % 12 + 1).ok()?).ok()?;
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).ok()
}

/// "6 calendar months of notification (end-of-month clamped: notified 31 August, due 28/29
/// February)".
pub fn due_date(notified_on: Date) -> Date {
    add_months(notified_on, u32::from(TARGET_MONTHS)).unwrap_or(Date::MAX)
}

/// Days on hold up to `until` (exclusive): each interval counts once, an open one runs to `until`.
pub fn days_on_hold(holds: &[HoldInterval], until: Date) -> i64 {
    let mut intervals: Vec<(Date, Date)> = holds
        .iter()
        .map(|hold| (hold.start, hold.end.unwrap_or(until).min(until)))
        .filter(|(start, end)| start < end)
        .collect();
    intervals.sort();
    let mut total = 0;
    let mut covered_until: Option<Date> = None;
    for (start, end) in intervals {
        let start = covered_until.map_or(start, |covered| start.max(covered));
        if start < end {
            total += (end - start).whole_days();
        }
        covered_until = Some(covered_until.map_or(end, |covered| covered.max(end)));
    }
    total
}

/// The due date extended by a number of days on hold.
pub fn extended_due_date(notified_on: Date, days_on_hold: i64) -> Date {
    due_date(notified_on)
        .checked_add(Duration::days(days_on_hold))
        .unwrap_or(Date::MAX)
}

/// The time fields of a case on `today`.
pub fn progress(
    notified_on: Date,
    holds: &[HoldInterval],
    standing: Standing,
    today: Date,
) -> Progress {
    let until = match standing {
        Standing::Closed { on } => on,
        Standing::Open | Standing::OnHold | Standing::OtherClock => today,
    };
    let days_on_hold = days_on_hold(holds, until);
    let extended_due_date = extended_due_date(notified_on, days_on_hold);
    Progress {
        due_date: due_date(notified_on),
        extended_due_date,
        days_elapsed: (until - notified_on).whole_days(),
        days_on_hold,
        overdue: standing == Standing::Open && today > extended_due_date,
        due_soon: standing == Standing::Open
            && today <= extended_due_date
            && today
                >= extended_due_date
                    .checked_sub(Duration::days(DUE_SOON_DAYS))
                    .unwrap_or(Date::MIN),
    }
}

/// Whether a review completed within 6 months of notification: `(as such, net of holds)`.
pub fn completed_within_target(
    notified_on: Date,
    holds: &[HoldInterval],
    completed_on: Date,
) -> (bool, bool) {
    let net_due = extended_due_date(notified_on, days_on_hold(holds, completed_on));
    (
        completed_on <= due_date(notified_on),
        completed_on <= net_due,
    )
}

/// A reporting period: every date from `start` to `end`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    start: Date,
    end: Date,
}

/// Why a year cannot be a reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{year} is not a year a report can cover")]
pub struct PeriodError {
    year: i32,
}

impl PeriodError {
    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        "year_out_of_range"
    }
}

impl Period {
    /// The calendar year of death used by national statistics: 1 January to 31 December.
    pub fn calendar_year(year: i32) -> Result<Self, PeriodError> {
        let date = |month, day| {
            Date::from_calendar_date(year, month, day).map_err(|_| PeriodError { year })
        };
        Ok(Self {
            start: date(Month::January, 1)?,
            end: date(Month::December, 31)?,
        })
    }

    /// An ICB's financial year: `year=2025` is 1 April 2025 to 31 March 2026.
    pub fn financial_year(year: i32) -> Result<Self, PeriodError> {
        let error = PeriodError { year };
        let next = year.checked_add(1).ok_or(error)?;
        Ok(Self {
            start: Date::from_calendar_date(year, Month::April, 1).map_err(|_| error)?,
            end: Date::from_calendar_date(next, Month::March, 31).map_err(|_| error)?,
        })
    }

    /// A quarter of an ICB's financial year: `(2025, 1)` is 1 April to 30 June 2025, `(2025, 4)`
    /// is 1 January to 31 March 2026.
    pub fn financial_quarter(year: i32, quarter: u8) -> Result<Self, PeriodError> {
        let error = PeriodError { year };
        let whole = Self::financial_year(year)?;
        if !(1..=4).contains(&quarter) {
            return Err(error);
        }
        let start = add_months(whole.start, u32::from(quarter - 1) * 3).ok_or(error)?;
        let next = add_months(start, 3).ok_or(error)?;
        Ok(Self {
            start,
            end: next.previous_day().ok_or(error)?,
        })
    }

    /// The first day of the period.
    pub fn start(&self) -> Date {
        self.start
    }

    /// The last day of the period (included).
    pub fn end(&self) -> Date {
        self.end
    }

    /// Whether a date falls within the period, both ends included.
    pub fn contains(&self, date: Date) -> bool {
        (self.start..=self.end).contains(&date)
    }
}

/// The financial year a date falls in, named by the year it starts (31 March 2026 is in 2025).
pub fn financial_year_of(date: Date) -> i32 {
    if date.month() as u8 >= Month::April as u8 {
        date.year()
    } else {
        date.year() - 1
    }
}

/// The calendar quarter of a date, 1 (January to March) to 4 (October to December).
pub fn quarter_of(date: Date) -> u8 {
    (date.month() as u8 - 1) / 3 + 1
}
