//! The ICB annual report (DOMAIN.md, "Time" and "Publishing anonymised data"): figures for a
//! financial year computed from the stored rows, in one body that both the JSON and the CSV
//! form are written from, so the two always agree.
//!
//! Periods: notifications are counted by notification date, completions by completion date.
//! In the publishable form every count of people follows `domain::disclosure` (1–7 suppressed,
//! 8 and over rounded to 5) and a median or share of a group under 8 is withheld; each withheld
//! figure is named in `suppressed`. Actions are plans, not people, and are shown as counted.

use std::collections::BTreeMap;

use leder_domain::disclosure::{self, Disclosed, SMALLEST_SHOWN, disclose};
use leder_domain::eligibility::Route;
use leder_domain::review_type::{FocusedReason, ReviewType};
use leder_domain::time_targets::{HoldInterval, Period, completed_within_target};
use leder_domain::workflow::HoldReason;
use leder_persistence::PersistenceError;
use leder_persistence::records::cases::Theme;
use leder_persistence::repo::reports::AnnualRows;
use time::{Date, OffsetDateTime};

use crate::dto::actions::ActionStatus;
use crate::dto::reports::{
    ActionProgress, AnnualReport, Completions, Count, OverdueAction, ReportPeriod, ReportTheme,
};

/// How many themes the report lists.
const TOP_THEMES: usize = 10;

/// Applies the disclosure rule (or not) and remembers what it withheld.
struct Publisher {
    publishable: bool,
    suppressed: Vec<String>,
}

impl Publisher {
    fn count(&mut self, path: &str, n: u64) -> Count {
        if !self.publishable {
            return Some(n);
        }
        match disclose(n) {
            Disclosed::Shown(v) => Some(v),
            Disclosed::Suppressed => {
                self.suppressed.push(path.to_owned());
                None
            }
        }
    }

    fn share(&mut self, path: &str, numerator: u64, denominator: u64) -> Option<f64> {
        if denominator == 0 {
            return None;
        }
        if !self.publishable {
            return Some(numerator as f64 / denominator as f64);
        }
        let shown = disclosure::share(numerator as f64, denominator as f64, denominator);
        if shown.is_none() {
            self.suppressed.push(path.to_owned());
        }
        shown
    }

    fn median(&mut self, path: &str, values: &[f64]) -> Option<f64> {
        if values.is_empty() {
            return None;
        }
        // The unpublished form withholds nothing: the group size passed is the threshold.
        let group = if self.publishable {
            values.len() as u64
        } else {
            SMALLEST_SHOWN
        };
        let shown = disclosure::median(values, group);
        if shown.is_none() {
            self.suppressed.push(path.to_owned());
        }
        shown
    }

    fn counts(
        &mut self,
        section: &str,
        keys: impl IntoIterator<Item = String>,
        counted: &BTreeMap<String, u64>,
    ) -> BTreeMap<String, Count> {
        keys.into_iter()
            .map(|k| {
                let n = counted.get(&k).copied().unwrap_or(0);
                let shown = self.count(&format!("{section}.{k}"), n);
                (k, shown)
            })
            .collect()
    }
}

fn tally<'a>(keys: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for k in keys {
        *out.entry(k.to_owned()).or_insert(0) += 1;
    }
    out
}

fn definitions(publishable: bool, quarterly: bool) -> BTreeMap<String, String> {
    let period = if quarterly {
        "a quarter of the financial year: 1 April to 30 June, 1 July to 30 September, 1 October to 31 December, 1 January to 31 March; every 'year' below means the quarter"
    } else {
        "the financial year: 1 April to 31 March"
    };
    let mut d = BTreeMap::from([
        ("period", period),
        (
            "deaths",
            "reviews completed in the year (both routes), by age band at death, sex, ethnic group, place of death, underlying cause (3 characters, or 4 under a placeholder category such as U07), avoidability (ONS 2020, each under the list version it was assessed with) and, for LeDeR reviews, care grade",
        ),
        (
            "notifications",
            "deaths routed to the ICB and notified in the year, by notification date; eligibility outcomes, review types and focused reasons are of these",
        ),
        (
            "completions",
            "LeDeR reviews completed in the year, by completion date; the 6-month target is notification plus 6 calendar months, and net of holds that target extended by the days on hold",
        ),
        (
            "reviews_on_hold_by_reason",
            "reviews on hold at any time in the year, by the reason of each hold",
        ),
        (
            "top_themes",
            "themes of the learning points of reviews completed in the year",
        ),
        (
            "actions",
            "actions due or created in the year; overdue means open and due before today in England",
        ),
    ]);
    if publishable {
        d.insert("disclosure", "NHS England's rule: 1-7 suppressed, 8 and over rounded to the nearest 5; medians and shares of groups under 8 withheld");
    }
    d.into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Everything a report is computed from besides the rows.
pub struct ReportContext {
    /// The ICB.
    pub organisation: String,
    /// The financial year.
    pub year: i32,
    /// The quarter of it, for a quarterly report.
    pub quarter: Option<u8>,
    /// Its dates.
    pub period: Period,
    /// Today in England (for overdue actions).
    pub today: Date,
    /// Suppress small numbers.
    pub publishable: bool,
    /// The theme taxonomy, in display order.
    pub themes: Vec<Theme>,
}

/// Computes the report from its rows.
pub fn compute(ctx: &ReportContext, rows: &AnnualRows) -> Result<AnnualReport, PersistenceError> {
    let mut p = Publisher {
        publishable: ctx.publishable,
        suppressed: Vec::new(),
    };
    let notifications = p.count("notifications", rows.notified.len() as u64);
    let outcomes = tally(rows.notified.iter().map(|r| r.eligibility.outcome.as_str()));
    let eligibility_outcomes = p.counts(
        "eligibility_outcomes",
        ["eligible", "not_eligible", "opted_out"].map(str::to_owned),
        &outcomes,
    );
    let types = tally(
        rows.notified
            .iter()
            .filter_map(|r| r.review_type.map(ReviewType::as_str)),
    );
    let review_types = p.counts(
        "review_types",
        ["initial", "focused"].map(str::to_owned),
        &types,
    );
    let mut reasons: Vec<FocusedReason> = Vec::new();
    for r in rows
        .notified
        .iter()
        .filter(|r| r.review_type == Some(ReviewType::Focused))
    {
        reasons.extend(r.focused_reasons.iter().copied());
    }
    let focused_reviews_by_reason = p.counts(
        "focused_reviews_by_reason",
        FocusedReason::ALL.iter().map(|r| r.as_str().to_owned()),
        &tally(reasons.iter().map(|r| r.as_str())),
    );
    let completions = completions(&mut p, rows);
    // A review held twice for the same reason in the year counts once for it.
    let mut held: Vec<(&str, &str)> = rows
        .holds_in_period
        .iter()
        .map(|(review_id, h)| (h.reason.as_str(), review_id.as_str()))
        .collect();
    held.sort_unstable();
    held.dedup();
    let reviews_on_hold_by_reason = p.counts(
        "reviews_on_hold_by_reason",
        HoldReason::ALL.iter().map(|r| r.as_str().to_owned()),
        &tally(held.iter().map(|(reason, _)| *reason)),
    );
    let deaths = deaths::deaths(&mut p, &rows.completed);
    let top_themes = top_themes(&mut p, ctx, rows);
    let actions = actions(ctx, rows);
    Ok(AnnualReport {
        organisation: ctx.organisation.clone(),
        year: ctx.year,
        quarter: ctx.quarter,
        period: ReportPeriod {
            start: ctx.period.start(),
            end: ctx.period.end(),
        },
        publishable: ctx.publishable,
        extracted_at: OffsetDateTime::now_utc(),
        definitions: definitions(ctx.publishable, ctx.quarter.is_some()),
        notifications,
        eligibility_outcomes,
        review_types,
        focused_reviews_by_reason,
        completions,
        reviews_on_hold_by_reason,
        deaths,
        top_themes,
        actions,
        suppressed: p.suppressed,
    })
}

fn completions(p: &mut Publisher, rows: &AnnualRows) -> Completions {
    let mut days = Vec::new();
    let (mut within, mut within_net, mut cdr) = (0u64, 0u64, 0u64);
    for r in &rows.completed {
        let Some(completed_on) = r.completed_on else {
            continue;
        };
        if r.eligibility.route != Some(Route::LederReview) {
            cdr += 1;
            continue;
        }
        let holds: Vec<HoldInterval> = r
            .holds
            .iter()
            .map(|h| HoldInterval {
                start: h.started_on,
                end: h.ended_on,
            })
            .collect();
        let (as_such, net) = completed_within_target(r.notified_on, &holds, completed_on);
        within += u64::from(as_such);
        within_net += u64::from(net);
        days.push((completed_on - r.notified_on).whole_days() as f64);
    }
    let completed = days.len() as u64;
    let path = |f: &str| format!("completions.{f}");
    Completions {
        reviews_completed: p.count(&path("reviews_completed"), completed),
        child_death_review_outcomes: p.count(&path("child_death_review_outcomes"), cdr),
        median_days_to_completion: p.median(&path("median_days_to_completion"), &days),
        completed_within_6_months: p.count(&path("completed_within_6_months"), within),
        completed_within_6_months_net_of_holds: p
            .count(&path("completed_within_6_months_net_of_holds"), within_net),
        share_within_6_months: p.share(&path("share_within_6_months"), within, completed),
        share_within_6_months_net_of_holds: p.share(
            &path("share_within_6_months_net_of_holds"),
            within_net,
            completed,
        ),
    }
}

fn top_themes(p: &mut Publisher, ctx: &ReportContext, rows: &AnnualRows) -> Vec<ReportTheme> {
    let counted = tally(
        rows.learning
            .iter()
            .flat_map(|l| l.themes.iter().map(String::as_str)),
    );
    let mut ranked: Vec<&Theme> = ctx
        .themes
        .iter()
        .filter(|t| counted.contains_key(&t.code))
        .collect();
    // Most frequent first; ties in the taxonomy's order (a stable sort keeps it).
    ranked.sort_by_key(|t| std::cmp::Reverse(counted.get(&t.code).copied().unwrap_or(0)));
    ranked
        .into_iter()
        .take(TOP_THEMES)
        .map(|t| ReportTheme {
            theme: t.code.clone(),
            label: t.label.clone(),
            count: p.count(
                &format!("top_themes.{}", t.code),
                counted.get(&t.code).copied().unwrap_or(0),
            ),
        })
        .collect()
}

fn actions(ctx: &ReportContext, rows: &AnnualRows) -> ActionProgress {
    let mut by_status: BTreeMap<String, u64> = ActionStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), 0))
        .collect();
    let mut overdue = Vec::new();
    for a in &rows.actions {
        *by_status.entry(a.status.as_str().to_owned()).or_insert(0) += 1;
        if a.is_overdue(ctx.today) {
            overdue.push(OverdueAction {
                id: a.id.clone(),
                title: a.title.clone(),
                owner: a.owner.clone(),
                due_date: a.due_date,
                status: a.status,
            });
        }
    }
    ActionProgress { by_status, overdue }
}

mod csv;
mod deaths;

pub use csv::to_csv;
