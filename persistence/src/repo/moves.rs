//! Moves of cases between ICBs: written inside the review change that records them; a case has
//! at most one pending move (checked under the review's row lock, and by the unique index
//! `review_moves_one_pending`).

use diesel::prelude::*;
use leder_domain::moves::{CaseMove, MoveStatus};
use leder_domain::retention::DISPOSED_TEXT;

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::records::moves::{move_of, row_of};
use crate::rows::moves::MoveRow;
use crate::schema::{review_moves, reviews};

/// Records a new move.
pub fn insert(conn: &mut DbConnection, m: &CaseMove) -> Result<(), PersistenceError> {
    diesel::insert_into(review_moves::table)
        .values(row_of(m))
        .execute(conn)?;
    Ok(())
}

/// Stores an answered move.
pub fn update(conn: &mut DbConnection, m: &CaseMove) -> Result<(), PersistenceError> {
    diesel::update(review_moves::table.find(&m.id))
        .set(row_of(m))
        .execute(conn)?;
    Ok(())
}

/// One move of the review, if it is one of its moves.
pub fn get(
    conn: &mut DbConnection,
    review_id: &str,
    id: &str,
) -> Result<Option<CaseMove>, PersistenceError> {
    review_moves::table
        .find(id)
        .filter(review_moves::review_id.eq(review_id))
        .select(MoveRow::as_select())
        .get_result(conn)
        .optional()?
        .map(move_of)
        .transpose()
}

/// Whether the review has a pending move.
pub fn has_pending(conn: &mut DbConnection, review_id: &str) -> Result<bool, PersistenceError> {
    let n: i64 = review_moves::table
        .filter(review_moves::review_id.eq(review_id))
        .filter(review_moves::status.eq(MoveStatus::Pending.as_str()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The review's moves, oldest first.
pub fn of_review(
    conn: &mut DbConnection,
    review_id: &str,
) -> Result<Vec<CaseMove>, PersistenceError> {
    review_moves::table
        .filter(review_moves::review_id.eq(review_id))
        .order((review_moves::proposed_at.asc(), review_moves::id.asc()))
        .select(MoveRow::as_select())
        .load(conn)?
        .into_iter()
        .map(move_of)
        .collect()
}

/// The moves to and from an ICB (only those of `status`, when given), newest first.
pub fn of_organisation(
    conn: &mut DbConnection,
    organisation: &str,
    status: Option<MoveStatus>,
) -> Result<Vec<CaseMove>, PersistenceError> {
    let side = |to: bool| {
        let mut q = review_moves::table.into_boxed();
        q = if to {
            q.filter(review_moves::to_organisation.eq(organisation.to_owned()))
        } else {
            q.filter(review_moves::from_organisation.eq(organisation.to_owned()))
        };
        if let Some(s) = status {
            q = q.filter(review_moves::status.eq(s.as_str()));
        }
        q.select(MoveRow::as_select())
    };
    // Two index range scans (`review_moves_to`, `review_moves_from`) rather than an OR.
    let mut rows = side(true).load(conn)?;
    rows.extend(side(false).load(conn)?);
    rows.sort_by(|a, b| (b.proposed_at, &b.id).cmp(&(a.proposed_at, &a.id)));
    rows.into_iter().map(move_of).collect()
}

/// Erases what the proposers and receivers wrote (a positive opt-out check).
pub fn erase_text(conn: &mut DbConnection, review_id: &str) -> Result<(), PersistenceError> {
    diesel::update(review_moves::table.filter(review_moves::review_id.eq(review_id)))
        .set((
            review_moves::text.eq(None::<String>),
            review_moves::decline_reason.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Disposes of what the proposers and receivers wrote after the retention period.
pub fn dispose(conn: &mut DbConnection, review_id: &str) -> Result<(), PersistenceError> {
    let of_review = || review_moves::table.filter(review_moves::review_id.eq(review_id));
    diesel::update(of_review().filter(review_moves::text.is_not_null()))
        .set(review_moves::text.eq(DISPOSED_TEXT))
        .execute(conn)?;
    diesel::update(of_review().filter(review_moves::decline_reason.is_not_null()))
        .set(review_moves::decline_reason.eq(DISPOSED_TEXT))
        .execute(conn)?;
    Ok(())
}

/// The ICB a review belongs to now, if it exists (to find it for someone outside its scope:
/// the receiving lead of a move, or an admin).
pub fn organisation_of_review(
    conn: &mut DbConnection,
    review_id: &str,
) -> Result<Option<String>, PersistenceError> {
    Ok(reviews::table
        .find(review_id)
        .select(reviews::organisation)
        .get_result(conn)
        .optional()?)
}

/// The references of these reviews, by id.
pub fn references_of(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<std::collections::HashMap<String, String>, PersistenceError> {
    Ok(reviews::table
        .filter(reviews::id.eq_any(ids))
        .select((reviews::id, reviews::reference))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}
