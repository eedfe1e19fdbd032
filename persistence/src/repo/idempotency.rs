//! `Idempotency-Key` records: the first response to a key, replayed to retries.

use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::rows::cases::IdempotencyRow;
use crate::schema::idempotency_keys;

/// The stored record for a key, if any.
pub fn find(
    conn: &mut DbConnection,
    scope: &str,
    key: &str,
) -> Result<Option<IdempotencyRow>, PersistenceError> {
    Ok(idempotency_keys::table
        .find((scope, key))
        .select(IdempotencyRow::as_select())
        .first(conn)
        .optional()?)
}

/// Stores a record; a concurrent first writer wins ([`PersistenceError::Conflict`]).
pub fn insert(conn: &mut DbConnection, row: &IdempotencyRow) -> Result<(), PersistenceError> {
    diesel::insert_into(idempotency_keys::table)
        .values(row)
        .execute(conn)
        .map_err(|e| PersistenceError::unique_as_conflict(e, "idempotency key taken"))?;
    Ok(())
}
