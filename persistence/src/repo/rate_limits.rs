//! Counters of the per-address limits, shared by every replica on the database: one row per
//! bucket (a limit and an address) holding its current window, which starts at the bucket's
//! first hit after the last window ended. Adding a hit is one atomic step on both engines, so
//! concurrent requests on any number of replicas are each counted once and the limit holds at
//! exactly its count.

use diesel::dsl::case_when;
use diesel::prelude::*;
use diesel::sql_types::Timestamp;
use time::{Duration, PrimitiveDateTime};

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::schema::rate_limits;

/// A bucket's current window: when it started and its hits so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// When the window started (UTC).
    pub started: PrimitiveDateTime,
    /// Hits counted in it.
    pub hits: i64,
}

/// Adds one hit to `bucket` at `now`, in a new window when its last one (of `length`) has
/// ended; returns the window, this hit included.
pub fn hit(
    conn: &mut DbConnection,
    bucket: &str,
    now: PrimitiveDateTime,
    length: Duration,
) -> Result<Window, PersistenceError> {
    let ended = rate_limits::window_start.le(now - length);
    // Both assignments read the row as it was, so an ended window restarts at one hit.
    let started =
        case_when(ended, now.into_sql::<Timestamp>()).otherwise(rate_limits::window_start);
    let hits = case_when(ended, 1i64.into_sql::<diesel::sql_types::BigInt>())
        .otherwise(rate_limits::hits + 1);
    let first = (
        rate_limits::bucket.eq(bucket),
        rate_limits::window_start.eq(now),
        rate_limits::hits.eq(1i64),
    );
    let (started, hits) = match conn {
        // Dialect-specific: two replicas counting a bucket's first hit at once must not both
        // insert its row, so PostgreSQL adds it with an atomic upsert. SQLite's IMMEDIATE
        // transactions already run one writer at a time.
        DbConnection::Postgresql(pg) => diesel::insert_into(rate_limits::table)
            .values(first)
            .on_conflict(rate_limits::bucket)
            .do_update()
            .set((
                rate_limits::window_start.eq(started),
                rate_limits::hits.eq(hits),
            ))
            .returning((rate_limits::window_start, rate_limits::hits))
            .get_result(pg)?,
        DbConnection::Sqlite(_) => write_transaction(conn, |conn| {
            let bumped = diesel::update(rate_limits::table.find(bucket))
                .set((
                    rate_limits::window_start.eq(started),
                    rate_limits::hits.eq(hits),
                ))
                .execute(conn)?;
            if bumped == 0 {
                diesel::insert_into(rate_limits::table)
                    .values(first)
                    .execute(conn)?;
            }
            rate_limits::table
                .find(bucket)
                .select((rate_limits::window_start, rate_limits::hits))
                .get_result::<(PrimitiveDateTime, i64)>(conn)
        })?,
    };
    Ok(Window { started, hits })
}

/// `bucket`'s window at `now`, if one (of `length`) is running.
pub fn current(
    conn: &mut DbConnection,
    bucket: &str,
    now: PrimitiveDateTime,
    length: Duration,
) -> Result<Option<Window>, PersistenceError> {
    Ok(rate_limits::table
        .find(bucket)
        .filter(rate_limits::window_start.gt(now - length))
        .select((rate_limits::window_start, rate_limits::hits))
        .get_result::<(PrimitiveDateTime, i64)>(conn)
        .optional()?
        .map(|(started, hits)| Window { started, hits }))
}

/// Deletes the windows that started at or before `before`; returns how many.
pub fn sweep(
    conn: &mut DbConnection,
    before: PrimitiveDateTime,
) -> Result<usize, PersistenceError> {
    Ok(
        diesel::delete(rate_limits::table.filter(rate_limits::window_start.le(before)))
            .execute(conn)?,
    )
}
