//! The breakdowns of the national statistics (API.md: `by=sex|ethnic_group|age_band|organisation|region`).

use leder_domain::{AgeBand, EthnicGroup, Sex};
use leder_persistence::repo::national::Breakdown;

/// The breakdowns of API.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// By sex.
    Sex,
    /// By ethnic group (2001 census groups).
    EthnicGroup,
    /// By age band at death.
    AgeBand,
    /// By ICB.
    Organisation,
    /// By NHS England region.
    Region,
}

impl By {
    /// Every breakdown's name, as the query parameter takes it.
    pub const NAMES: [&'static str; 5] =
        ["sex", "ethnic_group", "age_band", "organisation", "region"];

    /// The breakdown a query parameter names.
    pub fn parse(name: &str) -> Option<By> {
        Some(match name {
            "sex" => By::Sex,
            "ethnic_group" => By::EthnicGroup,
            "age_band" => By::AgeBand,
            "organisation" => By::Organisation,
            "region" => By::Region,
            _ => return None,
        })
    }

    /// The name.
    pub fn as_str(self) -> &'static str {
        match self {
            By::Sex => "sex",
            By::EthnicGroup => "ethnic_group",
            By::AgeBand => "age_band",
            By::Organisation => "organisation",
            By::Region => "region",
        }
    }

    /// What SQL groups by for this breakdown.
    pub fn breakdown(by: Option<By>) -> Breakdown {
        match by {
            None => Breakdown::None,
            Some(By::Sex) => Breakdown::Sex,
            Some(By::EthnicGroup) => Breakdown::EthnicGroup,
            Some(By::AgeBand) => Breakdown::AgeBand,
            Some(By::Organisation | By::Region) => Breakdown::Organisation,
        }
    }

    /// The groups listed even with no deaths (the closed lists).
    pub(super) fn every_group(self) -> Vec<&'static str> {
        match self {
            By::Sex => Sex::ALL.iter().map(|s| s.as_str()).collect(),
            By::EthnicGroup => EthnicGroup::ALL.iter().map(|g| g.as_str()).collect(),
            By::AgeBand => AgeBand::ALL.iter().map(|b| b.as_str()).collect(),
            By::Organisation | By::Region => Vec::new(),
        }
    }
}
