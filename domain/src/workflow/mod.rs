//! The review workflow (DOMAIN.md, "Stages").
//!
//! ```text
//! awaiting_allocation -> allocated -> in_review -> awaiting_qa -> awaiting_sign_off -> completed
//!                                         ^             |
//!                                         +--returned---+
//! any open stage <-> on_hold(reason)       terminal: completed, not_eligible, opted_out
//! referred_to_child_death_review -> completed   (when the Child Death Review outcome is recorded)
//! ```
//!
//! "People hold one or more roles within one ICB … so 'who' below is a role plus a relationship
//! to the case." The table of actions (allocate, start, escalate, submit, return, approve,
//! sign_off, hold, resume, record the CDR outcome) is [`allowed_from`] and [`who_may`]. "A
//! refusal checks, in this order: is the case within the caller's scope (else 404, as if it did
//! not exist), may the caller's role do this at all (else 403), does the stage allow it (else
//! 409)"; the action's own rule comes last. Hold is allowed from allocated, in_review,
//! awaiting_qa and awaiting_sign_off (the table), and resume goes "back to the stage it left".
//! A reallocation from in_review keeps the case in review with the new reviewer.

mod actor;
mod child_death_review;
mod editing;
mod findings;
mod refusal;
mod stage;
mod table;

pub use actor::{Actor, ActorError, Role};
pub use child_death_review::{ChildDeathReviewOutcome, ChildDeathReviewOutcomeError};
pub use editing::{Correction, CorrectionError, Edit, correct_person, may_edit};
pub use findings::{
    CauseOfDeath, Dnacpr, FamilyInvolvement, Findings, KeyEpisode, MentalCapacityAct, Missing,
    UnderlyingCause,
};
pub use refusal::{Refusal, RefusalKind};
pub use stage::{Action, HoldReason, Stage};
pub use table::{Who, allowed_from, who_may};

use table::check_who;

use crate::ods_code::OdsCode;
use crate::review_type::{DataQualityFlag, ReviewType};

/// What the workflow needs to know about a case.
#[derive(Debug, Clone, Copy)]
pub struct Case<'a> {
    /// The current stage.
    pub stage: Stage,
    /// The ICB the case belongs to (its responsible body).
    pub organisation: &'a OdsCode,
    /// The allocated reviewer's id, if any.
    pub reviewer_id: Option<&'a str>,
    /// The review type; `None` for a case with no LeDeR review (child death review, closed).
    pub review_type: Option<ReviewType>,
    /// While on hold: the stage the case left, to resume to.
    pub resume_to: Option<Stage>,
    /// The findings so far.
    pub findings: &'a Findings,
    /// How many learning points (of kind `learning`, not good practice or concern) it has.
    pub learning_points: usize,
    /// The data-quality flags still open.
    pub data_quality_flags: &'a [DataQualityFlag],
}

/// A request to move a case (API.md `transitions` body).
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The action asked for.
    pub action: Action,
    /// For `allocate`: the person to allocate, as loaded by the caller.
    pub reviewer: Option<&'a Actor>,
    /// A written reason (reallocation, escalation) or, for `hold`, the hold reason's wire name.
    pub reason: Option<&'a str>,
    /// The QA comment for `return`, or the text of a hold for `other`.
    pub comment: Option<&'a str>,
}

impl<'a> Request<'a> {
    /// A request with no reviewer, reason or comment.
    pub fn new(action: Action) -> Self {
        Self {
            action,
            reviewer: None,
            reason: None,
            comment: None,
        }
    }
}

/// What else changes with the stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Nothing beyond the stage.
    None,
    /// A reviewer is (re)allocated.
    Allocated {
        /// The reviewer's id.
        reviewer_id: String,
        /// A reallocation from `in_review`, with its reason.
        reallocation_reason: Option<String>,
    },
    /// The review becomes focused for `reviewer_concern`, with the written reason.
    Escalated {
        /// The written reason.
        reason: String,
    },
    /// QA returned the review with a comment.
    Returned {
        /// The QA comment.
        comment: String,
    },
    /// A hold starts; the case will resume to `resume_to`.
    HoldStarted {
        /// The reason from the list.
        reason: HoldReason,
        /// The text given for `other` (or any extra text).
        text: Option<String>,
        /// The stage the case left.
        resume_to: Stage,
    },
    /// The hold ends.
    HoldEnded,
}

/// An accepted transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The stage before.
    pub from: Stage,
    /// The stage after.
    pub to: Stage,
    /// What else changes.
    pub effect: Effect,
}

fn text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

/// Decides whether `actor` may take `request.action` on `case`, and where the case goes.
///
/// Refuses, in order: out of scope, role (and relationship), stage, then the action's rule:
/// allocation needs a reviewer of the case's ICB (and a reason from `in_review`); escalation an
/// initial review and a reason; submission complete findings and no open data-quality flag;
/// return a comment; sign-off a learning point; hold a reason from the list (text for `other`).
pub fn transition(
    case: &Case<'_>,
    request: &Request<'_>,
    actor: &Actor,
) -> Result<Transition, Refusal> {
    let action = request.action;
    if !actor.can_see_case(case.organisation, case.reviewer_id) {
        return Err(Refusal::OutOfScope);
    }
    check_who(who_may(action), actor, case, action.as_str())?;
    if !allowed_from(action).contains(&case.stage) {
        return Err(Refusal::wrong_stage(case.stage, action));
    }
    let to = |to: Stage, effect: Effect| {
        Ok(Transition {
            from: case.stage,
            to,
            effect,
        })
    };
    match action {
        Action::Allocate => {
            let reviewer = request.reviewer.ok_or(Refusal::ReviewerRequired)?;
            if !reviewer.has_in(Role::Reviewer, case.organisation) {
                return Err(Refusal::NotAReviewerInThisIcb);
            }
            let reallocation_reason = if case.stage == Stage::InReview {
                Some(text(request.reason).ok_or(Refusal::ReasonRequired("reallocate"))?)
            } else {
                text(request.reason)
            };
            let next = if case.stage == Stage::InReview {
                Stage::InReview
            } else {
                Stage::Allocated
            };
            to(
                next,
                Effect::Allocated {
                    reviewer_id: reviewer.id().to_owned(),
                    reallocation_reason,
                },
            )
        }
        Action::Start => to(Stage::InReview, Effect::None),
        Action::Escalate => {
            if case.review_type != Some(ReviewType::Initial) {
                return Err(Refusal::NotAnInitialReview);
            }
            let reason = text(request.reason).ok_or(Refusal::ReasonRequired("escalate"))?;
            to(case.stage, Effect::Escalated { reason })
        }
        Action::Submit => {
            let missing = case
                .findings
                .missing_for(case.review_type.unwrap_or(ReviewType::Initial));
            if !missing.is_empty() {
                return Err(Refusal::FindingsIncomplete { missing });
            }
            if !case.data_quality_flags.is_empty() {
                return Err(Refusal::OpenDataQualityFlag {
                    flags: case.data_quality_flags.to_vec(),
                });
            }
            to(Stage::AwaitingQa, Effect::None)
        }
        Action::Return => {
            let comment = text(request.comment).ok_or(Refusal::CommentRequired)?;
            to(Stage::InReview, Effect::Returned { comment })
        }
        Action::Approve => to(Stage::AwaitingSignOff, Effect::None),
        Action::SignOff => {
            if case.learning_points == 0 {
                return Err(Refusal::NoLearningPoint);
            }
            to(Stage::Completed, Effect::None)
        }
        Action::Hold => {
            let reason = request
                .reason
                .and_then(|reason| HoldReason::parse(reason.trim()).ok())
                .ok_or(Refusal::InvalidHoldReason)?;
            let hold_text = text(request.comment);
            if reason == HoldReason::Other && hold_text.is_none() {
                return Err(Refusal::HoldTextRequired);
            }
            to(
                Stage::OnHold,
                Effect::HoldStarted {
                    reason,
                    text: hold_text,
                    resume_to: case.stage,
                },
            )
        }
        Action::Resume => {
            let back = case
                .resume_to
                .filter(|stage| allowed_from(Action::Hold).contains(stage))
                .ok_or(Refusal::ResumeStageUnknown)?;
            to(back, Effect::HoldEnded)
        }
        Action::RecordChildDeathReviewOutcome => to(Stage::Completed, Effect::None),
    }
}
