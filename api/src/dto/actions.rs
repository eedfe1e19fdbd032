//! Bodies of SMART actions and of learning across cases (API.md, "Learning into action").

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use validator::Validate;

use leder_domain::review::LearningKind;

use super::{iso_date, patch_field, wire};

pub use leder_domain::action_plan::ActionStatus;

/// A SMART action to agree.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Repeat swallowing assessments after every admission for aspiration",
    "outcome_measure": "95% of people readmitted with aspiration have a SALT review within 7 days",
    "owner": "Community learning disability team", "due_date": "2026-09-30",
    "status": "planned", "learning_ids": [], "themes": ["aspiration_pneumonia", "dysphagia"]
}))]
pub struct NewAction {
    /// What will be done (specific).
    #[validate(length(min = 1, max = 300, message = "must have 1 to 300 characters"))]
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    /// How success is measured (measurable).
    #[validate(length(min = 1, max = 2000, message = "must have 1 to 2000 characters"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub outcome_measure: String,
    /// The role or team responsible (not necessarily a user).
    #[validate(length(min = 1, max = 200, message = "must have 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub owner: String,
    /// When it is due (time-bound).
    #[serde(with = "iso_date")]
    pub due_date: Date,
    /// Where it stands (`planned` by default).
    #[serde(default = "planned", with = "wire")]
    #[schema(schema_with = wire::schema::named::<ActionStatus>)]
    pub status: ActionStatus,
    /// Learning points of the ICB's reviews that it answers.
    #[serde(default)]
    pub learning_ids: Vec<String>,
    /// Theme codes from GET /api/v1/themes.
    #[serde(default)]
    pub themes: Vec<String>,
}

fn planned() -> ActionStatus {
    ActionStatus::Planned
}

/// Changes to an action (JSON Merge Patch); `null` clears `learning_ids` or `themes`.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionPatch {
    /// What will be done.
    #[validate(length(min = 1, max = 300, message = "must have 1 to 300 characters"))]
    #[schema(min_length = 1, max_length = 300)]
    pub title: Option<String>,
    /// How success is measured.
    #[validate(length(min = 1, max = 2000, message = "must have 1 to 2000 characters"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub outcome_measure: Option<String>,
    /// The role or team responsible.
    #[validate(length(min = 1, max = 200, message = "must have 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub owner: Option<String>,
    /// When it is due.
    #[serde(default, with = "iso_date::option")]
    pub due_date: Option<Date>,
    /// Where it stands.
    #[serde(default, with = "wire::option")]
    #[schema(schema_with = wire::schema::nullable::<ActionStatus>)]
    pub status: Option<ActionStatus>,
    /// Learning points it answers.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<Vec<String>>)]
    pub learning_ids: Option<Option<Vec<String>>>,
    /// Theme codes.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<Vec<String>>)]
    pub themes: Option<Option<Vec<String>>>,
}

/// A SMART action.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Action {
    /// Id.
    pub id: String,
    /// The ICB.
    pub organisation: String,
    /// What will be done.
    pub title: String,
    /// How success is measured.
    pub outcome_measure: String,
    /// The role or team responsible.
    pub owner: String,
    /// When it is due.
    #[serde(with = "iso_date")]
    pub due_date: Date,
    /// Where it stands.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<ActionStatus>)]
    pub status: ActionStatus,
    /// Learning points it answers.
    pub learning_ids: Vec<String>,
    /// Theme codes.
    pub themes: Vec<String>,
    /// Derived: still open (`planned` or `in_progress`) and its due date is before today in
    /// England.
    pub overdue: bool,
    /// The day it became `done`.
    #[serde(with = "iso_date::option")]
    pub completed_on: Option<Date>,
    /// The stored version (also the ETag).
    pub version: i64,
    /// Created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last change.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A page of actions, by due date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActionPage {
    /// Actions.
    pub items: Vec<Action>,
    /// The next page's cursor, or null.
    pub next_cursor: Option<String>,
}

/// One change of an action.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActionChange {
    /// Id.
    pub id: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    /// Who.
    pub actor_id: Option<String>,
    /// `created` or `updated`.
    pub change: String,
    /// The version it produced.
    pub version: i64,
    /// Each changed field: `{"field": {"from": ..., "to": ...}}`.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// An action's history, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActionHistory {
    /// Changes.
    pub items: Vec<ActionChange>,
}

/// A learning point of one of the ICB's reviews.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseLearning {
    /// Id (what an action's `learning_ids` names).
    pub id: String,
    /// The review.
    pub review_id: String,
    /// The review's reference.
    pub review_reference: String,
    /// `learning`, `good_practice` or `concern`.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<LearningKind>)]
    pub kind: LearningKind,
    /// Text.
    pub text: String,
    /// Theme codes.
    pub themes: Vec<String>,
    /// When it was recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// How many learning points carry a theme.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ThemeCount {
    /// Theme code.
    pub theme: String,
    /// Its label.
    pub label: String,
    /// Learning points tagged with it.
    pub count: u64,
}

/// Learning across the ICB's cases, with counts by theme over every match (not just the page).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseLearningPage {
    /// Learning points, oldest first.
    pub items: Vec<CaseLearning>,
    /// The next page's cursor, or null.
    pub next_cursor: Option<String>,
    /// Counts by theme, most frequent first.
    pub counts_by_theme: Vec<ThemeCount>,
}
