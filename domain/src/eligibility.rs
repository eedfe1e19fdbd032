//! Who is eligible for a LeDeR review (DOMAIN.md, "Who is eligible").
//!
//! "Ages are whole years at the date of death." A person with a learning disability aged 18 or
//! over is eligible for a `leder_review`; aged 4 to 17 they are eligible and routed to the
//! `child_death_review` ("the statutory Child Death Review process reviews the death; LeDeR keeps
//! the record and receives its outcome"); under 4 they are not eligible. An autistic person
//! without a learning disability is eligible for a `leder_review` when aged 18 or over and they
//! died on or after 2022-01-01; otherwise not. Neither: not eligible. Did not live in England: not
//! eligible. A registered national data opt-out gives `opted_out` ("identifiable details are not
//! stored"). "A date of death before the date of birth, or after today, is a validation error,
//! not an eligibility outcome. Every outcome carries machine-readable reason codes … and a human
//! sentence."
//!
//! Precedence: the opt-out is decided first (whatever else holds, nothing identifiable may be
//! kept); otherwise every reason that makes the death not eligible is listed.

use time::Date;
use time::macros::date;

use crate::age::{AgeError, age_at};
use crate::wire::wire_enum;

/// The version of these eligibility rules, recorded on every case assessed with them.
pub const ELIGIBILITY_RULES_VERSION: &str = "leder-eligibility-1";

/// The first date of death for which autistic people without a learning disability are eligible.
pub const AUTISM_PROGRAMME_START: Date = date!(2022 - 01 - 01);

wire_enum! {
    /// The eligibility outcome.
    pub enum Outcome as "eligibility outcome" {
        /// Eligible: a review follows on the route given.
        Eligible => "eligible",
        /// Not eligible: the case closes.
        NotEligible => "not_eligible",
        /// A national data opt-out: nothing identifiable is stored.
        OptedOut => "opted_out",
    }
}

wire_enum! {
    /// Which process reviews an eligible death.
    pub enum Route as "eligibility route" {
        /// A LeDeR review (initial, perhaps focused).
        LederReview => "leder_review",
        /// The statutory Child Death Review; LeDeR keeps the record and receives its outcome.
        ChildDeathReview => "child_death_review",
    }
}

wire_enum! {
    /// A machine-readable reason for an eligibility outcome.
    pub enum Reason as "eligibility reason" {
        /// Learning disability, aged 18 or over.
        LearningDisabilityAdult => "learning_disability_adult",
        /// Learning disability, aged 4 to 17.
        LearningDisabilityChild => "learning_disability_child",
        /// Autistic without a learning disability, aged 18 or over, died on or after 2022-01-01.
        AutisticAdult => "autistic_adult",
        /// Learning disability, aged under 4.
        AgeUnder4 => "age_under_4",
        /// Autistic without a learning disability, died before 2022-01-01.
        AutismBeforeProgrammeStart => "autism_before_programme_start",
        /// Autistic without a learning disability, aged under 18.
        AutisticUnder18 => "autistic_under_18",
        /// Neither a learning disability nor autism.
        NeitherLearningDisabilityNorAutism => "neither_learning_disability_nor_autism",
        /// Did not live in England.
        DidNotLiveInEngland => "did_not_live_in_england",
        /// Registered a national data opt-out.
        NationalDataOptOut => "national_data_opt_out",
    }
}

impl Reason {
    /// The reason as a clause of a human sentence.
    pub fn sentence(self) -> &'static str {
        match self {
            Self::LearningDisabilityAdult => {
                "the person had a learning disability and was 18 or over"
            }
            Self::LearningDisabilityChild => {
                "the person had a learning disability and was aged 4 to 17, so the statutory Child \
                 Death Review process reviews the death and LeDeR receives its outcome"
            }
            Self::AutisticAdult => {
                "the person was autistic, 18 or over, and died on or after 1 January 2022"
            }
            Self::AgeUnder4 => "the person was under 4",
            Self::AutismBeforeProgrammeStart => {
                "deaths of autistic people without a learning disability are reviewed from 1 \
                 January 2022"
            }
            Self::AutisticUnder18 => {
                "autistic people without a learning disability are reviewed from the age of 18"
            }
            Self::NeitherLearningDisabilityNorAutism => {
                "the person had neither a learning disability nor autism"
            }
            Self::DidNotLiveInEngland => "the person did not live in England",
            Self::NationalDataOptOut => {
                "the person registered a national data opt-out, so identifiable details are not \
                 stored"
            }
        }
    }
}

/// The facts about a person that decide eligibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person {
    /// Date of birth (a date in England).
    pub date_of_birth: Date,
    /// Date of death (a date in England).
    pub date_of_death: Date,
    /// Had a learning disability.
    pub learning_disability: bool,
    /// Was autistic.
    pub autistic: bool,
    /// Lived in England.
    pub lived_in_england: bool,
    /// Had registered a national data opt-out.
    pub national_data_opt_out: bool,
}

/// The result of assessing a person against the eligibility table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Eligible, not eligible or opted out.
    pub outcome: Outcome,
    /// The route of an eligible death; `None` otherwise.
    pub route: Option<Route>,
    /// Every reason for the outcome, most decisive first.
    pub reasons: Vec<Reason>,
    /// The age at death in whole years.
    pub age_at_death: u32,
    /// The version of the rules used ([`ELIGIBILITY_RULES_VERSION`]).
    pub version: &'static str,
}

impl Assessment {
    /// A human sentence explaining the outcome, for example "Not eligible: the person was under 4."
    pub fn sentence(&self) -> String {
        let lead = match self.outcome {
            Outcome::Eligible => "Eligible",
            Outcome::NotEligible => "Not eligible",
            Outcome::OptedOut => "Opted out",
        };
        let clauses: Vec<&str> = self
            .reasons
            .iter()
            .map(|reason| reason.sentence())
            .collect();
        format!("{lead}: {}.", clauses.join("; "))
    }

    /// Whether this is an eligible death for a LeDeR review (not a Child Death Review).
    pub fn is_leder_review(&self) -> bool {
        self.route == Some(Route::LederReview)
    }
}

/// Assesses a person against the eligibility table of DOMAIN.md.
///
/// `today` is the English date of the assessment (the notification date at intake, the date of
/// a correction later); a death after it, or before the birth, or dates outside the
/// plausibility bounds ([`crate::plausibility::check_dates`]) are an [`AgeError`].
pub fn assess(person: &Person, today: Date) -> Result<Assessment, AgeError> {
    let age = age_at(person.date_of_birth, person.date_of_death, today)?;
    crate::plausibility::check_dates(person.date_of_birth, person.date_of_death)?;
    let decided = |outcome, route, reasons| Assessment {
        outcome,
        route,
        reasons,
        age_at_death: age,
        version: ELIGIBILITY_RULES_VERSION,
    };
    if person.national_data_opt_out {
        return Ok(decided(
            Outcome::OptedOut,
            None,
            vec![Reason::NationalDataOptOut],
        ));
    }
    let clinical = clinical_reasons(person, age);
    let route = match clinical.as_slice() {
        [Reason::LearningDisabilityAdult | Reason::AutisticAdult] => Some(Route::LederReview),
        [Reason::LearningDisabilityChild] => Some(Route::ChildDeathReview),
        _ => None,
    };
    Ok(match (person.lived_in_england, route) {
        (true, Some(route)) => decided(Outcome::Eligible, Some(route), clinical),
        (true, None) => decided(Outcome::NotEligible, None, clinical),
        (false, Some(_)) => decided(
            Outcome::NotEligible,
            None,
            vec![Reason::DidNotLiveInEngland],
        ),
        (false, None) => {
            let mut reasons = vec![Reason::DidNotLiveInEngland];
            reasons.extend(clinical);
            decided(Outcome::NotEligible, None, reasons)
        }
    })
}

/// The reasons from the learning disability, autism and age rows alone.
fn clinical_reasons(person: &Person, age: u32) -> Vec<Reason> {
    if person.learning_disability {
        return vec![match age {
            18.. => Reason::LearningDisabilityAdult,
            4..=17 => Reason::LearningDisabilityChild,
            _ => Reason::AgeUnder4,
        }];
    }
    if !person.autistic {
        return vec![Reason::NeitherLearningDisabilityNorAutism];
    }
    let mut reasons = Vec::new();
    if person.date_of_death < AUTISM_PROGRAMME_START {
        reasons.push(Reason::AutismBeforeProgrammeStart);
    }
    if age < 18 {
        reasons.push(Reason::AutisticUnder18);
    }
    if reasons.is_empty() {
        reasons.push(Reason::AutisticAdult);
    }
    reasons
}
