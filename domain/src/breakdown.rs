//! The breakdowns of the national statistics (API.md: `by=sex|ethnic_group|age_band|
//! organisation|region`): one enum from the query parameter to the SQL that groups by it.

use crate::wire::wire_enum;
use crate::{AgeBand, EthnicGroup, Sex};

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
    }
}

impl Breakdown {
    /// The groups listed even with no deaths (the closed lists); none for ICBs and regions.
    pub fn every_group(self) -> Vec<&'static str> {
        match self {
            Self::Sex => Sex::ALL.iter().map(|s| s.as_str()).collect(),
            Self::EthnicGroup => EthnicGroup::ALL.iter().map(|g| g.as_str()).collect(),
            Self::AgeBand => AgeBand::ALL.iter().map(|b| b.as_str()).collect(),
            Self::Organisation | Self::Region => Vec::new(),
        }
    }
}
