//! k-anonymity of the row-level national extract (DOMAIN.md, "Publishing anonymised data").
//!
//! "A row-level extract must be k-anonymous (k ≥ 5 by default) on its quasi-identifiers (age
//! band, sex, ethnic group, ICB, quarter of death). Rows in classes smaller than k are
//! generalised in this order until their class reaches k: quarter of death → year only
//! (`quarter_of_death: null`), then ICB → region (`organisation: null`, `region` kept), then age
//! band → 4–17, 18–64, 65+; rows still in a class under k are withheld. The extract reports how
//! many rows were generalised at each step and how many were withheld."
//!
//! A class is the set of rows whose published quasi-identifiers are identical (so the age band
//! `4-17` and the broad band `4-17` are one). At each step only the rows that are in a class
//! under k move to the next level; a row that reached k stays as it is. The count for a step is
//! the number of rows that step was applied to, including rows later withheld.

use std::collections::HashMap;

use crate::age_band::{AgeBand, BroadAgeBand};
use crate::ethnic_category::EthnicGroup;
use crate::ods_code::OdsCode;
use crate::sex::Sex;

/// The k used when none is configured.
pub const DEFAULT_K: usize = 5;

/// A row's quasi-identifiers, before any generalisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QuasiIdentifiers {
    /// The age band at death.
    pub age_band: AgeBand,
    /// Sex.
    pub sex: Sex,
    /// The ethnic group (2001 census group).
    pub ethnic_group: EthnicGroup,
    /// The responsible ICB.
    pub organisation: OdsCode,
    /// The NHS England region of the ICB.
    pub region: OdsCode,
    /// The calendar year of death.
    pub year: i32,
    /// The calendar quarter of death, 1 to 4.
    pub quarter: u8,
}

/// How far a row is generalised; each level includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// Published as it is.
    Kept,
    /// The quarter of death is dropped (year only).
    QuarterToYear,
    /// And the ICB is dropped (region kept).
    IcbToRegion,
    /// And the age band becomes 4–17, 18–64 or 65+.
    AgeBandToBroad,
    /// Not published.
    Withheld,
}

/// The published age band: the band, or the broad band it was generalised to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PublishedAgeBand {
    /// The age band as it is.
    Band(AgeBand),
    /// The broad band.
    Broad(BroadAgeBand),
}

impl PublishedAgeBand {
    /// The published label, for example `25-34` or `18-64`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Band(band) => band.as_str(),
            Self::Broad(band) => band.as_str(),
        }
    }
}

/// A row's quasi-identifiers as published.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Published {
    /// The age band, perhaps broad.
    pub age_band: PublishedAgeBand,
    /// Sex.
    pub sex: Sex,
    /// The ethnic group.
    pub ethnic_group: EthnicGroup,
    /// The ICB, or `None` once generalised to the region.
    pub organisation: Option<OdsCode>,
    /// The region.
    pub region: OdsCode,
    /// The year of death.
    pub year: i32,
    /// The quarter of death, or `None` once generalised to the year.
    pub quarter: Option<u8>,
}

impl Level {
    /// The row's quasi-identifiers as published at this level; `None` when withheld.
    pub fn apply(self, row: &QuasiIdentifiers) -> Option<Published> {
        if self == Self::Withheld {
            return None;
        }
        Some(Published {
            age_band: if self >= Self::AgeBandToBroad {
                PublishedAgeBand::Broad(row.age_band.broad())
            } else {
                PublishedAgeBand::Band(row.age_band)
            },
            sex: row.sex,
            ethnic_group: row.ethnic_group,
            organisation: (self < Self::IcbToRegion).then(|| row.organisation.clone()),
            region: row.region.clone(),
            year: row.year,
            quarter: (self < Self::QuarterToYear).then_some(row.quarter),
        })
    }

    fn next(self) -> Self {
        match self {
            Self::Kept => Self::QuarterToYear,
            Self::QuarterToYear => Self::IcbToRegion,
            Self::IcbToRegion => Self::AgeBandToBroad,
            Self::AgeBandToBroad | Self::Withheld => Self::Withheld,
        }
    }
}

/// How many rows each step was applied to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StepCounts {
    /// Rows whose quarter was generalised to the year.
    pub quarter_to_year: usize,
    /// Rows whose ICB was generalised to the region.
    pub icb_to_region: usize,
    /// Rows whose age band was generalised to the broad band.
    pub age_band_to_broad: usize,
    /// Rows withheld.
    pub withheld: usize,
}

/// The plan for an extract: a level per row (in input order) and the counts per step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The level of each row, in the order the rows were given.
    pub levels: Vec<Level>,
    /// How many rows each step was applied to.
    pub counts: StepCounts,
}

/// The key two rows share when they are in the same published class.
type ClassKey = (
    &'static str,
    Sex,
    EthnicGroup,
    Option<OdsCode>,
    OdsCode,
    i32,
    Option<u8>,
);

fn class_key(published: Published) -> ClassKey {
    (
        published.age_band.as_str(),
        published.sex,
        published.ethnic_group,
        published.organisation,
        published.region,
        published.year,
        published.quarter,
    )
}

/// Generalises the rows until every published class has at least `k` rows, withholding the rest.
pub fn k_anonymise(rows: &[QuasiIdentifiers], k: usize) -> Plan {
    let mut index: HashMap<&QuasiIdentifiers, usize> = HashMap::new();
    let mut classes: Vec<(QuasiIdentifiers, usize)> = Vec::new();
    let positions: Vec<usize> = rows
        .iter()
        .map(|row| {
            *index.entry(row).or_insert_with(|| {
                classes.push((row.clone(), 0));
                classes.len() - 1
            })
        })
        .collect();
    for position in &positions {
        classes[*position].1 += 1;
    }
    let plan = k_anonymise_classes(&classes, k);
    Plan {
        levels: positions.iter().map(|p| plan.levels[*p]).collect(),
        counts: plan.counts,
    }
}

/// As [`k_anonymise`], over classes of identical rows given with their sizes, so that an extract
/// too large to hold can be planned from a `GROUP BY` of its quasi-identifiers. Rows with
/// identical quasi-identifiers always share a level, so the result is the same; the plan has one
/// level per class, and the counts are in rows.
pub fn k_anonymise_classes(classes: &[(QuasiIdentifiers, usize)], k: usize) -> Plan {
    let mut levels = vec![Level::Kept; classes.len()];
    for step in [
        Level::QuarterToYear,
        Level::IcbToRegion,
        Level::AgeBandToBroad,
        Level::Withheld,
    ] {
        let keys: Vec<Option<ClassKey>> = classes
            .iter()
            .zip(&levels)
            .map(|((row, _), level)| level.apply(row).map(class_key))
            .collect();
        let mut sizes: HashMap<&ClassKey, usize> = HashMap::new();
        for (key, (_, size)) in keys.iter().zip(classes) {
            if let Some(key) = key {
                *sizes.entry(key).or_default() += size;
            }
        }
        let small: Vec<bool> = keys
            .iter()
            .map(|key| {
                key.as_ref()
                    .is_some_and(|key| sizes.get(key).copied().unwrap_or(0) < k)
            })
            .collect();
        for (level, small) in levels.iter_mut().zip(small) {
            if small && level.next() == step {
                *level = step;
            }
        }
    }
    let at_least = |step: Level| -> usize {
        levels
            .iter()
            .zip(classes)
            .filter(|(level, _)| **level >= step)
            .map(|(_, (_, size))| size)
            .sum()
    };
    let counts = StepCounts {
        quarter_to_year: at_least(Level::QuarterToYear),
        icb_to_region: at_least(Level::IcbToRegion),
        age_band_to_broad: at_least(Level::AgeBandToBroad),
        withheld: at_least(Level::Withheld),
    };
    Plan { levels, counts }
}
