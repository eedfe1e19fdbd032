//! The persistence layer's error vocabulary. Only `api/src/error.rs` maps these to HTTP.

/// Everything that can go wrong below the API.
#[derive(Debug, thiserror::Error)]
pub enum PersistenceError {
    /// No pooled connection became free within the checkout timeout.
    #[error("no database connection became available in time")]
    PoolExhausted,
    /// The database could not be reached (connect failed, or it went away).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A query failed.
    #[error("database error: {0}")]
    Query(diesel::result::Error),
    /// The database's storage is full: nothing was written (SQLite's `SQLITE_FULL`, PostgreSQL's
    /// `53100 disk_full`). Reading still works; writing does again once space returns.
    #[error("the database's storage is full: {0}")]
    StorageFull(String),
    /// Migrations could not be applied.
    #[error("migration failed: {0}")]
    Migration(String),
    /// Reference data could not be read or is inconsistent.
    #[error("reference data: {0}")]
    Reference(String),
    /// A unique value is already taken (e.g. a username).
    #[error("{0}")]
    Conflict(String),
    /// The stored version differs from the one the caller read (optimistic concurrency).
    #[error("the resource changed since it was read")]
    StaleVersion,
    /// The database URL is not usable.
    #[error("{0}")]
    Url(String),
    /// A stored value does not parse: the record and column are named (for the log).
    #[error("{table} {id}: stored {field} does not parse: {detail}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The record's id.
        id: String,
        /// The column (or stored field).
        field: &'static str,
        /// What the parser said.
        detail: String,
    },
}

impl From<diesel::result::Error> for PersistenceError {
    fn from(e: diesel::result::Error) -> Self {
        if let Some(message) = storage_full(&e) {
            PersistenceError::StorageFull(message.to_owned())
        } else if connection_lost(&e) {
            PersistenceError::Unavailable(e.to_string())
        } else {
            PersistenceError::Query(e)
        }
    }
}

/// Whether `e` says the connection went away under a query (the server restarted, or ended
/// the session), rather than that the query was wrong: the database is unavailable for now.
/// Diesel knows some of these by their SQLSTATE (class 08, as `ClosedConnection`); PostgreSQL's
/// class 57P (`admin_shutdown`, `crash_shutdown`, `cannot_connect_now`) and libpq's own
/// messages are known by their wording, as diesel does not pass the SQLSTATE on.
fn connection_lost(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    const WORDING: [&str; 8] = [
        "terminating connection",
        "server closed the connection",
        "no connection to the server",
        "could not receive data from server",
        "could not send data to server",
        "the database system is shutting down",
        "the database system is starting up",
        "the database system is in recovery mode",
    ];
    match e {
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => true,
        Error::DatabaseError(_, info) => {
            let message = info.message();
            WORDING.iter().any(|w| message.contains(w))
        }
        Error::BrokenTransactionManager => true,
        Error::RollbackErrorOnCommit { commit_error, .. } => connection_lost(commit_error),
        _ => false,
    }
}

/// The engine's message when `e` says the storage is full. SQLite answers `SQLITE_FULL` with
/// "database or disk is full". Diesel does not hand PostgreSQL's SQLSTATE on, so its
/// `53100 disk_full` is known by the wording PostgreSQL gives it: the operating system's
/// "No space left on device" in the message, or the hint "Check free disk space.". A commit that
/// failed for want of space and whose rollback failed too is judged by the commit's error.
fn storage_full(e: &diesel::result::Error) -> Option<&str> {
    use diesel::result::Error;
    match e {
        Error::DatabaseError(_, info) => {
            let message = info.message();
            let full = message.contains("database or disk is full")
                || message.contains("No space left on device")
                || info.hint() == Some("Check free disk space.");
            full.then_some(message)
        }
        Error::RollbackErrorOnCommit { commit_error, .. } => storage_full(commit_error),
        _ => None,
    }
}

impl PersistenceError {
    /// Maps a unique-constraint violation to [`PersistenceError::Conflict`] with `message`.
    pub fn unique_as_conflict(e: diesel::result::Error, message: &str) -> Self {
        match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => PersistenceError::Conflict(message.to_owned()),
            other => PersistenceError::from(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorInformation, DatabaseErrorKind, Error};

    use super::PersistenceError;

    /// An engine's error as diesel reports it.
    struct Reported {
        message: &'static str,
        hint: Option<&'static str>,
    }

    impl DatabaseErrorInformation for Reported {
        fn message(&self) -> &str {
            self.message
        }
        fn details(&self) -> Option<&str> {
            None
        }
        fn hint(&self) -> Option<&str> {
            self.hint
        }
        fn table_name(&self) -> Option<&str> {
            None
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            None
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    fn reported(message: &'static str, hint: Option<&'static str>) -> PersistenceError {
        Error::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new(Reported { message, hint }),
        )
        .into()
    }

    #[test]
    fn a_full_disk_on_either_engine_is_storage_full_and_other_errors_stay_query_errors() {
        // SQLite's SQLITE_FULL.
        assert!(matches!(
            reported("database or disk is full", None),
            PersistenceError::StorageFull(_)
        ));
        // PostgreSQL's 53100 as it extends a table, and as it writes a temporary file.
        assert!(matches!(
            reported(
                "could not extend file \"base/16384/16402\": No space left on device",
                Some("Check free disk space.")
            ),
            PersistenceError::StorageFull(_)
        ));
        assert!(matches!(
            reported(
                "could not write to file \"base/pgsql_tmp/pgsql_tmp123.0\": No space left on device",
                None
            ),
            PersistenceError::StorageFull(_)
        ));
        // A failed commit whose rollback failed as well.
        let commit = Error::RollbackErrorOnCommit {
            rollback_error: Box::new(Error::BrokenTransactionManager),
            commit_error: Box::new(Error::DatabaseError(
                DatabaseErrorKind::Unknown,
                Box::new(String::from("database or disk is full")),
            )),
        };
        assert!(matches!(
            PersistenceError::from(commit),
            PersistenceError::StorageFull(_)
        ));
        assert!(matches!(
            reported("relation \"nowhere\" does not exist", None),
            PersistenceError::Query(_)
        ));
        assert!(matches!(
            PersistenceError::from(Error::NotFound),
            PersistenceError::Query(Error::NotFound)
        ));
    }

    #[test]
    fn a_connection_lost_under_a_query_is_unavailable_and_a_wrong_query_is_not() {
        for message in [
            "terminating connection due to administrator command",
            "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally",
            "no connection to the server",
            "the database system is shutting down",
        ] {
            assert!(
                matches!(reported(message, None), PersistenceError::Unavailable(_)),
                "{message}"
            );
        }
        assert!(matches!(
            PersistenceError::from(Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection,
                Box::new(String::from("connection closed"))
            )),
            PersistenceError::Unavailable(_)
        ));
        assert!(matches!(
            PersistenceError::from(Error::BrokenTransactionManager),
            PersistenceError::Unavailable(_)
        ));
        assert!(matches!(
            reported("syntax error at or near \"SELEC\"", None),
            PersistenceError::Query(_)
        ));
    }
}
