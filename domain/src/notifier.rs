//! Who notified a death (API.md, "Notifications"): their relationship to the person.

use crate::wire::wire_enum;

wire_enum! {
    /// The notifier's relationship to the person who died.
    pub enum Relationship as "relationship" {
        /// A relative.
        Family => "family",
        /// A paid or unpaid carer.
        Carer => "carer",
        /// A health professional.
        HealthProfessional => "health_professional",
        /// A social care professional.
        SocialCareProfessional => "social_care_professional",
        /// Anyone else.
        Other => "other",
    }
}
