//! Disposal after the retention period (DOMAIN.md, "Retention"): every closed review whose
//! period has passed and that is not under legal hold loses its identifiable part, one write
//! transaction and one audit entry per review (`persistence::repo::retention::dispose`). A dry
//! run only counts. The server runs this daily ([`every`]); `leder retention run` runs it now.

use leder_domain::audit::AuditAction;
use leder_domain::retention::RetentionPeriod;
use leder_persistence::repo::audit::Audited;
use leder_persistence::repo::retention::{dispose, due_for_disposal};
use leder_persistence::{DbConnection, PersistenceError};
use time::Date;

/// Reviews read per batch.
const BATCH: i64 = 500;

/// What a run found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionSummary {
    /// The last closing day whose retention had ended.
    pub last_closing_day: Option<Date>,
    /// Closed reviews past retention, not on legal hold and not yet disposed of.
    pub due: u64,
    /// Of which disposed of now (0 in a dry run).
    pub disposed: u64,
    /// The reviews disposed of now, whose documents' objects are to be removed.
    pub disposed_reviews: Vec<String>,
}

/// Disposes of (or, in a dry run, counts) every review past `period` on `today`. `audited`
/// is the entry each disposal appends, about its review.
pub fn run(
    conn: &mut DbConnection,
    period: RetentionPeriod,
    today: Date,
    dry_run: bool,
    audited: &Audited,
) -> Result<RetentionSummary, PersistenceError> {
    let last = period.last_closing_day(today);
    let mut summary = RetentionSummary {
        last_closing_day: Some(last),
        ..RetentionSummary::default()
    };
    let mut after = String::new();
    loop {
        let batch = due_for_disposal(conn, last, &after, BATCH)?;
        let Some(tail) = batch.last() else {
            break;
        };
        after = tail.id.clone();
        for review in &batch {
            summary.due += 1;
            if !dry_run && dispose(conn, &review.id, last, audited, &crate::cases::render_json)? {
                summary.disposed += 1;
                summary.disposed_reviews.push(review.id.clone());
            }
        }
    }
    Ok(summary)
}

/// The server's daily job: the first run an hour after start, then every `hours`.
pub async fn every(
    state: actix_web::web::Data<crate::state::AppState>,
    period: RetentionPeriod,
    hours: u64,
) {
    let interval = std::time::Duration::from_secs(hours * 3600);
    let start = actix_web::rt::time::Instant::now() + std::time::Duration::from_secs(3600);
    let mut ticks = actix_web::rt::time::interval_at(start, interval);
    loop {
        ticks.tick().await;
        let mut entry = crate::cli::cli_entry("retention run", AuditAction::Dispose, None);
        entry.actor_kind = leder_domain::audit::ActorKind::System.as_str().to_owned();
        entry.method = "JOB".into();
        entry.route = "retention".into();
        let audited = state.audit.audited(entry);
        let today = crate::clock::today_in_england();
        let result = crate::db::run(&state, move |conn| {
            run(conn, period, today, false, &audited)
        })
        .await;
        if let Ok(s) = &result {
            remove_documents(&state.storage, &s.disposed_reviews).await;
        }
        match result {
            Ok(s) if s.disposed > 0 => log::info!(
                "retention: disposed of {} reviews closed on or before {}",
                s.disposed,
                period.last_closing_day(today)
            ),
            Ok(_) => {}
            Err(e) => log::warn!("retention: nothing disposed of this time: {e}"),
        }
    }
}

/// Removes the stored documents of reviews disposed of (what fails stays for the sweep, since
/// no row names it any more).
pub async fn remove_documents(storage: &crate::storage::Storage, reviews: &[String]) {
    for id in reviews {
        if let Err(e) = storage.remove_review(id).await {
            log::warn!("retention: the documents of review {id} stay for the sweep: {e}");
        }
    }
}
