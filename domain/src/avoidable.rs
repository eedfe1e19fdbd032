//! Avoidable deaths (DOMAIN.md, "Avoidable deaths").
//!
//! "The national reports use the ONS 2020 definition (OECD/Eurostat list, November 2019): a death
//! under 75 whose underlying cause is on the preventable list, the treatable list, or both;
//! causes on both count 0.5 to each, and 1 to 'avoidable'. COVID-19 (U07.1, U07.2) is
//! preventable. Age 75+ is never avoidable." The list is our transcription,
//! `data/avoidable-mortality.csv` (version `ons-2020/leder-2`; `data/AVOIDABLE-SOURCES.md` says
//! what changed from `leder-1` and which rows are still to verify). "The most specific row wins (A40.3 over A40–A41, E24.4 over
//! E24–E25). A bare 3-character code whose 4th characters the list splits (K85, G00, K74, K86,
//! C91, A40, A41) is read as its `.9` 'unspecified' subcode (K85 → K85.9, treatable; C91 → C91.9,
//! not on the list)."
//!
//! A row is a range of codes `from`–`to` given either as 3-character categories (covering every
//! subcode of each category) or as 4-character subcodes; a 4-character row is more specific than
//! a 3-character one, and among rows of one kind the narrower range wins. "The list splits" a
//! category when any 4-character row names one of its subcodes.
//!
//! Every version of the list stays embedded ([`ListVersion`]): a review keeps the version it was
//! assessed with, so a figure counted from it classifies it under that version until it is
//! re-assessed on purpose (`leder reassess-avoidable`).

use std::sync::LazyLock;

use crate::icd_code::IcdCode;
use crate::reference_data::{AVOIDABLE_MORTALITY_CSV, AVOIDABLE_MORTALITY_LEDER_1_CSV, rows};
use crate::wire::wire_enum;

wire_enum! {
    /// A version of our transcription of the list; each is kept, so that a review assessed with
    /// one is still classified by it.
    pub enum ListVersion as "avoidable mortality list version" {
        /// The first transcription (2026-11-25).
        OnsLeder1 => "ons-2020/leder-1",
        /// Seven rows corrected after a second check of the sources (2026-11-28).
        OnsLeder2 => "ons-2020/leder-2",
    }
}

impl ListVersion {
    /// The version new assessments use.
    pub const CURRENT: Self = Self::OnsLeder2;

    /// Every row of this version of the list, in the order of its CSV.
    pub fn rows(self) -> &'static [ListRow] {
        match self {
            Self::OnsLeder1 => &LEDER_1,
            Self::OnsLeder2 => &LEDER_2,
        }
    }
}

/// The version of the avoidable mortality list that new assessments record.
pub const AVOIDABLE_LIST_VERSION: &str = ListVersion::CURRENT.as_str();

/// The age from which no death is avoidable.
pub const AVOIDABLE_AGE_LIMIT: u32 = 75;

wire_enum! {
    /// Which list a cause is on.
    pub enum Classification as "avoidable classification" {
        /// Preventable: avoidable by public health and primary prevention.
        Preventable => "preventable",
        /// Treatable: avoidable by timely and effective health care.
        Treatable => "treatable",
        /// On both lists: 0.5 preventable, 0.5 treatable.
        Both => "both",
    }
}

/// One row of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    /// The first code of the range, as written in the list (`A40.3` or `A40`).
    pub from: String,
    /// The last code of the range, included.
    pub to: String,
    /// The cause group, for example `Sepsis`.
    pub cause: String,
    /// The list(s) the cause is on.
    pub classification: Classification,
}

impl ListRow {
    fn is_subcode_row(&self) -> bool {
        self.from.len() > 3
    }

    /// Whether a dotted code (`A40.3` or `I10`) lies within this row's range.
    fn covers(&self, code: &str) -> bool {
        if self.is_subcode_row() {
            code.len() > 3 && self.from.as_str() <= code && code <= self.to.as_str()
        } else {
            let category = &code[..3];
            self.from.as_str() <= category && category <= self.to.as_str()
        }
    }

    /// How many codes the range spans, to rank rows of one kind (narrower is more specific).
    fn width(&self) -> u32 {
        let rank = |code: &str| {
            let bytes = code.as_bytes();
            let letter = u32::from(bytes[0]) * 1000;
            let number = u32::from(bytes[1] - b'0') * 100 + u32::from(bytes[2] - b'0') * 10;
            letter + number + bytes.get(4).map_or(0, |&digit| u32::from(digit - b'0'))
        };
        rank(&self.to).saturating_sub(rank(&self.from))
    }
}

static LEDER_1: LazyLock<Vec<ListRow>> = LazyLock::new(|| parse(AVOIDABLE_MORTALITY_LEDER_1_CSV));
static LEDER_2: LazyLock<Vec<ListRow>> = LazyLock::new(|| parse(AVOIDABLE_MORTALITY_CSV));

fn parse(table: &'static str) -> Vec<ListRow> {
    rows(table)
        .filter_map(|row| {
            let classification = Classification::parse(&row[3]).ok()?;
            Some(ListRow {
                from: row[0].clone(),
                to: row[1].clone(),
                cause: row[2].clone(),
                classification,
            })
        })
        .collect()
}

/// Every row of the current list, in the order of the CSV.
pub fn list() -> &'static [ListRow] {
    ListVersion::CURRENT.rows()
}

/// The code the current list is consulted with: a bare category the list splits reads as its
/// `.9`.
pub fn lookup_code(code: &IcdCode) -> String {
    lookup_code_in(ListVersion::CURRENT, code)
}

/// The code a version of the list is consulted with.
pub fn lookup_code_in(version: ListVersion, code: &IcdCode) -> String {
    let code = code.as_str();
    let split = code.len() == 3
        && version.rows().iter().any(|row| {
            row.is_subcode_row() && (row.from.starts_with(code) || row.to.starts_with(code))
        });
    if split {
        format!("{code}.9")
    } else {
        code.to_owned()
    }
}

/// The most specific row of the current list covering a code, if the cause is on it at all.
pub fn row_for(code: &IcdCode) -> Option<&'static ListRow> {
    row_in(ListVersion::CURRENT, code)
}

/// The most specific row of a version of the list covering a code.
pub fn row_in(version: ListVersion, code: &IcdCode) -> Option<&'static ListRow> {
    let code = lookup_code_in(version, code);
    version
        .rows()
        .iter()
        .filter(|row| row.covers(&code))
        .min_by_key(|row| (!row.is_subcode_row(), row.width()))
}

/// A death's avoidable classification: 0, 0.5 or 1 each, with `preventable + treatable ==
/// avoidable`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Avoidability {
    /// 1 for an avoidable death, else 0.
    pub avoidable: f64,
    /// 1 preventable, 0.5 when on both lists, else 0.
    pub preventable: f64,
    /// 1 treatable, 0.5 when on both lists, else 0.
    pub treatable: f64,
    /// The list version used.
    pub version: &'static str,
}

impl Avoidability {
    fn of(version: ListVersion, preventable: f64, treatable: f64) -> Self {
        Self {
            avoidable: preventable + treatable,
            preventable,
            treatable,
            version: version.as_str(),
        }
    }
}

/// Classifies a death from its underlying cause and the age at death.
///
/// "a death under 75 whose underlying cause is on the preventable list, the treatable list, or
/// both; causes on both count 0.5 to each, and 1 to 'avoidable' … Age 75+ is never avoidable."
/// Under the current version of the list.
pub fn classify(underlying_cause: &IcdCode, age_at_death: u32) -> Avoidability {
    classify_with(ListVersion::CURRENT, underlying_cause, age_at_death)
}

/// Classifies a death under a given version of the list (a review keeps the version it was
/// assessed with).
pub fn classify_with(
    version: ListVersion,
    underlying_cause: &IcdCode,
    age_at_death: u32,
) -> Avoidability {
    let of = |preventable, treatable| Avoidability::of(version, preventable, treatable);
    if age_at_death >= AVOIDABLE_AGE_LIMIT {
        return of(0.0, 0.0);
    }
    match row_in(version, underlying_cause).map(|row| row.classification) {
        Some(Classification::Preventable) => of(1.0, 0.0),
        Some(Classification::Treatable) => of(0.0, 1.0),
        Some(Classification::Both) => of(0.5, 0.5),
        None => of(0.0, 0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_code_is_covered_by_two_equally_specific_rows() {
        for (version, code) in ListVersion::ALL
            .iter()
            .flat_map(|v| IcdCode::all().map(move |c| (*v, c)))
        {
            let code = lookup_code_in(version, &code);
            let mut keys: Vec<(bool, u32)> = version
                .rows()
                .iter()
                .filter(|row| row.covers(&code))
                .map(|row| (!row.is_subcode_row(), row.width()))
                .collect();
            keys.sort();
            assert!(
                keys.windows(2).all(|pair| pair[0] != pair[1]),
                "{version} {code}: {keys:?}"
            );
        }
    }

    #[test]
    fn every_row_of_each_embedded_list_is_read() {
        assert_eq!(LEDER_1.len(), rows(AVOIDABLE_MORTALITY_LEDER_1_CSV).count());
        assert_eq!(LEDER_2.len(), rows(AVOIDABLE_MORTALITY_CSV).count());
    }
}
