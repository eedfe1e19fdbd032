//! Dashboards of an ICB or a region (DOMAIN.md, "Oversight"; API.md: `GET
//! /api/v1/organisations/{code}/dashboard`): SQL counts by ICB (`repo::dashboard`), and Rust
//! only what the domain decides: each open review's due date from its notification day and days
//! on hold (`time_targets`), and the medians from the day histograms.
//!
//! Who: an ICB's dashboard for its lead and QA panel, the coordinator of its region and admins;
//! a region's for its coordinator and admins. Another ICB or region answers 404, as another
//! ICB's case does; a role that may not read dashboards 403.

use std::collections::BTreeMap;

use leder_domain::disclosure::median_of_counts;
use leder_domain::organisations::{Hierarchy, OrgKind};
use leder_domain::time_targets::extended_due_date;
use leder_domain::workflow::{HoldReason, Role, Stage};
use leder_persistence::repo::dashboard::{self as repo, DashboardCounts, DaysCount};
use time::{Date, Duration};

use crate::auth::Caller;
use crate::clock::{start_of_english_day, today_in_england};
use crate::db;
use crate::dto::dashboard::{Dashboard, DashboardFigures, DashboardRow};
use crate::error::ApiError;
use crate::state::AppState;

/// Days an allocation may wait, and the look-ahead of "due soon" (DOMAIN.md, "Time").
const DAYS: i64 = 28;

/// What the caller asked for: an ICB or a region, and its ICBs today.
struct Subject {
    kind: OrgKind,
    icbs: Vec<String>,
}

/// The ICB or region `code` names on `today` if the caller may read its dashboard.
fn subject(caller: &Caller, h: &Hierarchy, code: &str, today: Date) -> Result<Subject, ApiError> {
    let entry = h
        .entry_on(code, Some(OrgKind::Icb), today)
        .or_else(|| h.entry_on(code, Some(OrgKind::Region), today))
        .ok_or(ApiError::NotFound)?;
    let admin = caller.has(Role::Admin);
    match entry.kind {
        OrgKind::Icb => {
            let own = caller.organisation.as_deref() == Some(code);
            let team = caller.has(Role::IcsLead) || caller.has(Role::QaPanel);
            let overseer = caller.oversees.iter().any(|icb| icb == code);
            if !(admin || team || caller.has(Role::RegionalCoordinator)) {
                return Err(ApiError::Forbidden(
                    "an ICB's dashboard is for its lead and QA panel, its region's coordinator \
                     and admins"
                        .into(),
                ));
            }
            if !(admin || (team && own) || overseer) {
                return Err(ApiError::NotFound);
            }
            Ok(Subject {
                kind: OrgKind::Icb,
                icbs: vec![code.to_owned()],
            })
        }
        _ => {
            if !(admin || caller.has(Role::RegionalCoordinator)) {
                return Err(ApiError::Forbidden(
                    "a region's dashboard is for its coordinator and admins".into(),
                ));
            }
            if !admin && caller.organisation.as_deref() != Some(code) {
                return Err(ApiError::NotFound);
            }
            let icbs = h.icbs_of_region(code, today);
            Ok(Subject {
                kind: OrgKind::Region,
                icbs: icbs.into_iter().map(str::to_owned).collect(),
            })
        }
    }
}

/// Everything counted for one ICB.
#[derive(Default)]
struct Tally {
    by_stage: BTreeMap<String, u64>,
    by_reason: BTreeMap<String, u64>,
    unallocated: u64,
    duplicates: u64,
    due_soon: u64,
    overdue: u64,
    to_allocation: Vec<(f64, u64)>,
    to_completion: Vec<(f64, u64)>,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn histogram(rows: &[DaysCount], icb: &str) -> Vec<(f64, u64)> {
    rows.iter()
        .filter(|r| r.organisation == icb)
        .filter_map(|r| Some((r.days? as f64, count(r.n))))
        .collect()
}

fn tally(c: &DashboardCounts, icb: &str, today: Date) -> Tally {
    let mut t = Tally::default();
    for r in c.open_by_stage.iter().filter(|r| r.organisation == icb) {
        *t.by_stage.entry(r.key.clone()).or_default() += count(r.n);
    }
    for r in c.on_hold_by_reason.iter().filter(|r| r.organisation == icb) {
        *t.by_reason.entry(r.key.clone()).or_default() += count(r.n);
    }
    t.unallocated = c
        .unallocated_since
        .iter()
        .filter(|r| r.organisation == icb)
        .map(|r| count(r.n))
        .sum();
    t.duplicates = c
        .duplicates
        .iter()
        .filter(|r| r.organisation == icb)
        .map(|r| count(r.n))
        .sum();
    let soon = today.saturating_add(Duration::days(DAYS));
    for r in c.clocks.iter().filter(|r| r.organisation == icb) {
        let due = extended_due_date(r.notified_on, r.held);
        if today > due {
            t.overdue += count(r.n);
        } else if due <= soon {
            t.due_soon += count(r.n);
        }
    }
    t.to_allocation = histogram(&c.to_allocation, icb);
    t.to_completion = histogram(&c.to_completion, icb);
    t
}

fn figures(t: &Tally) -> DashboardFigures {
    let open_by_stage: BTreeMap<String, u64> = Stage::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| {
            (
                s.as_str().to_owned(),
                *t.by_stage.get(s.as_str()).unwrap_or(&0),
            )
        })
        .collect();
    let on_hold_by_reason = HoldReason::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_owned(),
                *t.by_reason.get(r.as_str()).unwrap_or(&0),
            )
        })
        .collect();
    let sum = |h: &[(f64, u64)]| h.iter().map(|(_, n)| n).sum();
    DashboardFigures {
        open: open_by_stage.values().sum(),
        open_by_stage,
        unallocated_over_28_days: t.unallocated,
        due_within_28_days: t.due_soon,
        overdue: t.overdue,
        on_hold_by_reason,
        duplicates_awaiting_review: t.duplicates,
        allocated_last_12_months: sum(&t.to_allocation),
        // Not for publication: no small-numbers rule.
        median_days_to_allocation: median_of_counts(&t.to_allocation, u64::MAX),
        completed_last_12_months: sum(&t.to_completion),
        median_days_to_completion: median_of_counts(&t.to_completion, u64::MAX),
    }
}

fn merge(into: &mut Tally, from: Tally) {
    for (k, n) in from.by_stage {
        *into.by_stage.entry(k).or_default() += n;
    }
    for (k, n) in from.by_reason {
        *into.by_reason.entry(k).or_default() += n;
    }
    into.unallocated += from.unallocated;
    into.duplicates += from.duplicates;
    into.due_soon += from.due_soon;
    into.overdue += from.overdue;
    into.to_allocation.extend(from.to_allocation);
    into.to_completion.extend(from.to_completion);
}

/// The first day of the last 12 months: the day after the same date a year before (from 29
/// February, the day after 28 February).
fn window_start(today: Date) -> Date {
    let year_ago = today
        .replace_year(today.year() - 1)
        .or_else(|_| {
            today
                .replace_day(28)
                .and_then(|d| d.replace_year(d.year() - 1))
        })
        .unwrap_or(today);
    year_ago.next_day().unwrap_or(year_ago)
}

/// The dashboard of the ICB or region `code`, today.
pub async fn dashboard(
    state: &AppState,
    caller: &Caller,
    code: String,
) -> Result<Dashboard, ApiError> {
    let code = code.to_ascii_uppercase();
    let today = today_in_england();
    let hierarchy = crate::app::organisations::hierarchy(state).await?;
    let subject = subject(caller, &hierarchy, &code, today)?;
    let unallocated_before = today.saturating_sub(Duration::days(DAYS));
    let window_from_day = window_start(today);
    let window_from = start_of_english_day(window_from_day)?;
    let icbs = subject.icbs.clone();
    let counts = db::run(state, move |conn| {
        repo::dashboard_counts(
            conn,
            &icbs,
            unallocated_before,
            window_from,
            window_from_day,
        )
    })
    .await?;
    let mut total = Tally::default();
    let mut rows = Vec::with_capacity(subject.icbs.len());
    for icb in &subject.icbs {
        let t = tally(&counts, icb, today);
        rows.push(DashboardRow {
            organisation: icb.clone(),
            name: hierarchy
                .entry_on(icb, Some(OrgKind::Icb), today)
                .map_or_else(String::new, |o| o.name.clone()),
            figures: figures(&t),
        });
        merge(&mut total, t);
    }
    Ok(Dashboard {
        organisation: code,
        kind: subject.kind.as_str(),
        as_of: today,
        window_from: window_from_day,
        icbs: rows,
        total: figures(&total),
    })
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::window_start;

    #[test]
    fn the_last_12_months_start_the_day_after_the_same_date_a_year_before() {
        assert_eq!(window_start(date!(2026 - 11 - 29)), date!(2025 - 11 - 30));
        assert_eq!(window_start(date!(2028 - 02 - 29)), date!(2027 - 03 - 01));
        assert_eq!(window_start(date!(2026 - 01 - 01)), date!(2025 - 01 - 02));
    }
}
