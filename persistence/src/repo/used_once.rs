//! Values that may be used once, over every replica: a `private_key_jwt` assertion's `jti` (RFC
//! 7523 section 3: the server may keep used ones to refuse a replay) and a federated sign-in's
//! `state`.
//!
//! Rules: a value is taken by one insert that does nothing on conflict, so of two replicas
//! taking the same value at once exactly one succeeds, on either engine. A value is kept until
//! the thing it guards has run out (`expires_at`); rows past that are removed when a value of
//! the same issuer is taken.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::schema::used_once;

/// Takes `value` of `issuer` (a client id, or a fixed name for leder's own values) until
/// `expires_at`: `true` the first time, `false` when it was taken before.
pub fn take(
    conn: &mut DbConnection,
    issuer: &str,
    value: &str,
    expires_at: PrimitiveDateTime,
    now: PrimitiveDateTime,
) -> Result<bool, PersistenceError> {
    diesel::delete(
        used_once::table
            .filter(used_once::issuer.eq(issuer))
            .filter(used_once::expires_at.lt(now)),
    )
    .execute(conn)?;
    let row = (
        used_once::issuer.eq(issuer),
        used_once::value.eq(value),
        used_once::expires_at.eq(expires_at),
    );
    // `ON CONFLICT DO NOTHING` is written alike on both engines, but Diesel offers it only on
    // each concrete connection.
    let inserted = crate::on_concrete!(conn, |c| diesel::insert_into(used_once::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}
