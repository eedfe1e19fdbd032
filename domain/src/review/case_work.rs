//! The case team's daily work on a review (issue 15): case notes. Each change checks scope
//! first (404), then who may (403), then the stage (409), then its own rule (422), and returns
//! what happened.

use time::Date;

use super::{EventType, Happened, HistoryDetail, Review};
use crate::case_notes::NoteKind;
use crate::workflow::{Actor, Refusal, Role};

/// Why a case note cannot be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// The workflow refuses it.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The day it happened is after today.
    #[error("a note records what has happened: its day cannot be after today")]
    InTheFuture,
    /// The review's identifiable data was disposed of after the retention period.
    #[error("this review's identifiable data was disposed of: it takes no more notes")]
    Disposed,
}

impl Review {
    /// Whether the actor is of the case team that keeps its notes: its lead, QA panel or
    /// allocated reviewer (404 outside scope, 403 for a machine client).
    fn check_case_team(&self, actor: &Actor, what: &'static str) -> Result<(), Refusal> {
        if !actor.can_see_case(&self.organisation, self.reviewer_id.as_deref()) {
            return Err(Refusal::OutOfScope);
        }
        let team = actor.has(Role::IcsLead)
            || actor.has(Role::QaPanel)
            || actor.is_reviewer_of(self.reviewer_id.as_deref());
        if team {
            Ok(())
        } else {
            Err(Refusal::RoleNotPermitted(what))
        }
    }

    /// Adds a case note (its id, kind, the day it happened and the note it corrects, already
    /// checked to be one of this review's); the caller stores its text. At any stage, closed
    /// ones included (a copy of the review sent to the family is noted after completion).
    pub fn add_note(
        &mut self,
        actor: &Actor,
        note_id: String,
        kind: NoteKind,
        occurred_on: Date,
        corrects: Option<String>,
        today: Date,
    ) -> Result<Happened, NoteError> {
        self.check_case_team(actor, "add a case note")?;
        if self.retention.disposed_at.is_some() {
            return Err(NoteError::Disposed);
        }
        if occurred_on > today {
            return Err(NoteError::InTheFuture);
        }
        Ok(Happened::of(
            HistoryDetail::NoteAdded {
                note_id,
                kind,
                corrects,
            },
            [EventType::ReviewNoteAdded],
        ))
    }
}
