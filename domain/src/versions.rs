//! Definition versions (DOMAIN.md: "Each case records the versions of the eligibility rules, the
//! avoidable list and the grade scale it was assessed with", and "Every published figure says the
//! definition versions it used").

use crate::avoidable::AVOIDABLE_LIST_VERSION;
use crate::care_grade::CARE_GRADE_SCALE_VERSION;
use crate::eligibility::ELIGIBILITY_RULES_VERSION;

/// The versions of the definitions a case was assessed with, or a figure computed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Versions {
    /// The eligibility rules, for example `leder-eligibility-1`.
    pub eligibility: &'static str,
    /// The avoidable mortality list, for example `ons-2020/leder-1`.
    pub avoidable_mortality: &'static str,
    /// The quality-of-care grade scale, for example `leder-2016`.
    pub care_grade: &'static str,
}

impl Versions {
    /// The versions this build assesses new cases with.
    pub const CURRENT: Self = Self {
        eligibility: ELIGIBILITY_RULES_VERSION,
        avoidable_mortality: AVOIDABLE_LIST_VERSION,
        care_grade: CARE_GRADE_SCALE_VERSION,
    };
}
