//! `leder organisations import <dir>` (a newer set of the organisation reference data) and
//! `leder clocks run` (the clocks' alerts now).

use std::path::PathBuf;
use std::process::ExitCode;

use leder_persistence::reference::{self, ReferenceFiles};

use crate::config::Config;
use crate::server::open_database;

use super::{cli_state, fail, on_pool};

/// `leder organisations import <dir>`.
pub(super) async fn import_organisations(config: Config, dir: PathBuf) -> ExitCode {
    let files = match ReferenceFiles::read_dir(&dir) {
        Ok(f) => f,
        Err(e) => return fail(&e.to_string()),
    };
    let (_, pool) = match open_database(&config).await {
        Ok(p) => p,
        Err(e) => return fail(&e.to_string()),
    };
    let origin = format!("import:{}", dir.display());
    let result = actix_web::web::block(move || {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        reference::import(&mut conn, &files, &origin).map_err(|e| e.to_string())
    })
    .await;
    match result {
        Ok(Ok(s)) => {
            println!(
                "organisations imported: {} added, {} updated, {} unchanged",
                s.added, s.updated, s.unchanged
            );
            ExitCode::SUCCESS
        }
        Ok(Err(e)) => fail(&e),
        Err(e) => fail(&e.to_string()),
    }
}

/// `leder clocks run`.
pub(super) async fn clocks_run(config: Config) -> ExitCode {
    let (pool, _) = match cli_state(&config).await {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let today = crate::clock::today_in_england();
    match on_pool(pool, move |conn| crate::app::clocks::run(conn, today)).await {
        Ok(c) if c.skipped => {
            println!("clocks: another replica is running them; nothing done");
            ExitCode::SUCCESS
        }
        Ok(c) => {
            println!("clocks: {} due soon, {} overdue", c.due_soon, c.overdue);
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}
