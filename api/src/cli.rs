//! The `leder` command line: `serve` (the default), `migrate`, `openapi`, and
//! `organisations import <dir>`. Configuration comes from the environment (see the README).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use leder_persistence::reference::{self, ReferenceFiles};

use crate::config::Config;
use crate::server::{Application, open_database};

/// leder: the API-first backend for LeDeR.
#[derive(Debug, Parser)]
#[command(name = "leder", version, about, long_about = None)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrating first).
    Serve,
    /// Apply pending migrations and load changed reference data, then exit.
    Migrate,
    /// Print the OpenAPI contract as YAML.
    Openapi,
    /// Manage the organisation reference data.
    Organisations {
        /// The organisation command.
        #[command(subcommand)]
        command: OrganisationsCommand,
    },
}

/// Organisation subcommands.
#[derive(Debug, Subcommand)]
pub enum OrganisationsCommand {
    /// Load a newer set of organisations.csv, organisation-parents.csv and
    /// organisation-successors.csv (adds and updates rows; never deletes history).
    Import {
        /// The folder holding the three files.
        dir: PathBuf,
    },
}

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> ExitCode {
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi = command {
        return match crate::openapi::yaml() {
            Ok(yaml) => {
                print!("{yaml}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&format!("cannot render the contract: {e}")),
        };
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => return fail(&e.to_string()),
    };
    match command {
        Command::Serve => serve(config).await,
        Command::Migrate => match open_database(&config).await {
            Ok(_) => {
                log::info!("migrations applied");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e.to_string()),
        },
        Command::Organisations {
            command: OrganisationsCommand::Import { dir },
        } => import(config, dir).await,
        Command::Openapi => ExitCode::SUCCESS,
    }
}

async fn serve(config: Config) -> ExitCode {
    let bind = config.bind;
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(e) => return fail(&e.to_string()),
    };
    log::info!(
        "leder listening on http://{}:{} (Swagger UI at /swagger-ui/)",
        bind.ip(),
        app.port()
    );
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("server stopped: {e}")),
    }
}

async fn import(config: Config, dir: PathBuf) -> ExitCode {
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

fn fail(message: &str) -> ExitCode {
    eprintln!("leder: {message}");
    ExitCode::from(2)
}
