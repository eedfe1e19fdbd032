//! `Idempotency-Key` records: a key is reserved (a record with status 0) before its request
//! runs, completed with the answer to replay, or released when the request failed. Records
//! older than the caller's cut-off count as absent and are purged.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::records::cases::IdempotencyRecord;
use crate::rows::cases::IdempotencyRow;
use crate::schema::idempotency_keys;

/// The status of a reserved record whose request is still running.
pub const PENDING: i64 = 0;

/// The stored record for a key, if any.
pub fn find(
    conn: &mut DbConnection,
    scope: &str,
    key: &str,
) -> Result<Option<IdempotencyRecord>, PersistenceError> {
    Ok(idempotency_keys::table
        .find((scope, key))
        .select(IdempotencyRow::as_select())
        .get_result(conn)
        .optional()?
        .map(IdempotencyRecord::from))
}

/// Stores a record; a concurrent first writer wins ([`PersistenceError::Conflict`]).
pub fn insert(conn: &mut DbConnection, row: &IdempotencyRecord) -> Result<(), PersistenceError> {
    diesel::insert_into(idempotency_keys::table)
        .values(IdempotencyRow::from(row))
        .execute(conn)
        .map_err(|e| PersistenceError::unique_as_conflict(e, "idempotency key taken"))?;
    Ok(())
}

/// What [`reserve`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// The key is the caller's now: run the request, then [`complete`] or [`release`].
    Reserved,
    /// Another request holds the key (its record; status [`PENDING`] while it runs, or its
    /// answer when a concurrent first request completed just now).
    Taken(IdempotencyRecord),
}

/// When a found record no longer counts.
#[derive(Debug, Clone, Copy)]
pub struct Cutoffs {
    /// Records created before this have expired.
    pub expired_before: PrimitiveDateTime,
    /// Reservations created before this were abandoned (their process died mid-request).
    pub abandoned_before: PrimitiveDateTime,
}

/// Reserves `row`'s key (stored with status [`PENDING`]), unless a live record holds it. The
/// reservation is an insert under the primary key, so of two concurrent requests exactly one
/// gets it on either engine: on PostgreSQL the second insert waits for the first to commit and
/// then meets the key; on SQLite writers take turns.
pub fn reserve(
    conn: &mut DbConnection,
    row: &IdempotencyRecord,
    cutoffs: Cutoffs,
) -> Result<Reservation, PersistenceError> {
    let outcome = write_transaction(conn, |conn| {
        if let Some(found) = find(conn, &row.scope, &row.idempotency_key)? {
            let expired = found.created_at < cutoffs.expired_before
                || (found.status == PENDING && found.created_at < cutoffs.abandoned_before);
            if !expired {
                return Ok(Reservation::Taken(found));
            }
            diesel::delete(
                idempotency_keys::table
                    .find((&row.scope, &row.idempotency_key))
                    .filter(idempotency_keys::created_at.eq(found.created_at)),
            )
            .execute(conn)?;
        }
        insert(
            conn,
            &IdempotencyRecord {
                status: PENDING,
                ..row.clone()
            },
        )?;
        Ok(Reservation::Reserved)
    });
    match outcome {
        // A concurrent request inserted the key first: it holds it.
        Err(PersistenceError::Conflict(_)) => Ok(find(conn, &row.scope, &row.idempotency_key)?
            .map_or(
                Reservation::Taken(IdempotencyRecord {
                    status: PENDING,
                    ..row.clone()
                }),
                Reservation::Taken,
            )),
        other => other,
    }
}

/// Stores the answer of a reserved key's request.
pub fn complete(
    conn: &mut DbConnection,
    scope: &str,
    key: &str,
    status: i64,
    headers: &str,
    body: &str,
) -> Result<(), PersistenceError> {
    diesel::update(
        idempotency_keys::table
            .find((scope, key))
            .filter(idempotency_keys::status.eq(PENDING)),
    )
    .set((
        idempotency_keys::status.eq(status),
        idempotency_keys::headers.eq(headers),
        idempotency_keys::body.eq(body),
    ))
    .execute(conn)?;
    Ok(())
}

/// Gives a reserved key up (its request failed, so a retry may run it again).
pub fn release(conn: &mut DbConnection, scope: &str, key: &str) -> Result<(), PersistenceError> {
    diesel::delete(
        idempotency_keys::table
            .find((scope, key))
            .filter(idempotency_keys::status.eq(PENDING)),
    )
    .execute(conn)?;
    Ok(())
}

/// Deletes the records created before `before`; returns how many.
pub fn purge(
    conn: &mut DbConnection,
    before: PrimitiveDateTime,
) -> Result<usize, PersistenceError> {
    Ok(
        diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(before)))
            .execute(conn)?,
    )
}
