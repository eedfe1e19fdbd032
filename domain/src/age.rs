//! Age at death (DOMAIN.md, "Who is eligible").
//!
//! "Ages are whole years at the date of death, computed from the date of birth." "A person born
//! on 29 February reaches each new age on 1 March in non-leap years. A date of death before the
//! date of birth, or after today, is a validation error, not an eligibility outcome." All dates
//! are dates in England; "today" is passed in by the caller. The plausibility bounds (a death
//! before the programme, an age over 120) are `plausibility`'s, applied by the assessment.

use time::Date;

use crate::plausibility::Implausible;

/// Why the dates of birth and death cannot give an age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AgeError {
    /// The date of death is before the date of birth.
    #[error("the date of death is before the date of birth")]
    DeathBeforeBirth,
    /// The date of death is after today.
    #[error("the date of death is in the future")]
    DeathInFuture,
    /// The dates break a plausibility bound (a death before the programme, an age over 120).
    #[error(transparent)]
    Implausible(#[from] Implausible),
}

impl AgeError {
    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DeathBeforeBirth => "death_before_birth",
            Self::DeathInFuture => "death_in_future",
            Self::Implausible(i) => i.code(),
        }
    }

    /// The field the error is about, for validation responses.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Implausible(Implausible::OlderThanPossible) => "date_of_birth",
            _ => "date_of_death",
        }
    }
}

/// Whole years from `from` to `to`, or `None` when `to` is before `from`.
///
/// A birthday is reached when the month and day are reached, so someone born on 29 February
/// reaches each new age on 1 March in a non-leap year (28 February is still the day before).
pub fn completed_years(from: Date, to: Date) -> Option<u32> {
    if to < from {
        return None;
    }
    let years = to.year() - from.year();
    let before_birthday = (to.month() as u8, to.day()) < (from.month() as u8, from.day());
    u32::try_from(years - i32::from(before_birthday)).ok()
}

/// The age in whole years at the date of death, refusing a death before birth or after today.
pub fn age_at(date_of_birth: Date, date_of_death: Date, today: Date) -> Result<u32, AgeError> {
    if date_of_death > today {
        return Err(AgeError::DeathInFuture);
    }
    completed_years(date_of_birth, date_of_death).ok_or(AgeError::DeathBeforeBirth)
}
