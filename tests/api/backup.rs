//! `leder backup` and `leder restore` (README, "Backup and restore"): a server started on the
//! restored copy serves the same reviews, and its audit trail verifies with the same key and
//! checkpoint file (both kept outside the database). SQLite copies with `VACUUM INTO` while the
//! server runs; PostgreSQL goes through `pg_dump` and `pg_restore` (on `PATH` here).

use std::path::PathBuf;
use std::process::ExitCode;

use leder_api::cli::{AuditCommand, Command, run_with};
use leder_api::config::Config;
use leder_api::demo::CaseSpec;
use leder_persistence::{Backend, admin};
use time::macros::date;

use crate::both_backends;
use crate::helpers::{AUDIT_KEY, TestApp, USER_PASSWORD, json};
use crate::national_records::insert;

/// The configuration a command line run against `database_url` would have.
fn cli_config(database_url: &str, checkpoints: PathBuf) -> Config {
    let mut config = Config::from_lookup(|_| None).expect("defaults");
    config.database_url = database_url.to_owned();
    config.replica_id = "backup".into();
    config.pseudonym_key = Some("a-test-pseudonym-key-of-at-least-32-bytes".into());
    config.audit_key = Some(AUDIT_KEY.into());
    config.audit_checkpoint_file = Some(checkpoints);
    config
}

/// An empty database to restore into, and (on PostgreSQL) its name to drop afterwards.
fn empty_target(app: &TestApp, dir: &std::path::Path) -> (String, Option<(String, String)>) {
    match app.backend() {
        Backend::Sqlite => (
            format!(
                "sqlite://{}",
                dir.join("restored").join("leder.db").display()
            ),
            None,
        ),
        Backend::Postgres => {
            let server = std::env::var("LEDER_TEST_POSTGRES_URL").expect("server");
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .subsec_nanos();
            let name = format!("leder_t_{}_restore_{nanos}", std::process::id());
            admin::create_database(&server, &name, None).expect("empty database");
            (admin::with_database(&server, &name), Some((server, name)))
        }
    }
}

both_backends! {
    async fn a_restored_backup_serves_the_same_reviews_and_its_audit_trail_verifies(app) {
        let (_, lead) = app.user("lena.lead", &["ics_lead"], Some("QOP")).await;
        let ids = insert(&app, vec![CaseSpec::completed(date!(2024 - 03 - 05), 60)]).await;
        let before = json(app.get_as(&format!("/api/v1/reviews/{}", ids[0]), &lead).await, 200).await;
        let checkpoints = app.keys_dir.join("audit-checkpoints.ndjson");
        let config = || cli_config(&app.database_url, checkpoints.clone());
        assert_eq!(
            run_with(Command::Audit { command: AuditCommand::Checkpoint }, config()).await,
            ExitCode::SUCCESS
        );

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("leder.backup");
        // The server keeps running while the backup is taken.
        let backup = Command::Backup { file: file.clone(), print_commands: false };
        assert_eq!(run_with(backup, config()).await, ExitCode::SUCCESS);
        assert!(file.is_file());
        let again = Command::Backup { file: file.clone(), print_commands: false };
        assert_ne!(run_with(again, config()).await, ExitCode::SUCCESS, "a backup never overwrites");

        // Restoring over the live, non-empty database is refused without --force.
        let over = Command::Restore { file: file.clone(), force: false };
        assert_ne!(run_with(over, config()).await, ExitCode::SUCCESS);

        let (target, cleanup) = empty_target(&app, dir.path());
        let restore = || Command::Restore { file: file.clone(), force: false };
        assert_eq!(
            run_with(restore(), cli_config(&target, checkpoints.clone())).await,
            ExitCode::SUCCESS
        );
        assert_ne!(
            run_with(restore(), cli_config(&target, checkpoints.clone())).await,
            ExitCode::SUCCESS,
            "the restored database is not empty any more"
        );
        let forced = Command::Restore { file: file.clone(), force: true };
        assert_eq!(
            run_with(forced, cli_config(&target, checkpoints.clone())).await,
            ExitCode::SUCCESS
        );

        {
            let restored_url = target.clone();
            let restored_checkpoints = checkpoints.clone();
            let restored = app
                .another(move |c| {
                    c.database_url = restored_url;
                    c.audit_checkpoint_file = Some(restored_checkpoints);
                })
                .await;
            let token = restored.token("lena.lead", USER_PASSWORD).await;
            let after = json(
                restored.get_as(&format!("/api/v1/reviews/{}", ids[0]), &token).await,
                200,
            )
            .await;
            assert_eq!(after, before);
            let verify = Command::Audit { command: AuditCommand::Verify };
            assert_eq!(
                run_with(verify, cli_config(&target, checkpoints.clone())).await,
                ExitCode::SUCCESS
            );
        }
        if let Some((server, name)) = cleanup {
            let _ = admin::drop_database(&server, &name);
        }
    }

    async fn the_backup_command_states_the_postgresql_route(app) {
        let dir = tempfile::tempdir().unwrap();
        let print = Command::Backup { file: dir.path().join("x.dump"), print_commands: true };
        let config = cli_config(&app.database_url, dir.path().join("c.ndjson"));
        assert_eq!(run_with(print, config).await, ExitCode::SUCCESS);
        let (dump, restore) = leder_persistence::backup::postgres_commands(
            "postgres://leder:secret@db:5432/leder",
            &dir.path().join("x.dump"),
        );
        assert!(dump.starts_with("pg_dump --format=custom --no-owner --file "), "{dump}");
        assert!(dump.ends_with("'postgres://leder@db:5432/leder'"), "{dump}");
        assert!(!dump.contains("secret") && !restore.contains("secret"));
        assert!(restore.starts_with("pg_restore --no-owner --exit-on-error"), "{restore}");
    }
}
