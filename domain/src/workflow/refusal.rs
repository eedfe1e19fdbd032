//! Why the workflow refuses an action or an edit, in the order DOMAIN.md checks it.
//!
//! "A refusal checks, in this order: is the case within the caller's scope (else 404, as if it
//! did not exist), may the caller's role do this at all (else 403), does the stage allow it
//! (else 409)." After those, the action's own rule (a reason, complete findings, a learning
//! point) is a rule refusal, which the API answers with 422.

use crate::review_type::DataQualityFlag;
use crate::workflow::findings::Missing;
use crate::workflow::stage::{Action, Stage};

/// The class of a refusal, in the order they are checked; the API maps each to one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefusalKind {
    /// The case is not within the caller's scope: answer as if it did not exist (404).
    OutOfScope,
    /// The caller's role (or relationship to the case) may not do this (403).
    NotPermitted,
    /// The case's stage does not allow it (409).
    WrongStage,
    /// Allowed here, but the request breaks the action's rule (422).
    BreaksRule,
}

/// A refusal by the workflow, with a stable code and a human message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The case is not within the caller's scope.
    #[error("no such review")]
    OutOfScope,
    /// None of the caller's roles may do this.
    #[error("your role may not {0}")]
    RoleNotPermitted(&'static str),
    /// Only the allocated reviewer (or, where the table says so, the lead) may do this.
    #[error("only the allocated reviewer may {0}")]
    NotTheAllocatedReviewer(&'static str),
    /// A QA panel member may not approve a review they wrote.
    #[error("a QA panel member may not approve a review they are the reviewer of")]
    OwnReview,
    /// The stage does not allow the action or edit.
    #[error("a review that is {stage} does not allow {what}")]
    StageDoesNotAllow {
        /// The case's stage.
        stage: Stage,
        /// The action or edit refused.
        what: &'static str,
    },
    /// Escalation applies to an initial review only.
    #[error("only an initial review can be escalated; this one is already focused")]
    NotAnInitialReview,
    /// A written reason is required.
    #[error("a written reason is required to {0}")]
    ReasonRequired(&'static str),
    /// A comment is required.
    #[error("a comment is required to return a review")]
    CommentRequired,
    /// The reviewer to allocate is missing.
    #[error("name the reviewer to allocate")]
    ReviewerRequired,
    /// The person to allocate does not hold the reviewer role in the case's ICB.
    #[error("the person to allocate does not hold the reviewer role in this ICB")]
    NotAReviewerInThisIcb,
    /// The hold reason is missing or not one of the list.
    #[error("a hold needs a reason from the list: {}", crate::workflow::HoldReason::ALL.iter().map(|reason| reason.as_str()).collect::<Vec<_>>().join(", "))]
    InvalidHoldReason,
    /// A hold for `other` needs text.
    #[error("a hold for another reason needs the reason as text")]
    HoldTextRequired,
    /// The findings are not complete for the review type.
    #[error("the findings are not complete: {}", missing.iter().map(|field| field.as_str()).collect::<Vec<_>>().join(", "))]
    FindingsIncomplete {
        /// What is missing.
        missing: Vec<Missing>,
    },
    /// A data-quality flag must be resolved first.
    #[error("resolve the data-quality flags first: {}", flags.iter().map(|flag| flag.as_str()).collect::<Vec<_>>().join(", "))]
    OpenDataQualityFlag {
        /// The open flags.
        flags: Vec<DataQualityFlag>,
    },
    /// Sign-off needs at least one learning point.
    #[error("a review is signed off with at least one learning point")]
    NoLearningPoint,
    /// The case awaits its national data opt-out check (not known at notification).
    #[error(
        "check the national data opt-out first: it was not known at notification, and a case is allocated only once it is checked"
    )]
    OptOutCheckNeeded,
    /// The review's form version does not ask this question.
    #[error(
        "{0} is not a question of this review's form ({1}); it keeps the form it was opened with"
    )]
    NotInFormVersion(&'static str, &'static str),
    /// The form's family answers are derived from the family record: they cannot be written
    /// (or claimed to be derived) through the form.
    #[error(
        "family_involvement is derived from the family record: record the family's contacts and \
         what happened (family-contacts), or why there is no family contact (no_family_contact)"
    )]
    FamilyInvolvementDerived,
    /// The case is on hold but the stage it left is not known.
    #[error("the stage this review left when it went on hold is not recorded")]
    ResumeStageUnknown,
}

impl Refusal {
    /// The class of the refusal (out of scope, not permitted, wrong stage, breaks a rule).
    pub fn kind(&self) -> RefusalKind {
        match self {
            Self::OutOfScope => RefusalKind::OutOfScope,
            Self::RoleNotPermitted(_) | Self::NotTheAllocatedReviewer(_) | Self::OwnReview => {
                RefusalKind::NotPermitted
            }
            Self::StageDoesNotAllow { .. }
            | Self::NotAnInitialReview
            | Self::ResumeStageUnknown
            | Self::OptOutCheckNeeded => RefusalKind::WrongStage,
            Self::ReasonRequired(_)
            | Self::CommentRequired
            | Self::ReviewerRequired
            | Self::NotAReviewerInThisIcb
            | Self::InvalidHoldReason
            | Self::HoldTextRequired
            | Self::FindingsIncomplete { .. }
            | Self::OpenDataQualityFlag { .. }
            | Self::NoLearningPoint
            | Self::NotInFormVersion(..)
            | Self::FamilyInvolvementDerived => RefusalKind::BreaksRule,
        }
    }

    /// The stable machine-readable code of this refusal.
    pub fn code(&self) -> &'static str {
        match self {
            Self::OutOfScope => "not_found",
            Self::RoleNotPermitted(_) => "role_not_permitted",
            Self::NotTheAllocatedReviewer(_) => "not_the_allocated_reviewer",
            Self::OwnReview => "own_review",
            Self::StageDoesNotAllow { .. } => "stage_does_not_allow",
            Self::NotAnInitialReview => "not_an_initial_review",
            Self::ReasonRequired(_) => "reason_required",
            Self::CommentRequired => "comment_required",
            Self::ReviewerRequired => "reviewer_required",
            Self::NotAReviewerInThisIcb => "not_a_reviewer_in_this_icb",
            Self::InvalidHoldReason => "invalid_hold_reason",
            Self::HoldTextRequired => "hold_reason_text_required",
            Self::FindingsIncomplete { .. } => "findings_incomplete",
            Self::OpenDataQualityFlag { .. } => "open_data_quality_flag",
            Self::NoLearningPoint => "no_learning_point",
            Self::ResumeStageUnknown => "resume_stage_unknown",
            Self::OptOutCheckNeeded => "opt_out_check_needed",
            Self::NotInFormVersion(..) => "not_in_form_version",
            Self::FamilyInvolvementDerived => "derived_from_family_record",
        }
    }

    /// The request field a rule refusal is about, for validation responses.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::ReasonRequired(_) | Self::InvalidHoldReason => Some("reason"),
            Self::CommentRequired | Self::HoldTextRequired => Some("comment"),
            Self::ReviewerRequired | Self::NotAReviewerInThisIcb => Some("reviewer_id"),
            Self::NotInFormVersion(field, _) => Some(field),
            Self::FamilyInvolvementDerived => Some("family_involvement"),
            _ => None,
        }
    }

    pub(crate) fn wrong_stage(stage: Stage, action: Action) -> Self {
        Self::StageDoesNotAllow {
            stage,
            what: action.as_str(),
        }
    }
}
