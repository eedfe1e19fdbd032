//! What a change to a review did, as typed values: the history entries it adds and the events
//! it emits. Persistence writes them in the change's own transaction; nothing here knows how.

use time::Date;

use crate::eligibility::Outcome;
use crate::wire::wire_enum;
use crate::workflow::{Action, HoldReason, Stage};

wire_enum! {
    /// Every event the change feed and webhooks carry (API.md, "For case systems").
    pub enum EventType as "event type" {
        /// A notification created a case.
        ReviewCreated => "review.created",
        /// A case moved to another stage.
        ReviewStatusChanged => "review.status_changed",
        /// The review form or a learning point was written.
        ReviewFindingsUpdated => "review.findings_updated",
        /// The person's details were corrected.
        ReviewPersonCorrected => "review.person_corrected",
        /// The case moved to another ICB.
        ReviewTransferred => "review.transferred",
        /// A later notification of the same person was linked to the case.
        ReviewDuplicateNotified => "review.duplicate_notified",
        /// The lead acknowledged a duplicate notification (and may have applied its facts).
        ReviewDuplicateAcknowledged => "review.duplicate_acknowledged",
        /// A case note was added to the case's timeline (the event carries the case, not the
        /// note's text).
        ReviewNoteAdded => "review.note_added",
        /// The national data opt-out check was recorded.
        ReviewOptOutChecked => "review.opt_out_checked",
        /// The region's coordinator recorded an escalation of the case.
        ReviewEscalated => "review.escalated",
        /// The family record changed: a contact added or changed, or an entry recorded (the
        /// event carries the case, not the family's details).
        ReviewFamilyUpdated => "review.family_updated",
        /// A lead proposed that another ICB is responsible for the case (the receiving ICB's
        /// feed hears of the proposal, not of the case).
        ReviewMoveProposed => "review.move_proposed",
        /// The case moved to another ICB (accepted, or moved by an admin); both ICBs hear.
        ReviewMoved => "review.moved",
        /// The receiving ICB's lead declined a proposed move: the case stays; both ICBs hear.
        ReviewMoveDeclined => "review.move_declined",
        /// The case is within 28 days of its extended due date (once per case).
        ReviewDueSoon => "review.due_soon",
        /// The case passed its extended due date while open and not on hold (once per case).
        ReviewOverdue => "review.overdue",
        /// An existing review was brought in from another system (`leder import`, `POST
        /// /imports`): one per case, in place of `review.created`.
        ReviewImported => "review.imported",
        /// The case team asked an organisation for records (the event carries the case, not
        /// the request).
        ReviewRecordsRequested => "review.records_requested",
        /// Records asked for arrived (through the upload link, or marked received by hand).
        ReviewRecordsReceived => "review.records_received",
        /// A SMART action changed.
        ActionChanged => "action.changed",
    }
}

/// What one history entry records, beyond who and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryDetail {
    /// A notification created the case.
    Created,
    /// The case was brought in from another system, as it stood there.
    Imported {
        /// The system it came from.
        system: String,
        /// That system's id for the case.
        id: String,
        /// The day each stage after notification was reached there, in order.
        reached: Vec<(Stage, Date)>,
    },
    /// A later notification of the same person was linked.
    DuplicateNotified {
        /// Its reference.
        reference: String,
    },
    /// The lead acknowledged a duplicate notification.
    DuplicateAcknowledged {
        /// Its reference.
        reference: String,
        /// Whether its facts were applied to the person.
        applied: bool,
    },
    /// The family asked for a focused review.
    FamilyRequested {
        /// Who asked.
        requested_by: String,
        /// When they asked.
        requested_on: Date,
    },
    /// The ethnic category was confirmed to stay `Z` or `99` after asking.
    EthnicityConfirmed {
        /// The category confirmed.
        category: String,
        /// Why (whom was asked).
        reason: String,
    },
    /// A case note was added.
    NoteAdded {
        /// Its id.
        note_id: String,
        /// Its kind.
        kind: crate::case_notes::NoteKind,
        /// The note it corrects.
        corrects: Option<String>,
    },
    /// A transition was taken.
    Transition {
        /// The action.
        action: Action,
        /// The reviewer allocated.
        reviewer_id: Option<String>,
        /// The written reason (reallocation, escalation, hold reason's wire name).
        reason: Option<String>,
        /// The QA comment of a return.
        comment: Option<String>,
    },
    /// The review form was written; the top-level fields the patch named.
    FindingsUpdated {
        /// The fields, as named in the request.
        fields: Vec<String>,
    },
    /// The person was corrected and assessed again.
    PersonCorrected {
        /// The eligibility outcome after the correction.
        outcome: Outcome,
    },
    /// The Child Death Review outcome was recorded.
    ChildDeathReviewOutcome,
    /// A learning point was added.
    LearningAdded {
        /// Its id.
        learning_id: String,
        /// `learning`, `good_practice` or `concern`.
        kind: String,
    },
    /// The national data opt-out check was recorded.
    OptOutChecked {
        /// Whether the person had opted out.
        opted_out: bool,
        /// The day of the check.
        checked_on: Date,
        /// Where the answer came from.
        source: String,
    },
    /// The case moved to another ICB.
    Transferred {
        /// The ICB it left.
        from: String,
        /// The ICB it joined.
        to: String,
    },
    /// The region's coordinator recorded an escalation.
    RegionalEscalation {
        /// The escalation's id.
        escalation_id: String,
    },
    /// A family contact was added.
    FamilyContactAdded {
        /// Its id.
        contact_id: String,
    },
    /// A family contact's details were changed.
    FamilyContactChanged {
        /// Its id.
        contact_id: String,
        /// The fields the change named.
        fields: Vec<String>,
    },
    /// An entry of the family record was recorded.
    FamilyEventRecorded {
        /// Its id.
        event_id: String,
        /// The contact it is about (none for `no_family_contact`).
        contact_id: Option<String>,
        /// What happened.
        kind: crate::family::FamilyEventKind,
        /// The day it happened.
        on: Date,
    },
    /// The area code was corrected.
    AreaCodeCorrected {
        /// The code before.
        from: String,
        /// The code after.
        to: String,
    },
    /// A move to another ICB was proposed.
    MoveProposed {
        /// The move's id.
        move_id: String,
        /// The ICB proposed.
        to: String,
        /// Why.
        reason: crate::moves::MoveReason,
        /// How it came about.
        origin: crate::moves::MoveOrigin,
        /// What the proposer said.
        text: Option<String>,
    },
    /// The case moved to another ICB (a proposal accepted, or an admin's move).
    Moved {
        /// The move's id.
        move_id: String,
        /// The ICB it left.
        from: String,
        /// The ICB it joined.
        to: String,
        /// How it came about.
        origin: crate::moves::MoveOrigin,
        /// The allocation was cleared (the reviewer is not of the receiving ICB).
        allocation_cleared: bool,
    },
    /// The receiving ICB's lead declined a proposed move.
    MoveDeclined {
        /// The move's id.
        move_id: String,
        /// The ICB that declined.
        to: String,
        /// Why.
        reason: String,
    },
    /// Records were asked for.
    RecordsRequested {
        /// The request's id.
        request_id: String,
        /// The kind of organisation asked.
        organisation: crate::evidence::OrganisationKind,
    },
    /// A records request was closed: received (with how many documents came through its
    /// link), declined or cancelled.
    RecordsRequestClosed {
        /// The request's id.
        request_id: String,
        /// Its new status.
        status: crate::evidence::records_request::RequestStatus,
        /// Documents received through the link.
        documents: usize,
    },
    /// The case team kept a document with the case.
    DocumentAdded {
        /// The document's id.
        attachment_id: String,
        /// What its bytes are.
        document_type: crate::evidence::file_type::DocumentType,
    },
    /// The lead withdrew a document (it stays stored until the review's retention ends).
    DocumentWithdrawn {
        /// The document's id.
        attachment_id: String,
    },
}

impl HistoryDetail {
    /// The history entry's action name (API.md `history[].action`).
    pub fn action(&self) -> String {
        match self {
            Self::Created => "created".into(),
            Self::Imported { .. } => "imported".into(),
            Self::DuplicateNotified { .. } => "duplicate_notified".into(),
            Self::DuplicateAcknowledged { .. } => "duplicate_acknowledged".into(),
            Self::NoteAdded { .. } => "note_added".into(),
            Self::FamilyRequested { .. } => "family_request".into(),
            Self::EthnicityConfirmed { .. } => "ethnicity_confirmed".into(),
            Self::Transition { action, .. } => format!("transition:{}", action.as_str()),
            Self::FindingsUpdated { .. } => "findings_updated".into(),
            Self::PersonCorrected { .. } => "person_corrected".into(),
            Self::ChildDeathReviewOutcome => "child_death_review_outcome".into(),
            Self::LearningAdded { .. } => "learning_added".into(),
            Self::Transferred { .. } => "transferred".into(),
            Self::OptOutChecked { .. } => "opt_out_checked".into(),
            Self::RegionalEscalation { .. } => "regional_escalation".into(),
            Self::FamilyContactAdded { .. } => "family_contact_added".into(),
            Self::FamilyContactChanged { .. } => "family_contact_changed".into(),
            Self::FamilyEventRecorded { .. } => "family_event_recorded".into(),
            Self::AreaCodeCorrected { .. } => "area_code_corrected".into(),
            Self::MoveProposed { .. } => "move_proposed".into(),
            Self::Moved { .. } => "moved".into(),
            Self::MoveDeclined { .. } => "move_declined".into(),
            Self::RecordsRequested { .. } => "records_requested".into(),
            Self::RecordsRequestClosed { status, .. } => format!("records_{}", status.as_str()),
            Self::DocumentAdded { .. } => "document_added".into(),
            Self::DocumentWithdrawn { .. } => "document_withdrawn".into(),
        }
    }
}

/// A hold that a change starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldStarted {
    /// The reason from the list.
    pub reason: HoldReason,
    /// The text given with it.
    pub text: Option<String>,
    /// The stage the case left.
    pub from_stage: Stage,
    /// The first day on hold.
    pub on: Date,
}

/// Everything a change did besides the review's own fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Happened {
    /// History entries, in order.
    pub history: Vec<HistoryDetail>,
    /// Events for the case's ICB feed, in order.
    pub events: Vec<EventType>,
    /// ICB feeds that receive the same events too (the ICB a transfer left).
    pub also_notify: Vec<String>,
    /// A hold to start.
    pub hold_started: Option<HoldStarted>,
    /// The open hold ends on this day.
    pub hold_ended_on: Option<Date>,
    /// Nothing identifiable may stay anywhere about the case (a positive opt-out check): its
    /// notifications' and its events' copies are erased with the change.
    pub erase_identifiable: bool,
}

impl Happened {
    /// One history entry and its events.
    pub fn of(detail: HistoryDetail, events: impl IntoIterator<Item = EventType>) -> Self {
        Self {
            history: vec![detail],
            events: events.into_iter().collect(),
            ..Self::default()
        }
    }
}
