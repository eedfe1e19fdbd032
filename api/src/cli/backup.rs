//! `leder backup <file>` and `leder restore <file> [--force]` (README, "Backup and restore"):
//! the database only. The audit key, the audit checkpoint file and the signing keys live outside
//! it and must be kept with each backup; a restored copy verifies (`leder audit verify`) only
//! with the same key and checkpoints.

use std::path::PathBuf;
use std::process::ExitCode;

use leder_persistence::DatabaseUrl;
use leder_persistence::backup;

use crate::config::Config;

use super::fail;

fn url(config: &Config) -> Result<DatabaseUrl, String> {
    DatabaseUrl::parse(&config.database_url).map_err(|e| e.to_string())
}

/// Prints the PostgreSQL commands an operator would run by hand (SQLite needs none).
fn print_commands(url: &DatabaseUrl, file: &std::path::Path) -> ExitCode {
    match url {
        DatabaseUrl::Postgres(u) => {
            let (dump, restore) = backup::postgres_commands(u, file);
            println!("backup:  {dump}");
            println!("restore: {restore}");
            println!(
                "(set PGPASSWORD when the URL needs a password; --clean only over a database that holds tables)"
            );
        }
        DatabaseUrl::Sqlite(_) => {
            println!(
                "SQLite: `leder backup <file>` copies with VACUUM INTO; nothing to run by hand"
            );
        }
    }
    ExitCode::SUCCESS
}

/// `leder backup`.
pub(super) async fn backup(config: Config, file: PathBuf, print_only: bool) -> ExitCode {
    let url = match url(&config) {
        Ok(u) => u,
        Err(e) => return fail(&e),
    };
    if print_only {
        return print_commands(&url, &file);
    }
    let result = actix_web::web::block(move || backup::backup(&url, &file)).await;
    report(result)
}

/// `leder restore`.
pub(super) async fn restore(config: Config, file: PathBuf, force: bool) -> ExitCode {
    let url = match url(&config) {
        Ok(u) => u,
        Err(e) => return fail(&e),
    };
    let result = actix_web::web::block(move || backup::restore(&url, &file, force)).await;
    report(result)
}

fn report(
    result: Result<Result<backup::Done, backup::BackupError>, actix_web::error::BlockingError>,
) -> ExitCode {
    match result {
        Ok(Ok(done)) => {
            println!("{}", done.summary);
            println!(
                "keep LEDER_AUDIT_KEY, the audit checkpoint file and the signing keys with it: \
                 the audit trail verifies only with them"
            );
            ExitCode::SUCCESS
        }
        Ok(Err(e)) => fail(&e.to_string()),
        Err(e) => fail(&e.to_string()),
    }
}
