//! What a review records and when it is complete (DOMAIN.md, "What a review records" and
//! "Stages").
//!
//! "A review is complete for submission when it has: a pen portrait, the underlying cause of
//! death (ICD-10, or explicitly 'not known' with a reason), place of death, care grade, family
//! involvement (contacted or why not), DNACPR and Mental Capacity Act answers, annual health
//! check; a focused review also needs at least one key episode of care and the roles of the
//! professionals who contributed." Blank text counts as missing. DNACPR is answered when we know
//! whether one was in place and, if it was, whether the process was correct; the Mental
//! Capacity Act likewise (relevant, and if so followed).

use time::Date;

use crate::care_grade::CareGrade;
use crate::icd_code::IcdCode;
use crate::learning_disability_level::LearningDisabilityLevel;
use crate::place_of_death::PlaceOfDeath;
use crate::review_type::ReviewType;
use crate::wire::wire_enum;

/// The underlying cause of death: an ICD-10 code, or explicitly not known with a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnderlyingCause {
    /// The ICD-10 code of the underlying cause.
    Known(IcdCode),
    /// Not known, with the reason why.
    NotKnown {
        /// Why the cause is not known.
        reason: String,
    },
}

/// The cause of death as on the Medical Certificate of Cause of Death.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CauseOfDeath {
    /// Part 1a, the disease or condition leading directly to death.
    pub part_1a: Option<String>,
    /// Part 1b.
    pub part_1b: Option<String>,
    /// Part 1c.
    pub part_1c: Option<String>,
    /// Part 2, other significant conditions.
    pub part_2: Option<String>,
    /// The underlying cause.
    pub underlying: Option<UnderlyingCause>,
}

impl CauseOfDeath {
    /// The underlying cause as its two flat fields (the API's and storage's shape): the ICD-10
    /// code when known, else the reason it is not.
    pub fn underlying_fields(&self) -> (Option<String>, Option<String>) {
        match &self.underlying {
            Some(UnderlyingCause::Known(code)) => (Some(code.as_str().to_owned()), None),
            Some(UnderlyingCause::NotKnown { reason }) => (None, Some(reason.clone())),
            None => (None, None),
        }
    }
}

/// DNACPR: was one in place, and was the process correct.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dnacpr {
    /// A DNACPR decision was in place.
    pub in_place: Option<bool>,
    /// The process was correct (asked only when one was in place).
    pub process_correct: Option<bool>,
}

/// Mental Capacity Act: was it relevant, and was it followed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MentalCapacityAct {
    /// The Act was relevant to decisions about care.
    pub relevant: Option<bool>,
    /// The Act was followed (asked only when relevant).
    pub followed: Option<bool>,
}

/// How the family was involved in the review: derived from the family record
/// (`crate::family::involvement`, `recorded`), or, on a review written before the record
/// existed, the form's own answers as they were given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FamilyInvolvement {
    /// The family (or someone close) was contacted.
    pub contacted: Option<bool>,
    /// They declined to take part.
    pub declined: Option<bool>,
    /// The findings were shared with them.
    pub feedback_shared: Option<bool>,
    /// Why they were not contacted.
    pub reason_not_contacted: Option<String>,
    /// Derived from the family record (contacts and what happened with each, or why there is
    /// no family contact); `false` for answers given in the form itself.
    pub recorded: bool,
}

/// A key episode of care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEpisode {
    /// When it happened.
    pub date: Date,
    /// Where (the care setting).
    pub setting: String,
    /// What happened.
    pub description: String,
}

/// The review form (API.md `findings`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// Who the person was.
    pub pen_portrait: Option<String>,
    /// The cause of death.
    pub cause_of_death: Option<CauseOfDeath>,
    /// The place of death.
    pub place_of_death: Option<PlaceOfDeath>,
    /// DNACPR answers.
    pub dnacpr: Option<Dnacpr>,
    /// Mental Capacity Act answers.
    pub mental_capacity_act: Option<MentalCapacityAct>,
    /// An annual health check in the last 12 months.
    pub annual_health_check_last_12_months: Option<bool>,
    /// Reasonable adjustments were made.
    pub reasonable_adjustments_made: Option<bool>,
    /// There were delays in care.
    pub delays_in_care: Option<bool>,
    /// The level of learning disability.
    pub learning_disability_level: Option<LearningDisabilityLevel>,
    /// Long-term conditions.
    pub long_term_conditions: Vec<String>,
    /// The overall quality-of-care grade.
    pub care_grade: Option<CareGrade>,
    /// Areas of good practice.
    pub good_practice: Option<String>,
    /// Areas of concern.
    pub concerns: Option<String>,
    /// Family involvement.
    pub family_involvement: Option<FamilyInvolvement>,
    /// Key episodes of care.
    pub key_episodes: Vec<KeyEpisode>,
    /// The roles of the professionals who contributed.
    pub contributors: Vec<String>,
    /// The death was referred to the coroner (form 2).
    pub referred_to_coroner: Option<bool>,
    /// A Deprivation of Liberty Safeguards authorisation was in place (form 2).
    pub dols_authorisation_in_place: Option<bool>,
    /// The care package met the person's needs (form 2).
    pub care_package_met_needs: Option<bool>,
    /// The person was placed out of area (form 2).
    pub out_of_area_placement: Option<bool>,
    /// COVID-19 vaccination status (form 2).
    pub covid_vaccination: Option<crate::review_form::CovidVaccination>,
}

impl Findings {
    /// The answers of form 2 this form gives, by their field names.
    pub fn form_2_answers(&self) -> Vec<&'static str> {
        [
            ("referred_to_coroner", self.referred_to_coroner.is_some()),
            (
                "dols_authorisation_in_place",
                self.dols_authorisation_in_place.is_some(),
            ),
            (
                "care_package_met_needs",
                self.care_package_met_needs.is_some(),
            ),
            (
                "out_of_area_placement",
                self.out_of_area_placement.is_some(),
            ),
            ("covid_vaccination", self.covid_vaccination.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect()
    }
}

wire_enum! {
    /// A part of the form still missing for submission; the name is the field's path in API.md.
    pub enum Missing as "findings field" {
        /// A pen portrait.
        PenPortrait => "pen_portrait",
        /// The underlying cause (a code, or not known with a reason).
        UnderlyingCause => "cause_of_death.underlying_icd10",
        /// The place of death.
        PlaceOfDeath => "place_of_death",
        /// The care grade.
        CareGrade => "care_grade",
        /// Family involvement recorded in the family record: who was contacted and what
        /// happened, or why there is no family contact (the form's own answers do not count).
        FamilyInvolvement => "family_involvement",
        /// The DNACPR answers.
        Dnacpr => "dnacpr",
        /// The Mental Capacity Act answers.
        MentalCapacityAct => "mental_capacity_act",
        /// The annual health check answer.
        AnnualHealthCheck => "annual_health_check_last_12_months",
        /// At least one key episode of care (focused reviews).
        KeyEpisodes => "key_episodes",
        /// The roles of the contributing professionals (focused reviews).
        Contributors => "contributors",
    }
}

fn has_text(text: Option<&String>) -> bool {
    text.is_some_and(|text| !text.trim().is_empty())
}

/// "contacted or why not", as the family record says it (DOMAIN.md, "Families": "submission
/// needs family involvement recorded (or the reason why not)").
fn family_answered(family: &FamilyInvolvement) -> bool {
    family.recorded
        && (family.contacted == Some(true) || has_text(family.reason_not_contacted.as_ref()))
}

/// Answered when the first question is, and the second too where the first is yes.
fn pair_answered(first: Option<bool>, second: Option<bool>) -> bool {
    match first {
        Some(true) => second.is_some(),
        Some(false) => true,
        None => false,
    }
}

fn cause_answered(cause: &CauseOfDeath) -> bool {
    match &cause.underlying {
        Some(UnderlyingCause::Known(_)) => true,
        Some(UnderlyingCause::NotKnown { reason }) => !reason.trim().is_empty(),
        None => false,
    }
}

impl Findings {
    /// What is still missing before a review of this type can be submitted (empty: complete).
    pub fn missing_for(&self, review_type: ReviewType) -> Vec<Missing> {
        let focused = review_type == ReviewType::Focused;
        [
            (has_text(self.pen_portrait.as_ref()), Missing::PenPortrait),
            (
                self.cause_of_death.as_ref().is_some_and(cause_answered),
                Missing::UnderlyingCause,
            ),
            (self.place_of_death.is_some(), Missing::PlaceOfDeath),
            (self.care_grade.is_some(), Missing::CareGrade),
            (
                self.family_involvement
                    .as_ref()
                    .is_some_and(family_answered),
                Missing::FamilyInvolvement,
            ),
            (
                self.dnacpr
                    .is_some_and(|answer| pair_answered(answer.in_place, answer.process_correct)),
                Missing::Dnacpr,
            ),
            (
                self.mental_capacity_act
                    .is_some_and(|answer| pair_answered(answer.relevant, answer.followed)),
                Missing::MentalCapacityAct,
            ),
            (
                self.annual_health_check_last_12_months.is_some(),
                Missing::AnnualHealthCheck,
            ),
            (
                !focused || !self.key_episodes.is_empty(),
                Missing::KeyEpisodes,
            ),
            (
                !focused || self.contributors.iter().any(|role| !role.trim().is_empty()),
                Missing::Contributors,
            ),
        ]
        .into_iter()
        .filter_map(|(present, missing)| (!present).then_some(missing))
        .collect()
    }

    /// Whether the form is complete for submission of a review of this type.
    pub fn is_complete_for(&self, review_type: ReviewType) -> bool {
        self.missing_for(review_type).is_empty()
    }
}
