//! Legal holds (DOMAIN.md, "Retention"): a review under legal hold is never disposed of.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

/// Putting a review under legal hold.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Coroner's inquest, ref. 2046/113: keep until the inquest closes"}))]
pub struct LegalHoldRequest {
    /// Why the review's identifiable data must be kept past its retention period.
    #[validate(length(min = 1, max = 500, message = "must have 1 to 500 characters"))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// A review's legal hold.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"review_id": "0193a1b2-0000-7000-8000-000000000001", "reason": "Coroner's inquest, ref. 2046/113: keep until the inquest closes", "since": "2046-03-01T09:30:00Z"}))]
pub struct LegalHold {
    /// The review.
    pub review_id: String,
    /// Why.
    pub reason: String,
    /// Since when (the first time it was set; a new reason keeps it).
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
}

/// A review's legal hold, as the review shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"reason": "Coroner's inquest, ref. 2046/113: keep until the inquest closes", "since": "2046-03-01T09:30:00Z"}))]
pub struct ReviewLegalHold {
    /// Why the review's identifiable data is kept past its retention period.
    pub reason: String,
    /// Since when.
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
}
