//! The jobs a running server does on a timer, run now from the command line: `clocks run`
//! and `storage sweep`.

use std::process::ExitCode;

use clap::Subcommand;

use super::{cli_state, fail, on_pool};
use crate::config::Config;

/// Storage subcommands.
#[derive(Debug, Subcommand)]
pub enum StorageCommand {
    /// Remove stored documents that no row names, once older than --older-than-minutes
    /// (default LEDER_STORAGE_SWEEP_AGE_MINUTES): what an upload interrupted before its commit
    /// left behind.
    Sweep {
        /// How old an unnamed object must be.
        #[arg(long)]
        older_than_minutes: Option<u64>,
    },
}

/// `leder storage sweep`.
pub(super) async fn storage(config: Config, command: StorageCommand) -> ExitCode {
    let StorageCommand::Sweep { older_than_minutes } = command;
    let (url, pool) = match crate::server::open_cli_database(&config).await {
        Ok(p) => p,
        Err(e) => return fail(&e.to_string()),
    };
    let storage = match crate::storage::Storage::open(&config.evidence.storage_url_for(&url)) {
        Ok(s) => s,
        Err(e) => return fail(&e.to_string()),
    };
    let minutes = older_than_minutes.unwrap_or(config.evidence.sweep_age_minutes);
    let age = std::time::Duration::from_secs(minutes * 60);
    match crate::app::evidence::sweep::run(&storage, &pool, age).await {
        Ok(s) => {
            println!(
                "storage sweep: {} objects older than {minutes} minutes, {} that no row named removed",
                s.examined, s.removed
            );
            ExitCode::SUCCESS
        }
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
