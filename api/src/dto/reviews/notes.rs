//! Case notes: the case team's append-only timeline of a review.

use leder_domain::case_notes::NoteKind;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use validator::Validate;

use crate::dto::{iso_date, wire};

/// A new case note.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    /// What kind of entry.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<NoteKind>)]
    pub kind: NoteKind,
    /// What happened, was said or was seen.
    #[validate(length(min = 1, max = 10000, message = "must have 1 to 10000 characters"))]
    #[schema(min_length = 1, max_length = 10000)]
    pub text: String,
    /// The day it happened (YYYY-MM-DD, not after today); today when absent.
    #[serde(default, with = "iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub occurred_on: Option<Date>,
    /// The id of an earlier note of this review that this one corrects (the earlier note
    /// stays as it was).
    #[validate(length(min = 1, max = 100, message = "must have 1 to 100 characters"))]
    #[schema(min_length = 1, max_length = 100)]
    pub corrects: Option<String>,
}

/// Who wrote a note.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoteAuthor {
    /// Their account's id.
    pub id: String,
    /// Their display name as their account reads now.
    pub display_name: Option<String>,
}

/// One entry of a case's timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Note {
    /// Id.
    pub id: String,
    /// The review.
    pub review_id: String,
    /// What kind of entry.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<NoteKind>)]
    pub kind: NoteKind,
    /// What happened.
    pub text: String,
    /// The day it happened.
    #[serde(with = "iso_date")]
    pub occurred_on: Date,
    /// The earlier note this one corrects.
    pub corrects: Option<String>,
    /// The later notes that correct this one, oldest first (empty when none).
    pub corrected_by: Vec<String>,
    /// Who wrote it.
    pub author: NoteAuthor,
    /// When it was written.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A review's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteList {
    /// Every note, in the order written (the list comes whole).
    pub items: Vec<Note>,
    /// Always null.
    pub next_cursor: Option<String>,
}
