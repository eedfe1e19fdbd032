//! DOMAIN.md, "Stages" (editing, completeness, the Child Death Review outcome) and "Duplicates"
//! (a correction re-runs eligibility and can reopen a case closed as not eligible).

use leder_domain::eligibility::{Outcome, Person, Route};
use leder_domain::review_type::{DataQualityFlag, Facts, FocusedReason, ReviewType};
use leder_domain::workflow::{
    ActorError, CauseOfDeath, ChildDeathReviewOutcome, Dnacpr, Edit, FamilyInvolvement, Findings,
    MentalCapacityAct, Missing, Refusal, Role, Stage, UnderlyingCause, correct_person, may_edit,
};
use leder_domain::{EthnicCategory, IcdCode, OdsCode};
use time::macros::date;

use crate::workflow::{actor, case, complete_findings, icb, lead, qa, reviewer};

#[test]
fn the_allocated_reviewer_writes_findings_only_while_in_review() {
    let icb = icb();
    let findings = Findings::default();
    for stage in Stage::ALL {
        let result = may_edit(&case(*stage, &icb, &findings), &reviewer(), Edit::Findings);
        assert_eq!(result.is_ok(), *stage == Stage::InReview, "{stage}");
        let learning = may_edit(
            &case(*stage, &icb, &findings),
            &reviewer(),
            Edit::LearningPoints,
        );
        assert_eq!(learning.is_ok(), *stage == Stage::InReview, "{stage}");
    }
}

#[test]
fn the_lead_writes_findings_at_any_open_stage() {
    let icb = icb();
    let findings = Findings::default();
    for stage in Stage::ALL {
        let result = may_edit(&case(*stage, &icb, &findings), &lead(), Edit::Findings);
        assert_eq!(result.is_ok(), stage.is_open(), "{stage}");
        if let Err(refusal) = result {
            assert_eq!(
                refusal,
                Refusal::StageDoesNotAllow {
                    stage: *stage,
                    what: "findings"
                }
            );
        }
    }
}

#[test]
fn a_qa_panel_member_may_not_write_findings_or_correct_the_person() {
    let icb = icb();
    let findings = Findings::default();
    for edit in Edit::ALL {
        assert_eq!(
            may_edit(&case(Stage::InReview, &icb, &findings), &qa(), *edit),
            Err(Refusal::RoleNotPermitted(edit.as_str()))
        );
    }
}

#[test]
fn the_person_is_corrected_by_the_lead_or_reviewer_at_any_open_stage_or_when_not_eligible() {
    let icb = icb();
    let findings = Findings::default();
    for stage in Stage::ALL {
        let allowed = stage.is_open() || *stage == Stage::NotEligible;
        for who in [lead(), reviewer()] {
            let result = may_edit(&case(*stage, &icb, &findings), &who, Edit::Person);
            assert_eq!(result.is_ok(), allowed, "{stage} by {}", who.id());
        }
    }
}

#[test]
fn an_edit_out_of_scope_is_answered_as_not_found() {
    let icb = icb();
    let findings = Findings::default();
    let stranger = actor("rev2", &[Role::Reviewer]);
    assert_eq!(
        may_edit(
            &case(Stage::InReview, &icb, &findings),
            &stranger,
            Edit::Findings
        ),
        Err(Refusal::OutOfScope)
    );
}

fn adult(learning_disability: bool) -> Person {
    Person {
        date_of_birth: date!(1970 - 05 - 01),
        date_of_death: date!(2025 - 05 - 01),
        learning_disability,
        autistic: false,
        lived_in_england: true,
        national_data_opt_out: false,
    }
}

fn facts(ethnic_category: &str) -> Facts {
    Facts {
        ethnic_category: Some(EthnicCategory::parse(ethnic_category).unwrap()),
        learning_disability: true,
        autistic: false,
        family_request: false,
        reviewer_concern: false,
    }
}

const TODAY: time::Date = date!(2025 - 09 - 01);

#[test]
fn a_case_closed_as_not_eligible_reopens_awaiting_allocation_when_a_correction_makes_it_eligible() {
    let icb = icb();
    let findings = Findings::default();
    let mut closed = case(Stage::NotEligible, &icb, &findings);
    closed.reviewer_id = None;
    closed.review_type = None;
    let correction = correct_person(&closed, &lead(), &adult(true), &facts("A"), TODAY).unwrap();
    assert_eq!(correction.assessment.outcome, Outcome::Eligible);
    assert_eq!(correction.stage, Stage::AwaitingAllocation);
    assert_eq!(correction.review, Some((ReviewType::Initial, vec![])));
    assert!(!correction.ends_hold);
}

#[test]
fn a_correction_that_makes_the_person_a_child_refers_the_case_to_the_child_death_review() {
    let icb = icb();
    let findings = Findings::default();
    let mut child = adult(true);
    child.date_of_birth = date!(2010 - 05 - 01);
    let correction = correct_person(
        &case(Stage::Allocated, &icb, &findings),
        &lead(),
        &child,
        &facts("A"),
        TODAY,
    )
    .unwrap();
    assert_eq!(correction.assessment.route, Some(Route::ChildDeathReview));
    assert_eq!(correction.stage, Stage::ReferredToChildDeathReview);
    assert_eq!(correction.review, None);
}

#[test]
fn a_correction_that_makes_an_open_case_not_eligible_closes_it_and_ends_a_hold() {
    let icb = icb();
    let findings = Findings::default();
    let correction = correct_person(
        &case(Stage::OnHold, &icb, &findings),
        &reviewer(),
        &adult(false),
        &facts("A"),
        TODAY,
    )
    .unwrap();
    assert_eq!(correction.stage, Stage::NotEligible);
    assert!(correction.ends_hold);
}

#[test]
fn a_correction_that_keeps_the_case_eligible_leaves_its_stage_alone() {
    let icb = icb();
    let findings = Findings::default();
    let correction = correct_person(
        &case(Stage::OnHold, &icb, &findings),
        &reviewer(),
        &adult(true),
        &facts("B"),
        TODAY,
    )
    .unwrap();
    assert_eq!(correction.stage, Stage::OnHold);
    assert!(!correction.ends_hold);
}

#[test]
fn resolving_the_ethnicity_flag_re_runs_the_review_type() {
    let icb = icb();
    let findings = Findings::default();
    let in_review = case(Stage::InReview, &icb, &findings);
    let unresolved =
        correct_person(&in_review, &reviewer(), &adult(true), &facts("99"), TODAY).unwrap();
    assert_eq!(
        unresolved.data_quality_flags,
        [DataQualityFlag::EthnicCategoryUnresolved]
    );
    let resolved =
        correct_person(&in_review, &reviewer(), &adult(true), &facts("K"), TODAY).unwrap();
    assert!(resolved.data_quality_flags.is_empty());
    assert_eq!(
        resolved.review,
        Some((ReviewType::Focused, vec![FocusedReason::EthnicMinority]))
    );
}

#[test]
fn a_correction_to_an_opt_out_closes_the_case_as_opted_out() {
    let icb = icb();
    let findings = Findings::default();
    let mut opted = adult(true);
    opted.national_data_opt_out = true;
    let correction = correct_person(
        &case(Stage::InReview, &icb, &findings),
        &lead(),
        &opted,
        &facts("A"),
        TODAY,
    )
    .unwrap();
    assert_eq!(correction.stage, Stage::OptedOut);
}

#[test]
fn a_correction_with_impossible_dates_or_on_a_completed_case_is_refused() {
    let icb = icb();
    let findings = Findings::default();
    let mut backwards = adult(true);
    backwards.date_of_death = date!(1960 - 01 - 01);
    let error = correct_person(
        &case(Stage::InReview, &icb, &findings),
        &lead(),
        &backwards,
        &facts("A"),
        TODAY,
    )
    .unwrap_err();
    assert_eq!(error.code(), "death_before_birth");
    let error = correct_person(
        &case(Stage::Completed, &icb, &findings),
        &lead(),
        &adult(true),
        &facts("A"),
        TODAY,
    )
    .unwrap_err();
    assert_eq!(error.code(), "stage_does_not_allow");
}

#[test]
fn an_initial_review_is_complete_with_every_item_of_domain_md() {
    let complete = complete_findings(ReviewType::Initial);
    assert!(complete.is_complete_for(ReviewType::Initial));
    assert_eq!(
        Findings::default().missing_for(ReviewType::Initial),
        [
            Missing::PenPortrait,
            Missing::UnderlyingCause,
            Missing::PlaceOfDeath,
            Missing::CareGrade,
            Missing::FamilyInvolvement,
            Missing::Dnacpr,
            Missing::MentalCapacityAct,
            Missing::AnnualHealthCheck,
        ]
    );
    assert_eq!(
        Findings::default().missing_for(ReviewType::Focused).len(),
        10
    );
}

#[test]
fn each_answer_counts_only_when_it_is_really_given() {
    let check = |change: &dyn Fn(&mut Findings), missing: &[Missing]| {
        let mut findings = complete_findings(ReviewType::Initial);
        change(&mut findings);
        assert_eq!(findings.missing_for(ReviewType::Initial), missing);
    };
    check(
        &|findings| {
            findings.cause_of_death = Some(CauseOfDeath {
                underlying: Some(UnderlyingCause::NotKnown {
                    reason: "no post-mortem; certificate says old age".into(),
                }),
                ..CauseOfDeath::default()
            });
        },
        &[],
    );
    check(
        &|findings| {
            findings.cause_of_death = Some(CauseOfDeath {
                underlying: Some(UnderlyingCause::NotKnown { reason: " ".into() }),
                ..CauseOfDeath::default()
            });
        },
        &[Missing::UnderlyingCause],
    );
    check(
        &|findings| {
            findings.cause_of_death = Some(CauseOfDeath {
                part_1a: Some("pneumonia".into()),
                ..CauseOfDeath::default()
            });
        },
        &[Missing::UnderlyingCause],
    );
    check(
        &|findings| {
            findings.family_involvement = Some(FamilyInvolvement {
                contacted: Some(false),
                reason_not_contacted: Some("no family could be traced".into()),
                recorded: true,
                ..FamilyInvolvement::default()
            });
        },
        &[],
    );
    // The form's own answers (a review written before the family record) do not count.
    check(
        &|findings| {
            findings.family_involvement = Some(FamilyInvolvement {
                contacted: Some(true),
                recorded: false,
                ..FamilyInvolvement::default()
            });
        },
        &[Missing::FamilyInvolvement],
    );
    check(
        &|findings| {
            findings.family_involvement = Some(FamilyInvolvement {
                contacted: Some(false),
                recorded: true,
                ..FamilyInvolvement::default()
            });
        },
        &[Missing::FamilyInvolvement],
    );
    check(
        &|findings| {
            findings.dnacpr = Some(Dnacpr {
                in_place: Some(true),
                process_correct: None,
            });
        },
        &[Missing::Dnacpr],
    );
    check(
        &|findings| {
            findings.dnacpr = Some(Dnacpr {
                in_place: Some(false),
                process_correct: None,
            });
        },
        &[],
    );
    check(
        &|findings| {
            findings.mental_capacity_act = Some(MentalCapacityAct {
                relevant: Some(true),
                followed: None,
            });
        },
        &[Missing::MentalCapacityAct],
    );
    check(
        &|findings| findings.annual_health_check_last_12_months = None,
        &[Missing::AnnualHealthCheck],
    );
    check(
        &|findings| findings.place_of_death = None,
        &[Missing::PlaceOfDeath],
    );
    let _ = IcdCode::parse("J69.0").unwrap();
}

#[test]
fn a_child_death_review_outcome_is_received_after_the_death_and_by_today() {
    let outcome = |received_on, summary: &str| ChildDeathReviewOutcome {
        received_on,
        underlying_cause: Some(IcdCode::parse("G40.9").unwrap()),
        summary: summary.into(),
        modifiable_factors: false,
        learning: vec!["rescue medication plans".into()],
    };
    let died = date!(2025 - 03 - 01);
    assert_eq!(
        outcome(date!(2025 - 08 - 01), "reviewed").validate(died, TODAY),
        Ok(())
    );
    for (received, summary, code) in [
        (date!(2025 - 02 - 28), "reviewed", "received_before_death"),
        (date!(2025 - 09 - 02), "reviewed", "received_in_future"),
        (date!(2025 - 08 - 01), "  ", "summary_required"),
    ] {
        let error = outcome(received, summary)
            .validate(died, TODAY)
            .unwrap_err();
        assert_eq!(error.code(), code);
    }
}

#[test]
fn roles_combine_within_one_icb_and_admin_and_analyst_stand_alone() {
    use leder_domain::workflow::Actor;
    let qop = || Some(OdsCode::parse("QOP").unwrap());
    assert!(
        Actor::new(
            "senior",
            &[Role::Reviewer, Role::QaPanel, Role::IcsLead],
            qop()
        )
        .is_ok()
    );
    assert!(Actor::new("admin", &[Role::Admin], None).is_ok());
    assert!(Actor::new("analyst", &[Role::NationalAnalyst], None).is_ok());
    assert!(Actor::new("client", &[Role::Integration], qop()).is_ok());
    for (roles, organisation, error) in [
        (vec![], qop(), ActorError::NoRoles),
        (vec![Role::Admin], qop(), ActorError::OrganisationNotAllowed),
        (
            vec![Role::Admin, Role::IcsLead],
            qop(),
            ActorError::RoleStandsAlone,
        ),
        (
            vec![Role::Integration, Role::Reviewer],
            qop(),
            ActorError::RoleStandsAlone,
        ),
        (vec![Role::Reviewer], None, ActorError::OrganisationRequired),
        (
            vec![Role::Integration],
            None,
            ActorError::OrganisationRequired,
        ),
    ] {
        assert_eq!(
            Actor::new("x", &roles, organisation),
            Err(error),
            "{roles:?}"
        );
    }
    let senior = Actor::new("s", &[Role::Reviewer, Role::Reviewer, Role::IcsLead], qop()).unwrap();
    assert_eq!(senior.roles(), [Role::IcsLead, Role::Reviewer]);
}

#[test]
fn a_new_case_starts_at_the_stage_its_eligibility_gives() {
    assert_eq!(
        Stage::initial(Outcome::Eligible, Some(Route::LederReview)),
        Stage::AwaitingAllocation
    );
    assert_eq!(
        Stage::initial(Outcome::Eligible, Some(Route::ChildDeathReview)),
        Stage::ReferredToChildDeathReview
    );
    assert_eq!(
        Stage::initial(Outcome::NotEligible, None),
        Stage::NotEligible
    );
    assert_eq!(Stage::initial(Outcome::OptedOut, None), Stage::OptedOut);
}
