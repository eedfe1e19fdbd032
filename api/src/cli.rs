//! The `leder` command line: `serve` (the default), `migrate`, `openapi`,
//! `organisations import <dir>`, `user`/`client create`, `audit verify`, `seed-demo` and
//! `reassess-avoidable`, `backup`/`restore`, `retention run`, `clocks run`, `storage sweep` and `import <file>`. Configuration comes from the environment (see
//! the README).

mod accounts;
mod audit;
mod backup;
mod data;
mod import;
mod jobs;
mod reference_data;
mod retention;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use leder_persistence::Pool;
use leder_persistence::repo::audit::NewAuditEntry;

use crate::audit::AuditWriter;
use crate::config::Config;
use crate::server::{Application, open_cli_database};

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
    /// Manage people's accounts.
    User {
        /// The user command.
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage machine clients.
    Client {
        /// The client command.
        #[command(subcommand)]
        command: ClientCommand,
    },
    /// Check the audit trail.
    Audit {
        /// The audit command.
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Load realistic synthetic cases for demos and benchmarks (marked synthetic; no events,
    /// no webhooks). Refuses a database that holds real cases unless --force.
    SeedDemo {
        /// How many reviews to create.
        #[arg(long)]
        reviews: usize,
        /// The random seed: the same seed gives the same cases.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Add demo cases even though the database holds real ones.
        #[arg(long)]
        force: bool,
    },
    /// Re-assess completed reviews under the current avoidable mortality list, so that a
    /// year's national figures can be republished on one version (audited; reports how many
    /// classifications changed).
    ReassessAvoidable {
        /// Only deaths in this calendar year.
        #[arg(long)]
        year: Option<i32>,
        /// Count what would change without recording anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write a consistent copy of the database to a new file (SQLite: VACUUM INTO, safe while
    /// the server runs; PostgreSQL: pg_dump in its custom format). Keep the audit key and the
    /// checkpoint file with it.
    Backup {
        /// The file to write (never overwritten).
        file: PathBuf,
        /// Only print the pg_dump and pg_restore commands for this database.
        #[arg(long)]
        print_commands: bool,
    },
    /// Emit the clocks' alerts now (`review.due_soon`, `review.overdue`, once per case).
    Clocks {
        /// The clocks command.
        #[command(subcommand)]
        command: ClocksCommand,
    },
    /// Remove stored documents no row names (`storage sweep`).
    Storage {
        /// The storage command.
        #[command(subcommand)]
        command: jobs::StorageCommand,
    },
    /// Dispose of the identifiable part of reviews past the retention period.
    Retention {
        /// The retention command.
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// Import existing reviews from another system: a CSV or NDJSON file, one review a row
    /// (README, "Importing existing reviews"). All or nothing; a re-run changes nothing. Exit 1
    /// when a row breaks a rule (then nothing is imported).
    Import {
        /// The file (`.csv`, `.ndjson` or `.jsonl`, or say which with --format).
        file: PathBuf,
        /// Check the file and report what would be imported, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// The file's format when its name does not say: csv or ndjson.
        #[arg(long)]
        format: Option<String>,
    },
    /// Restore a backup into the configured database (stop the server first). Refuses a
    /// database that is not empty unless --force.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Replace a database that holds data.
        #[arg(long)]
        force: bool,
    },
}

/// User subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. The password comes from LEDER_NEW_USER_PASSWORD, else a random one is printed.
    Create {
        /// Sign-in name.
        #[arg(long)]
        username: String,
        /// A role (repeat for several): admin, national_analyst, ics_lead, qa_panel, reviewer.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// The ICB's ODS code, for case roles.
        #[arg(long)]
        org: Option<String>,
        /// Name shown to others (default: the username).
        #[arg(long)]
        display_name: Option<String>,
    },
}

/// Client subcommands.
#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Create a machine client of an ICB; prints its id and secret (shown once).
    Create {
        /// The ICB's ODS code.
        #[arg(long)]
        org: String,
        /// What the client is.
        #[arg(long, default_value = "case system")]
        name: String,
    },
}

/// Audit subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk every chain against the last checkpoint and report the first broken link (exit 1
    /// when broken).
    Verify,
    /// Take a checkpoint of every chain's head now (appended to the checkpoint file).
    Checkpoint,
}

/// Clocks subcommands.
#[derive(Debug, Subcommand)]
pub enum ClocksCommand {
    /// Run the scheduler once: every open case due soon or overdue whose alert was not yet
    /// emitted gets it (what a running server does every LEDER_CLOCKS_EVERY_MINUTES).
    Run,
}

/// Retention subcommands.
#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Run the daily disposal now: every closed review past LEDER_RETENTION_YEARS and not on
    /// legal hold loses its identifiable part (one audit entry each).
    Run {
        /// Count what would be disposed of without changing anything.
        #[arg(long)]
        dry_run: bool,
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
        // The contract needs no configuration.
        return print_openapi();
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => return fail(&e.to_string()),
    };
    run_with(command, config).await
}

/// Runs one command with a given configuration (what `run` does after reading the
/// environment); returns the process exit code.
pub async fn run_with(command: Command, config: Config) -> ExitCode {
    match command {
        Command::Serve => serve(config).await,
        Command::Migrate => match open_cli_database(&config).await {
            Ok(_) => {
                log::info!("migrations applied");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e.to_string()),
        },
        Command::Organisations {
            command: OrganisationsCommand::Import { dir },
        } => reference_data::import_organisations(config, dir).await,
        Command::Openapi => print_openapi(),
        Command::User {
            command:
                UserCommand::Create {
                    username,
                    roles,
                    org,
                    display_name,
                },
        } => accounts::create_user(config, username, roles, org, display_name).await,
        Command::Client {
            command: ClientCommand::Create { org, name },
        } => accounts::create_client(config, org, name).await,
        Command::Audit {
            command: AuditCommand::Verify,
        } => audit::verify_audit(config).await,
        Command::Audit {
            command: AuditCommand::Checkpoint,
        } => audit::checkpoint_audit(config).await,
        Command::SeedDemo {
            reviews,
            seed,
            force,
        } => data::seed_demo(config, reviews, seed, force).await,
        Command::ReassessAvoidable { year, dry_run } => {
            data::reassess_avoidable(config, year, dry_run).await
        }
        Command::Backup {
            file,
            print_commands,
        } => backup::backup(config, file, print_commands).await,
        Command::Restore { file, force } => backup::restore(config, file, force).await,
        Command::Import {
            file,
            dry_run,
            format,
        } => import::import_reviews(config, file, dry_run, format).await,
        Command::Retention {
            command: RetentionCommand::Run { dry_run },
        } => retention::run(config, dry_run).await,
        Command::Clocks {
            command: ClocksCommand::Run,
        } => jobs::clocks_run(config).await,
        Command::Storage { command } => jobs::storage(config, command).await,
    }
}

fn print_openapi() -> ExitCode {
    match crate::openapi::yaml() {
        Ok(yaml) => {
            print!("{yaml}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!("cannot render the contract: {e}")),
    }
}

/// The audit entry of `leder <command>`, which did `action`.
pub(crate) fn cli_entry(
    command: &str,
    action: leder_domain::audit::AuditAction,
    subject: Option<String>,
) -> NewAuditEntry {
    NewAuditEntry {
        occurred_at: leder_persistence::reference::now_utc(),
        actor_kind: leder_domain::audit::ActorKind::Cli.as_str().to_owned(),
        actor_id: std::env::var("USER").ok(),
        actor_roles: String::new(),
        actor_organisation: None,
        method: "CLI".into(),
        route: format!("leder {command}"),
        action: action.as_str().to_owned(),
        subject,
        subject_organisation: None,
        outcome: leder_domain::audit::AuditOutcome::Success
            .as_str()
            .to_owned(),
        client_address: None,
    }
}

/// Runs `f` on a pooled connection on a blocking thread; any failure as one message.
pub(crate) async fn on_pool<T, E>(
    pool: Pool,
    f: impl FnOnce(&mut leder_persistence::DbConnection) -> Result<T, E> + Send + 'static,
) -> Result<T, String>
where
    T: Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    actix_web::web::block(move || {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        f(&mut conn).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// What the CLI's changes need: the pool, and an audit writer on a chain of its own.
pub(crate) async fn cli_state(config: &Config) -> Result<(Pool, AuditWriter), String> {
    let (url, pool) = open_cli_database(config).await.map_err(|e| e.to_string())?;
    let key = crate::audit::checkpoint::load_key(config, &url)?;
    let chain =
        leder_persistence::repo::audit::AuditChain::new(format!("{}-cli", config.replica_id), key);
    let audit = actix_web::web::block(move || AuditWriter::start(url, chain))
        .await
        .map_err(|e| e.to_string())??;
    Ok((pool, audit))
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

pub(crate) fn fail(message: &str) -> ExitCode {
    eprintln!("leder: {message}");
    ExitCode::from(2)
}
