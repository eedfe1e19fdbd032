//! DOMAIN.md, "Time": the 6-month target, holds, overdue, and the reporting periods.

use leder_domain::time_targets::{
    HoldInterval, Period, Standing, completed_within_target, days_on_hold, due_date,
    financial_year_of, progress, quarter_of,
};
use time::macros::date;

#[test]
fn the_due_date_is_6_calendar_months_after_notification_clamped_to_the_end_of_the_month() {
    for (notified, due) in [
        (date!(2025 - 08 - 31), date!(2026 - 02 - 28)),
        (date!(2023 - 08 - 31), date!(2024 - 02 - 29)),
        (date!(2023 - 08 - 29), date!(2024 - 02 - 29)),
        (date!(2025 - 08 - 30), date!(2026 - 02 - 28)),
        (date!(2026 - 01 - 31), date!(2026 - 07 - 31)),
        (date!(2025 - 01 - 31), date!(2025 - 07 - 31)),
        (date!(2025 - 03 - 31), date!(2025 - 09 - 30)),
        (date!(2025 - 12 - 31), date!(2026 - 06 - 30)),
        (date!(2025 - 07 - 01), date!(2026 - 01 - 01)),
        (date!(2025 - 12 - 15), date!(2026 - 06 - 15)),
    ] {
        assert_eq!(due_date(notified), due, "{notified}");
    }
}

#[test]
fn days_on_hold_count_each_interval_once_and_an_open_hold_runs_to_today() {
    let today = date!(2025 - 06 - 30);
    let hold = |start, end| HoldInterval { start, end };
    assert_eq!(days_on_hold(&[], today), 0);
    assert_eq!(
        days_on_hold(
            &[hold(date!(2025 - 03 - 03), Some(date!(2025 - 03 - 05)))],
            today
        ),
        2
    );
    assert_eq!(
        days_on_hold(
            &[hold(date!(2025 - 03 - 03), Some(date!(2025 - 03 - 03)))],
            today
        ),
        0
    );
    assert_eq!(
        days_on_hold(&[hold(date!(2025 - 06 - 20), None)], today),
        10
    );
    let overlapping = [
        hold(date!(2025 - 03 - 01), Some(date!(2025 - 03 - 11))),
        hold(date!(2025 - 03 - 06), Some(date!(2025 - 03 - 16))),
        hold(date!(2025 - 04 - 01), Some(date!(2025 - 04 - 02))),
    ];
    assert_eq!(days_on_hold(&overlapping, today), 16);
    assert_eq!(days_on_hold(&overlapping, date!(2025 - 03 - 08)), 7);
}

#[test]
fn an_open_case_is_overdue_only_after_its_due_date() {
    let notified = date!(2025 - 01 - 10);
    let on_due_date = progress(notified, &[], Standing::Open, date!(2025 - 07 - 10));
    assert_eq!(on_due_date.due_date, date!(2025 - 07 - 10));
    assert_eq!(on_due_date.days_elapsed, 181);
    assert!(!on_due_date.overdue);
    assert!(progress(notified, &[], Standing::Open, date!(2025 - 07 - 11)).overdue);
}

#[test]
fn a_hold_that_straddles_the_due_date_extends_it_by_its_days() {
    let notified = date!(2025 - 01 - 10);
    let holds = [HoldInterval {
        start: date!(2025 - 07 - 01),
        end: Some(date!(2025 - 07 - 20)),
    }];
    let before = progress(notified, &holds, Standing::Open, date!(2025 - 07 - 29));
    assert_eq!(before.days_on_hold, 19);
    assert_eq!(before.extended_due_date, date!(2025 - 07 - 29));
    assert!(!before.overdue);
    assert!(progress(notified, &holds, Standing::Open, date!(2025 - 07 - 30)).overdue);
}

#[test]
fn a_case_on_hold_past_its_due_date_is_not_overdue() {
    let notified = date!(2025 - 01 - 10);
    let holds = [HoldInterval {
        start: date!(2025 - 07 - 01),
        end: None,
    }];
    let held = progress(notified, &holds, Standing::OnHold, date!(2025 - 12 - 01));
    assert_eq!(held.days_on_hold, 153);
    assert!(!held.overdue);
}

#[test]
fn a_closed_case_is_never_overdue_and_its_clock_stops() {
    let notified = date!(2025 - 01 - 10);
    let closed = progress(
        notified,
        &[],
        Standing::Closed {
            on: date!(2025 - 09 - 01),
        },
        date!(2026 - 01 - 01),
    );
    assert!(!closed.overdue);
    assert_eq!(closed.days_elapsed, 234);
}

#[test]
fn completion_within_6_months_is_reported_as_such_and_net_of_holds() {
    let notified = date!(2025 - 08 - 31);
    let holds = [HoldInterval {
        start: date!(2025 - 10 - 01),
        end: Some(date!(2025 - 10 - 11)),
    }];
    assert_eq!(
        completed_within_target(notified, &holds, date!(2026 - 02 - 28)),
        (true, true)
    );
    assert_eq!(
        completed_within_target(notified, &holds, date!(2026 - 03 - 10)),
        (false, true)
    );
    assert_eq!(
        completed_within_target(notified, &holds, date!(2026 - 03 - 11)),
        (false, false)
    );
}

#[test]
fn a_financial_year_runs_from_1_april_to_31_march() {
    let year = Period::financial_year(2025).unwrap();
    assert_eq!(
        (year.start(), year.end()),
        (date!(2025 - 04 - 01), date!(2026 - 03 - 31))
    );
    assert!(!year.contains(date!(2025 - 03 - 31)));
    assert!(year.contains(date!(2025 - 04 - 01)));
    assert!(year.contains(date!(2026 - 03 - 31)));
    assert!(!year.contains(date!(2026 - 04 - 01)));
    assert_eq!(financial_year_of(date!(2026 - 03 - 31)), 2025);
    assert_eq!(financial_year_of(date!(2026 - 04 - 01)), 2026);
}

#[test]
fn a_calendar_year_of_death_runs_from_1_january_to_31_december() {
    let year = Period::calendar_year(2025).unwrap();
    assert!(!year.contains(date!(2024 - 12 - 31)));
    assert!(year.contains(date!(2025 - 01 - 01)));
    assert!(year.contains(date!(2025 - 12 - 31)));
    assert!(!year.contains(date!(2026 - 01 - 01)));
}

#[test]
fn a_year_no_date_can_hold_is_refused() {
    let error = Period::financial_year(9999).unwrap_err();
    assert_eq!(error.code(), "year_out_of_range");
    assert!(Period::calendar_year(100_000).is_err());
}

#[test]
fn quarters_of_death_are_calendar_quarters() {
    for (date, quarter) in [
        (date!(2025 - 01 - 01), 1),
        (date!(2025 - 03 - 31), 1),
        (date!(2025 - 04 - 01), 2),
        (date!(2025 - 06 - 30), 2),
        (date!(2025 - 07 - 01), 3),
        (date!(2025 - 09 - 30), 3),
        (date!(2025 - 10 - 01), 4),
        (date!(2025 - 12 - 31), 4),
    ] {
        assert_eq!(quarter_of(date), quarter, "{date}");
    }
}

#[test]
fn a_financial_quarter_runs_april_to_june_and_ends_on_31_march() {
    let q = |year, quarter| {
        let p = Period::financial_quarter(year, quarter).unwrap();
        (p.start(), p.end())
    };
    assert_eq!(q(2025, 1), (date!(2025 - 04 - 01), date!(2025 - 06 - 30)));
    assert_eq!(q(2025, 2), (date!(2025 - 07 - 01), date!(2025 - 09 - 30)));
    assert_eq!(q(2025, 3), (date!(2025 - 10 - 01), date!(2025 - 12 - 31)));
    assert_eq!(q(2025, 4), (date!(2026 - 01 - 01), date!(2026 - 03 - 31)));
    assert_eq!(
        q(2026, 1).0,
        date!(2026 - 04 - 01),
        "31 March and 1 April are two years"
    );
    assert!(Period::financial_quarter(2025, 0).is_err());
    assert!(Period::financial_quarter(2025, 5).is_err());
}
