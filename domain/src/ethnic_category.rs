//! Ethnic category (DOMAIN.md, "NHS data standards" and "Review type").
//!
//! "Ethnic category: NHS Data Dictionary codes A–S, Z, 99, with their 2001 census groups." The
//! codes, groups and descriptions come from `data/ethnic-categories.csv`. A category is an ethnic
//! minority when it "is D to S (Mixed, Asian or Asian British, Black or Black British, Other
//! ethnic groups). A, B and C (White groups) do not trigger it. `Z` (not stated) and `99` (not
//! known) do not trigger it but raise a data-quality flag that the reviewer must resolve before
//! submitting."

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use crate::reference_data::{ETHNIC_CATEGORIES_CSV, rows};
use crate::wire::wire_enum;

/// The version of the ethnic category codes: the NHS Data Dictionary's codes A to S, Z and 99,
/// grouped by the 2001 census.
pub const ETHNIC_CATEGORY_CODES_VERSION: &str = "nhs-data-dictionary-2001-census";

wire_enum! {
    /// The 2001 census group of an ethnic category (with "not stated" and "not known").
    pub enum EthnicGroup as "ethnic group" {
        /// White (A, B, C).
        White => "white",
        /// Mixed (D to G).
        Mixed => "mixed",
        /// Asian or Asian British (H to L).
        AsianOrAsianBritish => "asian_or_asian_british",
        /// Black or Black British (M, N, P).
        BlackOrBlackBritish => "black_or_black_british",
        /// Other ethnic groups (R, S).
        OtherEthnicGroups => "other_ethnic_groups",
        /// Not stated (Z).
        NotStated => "not_stated",
        /// Not known (99).
        NotKnown => "not_known",
    }
}

impl EthnicGroup {
    /// The group's name as the census and the CSV write it, for example `Asian or Asian British`.
    pub fn label(self) -> &'static str {
        match self {
            Self::White => "White",
            Self::Mixed => "Mixed",
            Self::AsianOrAsianBritish => "Asian or Asian British",
            Self::BlackOrBlackBritish => "Black or Black British",
            Self::OtherEthnicGroups => "Other Ethnic Groups",
            Self::NotStated => "Not stated",
            Self::NotKnown => "Not known",
        }
    }

    /// Whether the group is an ethnic minority: Mixed, Asian, Black or Other (codes D to S).
    pub fn is_ethnic_minority(self) -> bool {
        matches!(
            self,
            Self::Mixed
                | Self::AsianOrAsianBritish
                | Self::BlackOrBlackBritish
                | Self::OtherEthnicGroups
        )
    }

    fn from_label(label: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|group| group.label() == label)
    }
}

struct Entry {
    code: String,
    group: EthnicGroup,
    description: String,
}

static CATEGORIES: LazyLock<Vec<Entry>> = LazyLock::new(|| {
    rows(ETHNIC_CATEGORIES_CSV)
        .map(|row| {
            #[expect(
                clippy::expect_used,
                reason = "the embedded table is part of the build and every row is checked by the tests"
            )]
            let group = EthnicGroup::from_label(&row[1]).expect("a known 2001 census group");
            Entry {
                code: row[0].clone(),
                group,
                description: row[2].clone(),
            }
        })
        .collect()
});

/// An NHS Data Dictionary ethnic category (`A`–`S`, `Z`, `99`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct EthnicCategory {
    index: usize,
}

/// Why a text is not an ethnic category.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{found}` is not an NHS Data Dictionary ethnic category (A to S, Z or 99)")]
pub struct EthnicCategoryError {
    found: String,
}

impl EthnicCategoryError {
    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        "unknown_code"
    }
}

impl EthnicCategory {
    /// Parses a Data Dictionary code; surrounding spaces and lower case letters are accepted.
    pub fn parse(input: &str) -> Result<Self, EthnicCategoryError> {
        let code = input.trim().to_ascii_uppercase();
        CATEGORIES
            .iter()
            .position(|entry| entry.code == code)
            .map(|index| Self { index })
            .ok_or_else(|| EthnicCategoryError {
                found: input.to_owned(),
            })
    }

    /// Every category, in Data Dictionary order.
    pub fn all() -> impl Iterator<Item = Self> {
        (0..CATEGORIES.len()).map(|index| Self { index })
    }

    fn entry(&self) -> &'static Entry {
        &CATEGORIES[self.index]
    }

    /// The Data Dictionary code, for example `H` or `99`.
    pub fn code(&self) -> &'static str {
        &self.entry().code
    }

    /// The 2001 census group.
    pub fn group(&self) -> EthnicGroup {
        self.entry().group
    }

    /// The category's description, for example `Indian`.
    pub fn description(&self) -> &'static str {
        &self.entry().description
    }

    /// "ethnic category is D to S": the categories that make a review focused.
    pub fn is_ethnic_minority(&self) -> bool {
        self.group().is_ethnic_minority()
    }

    /// `Z` (not stated) and `99` (not known): the reviewer must resolve it before submitting.
    pub fn needs_resolving(&self) -> bool {
        matches!(self.group(), EthnicGroup::NotStated | EthnicGroup::NotKnown)
    }
}

impl fmt::Debug for EthnicCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EthnicCategory({})", self.code())
    }
}

impl fmt::Display for EthnicCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for EthnicCategory {
    type Err = EthnicCategoryError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}
