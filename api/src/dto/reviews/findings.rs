//! The review form as the API shows and takes it (API.md, "The review form").

use crate::dto::{iso_date, wire};
use leder_domain::review_form::CovidVaccination;
use leder_domain::{LearningDisabilityLevel, PlaceOfDeath};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

/// The cause of death as on the MCCD.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CauseOfDeathDoc {
    /// Part 1a.
    pub part_1a: Option<String>,
    /// Part 1b.
    pub part_1b: Option<String>,
    /// Part 1c.
    pub part_1c: Option<String>,
    /// Part 2.
    pub part_2: Option<String>,
    /// ICD-10 code of the underlying cause (normalised, e.g. `J18.9`).
    pub underlying_icd10: Option<String>,
    /// Why the underlying cause is not known (instead of a code).
    pub underlying_not_known_reason: Option<String>,
}

/// DNACPR answers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DnacprDoc {
    /// A DNACPR was in place.
    pub in_place: Option<bool>,
    /// Its process was correct.
    pub process_correct: Option<bool>,
}

/// Mental Capacity Act answers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MentalCapacityActDoc {
    /// The Act was relevant.
    pub relevant: Option<bool>,
    /// It was followed.
    pub followed: Option<bool>,
}

/// Family involvement. Derived from the family record (`/reviews/{id}/family-contacts` and the
/// `no_family_contact` action) once it has an entry, and then read-only (422
/// `derived_from_family_record`); submission needs it recorded so. A review written before the
/// record existed keeps the answers given in the form, with `recorded: false`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FamilyInvolvementDoc {
    /// The family was contacted.
    pub contacted: Option<bool>,
    /// They declined to take part.
    pub declined: Option<bool>,
    /// Feedback was shared with them.
    pub feedback_shared: Option<bool>,
    /// Why they were not contacted.
    pub reason_not_contacted: Option<String>,
    /// Derived from the family record (set by leder; a form never claims it).
    pub recorded: Option<bool>,
}

/// A key episode of care.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyEpisodeDoc {
    /// When.
    #[serde(with = "iso_date")]
    pub date: Date,
    /// Where (setting).
    pub setting: String,
    /// What happened.
    pub description: String,
}

/// The review form (DOMAIN.md, "What a review records").
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingsDoc {
    /// Who the person was.
    pub pen_portrait: Option<String>,
    /// The cause of death.
    pub cause_of_death: Option<CauseOfDeathDoc>,
    /// Where the person died.
    #[serde(default, with = "wire::option")]
    #[schema(schema_with = wire::schema::nullable::<PlaceOfDeath>)]
    pub place_of_death: Option<PlaceOfDeath>,
    /// DNACPR.
    pub dnacpr: Option<DnacprDoc>,
    /// Mental Capacity Act.
    pub mental_capacity_act: Option<MentalCapacityActDoc>,
    /// An annual health check in the last 12 months.
    pub annual_health_check_last_12_months: Option<bool>,
    /// Reasonable adjustments were made.
    pub reasonable_adjustments_made: Option<bool>,
    /// There were delays in care.
    pub delays_in_care: Option<bool>,
    /// Level of learning disability.
    #[serde(default, with = "wire::option")]
    #[schema(schema_with = wire::schema::nullable::<LearningDisabilityLevel>)]
    pub learning_disability_level: Option<LearningDisabilityLevel>,
    /// Long-term conditions.
    pub long_term_conditions: Option<Vec<String>>,
    /// Overall quality-of-care grade, 1 (excellent) to 6 (fell far short, contributed to death).
    #[serde(default, deserialize_with = "crate::dto::whole_number")]
    #[schema(minimum = 1, maximum = 6)]
    pub care_grade: Option<i64>,
    /// Areas of good practice.
    pub good_practice: Option<String>,
    /// Areas of concern.
    pub concerns: Option<String>,
    /// Family involvement.
    pub family_involvement: Option<FamilyInvolvementDoc>,
    /// Key episodes of care.
    pub key_episodes: Option<Vec<KeyEpisodeDoc>>,
    /// Roles of the professionals who contributed.
    pub contributors: Option<Vec<String>>,
    /// Form 2: the death was referred to the coroner (refused, 422 `not_in_form_version`, on
    /// a review opened with `leder-form-1`, as are the four below).
    pub referred_to_coroner: Option<bool>,
    /// Form 2: a Deprivation of Liberty Safeguards authorisation was in place.
    pub dols_authorisation_in_place: Option<bool>,
    /// Form 2: the care package met the person's needs.
    pub care_package_met_needs: Option<bool>,
    /// Form 2: the person was placed out of area.
    pub out_of_area_placement: Option<bool>,
    /// Form 2: COVID-19 vaccination status.
    #[serde(default, with = "wire::option")]
    #[schema(schema_with = wire::schema::nullable::<CovidVaccination>)]
    pub covid_vaccination: Option<CovidVaccination>,
}
