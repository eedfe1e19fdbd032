//! Rows of learning into action: Local Area Contacts, governance meetings, SMART actions and
//! their history.

use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};

use crate::error::PersistenceError;
#[cfg(doc)]
use crate::stored::lists::texts_to_column;
use crate::stored::lists::{corrupt, texts_from_column};

use crate::schema::{action_history, actions, local_area_contacts, meetings};

/// One Local Area Contact of an ICB.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = local_area_contacts)]
pub struct ContactRow {
    /// The ICB.
    pub organisation: String,
    /// `primary` or `secondary`.
    pub kind: String,
    /// The role the public reaches (never a person's name).
    pub role_title: String,
    /// A shared mailbox.
    pub mailbox: String,
    /// A phone number, if published.
    pub phone: Option<String>,
    /// Last change (UTC).
    pub updated_at: PrimitiveDateTime,
    /// Optimistic-concurrency version, shared by an ICB's contacts.
    pub version: i64,
}

/// A meeting of an ICB's steering group or health group.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = meetings)]
pub struct MeetingRow {
    /// Id (UUID v7).
    pub id: String,
    /// The ICB.
    pub organisation: String,
    /// `steering_group` or `health_group`.
    pub kind: String,
    /// The English date it was held.
    pub held_on: Date,
    /// Attendees' roles (free text) as a JSON array: read with
    /// [`MeetingRow::attendee_role_list`], written with [`texts_to_column`].
    pub attendee_roles: String,
    /// Ids of the reviews discussed as a JSON array: read with
    /// [`MeetingRow::reviews_discussed_list`], written with [`texts_to_column`].
    pub reviews_discussed: String,
    /// What was decided.
    pub decisions: String,
    /// Who recorded it.
    pub created_by: String,
    /// When it was recorded (UTC).
    pub created_at: PrimitiveDateTime,
}

impl MeetingRow {
    /// The attendees' roles, in the order recorded.
    pub fn attendee_role_list(&self) -> Result<Vec<String>, PersistenceError> {
        texts_from_column(&self.attendee_roles).map_err(corrupt(
            "meetings",
            &self.id,
            "attendee_roles",
        ))
    }

    /// The ids of the reviews discussed.
    pub fn reviews_discussed_list(&self) -> Result<Vec<String>, PersistenceError> {
        texts_from_column(&self.reviews_discussed).map_err(corrupt(
            "meetings",
            &self.id,
            "reviews_discussed",
        ))
    }
}

/// A SMART action of an ICB's service-improvement plan.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = actions, treat_none_as_null = true)]
pub struct ActionRow {
    /// Id (UUID v7).
    pub id: String,
    /// The ICB.
    pub organisation: String,
    /// What will be done.
    pub title: String,
    /// How success is measured.
    pub outcome_measure: String,
    /// The role or team responsible.
    pub owner: String,
    /// The English date it is due.
    pub due_date: Date,
    /// `planned`, `in_progress`, `done` or `cancelled`.
    pub status: String,
    /// Learning point ids it answers as a JSON array: read with
    /// [`ActionRow::learning_id_list`], written with [`texts_to_column`].
    pub learning_ids: String,
    /// Theme codes it answers as a JSON array: read with [`ActionRow::theme_list`], written
    /// with [`texts_to_column`].
    pub themes: String,
    /// Optimistic-concurrency version (the ETag).
    pub version: i64,
    /// Created (UTC).
    pub created_at: PrimitiveDateTime,
    /// Last change (UTC).
    pub updated_at: PrimitiveDateTime,
    /// The English date it became `done`.
    pub completed_on: Option<Date>,
}

impl ActionRow {
    /// The ids of the learning points it answers.
    pub fn learning_id_list(&self) -> Result<Vec<String>, PersistenceError> {
        texts_from_column(&self.learning_ids).map_err(corrupt("actions", &self.id, "learning_ids"))
    }

    /// The theme codes it answers.
    pub fn theme_list(&self) -> Result<Vec<String>, PersistenceError> {
        texts_from_column(&self.themes).map_err(corrupt("actions", &self.id, "themes"))
    }
}

/// One change of an action.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = action_history)]
pub struct ActionHistoryRow {
    /// Id (UUID v7, so ids sort by time).
    pub id: String,
    /// The action.
    pub action_id: String,
    /// When.
    pub occurred_at: PrimitiveDateTime,
    /// Who.
    pub actor_id: Option<String>,
    /// Their roles, comma-separated.
    pub actor_roles: String,
    /// `created` or `updated`.
    pub change: String,
    /// The version this change produced.
    pub version: i64,
    /// The changed fields, before and after (JSON).
    pub detail: String,
}
