//! Avoidable deaths (DOMAIN.md, "Avoidable deaths").
//!
//! "The national reports use the ONS 2020 definition (OECD/Eurostat list, November 2019): a death
//! under 75 whose underlying cause is on the preventable list, the treatable list, or both;
//! causes on both count 0.5 to each, and 1 to 'avoidable'. COVID-19 (U07.1, U07.2) is
//! preventable. Age 75+ is never avoidable." The list is our transcription,
//! `data/avoidable-mortality.csv` (version `ons-2020/leder-1`; `data/AVOIDABLE-SOURCES.md` lists
//! the rows still to verify). "The most specific row wins (A40.3 over A40–A41, E24.4 over
//! E24–E25). A bare 3-character code whose 4th characters the list splits (K85, G00, K74, K86,
//! C91, A40, A41) is read as its `.9` 'unspecified' subcode (K85 → K85.9, treatable; C91 → C91.9,
//! not on the list)."
//!
//! A row is a range of codes `from`–`to` given either as 3-character categories (covering every
//! subcode of each category) or as 4-character subcodes; a 4-character row is more specific than
//! a 3-character one, and among rows of one kind the narrower range wins. "The list splits" a
//! category when any 4-character row names one of its subcodes.

use std::sync::LazyLock;

use crate::icd_code::IcdCode;
use crate::reference_data::{AVOIDABLE_MORTALITY_CSV, rows};
use crate::wire::wire_enum;

/// The version of the avoidable mortality list, recorded with every classification.
pub const AVOIDABLE_LIST_VERSION: &str = "ons-2020/leder-1";

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

static LIST: LazyLock<Vec<ListRow>> = LazyLock::new(|| {
    rows(AVOIDABLE_MORTALITY_CSV)
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
});

/// Every row of the list, in the order of the CSV.
pub fn list() -> &'static [ListRow] {
    &LIST
}

/// The code the list is consulted with: a bare category the list splits reads as its `.9`.
pub fn lookup_code(code: &IcdCode) -> String {
    let code = code.as_str();
    let split = code.len() == 3
        && LIST.iter().any(|row| {
            row.is_subcode_row() && (row.from.starts_with(code) || row.to.starts_with(code))
        });
    if split {
        format!("{code}.9")
    } else {
        code.to_owned()
    }
}

/// The most specific row of the list covering a code, if the cause is on the list at all.
pub fn row_for(code: &IcdCode) -> Option<&'static ListRow> {
    let code = lookup_code(code);
    LIST.iter()
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
    /// The list version used ([`AVOIDABLE_LIST_VERSION`]).
    pub version: &'static str,
}

impl Avoidability {
    fn of(preventable: f64, treatable: f64) -> Self {
        Self {
            avoidable: preventable + treatable,
            preventable,
            treatable,
            version: AVOIDABLE_LIST_VERSION,
        }
    }
}

/// Classifies a death from its underlying cause and the age at death.
///
/// "a death under 75 whose underlying cause is on the preventable list, the treatable list, or
/// both; causes on both count 0.5 to each, and 1 to 'avoidable' … Age 75+ is never avoidable."
pub fn classify(underlying_cause: &IcdCode, age_at_death: u32) -> Avoidability {
    if age_at_death >= AVOIDABLE_AGE_LIMIT {
        return Avoidability::of(0.0, 0.0);
    }
    match row_for(underlying_cause).map(|row| row.classification) {
        Some(Classification::Preventable) => Avoidability::of(1.0, 0.0),
        Some(Classification::Treatable) => Avoidability::of(0.0, 1.0),
        Some(Classification::Both) => Avoidability::of(0.5, 0.5),
        None => Avoidability::of(0.0, 0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_code_is_covered_by_two_equally_specific_rows() {
        for code in IcdCode::all() {
            let code = lookup_code(&code);
            let mut keys: Vec<(bool, u32)> = LIST
                .iter()
                .filter(|row| row.covers(&code))
                .map(|row| (!row.is_subcode_row(), row.width()))
                .collect();
            keys.sort();
            assert!(
                keys.windows(2).all(|pair| pair[0] != pair[1]),
                "{code}: {keys:?}"
            );
        }
    }

    #[test]
    fn every_row_of_the_embedded_list_is_read() {
        assert_eq!(LIST.len(), rows(AVOIDABLE_MORTALITY_CSV).count());
    }
}
