//! The case team's daily work on a review (issue 15): case notes, a family's request for a
//! focused review at any open stage before sign-off, and the confirmation that an ethnic
//! category stays `Z` (not stated) or `99` (not known) after asking. Each change checks scope
//! first (404), then who may (403), then the stage (409), then its own rule (422), and returns
//! what happened.

use time::Date;

use super::{EventType, Happened, HistoryDetail, Review};
use crate::case_notes::NoteKind;
use crate::review_type::{DataQualityFlag, FocusedReason, ReviewType};
use crate::wire::wire_enum;
use crate::workflow::{Actor, Refusal, Role, Stage};

wire_enum! {
    /// Case actions taken through the transitions endpoint that do not move the case between
    /// stages (DOMAIN.md, "Review type").
    pub enum CaseAction as "case action" {
        /// The lead records that the family asked for a focused review (who asked, and when).
        FamilyRequest => "family_request",
        /// The lead or allocated reviewer confirms, with a reason, that the ethnic category
        /// stays `Z` or `99` after asking: the data-quality flag is resolved.
        ConfirmEthnicity => "confirm_ethnicity",
        /// The lead or allocated reviewer records, with a reason, that no family member or
        /// anyone close can be contacted (DOMAIN.md, "Families": "or why it could not happen:
        /// ... no family"); an entry of the family record.
        NoFamilyContact => "no_family_contact",
    }
}

/// The stages at which a family's request for a focused review is recorded: every open stage
/// of a LeDeR review before sign-off (on hold included).
const FAMILY_REQUEST_STAGES: [Stage; 6] = [
    Stage::AwaitingAllocation,
    Stage::Allocated,
    Stage::InReview,
    Stage::AwaitingQa,
    Stage::AwaitingSignOff,
    Stage::OnHold,
];

/// Why a case action cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseActionError {
    /// The workflow refuses it (scope, role, stage).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// A field the action needs is missing (its name).
    #[error("`{0}` is required for this action")]
    Required(&'static str),
    /// The request's date is after today.
    #[error("the request cannot be dated after today")]
    InTheFuture,
    /// There is no open ethnicity flag to resolve.
    #[error("this review has no open ethnic-category flag to resolve")]
    NoFlag,
    /// The ethnic category is missing: it must be corrected (to `Z`, `99` or a code) first.
    #[error(
        "the ethnic category is missing: correct it to Z, 99 or a code first; only Z or 99 is confirmed"
    )]
    NotZOr99,
}

impl CaseActionError {
    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Refused(r) => r.code(),
            Self::Required("requested_by") => "requested_by_required",
            Self::Required("requested_on") => "requested_on_required",
            Self::Required(_) => "reason_required",
            Self::InTheFuture => "in_the_future",
            Self::NoFlag => "no_open_flag",
            Self::NotZOr99 => "ethnic_category_missing",
        }
    }
}

fn text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

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

impl Review {
    fn check_stage(&self, allowed: &[Stage], what: &'static str) -> Result<(), Refusal> {
        if allowed.contains(&self.stage) {
            Ok(())
        } else {
            Err(Refusal::StageDoesNotAllow {
                stage: self.stage,
                what,
            })
        }
    }

    /// The lead records that the family asked for a focused review (`requested_by`, on
    /// `requested_on`): always granted, at any open stage of a LeDeR review before sign-off;
    /// the review becomes focused for `family_request` (an already focused one gains the
    /// reason) and stays at its stage.
    pub fn record_family_request(
        &mut self,
        actor: &Actor,
        requested_by: Option<&str>,
        requested_on: Option<Date>,
        today: Date,
    ) -> Result<Happened, CaseActionError> {
        if !actor.can_see_case(&self.organisation, self.reviewer_id.as_deref()) {
            return Err(Refusal::OutOfScope.into());
        }
        if !actor.has(Role::IcsLead) {
            return Err(Refusal::RoleNotPermitted("record a family request").into());
        }
        self.check_stage(&FAMILY_REQUEST_STAGES, "family_request")?;
        if self.review_type.is_none() {
            return Err(Refusal::StageDoesNotAllow {
                stage: self.stage,
                what: "family_request",
            }
            .into());
        }
        let requested_by = text(requested_by).ok_or(CaseActionError::Required("requested_by"))?;
        let requested_on = requested_on.ok_or(CaseActionError::Required("requested_on"))?;
        if requested_on > today {
            return Err(CaseActionError::InTheFuture);
        }
        let p = &mut self.parts;
        p.review_type = Some(ReviewType::Focused);
        p.family_request = true;
        if !p.focused_reasons.contains(&FocusedReason::FamilyRequest) {
            p.focused_reasons.push(FocusedReason::FamilyRequest);
        }
        Ok(Happened::of(
            HistoryDetail::FamilyRequested {
                requested_by,
                requested_on,
            },
            [EventType::ReviewStatusChanged],
        ))
    }

    /// A later notification of the same person in which the family asks for a focused review
    /// counts as their request (DOMAIN.md, "Review type"): recorded, as asked in notification
    /// `reference` on `on`, when the review is a LeDeR review at an open stage before sign-off
    /// (what it returns goes to the history); otherwise nothing changes.
    pub fn family_request_notified(&mut self, reference: &str, on: Date) -> Option<HistoryDetail> {
        if !FAMILY_REQUEST_STAGES.contains(&self.stage) || self.review_type.is_none() {
            return None;
        }
        let p = &mut self.parts;
        p.review_type = Some(ReviewType::Focused);
        p.family_request = true;
        if !p.focused_reasons.contains(&FocusedReason::FamilyRequest) {
            p.focused_reasons.push(FocusedReason::FamilyRequest);
        }
        Some(HistoryDetail::FamilyRequested {
            requested_by: format!("the notifier of {reference}"),
            requested_on: on,
        })
    }

    /// The lead or allocated reviewer confirms, with `reason`, that the ethnic category stays
    /// `Z` or `99` after asking the family or the GP record: the flag is resolved (no focused
    /// review follows) and stays resolved while the category is unchanged.
    pub fn confirm_ethnicity(
        &mut self,
        actor: &Actor,
        reason: Option<&str>,
    ) -> Result<Happened, CaseActionError> {
        crate::workflow::may_edit(&self.case(), actor, crate::workflow::Edit::Person)?;
        if !self
            .data_quality_flags
            .contains(&DataQualityFlag::EthnicCategoryUnresolved)
        {
            return Err(CaseActionError::NoFlag);
        }
        let category = self
            .person
            .as_ref()
            .and_then(|p| p.ethnic_category)
            .ok_or(CaseActionError::NotZOr99)?;
        let reason = text(reason).ok_or(CaseActionError::Required("reason"))?;
        self.parts
            .data_quality_flags
            .retain(|f| *f != DataQualityFlag::EthnicCategoryUnresolved);
        Ok(Happened::of(
            HistoryDetail::EthnicityConfirmed {
                category: category.code().to_owned(),
                reason,
            },
            [EventType::ReviewPersonCorrected],
        ))
    }
}
