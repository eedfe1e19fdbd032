//! Plausibility bounds on a notified person: values that pass every format rule but describe no
//! death this programme reviews, and would otherwise be counted in national figures.
//!
//! Rules: a date of death is on or after 2015-01-01, when the programme started (DOMAIN.md, the
//! opening paragraph); nobody is older than 120 at death; an NHS number is not one digit ten
//! times (each such number passes the Modulus 11 check, `0000000000` included); a name has at
//! least one letter once whitespace is trimmed, and holds no zero-width character (U+200B to
//! U+200D, U+2060, U+FEFF) and no bidirectional-text control (U+202A to U+202E, U+2066 to
//! U+2069), which hide or reorder what a reader sees. These bounds apply to what is notified or
//! corrected, not to what is stored: a stored record is never refused on reading.

use time::Date;
use time::macros::date;

use crate::NhsNumber;
use crate::age::completed_years;

/// The first date of death the programme reviews.
pub const PROGRAMME_START: Date = date!(2015 - 01 - 01);

/// The oldest plausible age at death, in whole years.
pub const OLDEST_AGE: u32 = 120;

/// Why a value is not plausible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Implausible {
    /// The death is before the programme started.
    #[error("the date of death is before 2015-01-01, when the programme started")]
    DeathBeforeProgramme,
    /// The person would have been older than [`OLDEST_AGE`].
    #[error("the person would have been older than 120 at death")]
    OlderThanPossible,
    /// Ten times the same digit.
    #[error("an NHS number is not one digit repeated ten times")]
    RepeatedDigit,
    /// No letter once whitespace is trimmed.
    #[error("a name has at least one letter")]
    NoLetter,
    /// A zero-width or bidirectional-text control character.
    #[error("a name must not contain zero-width or text-direction control characters")]
    HiddenCharacter,
}

impl Implausible {
    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DeathBeforeProgramme => "implausible_date",
            Self::OlderThanPossible => "implausible_age",
            Self::RepeatedDigit => "implausible_nhs_number",
            Self::NoLetter => "implausible_name",
            Self::HiddenCharacter => "hidden_character",
        }
    }
}

/// Checks the dates of birth and death against the programme start and the oldest age (a death
/// before the birth is [`crate::AgeError::DeathBeforeBirth`], not this).
pub fn check_dates(date_of_birth: Date, date_of_death: Date) -> Result<(), Implausible> {
    if date_of_death < PROGRAMME_START {
        return Err(Implausible::DeathBeforeProgramme);
    }
    match completed_years(date_of_birth, date_of_death) {
        Some(age) if age > OLDEST_AGE => Err(Implausible::OlderThanPossible),
        _ => Ok(()),
    }
}

/// Checks an NHS number (already valid) for a placeholder: one digit ten times.
pub fn check_nhs_number(number: &NhsNumber) -> Result<(), Implausible> {
    let digits = number.digits();
    let mut chars = digits.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err(Implausible::RepeatedDigit);
    }
    Ok(())
}

/// Whether a character hides text or reorders it on screen.
fn is_hidden(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Checks a name: a letter after trimming, and nothing hidden.
pub fn check_name(name: &str) -> Result<(), Implausible> {
    if name.chars().any(is_hidden) {
        return Err(Implausible::HiddenCharacter);
    }
    if !name.trim().chars().any(char::is_alphabetic) {
        return Err(Implausible::NoLetter);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deaths_before_the_programme_and_ages_over_120_are_implausible() {
        let rows = [
            (date!(1960 - 01 - 01), date!(2015 - 01 - 01), Ok(())),
            (
                date!(1960 - 01 - 01),
                date!(2014 - 12 - 31),
                Err(Implausible::DeathBeforeProgramme),
            ),
            (
                date!(1800 - 01 - 01),
                date!(1900 - 01 - 01),
                Err(Implausible::DeathBeforeProgramme),
            ),
            (date!(1900 - 06 - 01), date!(2020 - 06 - 01), Ok(())),
            (date!(1899 - 06 - 02), date!(2020 - 06 - 01), Ok(())),
            (
                date!(1899 - 06 - 01),
                date!(2020 - 06 - 01),
                Err(Implausible::OlderThanPossible),
            ),
            (
                date!(0000 - 01 - 01),
                date!(2020 - 06 - 01),
                Err(Implausible::OlderThanPossible),
            ),
            (
                date!(1800 - 01 - 01),
                date!(2020 - 06 - 01),
                Err(Implausible::OlderThanPossible),
            ),
        ];
        for (birth, death, expected) in rows {
            assert_eq!(check_dates(birth, death), expected, "{birth} {death}");
        }
    }

    #[test]
    fn an_nhs_number_of_one_repeated_digit_is_implausible() {
        for d in 0..=9 {
            let text = d.to_string().repeat(10);
            let number = NhsNumber::parse(&text).unwrap();
            assert_eq!(
                check_nhs_number(&number),
                Err(Implausible::RepeatedDigit),
                "{text}"
            );
        }
        for ok in ["9434765919", "9990000018"] {
            assert_eq!(check_nhs_number(&NhsNumber::parse(ok).unwrap()), Ok(()));
        }
    }

    #[test]
    fn a_name_needs_a_letter_and_nothing_hidden() {
        for ok in ["Alex", " Ó Súilleabháin ", "Jean-Luc", "李", "X Æ A-12"] {
            assert_eq!(check_name(ok), Ok(()), "{ok:?}");
        }
        for no_letter in ["   ", "\t", "-", "12", "\u{3000}"] {
            assert_eq!(
                check_name(no_letter),
                Err(Implausible::NoLetter),
                "{no_letter:?}"
            );
        }
        for hidden in [
            "\u{200B}",
            "Al\u{200C}ex",
            "Alex\u{200D}",
            "\u{2060}Alex",
            "\u{FEFF}Alex",
            "\u{202A}Alex",
            "\u{202E}xelA",
            "Alex\u{2066}",
            "\u{2069}",
        ] {
            assert_eq!(
                check_name(hidden),
                Err(Implausible::HiddenCharacter),
                "{hidden:?}"
            );
        }
    }
}
