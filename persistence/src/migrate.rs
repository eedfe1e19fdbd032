//! Migrations, embedded in the binary, one folder per backend with identical names.
//!
//! They run at start-up and with `leder migrate`. On PostgreSQL they run under a session
//! advisory lock, so many replicas can start at once: the first migrates, the others wait and
//! then find nothing pending. After the SQL migrations the shipped reference data
//! (`reference/`) is loaded when it differs from what the database last loaded.

use diesel::RunQueryDsl;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::reference;

const POSTGRES: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// The advisory lock key that serialises migrations across replicas ("leder" in ASCII).
const MIGRATION_LOCK_KEY: i64 = 0x6c_6564_6572;

/// Applies pending migrations and loads changed reference data; returns the applied names.
pub fn run(conn: &mut DbConnection) -> Result<Vec<String>, PersistenceError> {
    let applied = match conn {
        DbConnection::Postgresql(pg) => {
            // Dialect-specific: only PostgreSQL has advisory locks; SQLite serialises writers
            // through its file lock already.
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
                .execute(pg)?;
            let result = pg
                .run_pending_migrations(POSTGRES)
                .map(|v| v.iter().map(ToString::to_string).collect::<Vec<_>>())
                .map_err(|e| PersistenceError::Migration(e.to_string()));
            diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
                .execute(pg)?;
            result?
        }
        DbConnection::Sqlite(sqlite) => sqlite
            .run_pending_migrations(SQLITE)
            .map(|v| v.iter().map(ToString::to_string).collect::<Vec<_>>())
            .map_err(|e| PersistenceError::Migration(e.to_string()))?,
    };
    reference::ensure_shipped(conn)?;
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    fn names(backend: &str) -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../migrations")
            .join(backend);
        std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let name = e.file_name().to_string_lossy().into_owned();
                assert!(
                    e.path().join("up.sql").is_file() && e.path().join("down.sql").is_file(),
                    "{backend}/{name} needs both up.sql and down.sql"
                );
                name
            })
            .collect()
    }

    #[test]
    fn postgres_and_sqlite_migration_folders_pair_by_name() {
        let pg = names("postgres");
        let sqlite = names("sqlite");
        assert!(!pg.is_empty());
        assert_eq!(
            pg, sqlite,
            "every migration needs a folder of the same name under migrations/postgres and migrations/sqlite"
        );
    }
}
