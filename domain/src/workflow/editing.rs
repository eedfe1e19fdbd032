//! Who may edit what, when; and the correction of the person (DOMAIN.md, "Stages", "Editing" and
//! "Duplicates").
//!
//! "the findings and learning points are written by the allocated reviewer while the case is
//! `in_review` (and by the lead at any open stage); the person's details (to correct an error or
//! to resolve the ethnicity flag) by the lead or the allocated reviewer at any open stage, which
//! re-runs eligibility and review type and is audited." "a case closed as not eligible reopens as
//! `awaiting_allocation` when it becomes eligible", so the person of a `not_eligible` case may be
//! corrected too. A correction that changes the outcome moves the case: eligible for a LeDeR
//! review reopens at `awaiting_allocation` (from not eligible or from the Child Death Review),
//! eligible as a child goes to `referred_to_child_death_review`, not eligible closes as
//! `not_eligible`, an opt-out closes as `opted_out`. A move ends any hold.

use time::Date;

use crate::age::AgeError;
use crate::eligibility::{self, Assessment, Outcome, Route};
use crate::review_type::{self, DataQualityFlag, FocusedReason, ReviewType};
use crate::wire::wire_enum;
use crate::workflow::table::check_who;
use crate::workflow::{Actor, Case, Refusal, Stage, Who};

wire_enum! {
    /// What part of a case an edit touches.
    pub enum Edit as "edit" {
        /// The review form.
        Findings => "findings",
        /// The learning points (learning, good practice, concern).
        LearningPoints => "learning",
        /// The person's details.
        Person => "person",
    }
}

/// Decides whether `actor` may make an edit to `case`: scope, then role, then stage.
pub fn may_edit(case: &Case<'_>, actor: &Actor, edit: Edit) -> Result<(), Refusal> {
    if !actor.can_see_case(case.organisation, case.reviewer_id) {
        return Err(Refusal::OutOfScope);
    }
    check_who(Who::AllocatedReviewerOrLead, actor, case, edit.as_str())?;
    let lead = actor.has(crate::workflow::Role::IcsLead);
    let allowed = match edit {
        Edit::Findings | Edit::LearningPoints if lead => case.stage.is_open(),
        Edit::Findings | Edit::LearningPoints => case.stage == Stage::InReview,
        Edit::Person => case.stage.is_open() || case.stage == Stage::NotEligible,
    };
    if allowed {
        Ok(())
    } else {
        Err(Refusal::StageDoesNotAllow {
            stage: case.stage,
            what: edit.as_str(),
        })
    }
}

/// Why a correction of the person cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CorrectionError {
    /// The workflow refuses the edit.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The corrected dates are invalid.
    #[error(transparent)]
    Invalid(#[from] AgeError),
    /// The case keeps no person to correct (opted out).
    #[error("this case keeps no person to correct")]
    NoPerson,
}

impl CorrectionError {
    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Refused(refusal) => refusal.code(),
            Self::Invalid(error) => error.code(),
            Self::NoPerson => "no_person",
        }
    }
}

/// The outcome of a correction of the person: the new assessment and where the case goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// The eligibility re-run on the corrected details.
    pub assessment: Assessment,
    /// The review type re-run, for an eligible `leder_review`; `None` otherwise.
    pub review: Option<(ReviewType, Vec<FocusedReason>)>,
    /// The data-quality flags still open after the correction.
    pub data_quality_flags: Vec<DataQualityFlag>,
    /// The stage after the correction.
    pub stage: Stage,
    /// The case was on hold and the correction moved it, ending the hold.
    pub ends_hold: bool,
}

/// Corrects the person of a case: re-runs eligibility and review type and moves the case.
///
/// `review_facts` carries the corrected person's facts together with the case's standing family
/// request and reviewer concern, which a correction does not remove.
pub fn correct_person(
    case: &Case<'_>,
    actor: &Actor,
    person: &eligibility::Person,
    review_facts: &review_type::Facts,
    today: Date,
) -> Result<Correction, CorrectionError> {
    may_edit(case, actor, Edit::Person)?;
    let assessment = eligibility::assess(person, today)?;
    let review = review_type::decide_for(&assessment, review_facts);
    let data_quality_flags = if review.is_some() {
        review_type::data_quality_flags(review_facts.ethnic_category)
    } else {
        Vec::new()
    };
    let stage = match (assessment.outcome, assessment.route) {
        (Outcome::OptedOut, _) => Stage::OptedOut,
        (Outcome::NotEligible, _) => Stage::NotEligible,
        (Outcome::Eligible, Some(Route::ChildDeathReview)) => Stage::ReferredToChildDeathReview,
        (Outcome::Eligible, _)
            if matches!(
                case.stage,
                Stage::NotEligible | Stage::ReferredToChildDeathReview
            ) =>
        {
            Stage::AwaitingAllocation
        }
        (Outcome::Eligible, _) => case.stage,
    };
    Ok(Correction {
        assessment,
        review,
        data_quality_flags,
        ends_hold: case.stage == Stage::OnHold && stage != Stage::OnHold,
        stage,
    })
}
