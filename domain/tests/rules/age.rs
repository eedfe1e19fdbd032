//! "Ages are whole years at the date of death, computed from the date of birth." "A person born
//! on 29 February reaches each new age on 1 March in non-leap years. A date of death before the
//! date of birth, or after today, is a validation error."

use leder_domain::age::completed_years;
use leder_domain::{AgeError, age_at};
use time::macros::date;

const TODAY: time::Date = date!(2026 - 11 - 25);

#[test]
fn ages_are_whole_years_at_the_date_of_death() {
    for (born, died, age) in [
        (date!(2000 - 06 - 15), date!(2000 - 06 - 15), 0),
        (date!(2000 - 06 - 15), date!(2004 - 06 - 14), 3),
        (date!(2000 - 06 - 15), date!(2004 - 06 - 15), 4),
        (date!(2000 - 06 - 15), date!(2018 - 06 - 14), 17),
        (date!(2000 - 06 - 15), date!(2018 - 06 - 15), 18),
        (date!(1950 - 12 - 31), date!(2025 - 12 - 30), 74),
        (date!(1950 - 12 - 31), date!(2025 - 12 - 31), 75),
        (date!(1950 - 01 - 01), date!(2025 - 12 - 31), 75),
    ] {
        assert_eq!(age_at(born, died, TODAY), Ok(age), "{born} → {died}");
    }
}

#[test]
fn someone_born_on_29_february_reaches_each_new_age_on_1_march_in_non_leap_years() {
    let born = date!(2000 - 02 - 29);
    for (died, age) in [
        (date!(2001 - 02 - 28), 0),
        (date!(2001 - 03 - 01), 1),
        (date!(2003 - 02 - 28), 2),
        (date!(2003 - 03 - 01), 3),
        (date!(2004 - 02 - 28), 3),
        (date!(2004 - 02 - 29), 4),
        (date!(2018 - 02 - 28), 17),
        (date!(2018 - 03 - 01), 18),
    ] {
        assert_eq!(age_at(born, died, TODAY), Ok(age), "{died}");
    }
}

#[test]
fn a_death_before_the_birth_is_a_validation_error() {
    let error = age_at(date!(2000 - 06 - 15), date!(2000 - 06 - 14), TODAY).unwrap_err();
    assert_eq!(error, AgeError::DeathBeforeBirth);
    assert_eq!(error.code(), "death_before_birth");
    assert_eq!(error.field(), "date_of_death");
}

#[test]
fn a_death_after_today_is_a_validation_error_and_today_is_not() {
    let born = date!(1960 - 01 - 01);
    assert_eq!(
        age_at(born, date!(2026 - 11 - 26), TODAY),
        Err(AgeError::DeathInFuture)
    );
    assert_eq!(AgeError::DeathInFuture.code(), "death_in_future");
    assert_eq!(age_at(born, TODAY, TODAY), Ok(66));
}

#[test]
fn completed_years_has_no_answer_backwards() {
    assert_eq!(
        completed_years(date!(2000 - 01 - 02), date!(2000 - 01 - 01)),
        None
    );
    assert_eq!(
        completed_years(date!(2000 - 01 - 01), date!(2000 - 01 - 01)),
        Some(0)
    );
}
