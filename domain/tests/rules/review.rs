//! The review aggregate: built once from a notification (the opt-out redaction in one place),
//! then changed only by methods that apply the workflow's rules and say what happened.

use leder_domain::avoidable::ListVersion;
use leder_domain::eligibility::{Outcome, Route};
use leder_domain::review::{
    EventType, HistoryDetail, LearningKind, NewCase, NotifiedPerson, OptOutAnswer,
    OptOutCheckResult, OptOutCheckStatus, PersonCorrection, Resolution, Review,
};
use leder_domain::review_type::{DataQualityFlag, FocusedReason, ReviewType};
use leder_domain::workflow::{Action, CorrectionError, HoldReason, Refusal, Request, Stage};
use leder_domain::{EthnicCategory, NhsNumber, OdsCode, PlaceOfDeath, Sex};
use time::macros::{date, datetime};

use crate::workflow::{complete_findings, icb, lead, qa, reviewer};

pub(crate) fn person() -> NotifiedPerson {
    NotifiedPerson {
        given_name: "Ada".into(),
        family_name: "Lovelace".into(),
        nhs_number: Some(NhsNumber::parse("9434765919").unwrap()),
        date_of_birth: date!(1961 - 03 - 02),
        date_of_death: date!(2026 - 10 - 01),
        sex: Sex::Female,
        ethnic_category: Some(EthnicCategory::parse("A").unwrap()),
        learning_disability: true,
        autistic: false,
        lived_in_england: true,
        place_of_death: Some(PlaceOfDeath::Hospital),
    }
}

pub(crate) fn notify(
    person: NotifiedPerson,
    opt_out: bool,
) -> (Review, leder_domain::review::Happened) {
    let answer = if opt_out {
        OptOutAnswer::Yes
    } else {
        OptOutAnswer::No
    };
    notify_answering(person, answer)
}

fn notify_answering(
    person: NotifiedPerson,
    answer: OptOutAnswer,
) -> (Review, leder_domain::review::Happened) {
    Review::notified(NewCase {
        id: "r1".into(),
        reference: "LDR-00000001".into(),
        person,
        opt_out: answer,
        family_request: false,
        resolution: Resolution {
            icb: icb(),
            area_code: "14L".into(),
            sub_icb_location: Some("14L".into()),
        },
        notified_at: datetime!(2026 - 10 - 05 10:00),
        notified_on: date!(2026 - 10 - 05),
    })
    .unwrap()
}

#[test]
fn a_notification_makes_an_eligible_case_awaiting_allocation() {
    let (review, happened) = notify(person(), false);
    assert_eq!(review.stage, Stage::AwaitingAllocation);
    assert_eq!(review.eligibility.outcome, Outcome::Eligible);
    assert_eq!(review.eligibility.route, Some(Route::LederReview));
    assert_eq!(review.review_type, Some(ReviewType::Initial));
    assert_eq!(review.age_at_death, Some(65));
    assert_eq!(review.area_code, "14L");
    assert_eq!(review.person, Some(person()));
    assert_eq!(review.versions.avoidable_mortality, ListVersion::CURRENT);
    assert_eq!(review.version, 1);
    assert_eq!(happened.history, vec![HistoryDetail::Created]);
    assert_eq!(happened.events, vec![EventType::ReviewCreated]);
}

#[test]
fn an_opt_out_keeps_only_the_reference_icb_year_and_outcome() {
    let (review, _) = notify(person(), true);
    assert_eq!(review.stage, Stage::OptedOut);
    assert_eq!(review.eligibility.outcome, Outcome::OptedOut);
    assert_eq!(review.person, None);
    assert_eq!(review.age_at_death, None);
    assert_eq!(review.area_code, "QOP");
    assert_eq!(review.sub_icb_location, None);
    assert_eq!(review.year_of_death, 2026);
    assert_eq!(review.completed_on, Some(date!(2026 - 10 - 05)));
    assert_eq!(review.reference, "LDR-00000001");
}

#[test]
fn a_not_stated_ethnicity_raises_the_flag_and_a_minority_one_makes_it_focused() {
    let mut p = person();
    p.ethnic_category = Some(EthnicCategory::parse("Z").unwrap());
    assert_eq!(
        notify(p.clone(), false).0.data_quality_flags,
        vec![DataQualityFlag::EthnicCategoryUnresolved]
    );
    p.ethnic_category = Some(EthnicCategory::parse("M").unwrap());
    let (review, _) = notify(p, false);
    assert_eq!(review.review_type, Some(ReviewType::Focused));
    assert_eq!(review.focused_reasons, vec![FocusedReason::EthnicMinority]);
}

#[test]
fn a_transition_says_what_happened_and_a_hold_remembers_where_it_left() {
    let (mut review, _) = notify(person(), false);
    let today = date!(2026 - 10 - 10);
    let now = datetime!(2026 - 10 - 10 12:00);
    let rev = reviewer();
    let mut allocate = Request::new(Action::Allocate);
    allocate.reviewer = Some(&rev);
    assert_eq!(review.first_allocated_at, None);
    let happened = review.transition(&allocate, &lead(), today, now).unwrap();
    assert_eq!(review.stage, Stage::Allocated);
    assert_eq!(review.reviewer_id.as_deref(), Some("rev"));
    assert_eq!(review.first_allocated_at, Some(now));
    // Allocated again (another reviewer, later): the first allocation is the one kept.
    let later = datetime!(2026 - 10 - 12 09:00);
    review.transition(&allocate, &lead(), today, later).unwrap();
    assert_eq!(review.first_allocated_at, Some(now));
    assert_eq!(happened.events, vec![EventType::ReviewStatusChanged]);
    assert_eq!(
        happened.history,
        vec![HistoryDetail::Transition {
            action: Action::Allocate,
            reviewer_id: Some("rev".into()),
            reason: None,
            comment: None,
        }]
    );
    let mut hold = Request::new(Action::Hold);
    hold.reason = Some("coroner_inquest");
    let happened = review.transition(&hold, &lead(), today, now).unwrap();
    assert_eq!(review.stage, Stage::OnHold);
    assert_eq!(review.resume_to, Some(Stage::Allocated));
    let started = happened.hold_started.unwrap();
    assert_eq!(started.reason, HoldReason::CoronerInquest);
    assert_eq!(started.on, today);
    let happened = review
        .transition(&Request::new(Action::Resume), &lead(), today, now)
        .unwrap();
    assert_eq!(review.stage, Stage::Allocated);
    assert_eq!(happened.hold_ended_on, Some(today));
    // The QA panel may not start a review: refused, and nothing changed.
    let before = review.clone();
    let refused = review.transition(&Request::new(Action::Start), &qa(), today, now);
    assert!(
        matches!(refused, Err(Refusal::RoleNotPermitted { .. })),
        "{refused:?}"
    );
    assert_eq!(review, before);
}

#[test]
fn findings_move_the_case_to_the_current_list_and_sign_off_completes_it() {
    let (mut review, _) = notify(person(), false);
    let (today, now) = (date!(2026 - 10 - 10), datetime!(2026 - 10 - 10 12:00));
    let rev = reviewer();
    let mut allocate = Request::new(Action::Allocate);
    allocate.reviewer = Some(&rev);
    review.transition(&allocate, &lead(), today, now).unwrap();
    review
        .transition(&Request::new(Action::Start), &rev, today, now)
        .unwrap();
    // The form's family answers come from the family record, never from the form.
    let mut form = complete_findings(ReviewType::Initial);
    form.family_involvement = None;
    let happened = review
        .write_findings(&rev, form, vec!["pen_portrait".into()])
        .unwrap();
    assert_eq!(happened.events, vec![EventType::ReviewFindingsUpdated]);
    let informed = leder_domain::family::FamilyEvent {
        id: "e1".into(),
        contact_id: Some("c1".into()),
        kind: leder_domain::family::FamilyEventKind::Informed,
        on: today,
        note: None,
    };
    review
        .record_family_event(&rev, informed, &[], today)
        .unwrap();
    assert_eq!(review.underlying_cause().map(|c| c.as_str()), Some("J69.0"));
    review
        .add_learning(&rev, "l1".into(), LearningKind::Learning)
        .unwrap();
    assert_eq!(review.learning_points, 1);
    for (action, who) in [
        (Action::Submit, &rev),
        (Action::Approve, &qa()),
        (Action::SignOff, &lead()),
    ] {
        review
            .transition(&Request::new(action), who, today, now)
            .unwrap();
    }
    assert_eq!(review.stage, Stage::Completed);
    assert_eq!(review.completed_on, Some(today));
}

#[test]
fn a_correction_reassesses_and_an_opted_out_case_has_no_person_to_correct() {
    let (mut review, _) = notify(person(), false);
    let correction = PersonCorrection {
        date_of_birth: Some(date!(2023 - 01 - 01)),
        ..PersonCorrection::default()
    };
    let happened = review
        .correct_person(&lead(), correction, date!(2026 - 10 - 10))
        .unwrap();
    assert_eq!(review.stage, Stage::NotEligible);
    assert_eq!(review.age_at_death, Some(3));
    assert_eq!(
        happened.events,
        vec![
            EventType::ReviewPersonCorrected,
            EventType::ReviewStatusChanged
        ]
    );
    let (mut opted_out, _) = notify(person(), true);
    // Terminal: the stage refuses before the missing person is even looked at.
    assert!(matches!(
        opted_out.correct_person(&lead(), PersonCorrection::default(), date!(2026 - 10 - 10)),
        Err(CorrectionError::Refused(_))
    ));
}

#[test]
fn a_transfer_keeps_the_case_and_tells_the_icb_it_left() {
    let (mut review, _) = notify(person(), false);
    let to = OdsCode::parse("QHG").unwrap();
    let happened = review.transfer_to(to.clone());
    assert_eq!(review.organisation, to);
    assert_eq!(happened.also_notify, vec!["QOP".to_owned()]);
    assert_eq!(
        happened.history,
        vec![HistoryDetail::Transferred {
            from: "QOP".into(),
            to: "QHG".into()
        }]
    );
}

#[test]
fn an_unknown_opt_out_is_checked_before_allocation_and_a_negative_check_lets_it_go_on() {
    let (mut review, _) = notify_answering(person(), OptOutAnswer::NotKnown);
    assert_eq!(review.opt_out_check.status, OptOutCheckStatus::Needed);
    assert!(review.person.is_some());
    let today = date!(2026 - 10 - 10);
    let now = datetime!(2026 - 10 - 10 12:00);
    let rev = reviewer();
    let mut allocate = Request::new(Action::Allocate);
    allocate.reviewer = Some(&rev);
    let before = review.clone();
    let refused = review.transition(&allocate, &lead(), today, now);
    assert_eq!(refused, Err(Refusal::OptOutCheckNeeded));
    assert_eq!(review, before);
    // Scope and role come first: another ICB's lead is told nothing, a reviewer may not.
    let elsewhere = leder_domain::workflow::Actor::new(
        "y",
        &[leder_domain::workflow::Role::IcsLead],
        Some(OdsCode::parse("QE1").unwrap()),
    )
    .unwrap();
    let check = |opted_out| OptOutCheckResult {
        opted_out,
        checked_on: today,
        source: "NDOP check".into(),
    };
    assert_eq!(
        review.record_opt_out_check(&elsewhere, check(false), today, now),
        Err(Refusal::OutOfScope)
    );
    assert!(matches!(
        review.record_opt_out_check(&reviewer(), check(false), today, now),
        Err(Refusal::OutOfScope | Refusal::RoleNotPermitted(_))
    ));
    let happened = review
        .record_opt_out_check(&lead(), check(false), today, now)
        .unwrap();
    assert_eq!(happened.events, vec![EventType::ReviewOptOutChecked]);
    assert!(!happened.erase_identifiable);
    assert_eq!(review.opt_out_check.status, OptOutCheckStatus::Checked);
    assert_eq!(review.opt_out_check.opted_out, Some(false));
    assert_eq!(review.stage, Stage::AwaitingAllocation);
    review.transition(&allocate, &lead(), today, now).unwrap();
    assert_eq!(review.stage, Stage::Allocated);
    // Past allocation the check is no longer the lead's to record.
    let late = review.record_opt_out_check(&lead(), check(true), today, now);
    assert!(
        matches!(late, Err(Refusal::StageDoesNotAllow { .. })),
        "{late:?}"
    );
}

#[test]
fn a_positive_opt_out_check_closes_the_case_and_keeps_what_an_opt_out_at_notification_keeps() {
    let (mut review, _) = notify_answering(person(), OptOutAnswer::NotKnown);
    let today = date!(2026 - 10 - 10);
    let now = datetime!(2026 - 10 - 10 12:00);
    let happened = review
        .record_opt_out_check(
            &lead(),
            OptOutCheckResult {
                opted_out: true,
                checked_on: today,
                source: "NDOP check".into(),
            },
            today,
            now,
        )
        .unwrap();
    assert!(happened.erase_identifiable);
    assert_eq!(
        happened.events,
        vec![
            EventType::ReviewOptOutChecked,
            EventType::ReviewStatusChanged
        ]
    );
    let (opted_out_at_notification, _) = notify(person(), true);
    assert_eq!(review.stage, Stage::OptedOut);
    assert_eq!(review.person, None);
    assert_eq!(review.age_at_death, None);
    assert_eq!(review.area_code, opted_out_at_notification.area_code);
    assert_eq!(review.sub_icb_location, None);
    assert_eq!(review.eligibility, opted_out_at_notification.eligibility);
    assert_eq!(review.review_type, None);
    assert_eq!(review.completed_on, Some(today));
}
