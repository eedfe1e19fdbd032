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
    Query(#[from] diesel::result::Error),
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

impl PersistenceError {
    /// Maps a unique-constraint violation to [`PersistenceError::Conflict`] with `message`.
    pub fn unique_as_conflict(e: diesel::result::Error, message: &str) -> Self {
        match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => PersistenceError::Conflict(message.to_owned()),
            other => PersistenceError::Query(other),
        }
    }
}
