//! Level of learning disability (DOMAIN.md, "What a review records": "level of learning
//! disability (mild, moderate, severe, profound and multiple, unknown)").

use crate::wire::wire_enum;

wire_enum! {
    /// The level of the person's learning disability, as the review records it.
    pub enum LearningDisabilityLevel as "level of learning disability" {
        /// Mild.
        Mild => "mild",
        /// Moderate.
        Moderate => "moderate",
        /// Severe.
        Severe => "severe",
        /// Profound and multiple (PMLD).
        ProfoundAndMultiple => "profound_and_multiple",
        /// Not known.
        Unknown => "unknown",
    }
}
