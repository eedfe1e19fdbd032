//! The breakdowns of the national statistics (API.md: `by=sex|ethnic_group|age_band|
//! organisation|region|cohort|learning_disability_level`): one enum from the query parameter to
//! the SQL that groups by it.

use crate::wire::wire_enum;
use crate::{AgeBand, Cohort, EthnicGroup, LearningDisabilityLevel, Sex};

/// What the national figures count and how, reported as `definitions.national_figures` and
/// bumped whenever that changes. `leder-national-2`: figures per cohort (adults with a learning
/// disability by default), the 6-month shares as such and net of holds over LeDeR-reviewed cases
/// only, causes under a placeholder WHO category shown by their 4-character code, synthetic
/// reviews left out while a real one exists.
pub const NATIONAL_FIGURES_VERSION: &str = "leder-national-2";

/// The group of a review whose level of learning disability the form does not (yet) record:
/// apart from `unknown`, which is the reviewer's answer that the level is not known.
pub const LEVEL_NOT_RECORDED: &str = "not_recorded";

wire_enum! {
    /// What the national statistics are broken down by.
    pub enum Breakdown as "breakdown" {
        /// By sex.
        Sex => "sex",
        /// By ethnic group (2001 census groups).
        EthnicGroup => "ethnic_group",
        /// By age band at death.
        AgeBand => "age_band",
        /// By ICB.
        Organisation => "organisation",
        /// By NHS England region (counted by ICB, then each ICB mapped to its region).
        Region => "region",
        /// By cohort (DOMAIN.md, "Cohorts"): every cohort unless one is asked for.
        Cohort => "cohort",
        /// By level of learning disability as the review form records it (`not_recorded` where
        /// it does not).
        LearningDisabilityLevel => "learning_disability_level",
    }
}

impl Breakdown {
    /// The groups listed even with no deaths (the closed lists); none for ICBs and regions.
    pub fn every_group(self) -> Vec<&'static str> {
        match self {
            Self::Sex => Sex::ALL.iter().map(|s| s.as_str()).collect(),
            Self::EthnicGroup => EthnicGroup::ALL.iter().map(|g| g.as_str()).collect(),
            Self::AgeBand => AgeBand::ALL.iter().map(|b| b.as_str()).collect(),
            Self::Cohort => Cohort::ALL.iter().map(|c| c.as_str()).collect(),
            Self::LearningDisabilityLevel => LearningDisabilityLevel::ALL
                .iter()
                .map(|l| l.as_str())
                .chain([LEVEL_NOT_RECORDED])
                .collect(),
            Self::Organisation | Self::Region => Vec::new(),
        }
    }
}
