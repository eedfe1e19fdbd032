//! Moves of a case between ICBs (API.md: `/reviews/{id}/moves`, `/moves/{mid}/accept|decline`).

use leder_domain::moves::{MoveOrigin, MoveReason, MoveStatus};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::dto::wire;

/// A move proposed (by the case's lead) or made (by an admin).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "QE1", "reason": "out_of_area_placement",
    "text": "Placed in Preston by Lancashire and South Cumbria, which funds the placement."}))]
pub struct NewMove {
    /// The ICB proposed as responsible (its ODS code; an ICB that exists today, not the case's
    /// own).
    #[validate(length(min = 3, max = 5, message = "must have 3 to 5 characters"))]
    #[schema(
        min_length = 3,
        max_length = 5,
        pattern = "^[A-Za-z0-9]+$",
        example = "QE1"
    )]
    pub to: String,
    /// Why: `wrong_area`, `out_of_area_placement` or `other`.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<MoveReason>)]
    pub reason: MoveReason,
    /// What the receiving lead should know (required, not blank, with `other`).
    #[validate(length(max = 2000, message = "must have at most 2000 characters"))]
    #[schema(max_length = 2000)]
    pub text: Option<String>,
}

/// A decline, with why.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Our records show she lived in Bolton; Greater Manchester is responsible."}))]
pub struct DeclineMove {
    /// Why the case is not the receiving ICB's (not blank).
    #[validate(length(min = 1, max = 2000, message = "must have 1 to 2000 characters"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// A move of a case between ICBs.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MoveDto {
    /// Id.
    pub id: String,
    /// The case.
    pub review_id: String,
    /// The case's reference.
    pub reference: String,
    /// The ICB it was proposed from.
    #[schema(example = "QOP")]
    pub from: String,
    /// The ICB proposed.
    #[schema(example = "QE1")]
    pub to: String,
    /// Why.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<MoveReason>)]
    pub reason: MoveReason,
    /// What the proposer said.
    pub text: Option<String>,
    /// How it came about.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<MoveOrigin>)]
    pub origin: MoveOrigin,
    /// Where it stands.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<MoveStatus>)]
    pub status: MoveStatus,
    /// Who proposed it (or moved it, for an admin).
    pub proposed_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub proposed_at: OffsetDateTime,
    /// Who accepted or declined it.
    pub decided_by: Option<String>,
    /// When.
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
    /// Why it was declined.
    pub decline_reason: Option<String>,
}

/// Moves, newest or oldest first as the list says.
#[derive(Debug, Serialize, ToSchema)]
pub struct MoveList {
    /// The moves (the list comes whole).
    pub items: Vec<MoveDto>,
    /// Always null.
    pub next_cursor: Option<String>,
}

/// Filters of an ICB's moves.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MoveParams {
    /// Only moves of this status (`pending`: proposals awaiting an answer).
    #[param(schema_with = wire::schema::named::<MoveStatus>)]
    #[serde(default, with = "wire::option")]
    pub status: Option<MoveStatus>,
}
