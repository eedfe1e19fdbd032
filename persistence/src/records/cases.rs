//! The parts of a case besides the review itself, as the rest of leder reads and writes them:
//! notifications as received, learning points with their themes, history entries, the theme
//! taxonomy and kept idempotent answers. (The review is the domain's `Review`; holds are the
//! domain's `Hold`.)

use leder_domain::notifier::Relationship;
use leder_domain::review::{LearningKind, OptOutAnswer};
use leder_domain::workflow::Stage;
use leder_domain::{PlaceOfDeath, Sex};
use time::{Date, PrimitiveDateTime};

use crate::error::PersistenceError;
use crate::rows::cases::{HistoryRow, LearningRow, LearningThemeRow, NotificationRow, ThemeRow};
use crate::stored::lists::corrupt;
use crate::stored::notified::{notifier_to_json, person_to_json};

pub use super::idempotency::IdempotencyRecord;

/// A notification as received, linked to the review it made or joined.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// Id.
    pub id: String,
    /// Its reference (`LDR-…`), given to the notifier.
    pub reference: String,
    /// The review it made, or the earlier review it was linked to.
    pub review_id: String,
    /// Whether it was linked to an earlier review of the same person.
    pub duplicate: bool,
    /// When it arrived (UTC).
    pub received_at: PrimitiveDateTime,
    /// The area code it named.
    pub area_code: String,
    /// The person as notified (absent after an opt-out or a disposal).
    pub person: Option<NotifiedPerson>,
    /// The notifier as notified (absent after an opt-out or a disposal).
    pub notifier: Option<Notifier>,
    /// The circumstances as notified.
    pub circumstances: Option<String>,
    /// Whether the family asked for a focused review.
    pub family_requests_focused_review: bool,
    /// Where a professional's or an ICS system's notification came from.
    pub source: Option<Source>,
    /// The notifying professional's organisation (ODS code).
    pub notifying_organisation: Option<String>,
    /// The person's GP practice (ODS code).
    pub gp_practice: Option<String>,
}

/// Where a notification came from: the submitting ICB's system and its id for the case,
/// unique per ICB and system (a repeat finds the case the first made).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The submitting ICB (the caller's).
    pub organisation: String,
    /// The system's name.
    pub system: String,
    /// The system's id for the case.
    pub id: String,
}

impl From<&Notification> for NotificationRow {
    fn from(n: &Notification) -> Self {
        NotificationRow {
            id: n.id.clone(),
            reference: n.reference.clone(),
            review_id: n.review_id.clone(),
            duplicate: n.duplicate,
            received_at: n.received_at,
            area_code: n.area_code.clone(),
            person_json: n.person.as_ref().map(person_to_json),
            notifier_json: n.notifier.as_ref().map(notifier_to_json),
            circumstances: n.circumstances.clone(),
            family_requests_focused_review: n.family_requests_focused_review,
            acknowledged_at: None,
            acknowledged_by: None,
            applied: false,
            source_organisation: n.source.as_ref().map(|s| s.organisation.clone()),
            source_system: n.source.as_ref().map(|s| s.system.clone()),
            source_id: n.source.as_ref().map(|s| s.id.clone()),
            notifying_organisation: n.notifying_organisation.clone(),
            gp_practice: n.gp_practice.clone(),
        }
    }
}

/// A notification of a case as its case team reads it, with the lead's acknowledgement.
#[derive(Debug, Clone)]
pub struct CaseNotification {
    /// The notification as it came.
    pub notification: Notification,
    /// When the lead acknowledged it (a duplicate), if they have.
    pub acknowledged_at: Option<PrimitiveDateTime>,
    /// Who acknowledged it (null for one acknowledged before this was recorded).
    pub acknowledged_by: Option<String>,
    /// Whether its facts were applied to the person then.
    pub applied: bool,
}

impl TryFrom<NotificationRow> for CaseNotification {
    type Error = PersistenceError;

    fn try_from(row: NotificationRow) -> Result<Self, Self::Error> {
        let bad = |field: &'static str, detail: String| PersistenceError::Corrupt {
            table: "notifications",
            id: row.id.clone(),
            field,
            detail,
        };
        let person = row
            .person_json
            .as_deref()
            .map(crate::stored::notified::person_from_json)
            .transpose()
            .map_err(|e| bad("person_json", e))?;
        let notifier = row
            .notifier_json
            .as_deref()
            .map(crate::stored::notified::notifier_from_json)
            .transpose()
            .map_err(|e| bad("notifier_json", e))?;
        Ok(CaseNotification {
            notification: Notification {
                id: row.id,
                reference: row.reference,
                review_id: row.review_id,
                duplicate: row.duplicate,
                received_at: row.received_at,
                area_code: row.area_code,
                person,
                notifier,
                circumstances: row.circumstances,
                family_requests_focused_review: row.family_requests_focused_review,
                source: match (row.source_organisation, row.source_system, row.source_id) {
                    (Some(organisation), Some(system), Some(id)) => Some(Source {
                        organisation,
                        system,
                        id,
                    }),
                    _ => None,
                },
                notifying_organisation: row.notifying_organisation,
                gp_practice: row.gp_practice,
            },
            acknowledged_at: row.acknowledged_at,
            acknowledged_by: row.acknowledged_by,
            applied: row.applied,
        })
    }
}

/// The person as the notification gave them (kept as notified; the review keeps the parsed,
/// corrected form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifiedPerson {
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// NHS number as given.
    pub nhs_number: Option<String>,
    /// Date of birth.
    pub date_of_birth: Date,
    /// Date of death.
    pub date_of_death: Date,
    /// Sex.
    pub sex: Sex,
    /// Ethnic category code as given.
    pub ethnic_category: Option<String>,
    /// Whether they had a learning disability.
    pub learning_disability: bool,
    /// Whether they were autistic.
    pub autistic: bool,
    /// Whether they lived in England.
    pub lived_in_england: bool,
    /// What the notifier said about a national data opt-out.
    pub national_data_opt_out: OptOutAnswer,
    /// The area code given.
    pub area_code: String,
    /// Where they died.
    pub place_of_death: Option<PlaceOfDeath>,
}

/// Who notified the death.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notifier {
    /// Name.
    pub name: String,
    /// Relationship to the person.
    pub relationship: Relationship,
    /// Email.
    pub email: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// Their organisation.
    pub organisation: Option<String>,
}

/// A learning point with its themes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearningPoint {
    /// Id.
    pub id: String,
    /// The review it was learnt from.
    pub review_id: String,
    /// The review's ICB when it was written.
    pub organisation: String,
    /// Learning, good practice or a concern.
    pub kind: LearningKind,
    /// What was learnt.
    pub text: String,
    /// Who wrote it.
    pub created_by: String,
    /// Written (UTC).
    pub created_at: PrimitiveDateTime,
    /// Theme codes, sorted, each once.
    pub themes: Vec<String>,
}

impl LearningPoint {
    /// The point with its themes sorted and each once.
    pub fn with_themes(mut self, mut themes: Vec<String>) -> Self {
        themes.sort();
        themes.dedup();
        self.themes = themes;
        self
    }

    /// The point's row.
    pub(crate) fn row(&self) -> LearningRow {
        LearningRow {
            id: self.id.clone(),
            review_id: self.review_id.clone(),
            organisation: self.organisation.clone(),
            kind: self.kind.as_str().to_owned(),
            text: self.text.clone(),
            created_by: self.created_by.clone(),
            created_at: self.created_at,
        }
    }

    /// The rows of its themes.
    pub(crate) fn theme_rows(&self) -> Vec<LearningThemeRow> {
        self.themes
            .iter()
            .map(|theme| LearningThemeRow {
                learning_id: self.id.clone(),
                theme: theme.clone(),
            })
            .collect()
    }

    /// The point of `row` with `themes`.
    pub(crate) fn from_row(
        row: LearningRow,
        themes: Vec<String>,
    ) -> Result<Self, PersistenceError> {
        Ok(LearningPoint {
            kind: LearningKind::parse(&row.kind)
                .map_err(|e| corrupt("learning_points", &row.id, "kind")(e.to_string()))?,
            id: row.id,
            review_id: row.review_id,
            organisation: row.organisation,
            text: row.text,
            created_by: row.created_by,
            created_at: row.created_at,
            themes: Vec::new(),
        }
        .with_themes(themes))
    }
}

/// One entry of a review's history, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// Id.
    pub id: String,
    /// The review.
    pub review_id: String,
    /// When (UTC).
    pub occurred_at: PrimitiveDateTime,
    /// Who (none: the intake).
    pub actor_id: Option<String>,
    /// Their roles then, comma-joined as the audit trail keeps them.
    pub actor_roles: String,
    /// What was done: `created`, `transition:<action>`, `findings_updated`, ...
    pub action: String,
    /// The stage before.
    pub from: Option<Stage>,
    /// The stage after.
    pub to: Option<Stage>,
    /// The details.
    pub detail: serde_json::Value,
}

impl TryFrom<HistoryRow> for HistoryEntry {
    type Error = PersistenceError;

    fn try_from(row: HistoryRow) -> Result<Self, Self::Error> {
        let stage = |stored: Option<String>, field: &'static str| {
            stored
                .map(|s| Stage::parse(&s))
                .transpose()
                .map_err(|e| corrupt("review_history", &row.id, field)(e.to_string()))
        };
        let from = stage(row.from_status.clone(), "from_status")?;
        let to = stage(row.to_status.clone(), "to_status")?;
        Ok(HistoryEntry {
            detail: serde_json::from_str(&row.detail)
                .map_err(|e| corrupt("review_history", &row.id, "detail")(e.to_string()))?,
            id: row.id,
            review_id: row.review_id,
            occurred_at: row.occurred_at,
            actor_id: row.actor_id,
            actor_roles: row.actor_roles,
            action: row.action,
            from,
            to,
        })
    }
}

impl From<&HistoryEntry> for HistoryRow {
    fn from(h: &HistoryEntry) -> Self {
        HistoryRow {
            id: h.id.clone(),
            review_id: h.review_id.clone(),
            occurred_at: h.occurred_at,
            actor_id: h.actor_id.clone(),
            actor_roles: h.actor_roles.clone(),
            action: h.action.clone(),
            from_status: h.from.map(|s| s.as_str().to_owned()),
            to_status: h.to.map(|s| s.as_str().to_owned()),
            detail: h.detail.to_string(),
        }
    }
}

/// A theme of the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// Code.
    pub code: String,
    /// Label.
    pub label: String,
    /// Display position.
    pub position: i64,
}

impl From<ThemeRow> for Theme {
    fn from(row: ThemeRow) -> Self {
        Theme {
            code: row.code,
            label: row.label,
            position: row.position,
        }
    }
}
