//! NHS number (DOMAIN.md, "NHS data standards").
//!
//! "NHS number: 10 digits, may be written `943 476 5919`; Modulus 11 check: weights 10..2 on
//! digits 1–9, check = 11 − (sum mod 11), 11 → 0, 10 → invalid." Spaces are accepted anywhere on
//! input and ignored; any other character is refused. The number displays in the 3-3-4 form.

use std::fmt;
use std::str::FromStr;

/// A valid NHS number: ten digits whose tenth is the Modulus 11 check digit of the first nine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NhsNumber {
    digits: [u8; 10],
}

/// Why a text is not an NHS number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NhsNumberError {
    /// Something other than a digit or a space.
    #[error("an NHS number contains only digits and spaces")]
    InvalidCharacter,
    /// Not exactly ten digits once spaces are removed.
    #[error("an NHS number has 10 digits, not {found}")]
    InvalidLength {
        /// How many digits were given.
        found: usize,
    },
    /// The Modulus 11 check fails (or the check would be 10, which no NHS number has).
    #[error("this is not a valid NHS number: the check digit does not match")]
    InvalidCheckDigit,
}

impl NhsNumberError {
    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidCharacter => "invalid_character",
            Self::InvalidLength { .. } => "invalid_length",
            Self::InvalidCheckDigit => "invalid_check_digit",
        }
    }
}

/// The Modulus 11 check digit of the first nine digits, or `None` when it would be 10 (invalid).
///
/// "weights 10..2 on digits 1–9, check = 11 − (sum mod 11), 11 → 0, 10 → invalid".
fn check_digit(first_nine: &[u8]) -> Option<u8> {
    let sum: u32 = first_nine
        .iter()
        .zip((2..=10u32).rev())
        .map(|(&digit, weight)| u32::from(digit) * weight)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        check => u8::try_from(check).ok(),
    }
}

impl NhsNumber {
    /// Parses ten digits (spaces allowed anywhere) and checks the Modulus 11 check digit.
    pub fn parse(input: &str) -> Result<Self, NhsNumberError> {
        let mut digits = Vec::with_capacity(10);
        for character in input.chars() {
            match character {
                ' ' => {}
                '0'..='9' => digits.push(character as u8 - b'0'),
                _ => return Err(NhsNumberError::InvalidCharacter),
            }
        }
        let digits: [u8; 10] =
            digits
                .try_into()
                .map_err(|digits: Vec<u8>| NhsNumberError::InvalidLength {
                    found: digits.len(),
                })?;
        if check_digit(&digits[..9]) != Some(digits[9]) {
            return Err(NhsNumberError::InvalidCheckDigit);
        }
        Ok(Self { digits })
    }

    /// The ten digits without spaces, for storage and pseudonymisation (`9434765919`).
    pub fn digits(&self) -> String {
        self.digits
            .iter()
            .map(|digit| char::from(b'0' + digit))
            .collect()
    }
}

impl fmt::Display for NhsNumber {
    /// Writes the number as people read it: `943 476 5919`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.digits();
        write!(f, "{} {} {}", &digits[..3], &digits[3..6], &digits[6..])
    }
}

impl FromStr for NhsNumber {
    type Err = NhsNumberError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}
