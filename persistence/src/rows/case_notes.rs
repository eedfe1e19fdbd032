//! The row of a case note.

use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};

use crate::schema::case_notes;

/// A case note.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = case_notes)]
pub struct NoteRow {
    /// Id (UUID v7).
    pub id: String,
    /// The review.
    pub review_id: String,
    /// Its kind's wire name.
    pub kind: String,
    /// What happened.
    pub text: String,
    /// The day it happened.
    pub occurred_on: Date,
    /// The note it corrects.
    pub corrects: Option<String>,
    /// Who wrote it.
    pub author_id: String,
    /// When it was written (UTC).
    pub created_at: PrimitiveDateTime,
}
