//! The review's side of its evidence (issue 16): who may ask for records, record who was
//! involved, keep documents, and what each of these writes to the case's history and feed.
//! Scope first (404), then who may (403), then the case's state (409).

use super::{EventType, Happened, HistoryDetail, Review};
use crate::evidence::OrganisationKind;
use crate::evidence::file_type::DocumentType;
use crate::evidence::records_request::RequestStatus;
use crate::workflow::{Actor, Refusal, Role};

/// Why evidence cannot be added to or changed on a review.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    /// The workflow refuses it (scope, role, stage).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The person opted out of data sharing: the case holds nothing identifiable, and so no
    /// records and no documents.
    #[error("the person opted out: this case holds no records and no documents")]
    OptedOut,
    /// The review's identifiable data was disposed of after the retention period.
    #[error("this review's identifiable data was disposed of: it takes no more evidence")]
    Disposed,
    /// The review is closed: nothing more is asked for.
    #[error("this review is closed: no more records are asked for")]
    Closed,
}

impl Review {
    /// Whether the actor may work the case's evidence: the lead, or the allocated reviewer
    /// (404 outside scope, 403 otherwise; a QA panel member reads but does not ask).
    fn check_evidence_worker(&self, actor: &Actor, what: &'static str) -> Result<(), Refusal> {
        if !actor.can_see_case(&self.organisation, self.reviewer_id.as_deref()) {
            return Err(Refusal::OutOfScope);
        }
        if actor.has(Role::IcsLead) || actor.is_reviewer_of(self.reviewer_id.as_deref()) {
            Ok(())
        } else {
            Err(Refusal::RoleNotPermitted(what))
        }
    }

    /// Whether the actor may read the case's evidence: its lead, QA panel or allocated
    /// reviewer (404 outside scope, 403 otherwise).
    pub fn may_read_evidence(&self, actor: &Actor) -> Result<(), Refusal> {
        if !actor.can_see_case(&self.organisation, self.reviewer_id.as_deref()) {
            return Err(Refusal::OutOfScope);
        }
        let team = actor.has(Role::IcsLead)
            || actor.has(Role::QaPanel)
            || actor.is_reviewer_of(self.reviewer_id.as_deref());
        if team {
            Ok(())
        } else {
            Err(Refusal::RoleNotPermitted("read this case's evidence"))
        }
    }

    /// Whether the case can hold evidence at all: not opted out, not disposed of.
    pub fn may_hold_evidence(&self) -> Result<(), EvidenceError> {
        if self.person.is_none() {
            return Err(EvidenceError::OptedOut);
        }
        if self.retention.disposed_at.is_some() {
            return Err(EvidenceError::Disposed);
        }
        Ok(())
    }

    /// Whether the lead or allocated reviewer may keep a document with the case (any stage).
    pub fn may_add_document(&self, actor: &Actor) -> Result<(), EvidenceError> {
        self.check_evidence_worker(actor, "add a document to this case")?;
        self.may_hold_evidence()
    }

    /// The lead or allocated reviewer keeps a document with the case.
    pub fn add_document(
        &mut self,
        actor: &Actor,
        attachment_id: String,
        document_type: DocumentType,
    ) -> Result<Happened, EvidenceError> {
        self.may_add_document(actor)?;
        Ok(Happened::of(
            HistoryDetail::DocumentAdded {
                attachment_id,
                document_type,
            },
            [],
        ))
    }

    /// Only the lead withdraws a document (it stays stored until retention ends).
    pub fn withdraw_document(
        &mut self,
        actor: &Actor,
        attachment_id: String,
    ) -> Result<Happened, EvidenceError> {
        if !actor.can_see_case(&self.organisation, self.reviewer_id.as_deref()) {
            return Err(Refusal::OutOfScope.into());
        }
        if !actor.has(Role::IcsLead) {
            return Err(Refusal::RoleNotPermitted("withdraw a document").into());
        }
        Ok(Happened::of(
            HistoryDetail::DocumentWithdrawn { attachment_id },
            [],
        ))
    }

    /// The lead or allocated reviewer records an organisation involved in the person's care.
    pub fn may_record_organisation(&self, actor: &Actor) -> Result<(), EvidenceError> {
        self.check_evidence_worker(actor, "record who was involved")?;
        self.may_hold_evidence()
    }

    /// The lead or allocated reviewer asks an organisation for records, at an open stage.
    pub fn request_records(
        &mut self,
        actor: &Actor,
        request_id: String,
        organisation: OrganisationKind,
    ) -> Result<Happened, EvidenceError> {
        self.check_evidence_worker(actor, "ask for records")?;
        self.may_hold_evidence()?;
        if self.stage.is_terminal() {
            return Err(EvidenceError::Closed);
        }
        Ok(Happened::of(
            HistoryDetail::RecordsRequested {
                request_id,
                organisation,
            },
            [EventType::ReviewRecordsRequested],
        ))
    }

    /// The lead or allocated reviewer closes a request by hand (`received`, `declined`,
    /// `cancelled`); records marked received emit `review.records_received`.
    pub fn close_records_request(
        &mut self,
        actor: &Actor,
        request_id: String,
        status: RequestStatus,
    ) -> Result<Happened, EvidenceError> {
        self.check_evidence_worker(actor, "change a records request")?;
        let events = (status == RequestStatus::Received)
            .then_some(EventType::ReviewRecordsReceived)
            .into_iter();
        Ok(Happened::of(
            HistoryDetail::RecordsRequestClosed {
                request_id,
                status,
                documents: 0,
            },
            events,
        ))
    }

    /// Records arrived through a request's upload link (the link is the capability: no actor).
    pub fn records_received(
        &mut self,
        request_id: String,
        documents: usize,
    ) -> Result<Happened, EvidenceError> {
        self.may_hold_evidence()?;
        Ok(Happened::of(
            HistoryDetail::RecordsRequestClosed {
                request_id,
                status: RequestStatus::Received,
                documents,
            },
            [EventType::ReviewRecordsReceived],
        ))
    }
}
