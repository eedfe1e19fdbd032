//! The stages of a review, the actions between them and the reasons for a hold.

use crate::wire::wire_enum;

wire_enum! {
    /// Where a case is in the review process (API.md `status`).
    pub enum Stage as "stage" {
        /// Notified and eligible; no reviewer yet.
        AwaitingAllocation => "awaiting_allocation",
        /// A reviewer is allocated and has not started.
        Allocated => "allocated",
        /// The reviewer is gathering and writing the findings.
        InReview => "in_review",
        /// Submitted; the QA panel checks it.
        AwaitingQa => "awaiting_qa",
        /// Approved by QA; the lead signs it off.
        AwaitingSignOff => "awaiting_sign_off",
        /// Signed off, or the Child Death Review outcome recorded (terminal).
        Completed => "completed",
        /// Paused for a listed reason; resumes to the stage it left.
        OnHold => "on_hold",
        /// Not eligible (terminal; a correction of the person may reopen it).
        NotEligible => "not_eligible",
        /// National data opt-out (terminal).
        OptedOut => "opted_out",
        /// A child's death, reviewed by the statutory Child Death Review process.
        ReferredToChildDeathReview => "referred_to_child_death_review",
    }
}

impl Stage {
    /// "terminal: completed, not_eligible, opted_out".
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::NotEligible | Self::OptedOut)
    }

    /// Every stage that is not terminal (on hold and referred to the Child Death Review included).
    pub fn is_open(self) -> bool {
        !self.is_terminal()
    }

    /// The stage a new case starts in, from its eligibility.
    pub fn initial(
        outcome: crate::eligibility::Outcome,
        route: Option<crate::eligibility::Route>,
    ) -> Self {
        use crate::eligibility::{Outcome, Route};
        match (outcome, route) {
            (Outcome::OptedOut, _) => Self::OptedOut,
            (Outcome::Eligible, Some(Route::ChildDeathReview)) => Self::ReferredToChildDeathReview,
            (Outcome::Eligible, _) => Self::AwaitingAllocation,
            (Outcome::NotEligible, _) => Self::NotEligible,
        }
    }
}

wire_enum! {
    /// What a caller asks a case to do (API.md `transitions.action`).
    pub enum Action as "action" {
        /// The lead allocates (or reallocates) a reviewer.
        Allocate => "allocate",
        /// The allocated reviewer starts the review.
        Start => "start",
        /// The reviewer or lead makes an initial review focused, with a written reason.
        Escalate => "escalate",
        /// The allocated reviewer submits complete findings to QA.
        Submit => "submit",
        /// A QA panel member returns the review to the reviewer, with a comment.
        Return => "return",
        /// A QA panel member (not the case's reviewer) approves it for sign-off.
        Approve => "approve",
        /// The lead signs the review off.
        SignOff => "sign_off",
        /// The reviewer or lead puts the case on hold, for a listed reason.
        Hold => "hold",
        /// The reviewer or lead resumes the case at the stage it left.
        Resume => "resume",
        /// The lead records the Child Death Review outcome.
        RecordChildDeathReviewOutcome => "record_child_death_review_outcome",
    }
}

wire_enum! {
    /// Why a case is on hold (DOMAIN.md, "Hold reasons").
    pub enum HoldReason as "hold reason" {
        /// A coroner's inquest.
        CoronerInquest => "coroner_inquest",
        /// A police investigation.
        PoliceInvestigation => "police_investigation",
        /// A Safeguarding Adults Review.
        SafeguardingAdultsReview => "safeguarding_adults_review",
        /// A safeguarding enquiry.
        SafeguardingEnquiry => "safeguarding_enquiry",
        /// A Domestic Homicide Review.
        DomesticHomicideReview => "domestic_homicide_review",
        /// A patient safety investigation.
        PatientSafetyInvestigation => "patient_safety_investigation",
        /// A Child Death Review.
        ChildDeathReview => "child_death_review",
        /// The family asked.
        FamilyRequest => "family_request",
        /// Another reason, given as text.
        Other => "other",
    }
}
