//! Readiness: does the database answer?

use diesel::connection::SimpleConnection;

use crate::connection::DbConnection;
use crate::error::PersistenceError;

/// Runs a trivial query that touches the schema, so a database that lost its tables is not ready.
pub fn ping(conn: &mut DbConnection) -> Result<(), PersistenceError> {
    conn.batch_execute("SELECT 1 FROM organisations WHERE 1 = 0")
        .map_err(|e| PersistenceError::Unavailable(e.to_string()))
}
