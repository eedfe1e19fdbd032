//! Initial or focused review (DOMAIN.md, "Review type").
//!
//! "Every eligible `leder_review` case gets an initial review … It becomes a focused review
//! (deeper, often multi-professional) when any of these holds; each is recorded as a reason
//! code": `ethnic_minority` (ethnic category D to S; A, B and C do not trigger it; "`Z` (not
//! stated) and `99` (not known) do not trigger it but raise a data-quality flag that the reviewer
//! must resolve before submitting"), `autistic_without_learning_disability` (mandatory),
//! `family_request` ("we always grant it") and `reviewer_concern` ("a reviewer or the local area
//! lead escalates, with a written reason"). A missing ethnic category is treated like `99`.

use crate::eligibility::Assessment;
use crate::ethnic_category::EthnicCategory;
use crate::wire::wire_enum;

wire_enum! {
    /// The kind of LeDeR review.
    pub enum ReviewType as "review type" {
        /// The initial review: family, GP, and at least one other person involved in the care.
        Initial => "initial",
        /// The deeper, often multi-professional, focused review.
        Focused => "focused",
    }
}

wire_enum! {
    /// Why a review is focused.
    pub enum FocusedReason as "focused reason" {
        /// Ethnic category D to S.
        EthnicMinority => "ethnic_minority",
        /// Autistic without a learning disability (mandatory).
        AutisticWithoutLearningDisability => "autistic_without_learning_disability",
        /// The family asked (always granted).
        FamilyRequest => "family_request",
        /// A reviewer or the local area lead escalated, with a written reason.
        ReviewerConcern => "reviewer_concern",
    }
}

wire_enum! {
    /// A data-quality question the reviewer must resolve before submitting.
    pub enum DataQualityFlag as "data-quality flag" {
        /// The ethnic category is `Z` (not stated), `99` (not known) or missing.
        EthnicCategoryUnresolved => "ethnic_category_unresolved",
    }
}

/// The facts that decide the review type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// The ethnic category, when one was given.
    pub ethnic_category: Option<EthnicCategory>,
    /// Had a learning disability.
    pub learning_disability: bool,
    /// Was autistic.
    pub autistic: bool,
    /// The family asked for a focused review.
    pub family_request: bool,
    /// A reviewer or the lead escalated with a written reason.
    pub reviewer_concern: bool,
}

/// The review type and every reason that makes it focused (none for an initial review).
pub fn decide(facts: &Facts) -> (ReviewType, Vec<FocusedReason>) {
    let reasons: Vec<FocusedReason> = [
        (
            facts
                .ethnic_category
                .is_some_and(|category| category.is_ethnic_minority()),
            FocusedReason::EthnicMinority,
        ),
        (
            facts.autistic && !facts.learning_disability,
            FocusedReason::AutisticWithoutLearningDisability,
        ),
        (facts.family_request, FocusedReason::FamilyRequest),
        (facts.reviewer_concern, FocusedReason::ReviewerConcern),
    ]
    .into_iter()
    .filter_map(|(holds, reason)| holds.then_some(reason))
    .collect();
    let review_type = if reasons.is_empty() {
        ReviewType::Initial
    } else {
        ReviewType::Focused
    };
    (review_type, reasons)
}

/// The review type for an assessed case: `None` unless it is an eligible `leder_review`.
pub fn decide_for(
    assessment: &Assessment,
    facts: &Facts,
) -> Option<(ReviewType, Vec<FocusedReason>)> {
    assessment.is_leder_review().then(|| decide(facts))
}

/// The data-quality flags the ethnic category raises: `Z`, `99` or a missing category.
pub fn data_quality_flags(ethnic_category: Option<EthnicCategory>) -> Vec<DataQualityFlag> {
    match ethnic_category {
        Some(category) if !category.needs_resolving() => Vec::new(),
        _ => vec![DataQualityFlag::EthnicCategoryUnresolved],
    }
}
