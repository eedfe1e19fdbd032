//! Backup and restore of the whole database (`leder backup`, `leder restore`).
//!
//! SQLite: `VACUUM INTO` writes a consistent, compacted copy through an ordinary read
//! transaction, so the server may keep running (writers are not blocked for long, readers not at
//! all). A restore replaces the configured file with a checked copy of the backup, by renaming
//! a copy in the same folder over it, and removes the old write-ahead log, which belongs to the
//! replaced file; the server must be stopped while it runs.
//!
//! PostgreSQL: `pg_dump --format=custom` and `pg_restore`, run from `PATH`. The password, when
//! the URL carries one, goes to them in `PGPASSWORD`, never on a command line other users can
//! read. [`postgres_commands`] states the same invocations for an operator to run by hand.
//!
//! Neither backs up what is outside the database: the audit key (`LEDER_AUDIT_KEY`), the audit
//! checkpoint file and the signing keys must be kept with a backup for the restored copy to
//! verify and to accept the tokens it issued.

use std::path::Path;
use std::process::Command;

use diesel::sqlite::SqliteConnection;
use diesel::{Connection, QueryableByName, RunQueryDsl};

use crate::connection::{DatabaseUrl, DbConnection};
use crate::error::PersistenceError;

/// What went wrong with a backup or restore.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The target exists and holds data, and `--force` was not given.
    #[error("{0} is not empty: restore over it with --force")]
    NotEmpty(String),
    /// The backup file is already there (a backup never overwrites).
    #[error("{0} already exists: a backup never overwrites a file")]
    Exists(String),
    /// The file given as a backup is not one.
    #[error("{file} is not a leder backup: {detail}")]
    NotABackup {
        /// The file.
        file: String,
        /// Why.
        detail: String,
    },
    /// `pg_dump` or `pg_restore` is not on `PATH`, or failed.
    #[error("{0}")]
    Tool(String),
    /// Reading or writing a file failed.
    #[error("{0}")]
    Io(String),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] PersistenceError),
}

/// What a backup or restore did, for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    /// One line saying what was written where.
    pub summary: String,
}

/// The `pg_dump` and `pg_restore` invocations for a PostgreSQL URL and a file, as an operator
/// would type them (the URL's password is shown as `$PGPASSWORD`).
pub fn postgres_commands(url: &str, file: &Path) -> (String, String) {
    let (url, _) = split_password(url);
    (
        format!(
            "pg_dump --format=custom --no-owner --file '{}' '{url}'",
            file.display()
        ),
        format!(
            "pg_restore --no-owner --exit-on-error [--clean --if-exists] --dbname '{url}' '{}'",
            file.display()
        ),
    )
}

/// Writes a consistent copy of the database at `url` to `file`, which must not exist.
pub fn backup(url: &DatabaseUrl, file: &Path) -> Result<Done, BackupError> {
    if file.exists() {
        return Err(BackupError::Exists(file.display().to_string()));
    }
    match url {
        DatabaseUrl::Sqlite(path) => {
            if !path.exists() {
                return Err(BackupError::Io(format!(
                    "{} does not exist",
                    path.display()
                )));
            }
            let mut conn = url.connect()?;
            let DbConnection::Sqlite(c) = &mut conn else {
                return Err(BackupError::Io("not a SQLite connection".into()));
            };
            let target = file
                .to_str()
                .ok_or_else(|| BackupError::Io("the backup path is not valid UTF-8".into()))?;
            // A consistent snapshot in one read transaction; the path is a bound parameter.
            diesel::sql_query("VACUUM INTO ?")
                .bind::<diesel::sql_types::Text, _>(target)
                .execute(c)
                .map_err(PersistenceError::from)?;
            owner_only(file)?;
            Ok(Done {
                summary: format!("SQLite backup of {} written to {}", path.display(), target),
            })
        }
        DatabaseUrl::Postgres(u) => {
            let (plain, password) = split_password(u);
            run_tool(
                Command::new("pg_dump")
                    .args(["--format=custom", "--no-owner", "--file"])
                    .arg(file)
                    .arg(&plain),
                password.as_deref(),
            )?;
            owner_only(file)?;
            Ok(Done {
                summary: format!(
                    "PostgreSQL backup (pg_dump custom format) written to {}",
                    file.display()
                ),
            })
        }
    }
}

/// Restores `file` into the database at `url`. Refuses a database that holds tables unless
/// `force`: SQLite then replaces the file, PostgreSQL drops what the backup recreates.
pub fn restore(url: &DatabaseUrl, file: &Path, force: bool) -> Result<Done, BackupError> {
    if !file.is_file() {
        return Err(BackupError::Io(format!(
            "{} does not exist",
            file.display()
        )));
    }
    match url {
        DatabaseUrl::Sqlite(path) => {
            check_sqlite_backup(file)?;
            let occupied = path.metadata().is_ok_and(|m| m.len() > 0);
            if occupied && !force {
                return Err(BackupError::NotEmpty(path.display().to_string()));
            }
            let dir = path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            std::fs::create_dir_all(dir).map_err(|e| BackupError::Io(e.to_string()))?;
            // Copy next to the target, then rename: the target is never half written.
            let staging = dir.join(format!(
                ".{}.restoring",
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ));
            std::fs::copy(file, &staging).map_err(|e| BackupError::Io(e.to_string()))?;
            owner_only(&staging)?;
            // The old file's write-ahead log would be replayed onto the restored copy.
            for suffix in ["-wal", "-shm"] {
                let side = format!("{}{suffix}", path.display());
                match std::fs::remove_file(&side) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(BackupError::Io(format!("{side}: {e}"))),
                }
            }
            std::fs::rename(&staging, path).map_err(|e| BackupError::Io(e.to_string()))?;
            Ok(Done {
                summary: format!("{} restored into {}", file.display(), path.display()),
            })
        }
        DatabaseUrl::Postgres(u) => {
            let occupied = postgres_has_tables(url)?;
            if occupied && !force {
                return Err(BackupError::NotEmpty("the PostgreSQL database".into()));
            }
            let (plain, password) = split_password(u);
            let mut cmd = Command::new("pg_restore");
            cmd.args(["--no-owner", "--exit-on-error"]);
            if occupied {
                cmd.args(["--clean", "--if-exists"]);
            }
            cmd.arg("--dbname").arg(&plain).arg(file);
            run_tool(&mut cmd, password.as_deref())?;
            Ok(Done {
                summary: format!("{} restored with pg_restore", file.display()),
            })
        }
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Opens a would-be SQLite backup read-only and checks that it is a whole leder database.
fn check_sqlite_backup(file: &Path) -> Result<(), BackupError> {
    let not = |detail: String| BackupError::NotABackup {
        file: file.display().to_string(),
        detail,
    };
    let uri = format!("file:{}?mode=ro", file.display());
    let mut conn = SqliteConnection::establish(&uri).map_err(|e| not(e.to_string()))?;
    let rows: Vec<Count> = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' \
         AND name IN ('__diesel_schema_migrations', 'reviews', 'audit_log')",
    )
    .load(&mut conn)
    .map_err(|e| not(e.to_string()))?;
    if rows.first().map(|r| r.n) != Some(3) {
        return Err(not("it has no leder tables".into()));
    }
    Ok(())
}

/// Whether the PostgreSQL database holds any table of its own.
fn postgres_has_tables(url: &DatabaseUrl) -> Result<bool, BackupError> {
    let mut conn = url.connect()?;
    let DbConnection::Postgresql(c) = &mut conn else {
        return Ok(false);
    };
    let rows: Vec<Count> = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM information_schema.tables \
         WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
    )
    .load(c)
    .map_err(PersistenceError::from)?;
    Ok(rows.first().is_some_and(|r| r.n > 0))
}

/// Runs a client tool; its failure says what it printed.
fn run_tool(cmd: &mut Command, password: Option<&str>) -> Result<(), BackupError> {
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let name = cmd.get_program().to_string_lossy().into_owned();
    let out = cmd.output().map_err(|e| {
        BackupError::Tool(format!(
            "cannot run {name} ({e}): install the PostgreSQL client tools or run the \
             command shown by `leder backup --print-commands` by hand"
        ))
    })?;
    if !out.status.success() {
        return Err(BackupError::Tool(format!(
            "{name} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

/// A backup holds everything identifiable: only its owner may read it.
fn owner_only(file: &Path) -> Result<(), BackupError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| BackupError::Io(format!("{}: {e}", file.display())))?;
    }
    Ok(())
}

/// Splits `postgres://user:secret@host/db` into the URL without the password and the password
/// (left in place when percent-encoded, which libpq decodes itself).
fn split_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return (url.to_owned(), None);
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return (url.to_owned(), None);
    };
    let Some((user, password)) = rest[..at].split_once(':') else {
        return (url.to_owned(), None);
    };
    if password.contains('%') {
        return (url.to_owned(), None);
    }
    (
        format!("{}{user}{}", &url[..scheme_end], &rest[at..]),
        Some(password.to_owned()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url() {
        assert_eq!(
            split_password("postgres://leder:s3cret@db:5432/leder?sslmode=require"),
            (
                "postgres://leder@db:5432/leder?sslmode=require".to_owned(),
                Some("s3cret".to_owned())
            )
        );
        assert_eq!(
            split_password("postgres://postgres@127.0.0.1/x"),
            ("postgres://postgres@127.0.0.1/x".to_owned(), None)
        );
    }
}
