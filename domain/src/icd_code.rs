//! ICD-10 codes (DOMAIN.md, "Avoidable deaths" and "NHS data standards").
//!
//! "ICD-10: letter, two digits, optional fourth character", and "ICD-10 input is normalised:
//! `J18.9`, `J189` and `J18.9X` are the same code; `I10X` means `I10`; a code that does not exist
//! in the WHO classification (`reference/icd10-who-2019.csv`) is refused." The classification is
//! embedded (`data/icd10-who-2019.csv`) and also gives each code its WHO title. A code keeps the
//! form it was given: the 3-character category `J18` and the 4-character subcategory `J18.9` are
//! both valid and distinct. The few WHO 2019 five-character codes (`B18.00`) are outside the
//! "optional fourth character" form and are refused as malformed.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use crate::reference_data::{ICD10_WHO_2019_CSV, rows};

/// The WHO 2019 codes of 3 and 4 characters (dotted form) with their titles.
static WHO_2019: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    rows(ICD10_WHO_2019_CSV)
        .filter_map(|mut row| {
            let title = std::mem::take(&mut row[1]);
            let code = std::mem::take(&mut row[0]);
            (code.len() <= 5).then_some((code, title))
        })
        .collect()
});

/// An ICD-10 code that exists in the WHO 2019 classification, in its dotted form (`J18.9`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IcdCode(String);

/// Why a text is not an ICD-10 code we accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcdCodeError {
    /// Not a letter, two digits and an optional fourth character.
    #[error(
        "an ICD-10 code is a letter, two digits and an optional fourth character, for example J18.9"
    )]
    InvalidFormat,
    /// Well formed, but not a code of the WHO 2019 classification.
    #[error("{code} does not exist in the WHO ICD-10 2019 classification")]
    NotInWhoClassification {
        /// The normalised code that was looked up.
        code: String,
    },
}

impl IcdCodeError {
    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidFormat => "invalid_format",
            Self::NotInWhoClassification { .. } => "not_in_who_classification",
        }
    }
}

/// Normalises ICD-10 input to its dotted form: `J189`, `J18.9X` → `J18.9`; `I10X` → `I10`.
fn normalise(input: &str) -> Result<String, IcdCodeError> {
    let upper = input.trim().to_ascii_uppercase();
    let mut compact: String = match upper.find('.') {
        Some(3) => upper.replacen('.', "", 1),
        Some(_) => return Err(IcdCodeError::InvalidFormat),
        None => upper,
    };
    if compact.len() > 3 && compact.ends_with('X') {
        compact.pop();
    }
    let bytes = compact.as_bytes();
    let well_formed = matches!(bytes.len(), 3 | 4)
        && bytes[0].is_ascii_uppercase()
        && bytes[1..].iter().all(u8::is_ascii_digit);
    if !well_formed {
        return Err(IcdCodeError::InvalidFormat);
    }
    if compact.len() == 4 {
        compact.insert(3, '.');
    }
    Ok(compact)
}

impl IcdCode {
    /// Normalises the input and refuses codes absent from the WHO 2019 classification.
    pub fn parse(input: &str) -> Result<Self, IcdCodeError> {
        let code = normalise(input)?;
        if WHO_2019.contains_key(&code) {
            Ok(Self(code))
        } else {
            Err(IcdCodeError::NotInWhoClassification { code })
        }
    }

    /// Every code of 3 or 4 characters in the WHO 2019 classification, in code order.
    pub fn all() -> impl Iterator<Item = Self> {
        let mut codes: Vec<&'static String> = WHO_2019.keys().collect();
        codes.sort();
        codes.into_iter().map(|code| Self(code.clone()))
    }

    /// The dotted form, for example `J18.9` or `I10`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 3-character category, for example `J18` for `J18.9` (the national extract's form).
    pub fn category(&self) -> &str {
        &self.0[..3]
    }

    /// The fourth character, when the code is a subcategory (`9` for `J18.9`).
    pub fn fourth_character(&self) -> Option<char> {
        self.0.chars().nth(4)
    }

    /// The WHO 2019 title, for example `Pneumonia, unspecified` for `J18.9`.
    pub fn title(&self) -> &'static str {
        WHO_2019.get(&self.0).map_or("", String::as_str)
    }

    /// The WHO 2019 title of a 3-character category, for reports that group by category.
    pub fn category_title(&self) -> &'static str {
        WHO_2019.get(self.category()).map_or("", String::as_str)
    }

    /// The code a report that groups by category shows this cause under (DOMAIN.md, "Cohorts"):
    /// its 3-character category, except where the WHO title of that category is an
    /// administrative placeholder ("Emergency use of U07"), which names no disease; there the
    /// 4-character subcategory stands on its own (U07.1 "COVID-19, virus identified", never
    /// merged with U07.0 "Vaping-related disorder").
    pub fn reporting_code(&self) -> &str {
        if self.0.len() > 3 && is_placeholder_title(self.category_title()) {
            &self.0
        } else {
            self.category()
        }
    }

    /// The WHO 2019 title of [`Self::reporting_code`].
    pub fn reporting_title(&self) -> &'static str {
        WHO_2019
            .get(self.reporting_code())
            .map_or("", String::as_str)
    }
}

/// Whether a WHO title is the classification's placeholder for codes kept for emergency use
/// ("Emergency use of U07"), rather than the name of a disease.
fn is_placeholder_title(title: &str) -> bool {
    title.starts_with("Emergency use of ")
}

impl fmt::Display for IcdCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for IcdCode {
    type Err = IcdCodeError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}
