//! Counters of the per-address limits, shared by every replica on the database: one row per
//! bucket (a limit and an address) and fixed window. Adding a hit is one atomic step on both
//! engines, so concurrent requests on any number of replicas are each counted once and the
//! limit holds at exactly its count.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::schema::rate_limits;

/// Adds one hit to `bucket`'s window starting at `window_start`; returns the window's hits so
/// far, this one included.
pub fn hit(
    conn: &mut DbConnection,
    bucket: &str,
    window_start: PrimitiveDateTime,
) -> Result<i64, PersistenceError> {
    let hits = match conn {
        // Dialect-specific: two replicas counting a window's first hit at once must not both
        // insert its row, so PostgreSQL adds it with an atomic upsert. SQLite's IMMEDIATE
        // transactions already run one writer at a time.
        DbConnection::Postgresql(pg) => diesel::insert_into(rate_limits::table)
            .values((
                rate_limits::bucket.eq(bucket),
                rate_limits::window_start.eq(window_start),
                rate_limits::hits.eq(1i64),
            ))
            .on_conflict((rate_limits::bucket, rate_limits::window_start))
            .do_update()
            .set(rate_limits::hits.eq(rate_limits::hits + 1))
            .returning(rate_limits::hits)
            .get_result(pg)?,
        DbConnection::Sqlite(_) => write_transaction(conn, |conn| {
            let bumped = diesel::update(rate_limits::table.find((bucket, window_start)))
                .set(rate_limits::hits.eq(rate_limits::hits + 1))
                .execute(conn)?;
            if bumped == 0 {
                diesel::insert_into(rate_limits::table)
                    .values((
                        rate_limits::bucket.eq(bucket),
                        rate_limits::window_start.eq(window_start),
                        rate_limits::hits.eq(1i64),
                    ))
                    .execute(conn)?;
            }
            rate_limits::table
                .find((bucket, window_start))
                .select(rate_limits::hits)
                .first::<i64>(conn)
        })?,
    };
    Ok(hits)
}

/// The hits of `bucket`'s window starting at `window_start` (0 when it has none).
pub fn hits(
    conn: &mut DbConnection,
    bucket: &str,
    window_start: PrimitiveDateTime,
) -> Result<i64, PersistenceError> {
    Ok(rate_limits::table
        .find((bucket, window_start))
        .select(rate_limits::hits)
        .first::<i64>(conn)
        .optional()?
        .unwrap_or(0))
}

/// Deletes the windows that started before `before`; returns how many.
pub fn sweep(
    conn: &mut DbConnection,
    before: PrimitiveDateTime,
) -> Result<usize, PersistenceError> {
    Ok(
        diesel::delete(rate_limits::table.filter(rate_limits::window_start.lt(before)))
            .execute(conn)?,
    )
}
