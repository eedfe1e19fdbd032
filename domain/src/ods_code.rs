//! ODS codes (DOMAIN.md, "NHS data standards": "ODS codes for organisations (ICB `QOP`, CCG
//! `14L`)").
//!
//! An organisation code is 3 to 6 letters and digits (regions `Y56`, ICBs `QOP` and `S1Y5D`,
//! CCGs and sub-ICB locations `14L`). Input is trimmed and upper-cased; whether the code names a
//! real organisation on a date is for `organisations` to decide, not for this type.

use std::fmt;
use std::str::FromStr;

/// A well-formed ODS organisation code, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OdsCode(String);

/// Why a text is not an ODS code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OdsCodeError {
    /// Fewer than 3 or more than 6 characters.
    #[error("an ODS code has 3 to 6 characters, not {found}")]
    InvalidLength {
        /// How many characters were given.
        found: usize,
    },
    /// Something other than a letter or a digit.
    #[error("an ODS code contains only letters and digits")]
    InvalidCharacter,
}

impl OdsCodeError {
    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidLength { .. } => "invalid_length",
            Self::InvalidCharacter => "invalid_character",
        }
    }
}

impl OdsCode {
    /// Parses an ODS code: 3 to 6 ASCII letters and digits, stored upper case.
    pub fn parse(input: &str) -> Result<Self, OdsCodeError> {
        let code = input.trim().to_ascii_uppercase();
        if !code
            .chars()
            .all(|character| character.is_ascii_alphanumeric())
        {
            return Err(OdsCodeError::InvalidCharacter);
        }
        let length = code.chars().count();
        if !(3..=6).contains(&length) {
            return Err(OdsCodeError::InvalidLength { found: length });
        }
        Ok(Self(code))
    }

    /// The code, for example `QOP`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OdsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for OdsCode {
    type Err = OdsCodeError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}
