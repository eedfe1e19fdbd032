//! Versions of the review form (DOMAIN.md, "What a review records"). The national reports
//! analyse answers the first form did not ask; they are a new form version, not a silent
//! change: a review keeps the version it was opened with and says so, and a review on the first
//! form does not take the second form's answers.
//!
//! `leder-form-2` adds: referral to the coroner, a Deprivation of Liberty Safeguards (DoLS)
//! authorisation in place, whether the care package met the person's needs, an out-of-area
//! placement, and COVID-19 vaccination status.

use crate::wire::wire_enum;

wire_enum! {
    /// A version of the review form.
    pub enum FormVersion as "form version" {
        /// The first release's form.
        LederForm1 => "leder-form-1",
        /// The first form and the five answers the national reports analyse.
        LederForm2 => "leder-form-2",
    }
}

impl FormVersion {
    /// The version new reviews are opened with.
    pub const CURRENT: Self = Self::LederForm2;
}

/// The yes/no questions `leder-form-2` added, by their wire names (the national statistics
/// count each answer; COVID-19 vaccination is counted by [`CovidVaccination`]).
pub const FORM_2_YES_NO: [&str; 4] = [
    "referred_to_coroner",
    "dols_authorisation_in_place",
    "care_package_met_needs",
    "out_of_area_placement",
];

wire_enum! {
    /// COVID-19 vaccination status at death.
    pub enum CovidVaccination as "COVID-19 vaccination status" {
        /// No dose.
        NotVaccinated => "not_vaccinated",
        /// Some doses of the primary course.
        PartiallyVaccinated => "partially_vaccinated",
        /// The primary course, with the boosters offered.
        FullyVaccinated => "fully_vaccinated",
        /// Not known.
        NotKnown => "not_known",
    }
}
