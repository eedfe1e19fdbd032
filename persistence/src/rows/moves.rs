//! The row of a move of a case between ICBs.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::schema::review_moves;

/// A move.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = review_moves, treat_none_as_null = true)]
pub struct MoveRow {
    /// Id (UUID v7).
    pub id: String,
    /// The review.
    pub review_id: String,
    /// The ICB it was proposed from.
    pub from_organisation: String,
    /// The ICB proposed.
    pub to_organisation: String,
    /// The reason's wire name.
    pub reason: String,
    /// What the proposer said.
    pub text: Option<String>,
    /// The origin's wire name.
    pub origin: String,
    /// The status's wire name.
    pub status: String,
    /// Who proposed it.
    pub proposed_by: String,
    /// When (UTC).
    pub proposed_at: PrimitiveDateTime,
    /// Who answered it.
    pub decided_by: Option<String>,
    /// When (UTC).
    pub decided_at: Option<PrimitiveDateTime>,
    /// Why it was declined.
    pub decline_reason: Option<String>,
}
