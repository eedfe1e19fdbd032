//! A case note as the rest of leder reads it.

use leder_domain::case_notes::NoteKind;
use time::{Date, PrimitiveDateTime};

use crate::error::PersistenceError;
use crate::rows::case_notes::NoteRow;

/// One entry of a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNote {
    /// Id (UUID v7).
    pub id: String,
    /// The review.
    pub review_id: String,
    /// What kind of entry.
    pub kind: NoteKind,
    /// What happened.
    pub text: String,
    /// The day it happened.
    pub occurred_on: Date,
    /// The note it corrects.
    pub corrects: Option<String>,
    /// Who wrote it.
    pub author_id: String,
    /// Their display name as their account reads now (filled when read).
    pub author_name: Option<String>,
    /// When it was written (UTC).
    pub created_at: PrimitiveDateTime,
}

impl CaseNote {
    /// The note's row.
    pub(crate) fn row(&self) -> NoteRow {
        NoteRow {
            id: self.id.clone(),
            review_id: self.review_id.clone(),
            kind: self.kind.as_str().to_owned(),
            text: self.text.clone(),
            occurred_on: self.occurred_on,
            corrects: self.corrects.clone(),
            author_id: self.author_id.clone(),
            created_at: self.created_at,
        }
    }
}

impl TryFrom<NoteRow> for CaseNote {
    type Error = PersistenceError;

    fn try_from(row: NoteRow) -> Result<Self, Self::Error> {
        let kind = NoteKind::parse(&row.kind).map_err(|e| PersistenceError::Corrupt {
            table: "case_notes",
            id: row.id.clone(),
            field: "kind",
            detail: e.to_string(),
        })?;
        Ok(CaseNote {
            id: row.id,
            review_id: row.review_id,
            kind,
            text: row.text,
            occurred_on: row.occurred_on,
            corrects: row.corrects,
            author_id: row.author_id,
            author_name: None,
            created_at: row.created_at,
        })
    }
}
