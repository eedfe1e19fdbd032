//! `leder organisations import <dir>`: a newer set of the organisation reference data.

use std::path::PathBuf;
use std::process::ExitCode;

use leder_persistence::reference::{self, ReferenceFiles};

use crate::config::Config;
use crate::server::open_cli_database;

use super::fail;

/// `leder organisations import <dir>`.
pub(super) async fn import_organisations(config: Config, dir: PathBuf) -> ExitCode {
    let files = match ReferenceFiles::read_dir(&dir) {
        Ok(f) => f,
        Err(e) => return fail(&e.to_string()),
    };
    let (_, pool) = match open_cli_database(&config).await {
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
