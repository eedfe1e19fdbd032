//! Escalations by a regional coordinator (API.md: `/api/v1/reviews/{id}/escalations`).

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use validator::Validate;

use crate::dto::iso_date;

/// A new escalation.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Awaiting allocation for 40 days.", "agreed": "The lead allocates a reviewer this week.", "by_when": "2026-12-11"}))]
pub struct NewEscalation {
    /// Why the review is escalated (not blank).
    #[validate(length(min = 1, max = 2000, message = "must have 1 to 2000 characters"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
    /// What was agreed with the ICB (not blank).
    #[validate(length(min = 1, max = 2000, message = "must have 1 to 2000 characters"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub agreed: String,
    /// By when (a date in England, today or later).
    #[serde(with = "iso_date")]
    #[schema(example = "2026-12-11")]
    pub by_when: Date,
}

/// An escalation as recorded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Escalation {
    /// Id.
    pub id: String,
    /// The review.
    pub review_id: String,
    /// The review's ICB when it was recorded.
    #[schema(example = "QOP")]
    pub organisation: String,
    /// The coordinator's NHS England region.
    #[schema(example = "Y62")]
    pub region: String,
    /// Why.
    pub reason: String,
    /// What was agreed.
    pub agreed: String,
    /// By when.
    #[serde(with = "iso_date")]
    #[schema(example = "2026-12-11")]
    pub by_when: Date,
    /// The coordinator's user id.
    pub created_by: String,
    /// When (UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// The escalations of a review.
#[derive(Debug, Serialize, ToSchema)]
pub struct EscalationList {
    /// Oldest first.
    pub items: Vec<Escalation>,
}
