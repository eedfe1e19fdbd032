//! `leder retention run [--dry-run]`: the daily disposal after the retention period, now
//! (DOMAIN.md, "Retention"). One audit entry per review disposed of, on the command line's chain.

use leder_domain::audit::AuditAction;
use std::process::ExitCode;

use crate::config::Config;

use super::{cli_entry, cli_state, fail, on_pool};

/// `leder retention run`.
pub(super) async fn run(config: Config, dry_run: bool) -> ExitCode {
    let (pool, audit) = match cli_state(&config).await {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let entry = cli_entry("retention run", AuditAction::Dispose, None);
    let audited = audit.audited(entry);
    let period = config.retention;
    let url = match leder_persistence::DatabaseUrl::parse(&config.database_url) {
        Ok(u) => u,
        Err(e) => return fail(&e.to_string()),
    };
    let today = crate::clock::today_in_england();
    let result = on_pool(pool, move |conn| {
        crate::app::retention::run(conn, period, today, dry_run, &audited)
    })
    .await;
    if let Ok(s) = &result {
        match crate::storage::Storage::open(&config.evidence.storage_url_for(&url)) {
            Ok(storage) => {
                crate::app::retention::remove_documents(&storage, &s.disposed_reviews).await
            }
            Err(e) => log::warn!("retention: documents stay for the sweep: {e}"),
        }
    }
    match result {
        Ok(s) => {
            let last = period.last_closing_day(today);
            if dry_run {
                println!(
                    "retention (dry run): {} reviews closed on or before {last} ({} years) would be disposed of",
                    s.due,
                    period.years()
                );
            } else {
                println!(
                    "retention: {} of {} reviews closed on or before {last} ({} years) disposed of",
                    s.disposed,
                    s.due,
                    period.years()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}
