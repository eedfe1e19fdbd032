//! DOMAIN.md, "Who is eligible": each row of the table, and the boundaries around it.

use leder_domain::AgeError;
use leder_domain::eligibility::{AUTISM_PROGRAMME_START, Outcome, Person, Reason, Route, assess};
use time::Date;
use time::macros::date;

const TODAY: Date = date!(2026 - 11 - 25);

fn person(born: Date, died: Date, learning_disability: bool, autistic: bool) -> Person {
    Person {
        date_of_birth: born,
        date_of_death: died,
        learning_disability,
        autistic,
        lived_in_england: true,
        national_data_opt_out: false,
    }
}

fn outcome(person: &Person) -> (Outcome, Option<Route>, Vec<Reason>) {
    let assessment = assess(person, TODAY).unwrap();
    assert_eq!(assessment.version, "leder-eligibility-1");
    (assessment.outcome, assessment.route, assessment.reasons)
}

use Outcome::{Eligible, NotEligible, OptedOut};
use Reason::*;
use Route::{ChildDeathReview, LederReview};

#[test]
fn learning_disability_age_18_or_over_is_eligible_for_a_leder_review() {
    let born = date!(2000 - 06 - 15);
    for died in [date!(2018 - 06 - 15), date!(2025 - 01 - 01)] {
        assert_eq!(
            outcome(&person(born, died, true, false)),
            (Eligible, Some(LederReview), vec![LearningDisabilityAdult])
        );
    }
}

#[test]
fn learning_disability_age_4_to_17_goes_to_the_child_death_review() {
    for (born, died) in [
        (date!(2012 - 06 - 15), date!(2016 - 06 - 15)),
        (date!(2000 - 06 - 15), date!(2018 - 06 - 14)),
    ] {
        assert_eq!(
            outcome(&person(born, died, true, false)),
            (
                Eligible,
                Some(ChildDeathReview),
                vec![LearningDisabilityChild]
            ),
            "{died}"
        );
    }
}

#[test]
fn learning_disability_age_under_4_is_not_eligible() {
    let born = date!(2020 - 06 - 15);
    for died in [date!(2020 - 06 - 15), date!(2024 - 06 - 14)] {
        assert_eq!(
            outcome(&person(born, died, true, false)),
            (NotEligible, None, vec![AgeUnder4])
        );
    }
}

#[test]
fn a_death_before_the_programme_or_an_age_over_120_is_refused_not_assessed() {
    use leder_domain::plausibility::Implausible;
    let rows = [
        (
            date!(1960 - 01 - 01),
            date!(2014 - 12 - 31),
            Implausible::DeathBeforeProgramme,
        ),
        (
            date!(1800 - 01 - 01),
            date!(1900 - 01 - 01),
            Implausible::DeathBeforeProgramme,
        ),
        (
            date!(1800 - 01 - 01),
            date!(2020 - 01 - 01),
            Implausible::OlderThanPossible,
        ),
        (
            date!(0000 - 01 - 01),
            date!(2020 - 01 - 01),
            Implausible::OlderThanPossible,
        ),
    ];
    for (born, died, why) in rows {
        let refused = assess(&person(born, died, true, false), TODAY).unwrap_err();
        assert_eq!(refused, AgeError::Implausible(why), "{born} {died}");
    }
    assert!(
        assess(
            &person(date!(1960 - 01 - 01), date!(2015 - 01 - 01), true, false),
            TODAY
        )
        .is_ok()
    );
}

#[test]
fn an_autistic_adult_who_died_on_2022_01_01_is_eligible() {
    assert_eq!(AUTISM_PROGRAMME_START, date!(2022 - 01 - 01));
    assert_eq!(
        outcome(&person(
            date!(1980 - 01 - 01),
            date!(2022 - 01 - 01),
            false,
            true
        )),
        (Eligible, Some(LederReview), vec![AutisticAdult])
    );
}

#[test]
fn an_autistic_adult_who_died_on_2021_12_31_is_not_eligible() {
    assert_eq!(
        outcome(&person(
            date!(1980 - 01 - 01),
            date!(2021 - 12 - 31),
            false,
            true
        )),
        (NotEligible, None, vec![AutismBeforeProgrammeStart])
    );
}

#[test]
fn an_autistic_person_is_eligible_from_their_18th_birthday() {
    let born = date!(2006 - 03 - 10);
    assert_eq!(
        outcome(&person(born, date!(2024 - 03 - 09), false, true)),
        (NotEligible, None, vec![AutisticUnder18])
    );
    assert_eq!(
        outcome(&person(born, date!(2024 - 03 - 10), false, true)),
        (Eligible, Some(LederReview), vec![AutisticAdult])
    );
}

#[test]
fn an_autistic_child_who_died_before_2022_has_both_reasons() {
    assert_eq!(
        outcome(&person(
            date!(2010 - 01 - 01),
            date!(2021 - 06 - 01),
            false,
            true
        )),
        (
            NotEligible,
            None,
            vec![AutismBeforeProgrammeStart, AutisticUnder18]
        )
    );
}

#[test]
fn an_autistic_person_with_a_learning_disability_follows_the_learning_disability_rows() {
    assert_eq!(
        outcome(&person(
            date!(1980 - 01 - 01),
            date!(2021 - 12 - 31),
            true,
            true
        )),
        (Eligible, Some(LederReview), vec![LearningDisabilityAdult])
    );
    assert_eq!(
        outcome(&person(
            date!(2010 - 01 - 01),
            date!(2021 - 12 - 31),
            true,
            true
        )),
        (
            Eligible,
            Some(ChildDeathReview),
            vec![LearningDisabilityChild]
        )
    );
}

#[test]
fn neither_learning_disability_nor_autism_is_not_eligible() {
    assert_eq!(
        outcome(&person(
            date!(1980 - 01 - 01),
            date!(2025 - 01 - 01),
            false,
            false
        )),
        (NotEligible, None, vec![NeitherLearningDisabilityNorAutism])
    );
}

#[test]
fn someone_who_did_not_live_in_england_is_not_eligible() {
    let mut someone = person(date!(1980 - 01 - 01), date!(2025 - 01 - 01), true, false);
    someone.lived_in_england = false;
    assert_eq!(
        outcome(&someone),
        (NotEligible, None, vec![DidNotLiveInEngland])
    );
    someone.learning_disability = false;
    assert_eq!(
        outcome(&someone),
        (
            NotEligible,
            None,
            vec![DidNotLiveInEngland, NeitherLearningDisabilityNorAutism]
        )
    );
}

#[test]
fn a_national_data_opt_out_is_opted_out_whatever_else_holds() {
    for (learning_disability, lived_in_england) in
        [(true, true), (false, true), (true, false), (false, false)]
    {
        let mut someone = person(
            date!(1980 - 01 - 01),
            date!(2025 - 01 - 01),
            learning_disability,
            false,
        );
        someone.lived_in_england = lived_in_england;
        someone.national_data_opt_out = true;
        assert_eq!(
            outcome(&someone),
            (OptedOut, None, vec![NationalDataOptOut])
        );
    }
}

#[test]
fn a_learning_disabled_person_born_on_29_february_turns_18_on_1_march() {
    let born = date!(2008 - 02 - 29);
    assert_eq!(
        outcome(&person(born, date!(2026 - 02 - 28), true, false)).1,
        Some(ChildDeathReview)
    );
    assert_eq!(
        outcome(&person(born, date!(2026 - 03 - 01), true, false)).1,
        Some(LederReview)
    );
}

#[test]
fn impossible_dates_are_validation_errors_not_outcomes() {
    let backwards = person(date!(2000 - 01 - 02), date!(2000 - 01 - 01), true, false);
    assert_eq!(assess(&backwards, TODAY), Err(AgeError::DeathBeforeBirth));
    let future = person(date!(2000 - 01 - 01), date!(2026 - 11 - 26), true, false);
    assert_eq!(assess(&future, TODAY), Err(AgeError::DeathInFuture));
}

#[test]
fn every_outcome_carries_reason_codes_and_a_human_sentence() {
    let adult = assess(
        &person(date!(1961 - 03 - 02), date!(2025 - 10 - 01), true, false),
        TODAY,
    )
    .unwrap();
    assert_eq!(adult.age_at_death, 64);
    assert_eq!(
        adult.sentence(),
        "Eligible: the person had a learning disability and was 18 or over."
    );
    let child = assess(
        &person(date!(2020 - 01 - 01), date!(2022 - 01 - 01), true, false),
        TODAY,
    )
    .unwrap();
    assert_eq!(child.reasons[0].as_str(), "age_under_4");
    assert_eq!(child.sentence(), "Not eligible: the person was under 4.");
    let autistic = assess(
        &person(date!(1980 - 01 - 01), date!(2021 - 12 - 31), false, true),
        TODAY,
    )
    .unwrap();
    assert_eq!(
        autistic.reasons[0].as_str(),
        "autism_before_programme_start"
    );
    assert!(autistic.sentence().starts_with("Not eligible: "));
    for reason in Reason::ALL {
        assert!(!reason.sentence().is_empty());
    }
}
