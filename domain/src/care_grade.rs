//! Quality-of-care grade (DOMAIN.md, "What a review records").
//!
//! "Quality-of-care grade (versioned reference data, version `leder-2016`; the wording is the
//! Bristol-era scale and is kept as data so a corrected wording is a new version, not a code
//! change)": 1 excellent care … 6 fell far short and contributed to the death. The grade itself
//! is a number 1–6; its wording lives in `data/care-grade-scales.csv`, one row per version and
//! grade, and is looked up by version.

use std::fmt;
use std::sync::LazyLock;

use crate::reference_data::{CARE_GRADE_SCALES_CSV, rows};

/// The version of the grade scale new reviews are assessed with.
pub const CARE_GRADE_SCALE_VERSION: &str = "leder-2016";

/// An overall quality-of-care grade, 1 (excellent) to 6 (fell far short, contributed to death).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CareGrade(u8);

/// Why a number is not a care grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a care grade is a whole number from 1 to 6, not {found}")]
pub struct CareGradeError {
    found: i64,
}

impl CareGradeError {
    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        "out_of_range"
    }
}

struct ScaleRow {
    version: String,
    grade: u8,
    wording: String,
}

static SCALES: LazyLock<Vec<ScaleRow>> = LazyLock::new(|| {
    rows(CARE_GRADE_SCALES_CSV)
        .map(|row| ScaleRow {
            version: row[0].clone(),
            grade: row[1].parse().unwrap_or(0),
            wording: row[2].clone(),
        })
        .collect()
});

impl CareGrade {
    /// Accepts a whole number from 1 to 6.
    pub fn parse(grade: i64) -> Result<Self, CareGradeError> {
        match u8::try_from(grade) {
            Ok(value @ 1..=6) => Ok(Self(value)),
            _ => Err(CareGradeError { found: grade }),
        }
    }

    /// Every grade, 1 to 6.
    pub fn all() -> impl Iterator<Item = Self> {
        (1..=6).map(Self)
    }

    /// The grade as a number, 1 to 6.
    pub fn value(self) -> u8 {
        self.0
    }

    /// The wording of this grade in the current scale (`leder-2016`).
    pub fn wording(self) -> &'static str {
        self.wording_in(CARE_GRADE_SCALE_VERSION).unwrap_or("")
    }

    /// The wording of this grade in a given scale version, or `None` for an unknown version.
    pub fn wording_in(self, version: &str) -> Option<&'static str> {
        SCALES
            .iter()
            .find(|row| row.version == version && row.grade == self.0)
            .map(|row| row.wording.as_str())
    }
}

impl fmt::Display for CareGrade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
