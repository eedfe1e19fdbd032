//! The scheduler's storage (DOMAIN.md, "Time"): the open reviews whose clock may call out, and
//! the record that an alert of a kind was emitted for a case (once per case, by the key). On
//! PostgreSQL one replica runs the scheduler at a time: each run takes a transaction-scoped
//! advisory lock and a replica that does not get it leaves the run to the one that did.

use diesel::prelude::*;
use leder_domain::review::Review;
use time::{Date, PrimitiveDateTime};

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::repo::review_store::reviews_of_rows;
use crate::rows::cases::ReviewRow;
use crate::schema::{review_alerts, reviews};

/// The stages whose LeDeR clock runs (not on hold, not closed, not on the Child Death Review
/// route, whose clock belongs to that process).
const CLOCKED: [&str; 5] = [
    "awaiting_allocation",
    "allocated",
    "in_review",
    "awaiting_qa",
    "awaiting_sign_off",
];

/// The advisory lock key of the scheduler ("clocks" in ASCII).
const CLOCKS_LOCK: i64 = 0x636c_6f63_6b73;

/// Takes the scheduler's lock for the rest of the transaction: false when another replica
/// holds it (PostgreSQL). SQLite's write transaction already runs one writer at a time.
pub fn try_lock(conn: &mut DbConnection) -> Result<bool, PersistenceError> {
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        locked: bool,
    }
    // Dialect-specific: advisory locks exist on PostgreSQL only.
    match conn {
        DbConnection::Postgresql(pg) => {
            let got: Locked = diesel::sql_query(format!(
                "SELECT pg_try_advisory_xact_lock({CLOCKS_LOCK}) AS locked"
            ))
            .get_result(pg)?;
            Ok(got.locked)
        }
        DbConnection::Sqlite(_) => Ok(true),
    }
}

/// The open, clocked reviews notified on or before `notified_by` (a case is due soon at the
/// earliest 6 months less 28 days after notification; holds only move that later), oldest
/// first, at most `limit`, after the review `after` (by notification).
pub fn candidates(
    conn: &mut DbConnection,
    notified_by: Date,
    after: Option<(PrimitiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<Review>, PersistenceError> {
    let mut q = reviews::table
        .filter(reviews::status.eq_any(CLOCKED))
        .filter(reviews::notified_on.le(notified_by))
        .filter(reviews::synthetic.eq(false))
        .into_boxed();
    if let Some((at, id)) = after {
        q = q.filter(
            reviews::notified_at
                .gt(at)
                .or(reviews::notified_at.eq(at).and(reviews::id.gt(id))),
        );
    }
    let rows = q
        .order((reviews::notified_at.asc(), reviews::id.asc()))
        .limit(limit)
        .select(ReviewRow::as_select())
        .load(conn)?;
    reviews_of_rows(conn, rows)
}

/// Records that the alert `kind` of a review was emitted: false when it already was.
pub fn record(
    conn: &mut DbConnection,
    review_id: &str,
    kind: &str,
    due_on: Date,
    at: PrimitiveDateTime,
) -> Result<bool, PersistenceError> {
    let already = review_alerts::table
        .find((review_id, kind))
        .select(review_alerts::kind)
        .get_result::<String>(conn)
        .optional()?
        .is_some();
    if already {
        return Ok(false);
    }
    diesel::insert_into(review_alerts::table)
        .values((
            review_alerts::review_id.eq(review_id),
            review_alerts::kind.eq(kind),
            review_alerts::due_on.eq(due_on),
            review_alerts::emitted_at.eq(at),
        ))
        .execute(conn)?;
    Ok(true)
}
