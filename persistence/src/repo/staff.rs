//! The people who work on an ICB's cases (its staff list, a reviewer picker) and each
//! reviewer's caseload: who is active in the ICB, and how many open reviews each reviewer holds
//! at each stage, counted by SQL (`GROUP BY`), never by loading the reviews.

use diesel::prelude::*;
use leder_domain::review::Review;
use leder_domain::workflow::Stage;

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::records::identity::User;
use crate::repo::review_store::reviews_of_rows;
use crate::rows::cases::ReviewRow;
use crate::rows::identity::UserRow;
use crate::schema::{reviews, users};

/// The closed stages, as stored: every other stage is open.
const CLOSED: [&str; 3] = ["completed", "not_eligible", "opted_out"];

/// How many open reviews one reviewer holds at one stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caseload {
    /// The reviewer.
    pub reviewer_id: String,
    /// The stage.
    pub stage: Stage,
    /// How many.
    pub count: i64,
}

/// The ICB's active accounts, by display name.
pub fn active_of(
    conn: &mut DbConnection,
    organisation: &str,
) -> Result<Vec<User>, PersistenceError> {
    users::table
        .filter(users::organisation.eq(organisation))
        .filter(users::disabled.eq(false))
        .order((users::display_name.asc(), users::id.asc()))
        .select(UserRow::as_select())
        .load(conn)?
        .into_iter()
        .map(User::try_from)
        .collect()
}

/// The open reviews of the ICB that are allocated, counted by reviewer and stage.
pub fn caseloads(
    conn: &mut DbConnection,
    organisation: &str,
) -> Result<Vec<Caseload>, PersistenceError> {
    let rows: Vec<(Option<String>, String, i64)> = reviews::table
        .filter(reviews::organisation.eq(organisation))
        .filter(reviews::reviewer_id.is_not_null())
        .filter(reviews::status.ne_all(CLOSED))
        .group_by((reviews::reviewer_id, reviews::status))
        .select((
            reviews::reviewer_id,
            reviews::status,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    rows.into_iter()
        .filter_map(|(reviewer, status, count)| reviewer.map(|r| (r, status, count)))
        .map(|(reviewer_id, status, count)| {
            let stage = Stage::parse(&status).map_err(|e| PersistenceError::Corrupt {
                table: "reviews",
                id: format!("reviewer {reviewer_id}"),
                field: "status",
                detail: e.to_string(),
            })?;
            Ok(Caseload {
                reviewer_id,
                stage,
                count,
            })
        })
        .collect()
}

/// The open reviews of the ICB allocated to one reviewer (a reviewer's caseload is small: a
/// few dozen at most), in notification order; the caller orders them by due date.
pub fn open_allocated_to(
    conn: &mut DbConnection,
    organisation: &str,
    reviewer_id: &str,
) -> Result<Vec<Review>, PersistenceError> {
    let rows = reviews::table
        .filter(reviews::organisation.eq(organisation))
        .filter(reviews::reviewer_id.eq(reviewer_id))
        .filter(reviews::status.ne_all(CLOSED))
        .order((reviews::notified_at.asc(), reviews::id.asc()))
        .select(ReviewRow::as_select())
        .load(conn)?;
    reviews_of_rows(conn, rows)
}
