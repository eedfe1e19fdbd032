//! The enumerated values and their wire names are exactly those of API.md.

use std::fmt::Display;
use std::str::FromStr;

use leder_domain::eligibility::{Outcome, Route};
use leder_domain::review_type::{FocusedReason, ReviewType};
use leder_domain::workflow::{Action, HoldReason, Role, Stage};
use leder_domain::{Cohort, LearningDisabilityLevel, PlaceOfDeath, Sex, UnknownName};

fn round_trips<T>(all: &[T], names: &[&str])
where
    T: Copy + PartialEq + std::fmt::Debug + Display + FromStr<Err = UnknownName>,
{
    let written: Vec<String> = all.iter().map(ToString::to_string).collect();
    assert_eq!(written, names);
    for (value, name) in all.iter().zip(names) {
        assert_eq!(name.parse::<T>().unwrap(), *value);
        let shouting = name.to_uppercase();
        let error = shouting.parse::<T>().unwrap_err();
        assert_eq!(error.code(), "unknown_value");
        assert_eq!(error.expected(), names);
    }
    let error = "nonsense".parse::<T>().unwrap_err();
    assert!(error.to_string().contains(names[0]), "{error}");
}

#[test]
fn cohort_has_the_three_api_names_the_reports_lead_with_first() {
    round_trips(
        Cohort::ALL,
        &["adults_ld", "children_ld", "autistic_adults"],
    );
}

#[test]
fn the_form_versions_and_vaccination_statuses_have_their_names() {
    use leder_domain::review_form::{CovidVaccination, FormVersion};
    round_trips(FormVersion::ALL, &["leder-form-1", "leder-form-2"]);
    assert_eq!(FormVersion::CURRENT, FormVersion::LederForm2);
    round_trips(
        CovidVaccination::ALL,
        &[
            "not_vaccinated",
            "partially_vaccinated",
            "fully_vaccinated",
            "not_known",
        ],
    );
}

#[test]
fn sex_has_the_four_api_names() {
    round_trips(Sex::ALL, &["female", "male", "indeterminate", "not_known"]);
}

#[test]
fn place_of_death_has_the_seven_api_names() {
    round_trips(
        PlaceOfDeath::ALL,
        &[
            "home",
            "hospital",
            "hospice",
            "care_home",
            "mental_health_inpatient",
            "other",
            "unknown",
        ],
    );
}

#[test]
fn learning_disability_level_has_the_five_api_names() {
    round_trips(
        LearningDisabilityLevel::ALL,
        &[
            "mild",
            "moderate",
            "severe",
            "profound_and_multiple",
            "unknown",
        ],
    );
}

#[test]
fn stage_has_the_ten_api_statuses() {
    round_trips(
        Stage::ALL,
        &[
            "awaiting_allocation",
            "allocated",
            "in_review",
            "awaiting_qa",
            "awaiting_sign_off",
            "completed",
            "on_hold",
            "not_eligible",
            "opted_out",
            "referred_to_child_death_review",
        ],
    );
}

#[test]
fn action_has_the_api_transition_names_and_the_cdr_outcome() {
    round_trips(
        Action::ALL,
        &[
            "allocate",
            "start",
            "escalate",
            "submit",
            "return",
            "approve",
            "sign_off",
            "hold",
            "resume",
            "record_child_death_review_outcome",
        ],
    );
}

#[test]
fn hold_reason_has_the_nine_reasons_of_domain_md() {
    round_trips(
        HoldReason::ALL,
        &[
            "coroner_inquest",
            "police_investigation",
            "safeguarding_adults_review",
            "safeguarding_enquiry",
            "domestic_homicide_review",
            "patient_safety_investigation",
            "child_death_review",
            "family_request",
            "other",
        ],
    );
}

#[test]
fn eligibility_outcome_route_review_type_and_focused_reason_have_the_api_names() {
    round_trips(Outcome::ALL, &["eligible", "not_eligible", "opted_out"]);
    round_trips(Route::ALL, &["leder_review", "child_death_review"]);
    round_trips(ReviewType::ALL, &["initial", "focused"]);
    round_trips(
        FocusedReason::ALL,
        &[
            "ethnic_minority",
            "autistic_without_learning_disability",
            "family_request",
            "reviewer_concern",
        ],
    );
}

#[test]
fn role_has_the_seven_api_roles() {
    round_trips(
        Role::ALL,
        &[
            "admin",
            "national_analyst",
            "ics_lead",
            "qa_panel",
            "reviewer",
            "integration",
            "regional_coordinator",
        ],
    );
}
