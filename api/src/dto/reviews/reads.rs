//! What a review's learning, themes and history read as.

use leder_domain::review::LearningKind;
use leder_domain::workflow::Stage;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::dto::wire;

/// A learning point.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LearningPoint {
    /// Id.
    pub id: String,
    /// The review.
    pub review_id: String,
    /// Text.
    pub text: String,
    /// Theme codes.
    pub themes: Vec<String>,
    /// Kind.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<LearningKind>)]
    pub kind: LearningKind,
    /// Author's user id.
    pub created_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Learning points of a review.
#[derive(Debug, Serialize, ToSchema)]
pub struct LearningList {
    /// Oldest first.
    pub items: Vec<LearningPoint>,
}

/// A theme.
#[derive(Debug, Serialize, ToSchema)]
pub struct Theme {
    /// Code.
    pub code: String,
    /// Label.
    pub label: String,
}

/// The theme taxonomy.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThemeList {
    /// In display order.
    pub items: Vec<Theme>,
}

/// A history entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// Id.
    pub id: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    /// Who (null for the public intake).
    pub actor_id: Option<String>,
    /// What.
    pub action: String,
    /// Stage before.
    #[serde(with = "wire::option")]
    #[schema(schema_with = wire::schema::nullable::<Stage>)]
    pub from_status: Option<Stage>,
    /// Stage after.
    #[serde(with = "wire::option")]
    #[schema(schema_with = wire::schema::nullable::<Stage>)]
    pub to_status: Option<Stage>,
    /// Details.
    pub detail: serde_json::Value,
}

/// A review's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct History {
    /// Oldest first.
    pub items: Vec<HistoryEntry>,
}
