//! The staff of an ICB (a reviewer picker for its lead) and a reviewer's own work.

use leder_domain::workflow::{Role, Stage};
use serde::Serialize;
use utoipa::ToSchema;

use super::wire;

/// How many open reviews a reviewer holds at one stage.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StageCount {
    /// The stage.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<Stage>)]
    pub stage: Stage,
    /// How many of the reviewer's open reviews are at it.
    pub count: i64,
}

/// A reviewer's open reviews.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OpenReviews {
    /// Every open review allocated to them (on hold and awaiting QA or sign-off included).
    pub total: i64,
    /// By stage, in the workflow's order; stages with none are left out.
    pub by_stage: Vec<StageCount>,
    /// Records requests of their reviews still awaited (asked, link working, nothing received).
    pub open_records_requests: i64,
}

/// One active account of the ICB.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StaffMember {
    /// The account's id (a review's `reviewer_id`, an allocation's `reviewer_id`).
    pub id: String,
    /// The sign-in name.
    pub username: String,
    /// The name shown to others.
    pub display_name: String,
    /// Its roles in the ICB.
    #[serde(with = "wire::list")]
    #[schema(schema_with = wire::schema::list::<Role>)]
    pub roles: Vec<Role>,
    /// For a reviewer, their open reviews (zero when none); null for an account without the
    /// reviewer role.
    pub open_reviews: Option<OpenReviews>,
}

/// The staff of an ICB.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffPage {
    /// Every active account of the ICB, by display name (an ICB's case team is small: the list
    /// comes whole).
    pub items: Vec<StaffMember>,
    /// Records requests of the ICB's reviews still awaited (asked, link working, nothing
    /// received), whoever holds the review.
    pub open_records_requests: i64,
    /// Always null: the list is never cut into pages.
    pub next_cursor: Option<String>,
}
