//! A review's family record (DOMAIN.md, "Families"; [`crate::family`]): its contacts and the
//! dated entries of what happened with each. The record is written by the lead or the
//! allocated reviewer, at any stage while the review keeps its identifiable data (a copy of the
//! completed review is offered and sent after sign-off); every entry re-derives the form's
//! family answers. Each change checks scope (404), who may (403), the stage (409), then its own
//! rules (422), and returns what happened.

use time::Date;

use super::{EventType, Happened, HistoryDetail, Review};
use crate::family::{ContactDetails, ContactError, FamilyEvent, FamilyEventKind, involvement};
use crate::workflow::{Actor, Refusal, Role, Stage};

/// Why a family contact or entry cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FamilyError {
    /// The workflow refuses it (scope, role).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The review keeps no identifiable data (opted out, or disposed of after retention).
    #[error(
        "this review keeps no identifiable data (opted out, or disposed of after its retention \
         period): it keeps no family contacts"
    )]
    NoPerson,
    /// A copy of the completed review is offered or sent only once it is completed.
    #[error("a copy of the completed review is offered or sent once the review is completed")]
    NotYetCompleted,
    /// The contact's details break rules.
    #[error("the contact's details break {} rule(s)", .0.len())]
    Contact(Vec<ContactError>),
    /// `no_family_contact` is recorded for the review, not for one of its contacts.
    #[error(
        "no_family_contact is recorded for the review (action no_family_contact), not for a contact"
    )]
    NotForAContact,
    /// The day is after today.
    #[error("the record says what has happened: its day cannot be after today")]
    InTheFuture,
    /// The entry needs a note saying why.
    #[error("say why: `not_reachable` and `no_family_contact` are recorded with the reason")]
    NoteRequired,
}

impl FamilyError {
    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Refused(r) => r.code(),
            Self::NoPerson => "no_identifiable_data",
            Self::NotYetCompleted => "review_not_completed",
            Self::Contact(_) => "invalid_contact",
            Self::NotForAContact => "not_a_contact_event",
            Self::InTheFuture => "in_the_future",
            Self::NoteRequired => "note_required",
        }
    }
}

impl Review {
    /// Whether `actor` may read the family record: the case's lead, QA panel or allocated
    /// reviewer (404 outside scope; 403 for anyone else who sees the case).
    pub fn may_read_family(&self, actor: &Actor) -> Result<(), Refusal> {
        if !actor.can_see_case(&self.organisation, self.reviewer_id.as_deref()) {
            return Err(Refusal::OutOfScope);
        }
        if actor.has(Role::IcsLead)
            || actor.has(Role::QaPanel)
            || actor.is_reviewer_of(self.reviewer_id.as_deref())
        {
            Ok(())
        } else {
            Err(Refusal::RoleNotPermitted("read the family record"))
        }
    }

    /// Whether `actor` may write the family record: the lead or the allocated reviewer (404
    /// outside scope, 403 for anyone else), on a review that keeps its identifiable data (409).
    pub fn may_write_family(&self, actor: &Actor) -> Result<(), FamilyError> {
        self.check_family_writer(actor, "write the family record")
    }

    /// The lead or the allocated reviewer, on a review that keeps its identifiable data.
    fn check_family_writer(&self, actor: &Actor, what: &'static str) -> Result<(), FamilyError> {
        if !actor.can_see_case(&self.organisation, self.reviewer_id.as_deref()) {
            return Err(Refusal::OutOfScope.into());
        }
        if !(actor.has(Role::IcsLead) || actor.is_reviewer_of(self.reviewer_id.as_deref())) {
            return Err(Refusal::RoleNotPermitted(what).into());
        }
        if self.person.is_none() || self.retention.disposed_at.is_some() {
            return Err(FamilyError::NoPerson);
        }
        Ok(())
    }

    /// Adds a family contact (its id and details); returns what happened and the details as
    /// kept (trimmed).
    pub fn add_family_contact(
        &mut self,
        actor: &Actor,
        contact_id: String,
        details: ContactDetails,
    ) -> Result<(Happened, ContactDetails), FamilyError> {
        self.check_family_writer(actor, "add a family contact")?;
        let details = details.checked().map_err(FamilyError::Contact)?;
        Ok((
            Happened::of(
                HistoryDetail::FamilyContactAdded { contact_id },
                [EventType::ReviewFamilyUpdated],
            ),
            details,
        ))
    }

    /// Changes a family contact's details (already merged with the patch; `fields` are those
    /// the patch named).
    pub fn change_family_contact(
        &mut self,
        actor: &Actor,
        contact_id: String,
        details: ContactDetails,
        fields: Vec<String>,
    ) -> Result<(Happened, ContactDetails), FamilyError> {
        self.check_family_writer(actor, "change a family contact")?;
        let details = details.checked().map_err(FamilyError::Contact)?;
        Ok((
            Happened::of(
                HistoryDetail::FamilyContactChanged { contact_id, fields },
                [EventType::ReviewFamilyUpdated],
            ),
            details,
        ))
    }

    /// Records an entry of the family record on `today` after the `earlier` ones (of every
    /// contact, in the order recorded): a contact's entry (`contact_id` set) or the review's
    /// `no_family_contact`. The form's family answers are derived again from the whole record.
    pub fn record_family_event(
        &mut self,
        actor: &Actor,
        event: FamilyEvent,
        earlier: &[FamilyEvent],
        today: Date,
    ) -> Result<(Happened, FamilyEvent), FamilyError> {
        let what = if event.contact_id.is_some() {
            "record what happened with a family contact"
        } else {
            "record that there is no family contact"
        };
        self.check_family_writer(actor, what)?;
        if event.kind.needs_completed_review() && self.stage != Stage::Completed {
            return Err(FamilyError::NotYetCompleted);
        }
        if event.contact_id.is_some() == (event.kind == FamilyEventKind::NoFamilyContact) {
            return Err(FamilyError::NotForAContact);
        }
        if event.on > today {
            return Err(FamilyError::InTheFuture);
        }
        let note = event
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        if event.kind.needs_note() && note.is_none() {
            return Err(FamilyError::NoteRequired);
        }
        let event = FamilyEvent { note, ..event };
        let mut record = earlier.to_vec();
        record.push(event.clone());
        self.parts.findings.family_involvement = involvement(&record);
        Ok((
            Happened::of(
                HistoryDetail::FamilyEventRecorded {
                    event_id: event.id.clone(),
                    contact_id: event.contact_id.clone(),
                    kind: event.kind,
                    on: event.on,
                },
                [EventType::ReviewFamilyUpdated],
            ),
            event,
        ))
    }
}
