//! Place of death (API.md:
//! `home|hospital|hospice|care_home|mental_health_inpatient|other|unknown`).
//!
//! A review records the place of death; the national extract carries its category (DOMAIN.md,
//! "What a review records" and "Publishing anonymised data").

use crate::wire::wire_enum;

wire_enum! {
    /// Where the person died, by category.
    pub enum PlaceOfDeath as "place of death" {
        /// At home.
        Home => "home",
        /// In an acute or community hospital.
        Hospital => "hospital",
        /// In a hospice.
        Hospice => "hospice",
        /// In a care home (residential or nursing).
        CareHome => "care_home",
        /// On a mental health inpatient unit.
        MentalHealthInpatient => "mental_health_inpatient",
        /// Elsewhere.
        Other => "other",
        /// Not known.
        Unknown => "unknown",
    }
}
