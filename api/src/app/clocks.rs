//! Clocks that call out (DOMAIN.md, "Time"): a scheduler in the server emits `review.due_soon`
//! (from 28 days before the extended due date) and `review.overdue` (open, not on hold, past
//! it) once per case, through the change feed and so the webhooks. A case on the Child Death
//! Review route is never due soon or overdue (its clock belongs to that process), nor is one
//! on hold while it is held. On PostgreSQL one replica runs it at a time, by an advisory lock;
//! "once" is the key of `review_alerts`, written in the same transaction as the event.

use leder_domain::review::{EventType, Happened, Review};
use leder_domain::time_targets;
use leder_persistence::connection::write_transaction;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::{clocks, review_store};
use leder_persistence::{DbConnection, PersistenceError};
use time::{Date, Duration};

use crate::cases::render_json;

/// What one run emitted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Called {
    /// `review.due_soon` events.
    pub due_soon: usize,
    /// `review.overdue` events.
    pub overdue: usize,
    /// Another replica held the scheduler's lock: this run did nothing.
    pub skipped: bool,
}

/// Reviews read per page.
const PAGE: i64 = 500;

/// One run on `today`: every clocked case due soon or overdue whose alert was not yet emitted
/// gets it now, in one transaction.
pub fn run(conn: &mut DbConnection, today: Date) -> Result<Called, PersistenceError> {
    write_transaction(conn, |conn| {
        if !clocks::try_lock(conn)? {
            return Ok(Called {
                skipped: true,
                ..Called::default()
            });
        }
        // Six calendar months less 28 days is never under 153 days: earlier cases cannot call.
        let notified_by = today - Duration::days(150);
        let mut called = Called::default();
        let mut after = None;
        loop {
            let page = clocks::candidates(conn, notified_by, after.clone(), PAGE)?;
            for review in &page {
                call(conn, review, today, &mut called)?;
            }
            match page.last() {
                Some(last) if page.len() as i64 == PAGE => {
                    after = Some((last.notified_at, last.id.clone()));
                }
                _ => return Ok(called),
            }
        }
    })
}

/// Emits the alert a case calls for on `today`, if not emitted before.
fn call(
    conn: &mut DbConnection,
    review: &Review,
    today: Date,
    called: &mut Called,
) -> Result<(), PersistenceError> {
    let progress = time_targets::progress(
        review.notified_on,
        &review.hold_intervals(),
        review.standing(),
        today,
    );
    let kind = if progress.overdue {
        EventType::ReviewOverdue
    } else if progress.due_soon {
        EventType::ReviewDueSoon
    } else {
        return Ok(());
    };
    let due_on = progress.extended_due_date;
    if !clocks::record(conn, &review.id, kind.as_str(), due_on, now_utc())? {
        return Ok(());
    }
    let happened = Happened {
        events: vec![kind],
        ..Happened::default()
    };
    review_store::emit(conn, review, &happened, &render_json(review))?;
    match kind {
        EventType::ReviewOverdue => called.overdue += 1,
        _ => called.due_soon += 1,
    }
    Ok(())
}

/// The server's scheduler: a run a minute after start, then every `minutes`.
pub async fn every(state: actix_web::web::Data<crate::state::AppState>, minutes: u64) {
    let interval = std::time::Duration::from_secs(minutes * 60);
    let start = actix_web::rt::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut ticks = actix_web::rt::time::interval_at(start, interval);
    loop {
        ticks.tick().await;
        let today = crate::clock::today_in_england();
        match crate::db::run(&state, move |conn| run(conn, today)).await {
            Ok(c) if c.due_soon + c.overdue > 0 => {
                log::info!("clocks: {} due soon, {} overdue", c.due_soon, c.overdue)
            }
            Ok(_) => {}
            Err(e) => log::warn!("clocks: no alerts this time: {e}"),
        }
    }
}
