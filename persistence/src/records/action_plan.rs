//! An ICB's Local Area Contacts, governance meetings and SMART actions as the rest of leder
//! reads them.

use leder_domain::action_plan::{ActionStatus, ContactKind, MeetingKind};
use time::{Date, PrimitiveDateTime};

use crate::error::PersistenceError;
use crate::rows::action_plan::{ActionHistoryRow, ActionRow, ContactRow, MeetingRow};
use crate::stored::lists::{corrupt, texts_to_column};

/// One Local Area Contact: a role and a shared mailbox, never a person's own address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The role's title.
    pub role_title: String,
    /// The shared mailbox.
    pub mailbox: String,
    /// A telephone number, if given.
    pub phone: Option<String>,
}

/// An ICB's two Local Area Contacts, set together.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contacts {
    /// The first contact, once set.
    pub primary: Option<Contact>,
    /// The stand-in, if any.
    pub secondary: Option<Contact>,
    /// When they last changed (UTC), or `None` before they are set.
    pub updated_at: Option<PrimitiveDateTime>,
    /// The set's version (0 before it is set).
    pub version: i64,
}

impl Contacts {
    /// The set stored as `rows`.
    pub(crate) fn from_rows(
        organisation: &str,
        rows: Vec<ContactRow>,
    ) -> Result<Self, PersistenceError> {
        let mut set = Contacts::default();
        for row in rows {
            let kind = ContactKind::parse(&row.kind)
                .map_err(|e| corrupt("local_area_contacts", organisation, "kind")(e.to_string()))?;
            set.updated_at = set.updated_at.max(Some(row.updated_at));
            set.version = set.version.max(row.version);
            let contact = Some(Contact {
                role_title: row.role_title,
                mailbox: row.mailbox,
                phone: row.phone,
            });
            match kind {
                ContactKind::Primary => set.primary = contact,
                ContactKind::Secondary => set.secondary = contact,
            }
        }
        Ok(set)
    }
}

/// A governance meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    /// Id.
    pub id: String,
    /// The ICB.
    pub organisation: String,
    /// Which group met.
    pub kind: MeetingKind,
    /// The date it met.
    pub held_on: Date,
    /// Attendees' roles (never names).
    pub attendee_roles: Vec<String>,
    /// Ids of the ICB's reviews discussed.
    pub reviews_discussed: Vec<String>,
    /// What was decided.
    pub decisions: String,
    /// Who recorded it.
    pub created_by: String,
    /// Recorded (UTC).
    pub created_at: PrimitiveDateTime,
}

impl TryFrom<MeetingRow> for Meeting {
    type Error = PersistenceError;

    fn try_from(row: MeetingRow) -> Result<Self, Self::Error> {
        Ok(Meeting {
            kind: MeetingKind::parse(&row.kind)
                .map_err(|e| corrupt("meetings", &row.id, "kind")(e.to_string()))?,
            attendee_roles: row.attendee_role_list()?,
            reviews_discussed: row.reviews_discussed_list()?,
            id: row.id,
            organisation: row.organisation,
            held_on: row.held_on,
            decisions: row.decisions,
            created_by: row.created_by,
            created_at: row.created_at,
        })
    }
}

impl From<&Meeting> for MeetingRow {
    fn from(m: &Meeting) -> Self {
        MeetingRow {
            id: m.id.clone(),
            organisation: m.organisation.clone(),
            kind: m.kind.as_str().to_owned(),
            held_on: m.held_on,
            attendee_roles: texts_to_column(&m.attendee_roles),
            reviews_discussed: texts_to_column(&m.reviews_discussed),
            decisions: m.decisions.clone(),
            created_by: m.created_by.clone(),
            created_at: m.created_at,
        }
    }
}

/// A SMART action of an ICB's service-improvement plan.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    pub due_date: Date,
    /// Where it stands.
    pub status: ActionStatus,
    /// Learning points it answers.
    pub learning_ids: Vec<String>,
    /// Theme codes.
    pub themes: Vec<String>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Agreed (UTC).
    pub created_at: PrimitiveDateTime,
    /// Last changed (UTC).
    pub updated_at: PrimitiveDateTime,
    /// The day it was done, once done.
    pub completed_on: Option<Date>,
}

impl Action {
    /// Whether it is overdue on `today` (still to deliver and due before today).
    pub fn is_overdue(&self, today: Date) -> bool {
        leder_domain::action_plan::is_overdue(self.status, self.due_date, today)
    }
}

impl TryFrom<ActionRow> for Action {
    type Error = PersistenceError;

    fn try_from(row: ActionRow) -> Result<Self, Self::Error> {
        Ok(Action {
            status: ActionStatus::parse(&row.status)
                .map_err(|e| corrupt("actions", &row.id, "status")(e.to_string()))?,
            learning_ids: row.learning_id_list()?,
            themes: row.theme_list()?,
            id: row.id,
            organisation: row.organisation,
            title: row.title,
            outcome_measure: row.outcome_measure,
            owner: row.owner,
            due_date: row.due_date,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
            completed_on: row.completed_on,
        })
    }
}

impl From<&Action> for ActionRow {
    fn from(a: &Action) -> Self {
        ActionRow {
            id: a.id.clone(),
            organisation: a.organisation.clone(),
            title: a.title.clone(),
            outcome_measure: a.outcome_measure.clone(),
            owner: a.owner.clone(),
            due_date: a.due_date,
            status: a.status.as_str().to_owned(),
            learning_ids: texts_to_column(&a.learning_ids),
            themes: texts_to_column(&a.themes),
            version: a.version,
            created_at: a.created_at,
            updated_at: a.updated_at,
            completed_on: a.completed_on,
        }
    }
}

/// One change in an action's history.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionChange {
    /// Id.
    pub id: String,
    /// When (UTC).
    pub occurred_at: PrimitiveDateTime,
    /// Who.
    pub actor_id: Option<String>,
    /// `created` or `updated`.
    pub change: String,
    /// The version it made.
    pub version: i64,
    /// What changed: `{field: {from, to}}`.
    pub detail: serde_json::Value,
}

impl TryFrom<ActionHistoryRow> for ActionChange {
    type Error = PersistenceError;

    fn try_from(row: ActionHistoryRow) -> Result<Self, Self::Error> {
        Ok(ActionChange {
            detail: serde_json::from_str(&row.detail)
                .map_err(|e| corrupt("action_history", &row.id, "detail")(e.to_string()))?,
            id: row.id,
            occurred_at: row.occurred_at,
            actor_id: row.actor_id,
            change: row.change,
            version: row.version,
        })
    }
}
