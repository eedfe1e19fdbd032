//! A kept answer to an idempotent request, as the idempotency middleware and the intake read
//! and write it.

use time::PrimitiveDateTime;

use crate::rows::cases::IdempotencyRow;

/// A kept answer to an idempotent request (or a reservation, while `status` is pending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    /// The route and the principal the key belongs to.
    pub scope: String,
    /// The key.
    pub idempotency_key: String,
    /// SHA-256 of the request body, hex.
    pub request_hash: String,
    /// The answer's status (or pending).
    pub status: i64,
    /// The answer's headers kept, as a JSON object.
    pub headers: String,
    /// The answer's body.
    pub body: String,
    /// When it was first seen (UTC).
    pub created_at: PrimitiveDateTime,
}

impl From<IdempotencyRow> for IdempotencyRecord {
    fn from(row: IdempotencyRow) -> Self {
        IdempotencyRecord {
            scope: row.scope,
            idempotency_key: row.idempotency_key,
            request_hash: row.request_hash,
            status: row.status,
            headers: row.headers,
            body: row.body,
            created_at: row.created_at,
        }
    }
}

impl From<&IdempotencyRecord> for IdempotencyRow {
    fn from(r: &IdempotencyRecord) -> Self {
        IdempotencyRow {
            scope: r.scope.clone(),
            idempotency_key: r.idempotency_key.clone(),
            request_hash: r.request_hash.clone(),
            status: r.status,
            headers: r.headers.clone(),
            body: r.body.clone(),
            created_at: r.created_at,
        }
    }
}
