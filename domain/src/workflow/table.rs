//! The table of DOMAIN.md, "Stages": which stages allow each action, and who may take it.
//!
//! "People hold one or more roles within one ICB (a senior reviewer often sits on the QA panel
//! too), so 'who' below is a role plus a relationship to the case."

use crate::workflow::{Action, Actor, Case, Refusal, Role, Stage};

/// Who may take an action: a role plus a relationship to the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// The ICB lead.
    Lead,
    /// The allocated reviewer.
    AllocatedReviewer,
    /// The allocated reviewer or the lead.
    AllocatedReviewerOrLead,
    /// A QA panel member.
    QaPanel,
    /// A QA panel member who is not the case's reviewer.
    QaPanelNotTheReviewer,
}

/// "allowed from": the stages in which the table allows an action.
pub fn allowed_from(action: Action) -> &'static [Stage] {
    use Stage::*;
    match action {
        Action::Allocate => &[AwaitingAllocation, Allocated, InReview],
        Action::Start => &[Allocated],
        Action::Escalate => &[Allocated, InReview],
        Action::Submit => &[InReview],
        Action::Return | Action::Approve => &[AwaitingQa],
        Action::SignOff => &[AwaitingSignOff],
        // DOMAIN.md: a case can be held before allocation too (only the lead can then).
        Action::Hold => &[
            AwaitingAllocation,
            Allocated,
            InReview,
            AwaitingQa,
            AwaitingSignOff,
        ],
        Action::Resume => &[OnHold],
        Action::RecordChildDeathReviewOutcome => &[ReferredToChildDeathReview],
    }
}

/// "who": the role and relationship the table requires for an action.
pub fn who_may(action: Action) -> Who {
    match action {
        Action::Allocate | Action::SignOff | Action::RecordChildDeathReviewOutcome => Who::Lead,
        Action::Start | Action::Submit => Who::AllocatedReviewer,
        Action::Escalate | Action::Hold | Action::Resume => Who::AllocatedReviewerOrLead,
        Action::Return => Who::QaPanel,
        Action::Approve => Who::QaPanelNotTheReviewer,
    }
}

/// Checks the caller's role and relationship to the case (403 when it fails).
pub(crate) fn check_who(
    who: Who,
    actor: &Actor,
    case: &Case<'_>,
    what: &'static str,
) -> Result<(), Refusal> {
    let lead = actor.has(Role::IcsLead);
    let reviewer = actor.has(Role::Reviewer);
    let allocated = actor.is_reviewer_of(case.reviewer_id);
    match who {
        Who::Lead if lead => Ok(()),
        Who::AllocatedReviewer | Who::AllocatedReviewerOrLead if allocated => Ok(()),
        Who::AllocatedReviewerOrLead if lead => Ok(()),
        Who::AllocatedReviewer | Who::AllocatedReviewerOrLead if reviewer => {
            Err(Refusal::NotTheAllocatedReviewer(what))
        }
        Who::QaPanel if actor.has(Role::QaPanel) => Ok(()),
        Who::QaPanelNotTheReviewer if actor.has(Role::QaPanel) => {
            if case.reviewer_id == Some(actor.id()) {
                Err(Refusal::OwnReview)
            } else {
                Ok(())
            }
        }
        _ => Err(Refusal::RoleNotPermitted(what)),
    }
}
