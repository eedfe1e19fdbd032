//! An imported review (issue 19): assessed as notified on its own day, then taken along the
//! stages it reached by the workflow's own transitions on their own days; a journey the
//! workflow would refuse is refused, naming the step.

use leder_domain::review::{
    EventType, HistoryDetail, ImportSource, ImportStep, ImportedHold, Journey, LearningKind,
    NewCase, NotifiedPerson, OptOutAnswer, Resolution, Review,
};
use leder_domain::review_type::ReviewType;
use leder_domain::workflow::{Actor, HoldReason, Role, Stage};
use leder_domain::{EthnicCategory, PlaceOfDeath, Sex};
use time::macros::date;
use time::{Date, PrimitiveDateTime, Time};

use crate::workflow::{actor, complete_findings, icb};

fn noon(day: Date) -> PrimitiveDateTime {
    PrimitiveDateTime::new(day, Time::MIDNIGHT) + time::Duration::hours(12)
}

fn case() -> NewCase {
    NewCase {
        id: "r1".into(),
        reference: "LDR-00000001".into(),
        person: NotifiedPerson {
            given_name: "Ada".into(),
            family_name: "Lovelace".into(),
            nhs_number: None,
            date_of_birth: date!(1961 - 03 - 02),
            date_of_death: date!(2026 - 01 - 10),
            sex: Sex::Female,
            ethnic_category: Some(EthnicCategory::parse("A").unwrap()),
            learning_disability: true,
            autistic: false,
            lived_in_england: true,
            place_of_death: Some(PlaceOfDeath::Hospital),
        },
        opt_out: OptOutAnswer::No,
        family_request: false,
        resolution: Resolution {
            icb: icb(),
            area_code: "QOP".into(),
            sub_icb_location: None,
        },
        notified_at: noon(date!(2026 - 01 - 15)),
        notified_on: date!(2026 - 01 - 15),
    }
}

fn importer() -> Actor {
    Actor::new("import", &[Role::IcsLead, Role::QaPanel], Some(icb())).unwrap()
}

/// A journey to `stage` through every stage before it, a week apart from 2026-01-20.
fn journey(stage: Stage) -> Journey {
    let path = [
        Stage::Allocated,
        Stage::InReview,
        Stage::AwaitingQa,
        Stage::AwaitingSignOff,
        Stage::Completed,
    ];
    let reached = path
        .iter()
        .take_while(|s| **s != stage)
        .chain(path.iter().find(|s| **s == stage))
        .enumerate()
        .map(|(i, s)| {
            let day = date!(2026 - 01 - 20) + time::Duration::weeks(i64::try_from(i).unwrap());
            (*s, day)
        })
        .collect::<Vec<_>>();
    let reached = if path.contains(&stage) {
        reached
    } else {
        Vec::new()
    };
    Journey {
        source: ImportSource {
            system: "legacy".into(),
            id: "L-1".into(),
        },
        stage,
        reviewer: (!reached.is_empty()).then(|| actor("rev", &[Role::Reviewer])),
        reached,
        holds: Vec::new(),
        lead: importer(),
        findings: Some((
            complete_findings(ReviewType::Initial),
            vec!["pen_portrait".into()],
        )),
        learning: vec![("l1".into(), LearningKind::Learning)],
        opt_out_check: None,
        ethnicity_confirmed: None,
        child_death_review_outcome: None,
        today: date!(2026 - 11 - 29),
        now: noon(date!(2026 - 11 - 29)),
        at: noon,
    }
}

#[test]
fn a_completed_review_keeps_its_days_its_hold_and_says_it_was_imported() {
    let mut j = journey(Stage::Completed);
    // On hold from the day it was started until the day before submission.
    j.holds.push(ImportedHold {
        id: "h1".into(),
        reason: HoldReason::CoronerInquest,
        text: None,
        started_on: date!(2026 - 01 - 27),
        ended_on: Some(date!(2026 - 02 - 02)),
    });
    let (review, happened) = Review::imported(case(), j.clone()).unwrap();
    assert_eq!(review.stage, Stage::Completed);
    assert_eq!(review.reviewer_id.as_deref(), Some("rev"));
    assert_eq!(review.notified_on, date!(2026 - 01 - 15));
    assert_eq!(review.completed_on, Some(date!(2026 - 02 - 17)));
    assert_eq!(review.completed_at, Some(noon(date!(2026 - 02 - 17))));
    assert_eq!(review.learning_points, 1);
    assert_eq!(review.holds.len(), 1);
    let hold = &review.holds[0];
    assert_eq!(hold.from_stage, Stage::InReview);
    assert_eq!(
        (hold.started_on, hold.ended_on),
        (date!(2026 - 01 - 27), Some(date!(2026 - 02 - 02)))
    );
    assert_eq!(review.version, 1);
    assert_eq!(happened.events, vec![EventType::ReviewImported]);
    assert_eq!(
        happened.history,
        vec![HistoryDetail::Imported {
            system: "legacy".into(),
            id: "L-1".into(),
            reached: j.reached,
        }]
    );
}

#[test]
fn a_review_on_hold_resumes_to_the_stage_its_open_hold_left() {
    let mut j = journey(Stage::InReview);
    j.stage = Stage::OnHold;
    j.holds.push(ImportedHold {
        id: "h1".into(),
        reason: HoldReason::Other,
        text: Some("Waiting for the hospital's records".into()),
        started_on: date!(2026 - 03 - 01),
        ended_on: None,
    });
    let (review, _) = Review::imported(case(), j).unwrap();
    assert_eq!(review.stage, Stage::OnHold);
    assert_eq!(review.resume_to, Some(Stage::InReview));
    assert_eq!(
        review.open_hold().map(|h| h.started_on),
        Some(date!(2026 - 03 - 01))
    );
}

#[test]
fn a_journey_the_workflow_refuses_is_refused_naming_the_step() {
    let refused = |j: Journey| Review::imported(case(), j).unwrap_err();
    // Submission needs complete findings.
    let mut j = journey(Stage::AwaitingQa);
    j.findings = None;
    let e = refused(j);
    assert_eq!(
        (e.step, e.code),
        (
            ImportStep::Reached(Stage::AwaitingQa),
            "findings_incomplete"
        )
    );
    // Sign-off needs a learning point.
    let mut j = journey(Stage::Completed);
    j.learning.clear();
    let e = refused(j);
    assert_eq!(
        (e.step, e.code),
        (ImportStep::Reached(Stage::Completed), "no_learning_point")
    );
    // Allocation needs a reviewer of the case's ICB.
    let mut j = journey(Stage::Allocated);
    j.reviewer = Some(
        Actor::new(
            "elsewhere",
            &[Role::Reviewer],
            Some(leder_domain::OdsCode::parse("QE1").unwrap()),
        )
        .unwrap(),
    );
    let e = refused(j);
    assert_eq!(
        (e.step, e.code),
        (ImportStep::Reviewer, "not_a_reviewer_in_this_icb")
    );
    let mut j = journey(Stage::InReview);
    j.reviewer = None;
    assert_eq!(refused(j).step, ImportStep::Reviewer);
    // A hold for another reason needs its text.
    let mut j = journey(Stage::InReview);
    j.stage = Stage::OnHold;
    j.holds.push(ImportedHold {
        id: "h1".into(),
        reason: HoldReason::Other,
        text: None,
        started_on: date!(2026 - 03 - 01),
        ended_on: None,
    });
    assert_eq!(refused(j).code, "hold_reason_text_required");
    // A stage reached before an earlier one, before the notification, or after today.
    let mut j = journey(Stage::InReview);
    j.reached[1].1 = date!(2026 - 01 - 19);
    assert_eq!(refused(j).code, "out_of_order");
    let mut j = journey(Stage::Allocated);
    j.reached[0].1 = date!(2026 - 01 - 14);
    assert_eq!(refused(j).code, "before_notification");
    let mut j = journey(Stage::Allocated);
    j.reached[0].1 = date!(2026 - 11 - 30);
    assert_eq!(refused(j).code, "in_the_future");
    // The days must lead to the stage given.
    let mut j = journey(Stage::InReview);
    j.stage = Stage::AwaitingSignOff;
    let e = refused(j);
    assert_eq!((e.step, e.code), (ImportStep::Stage, "stage_not_reached"));
    // An unknown opt-out is checked before allocation.
    let mut c = case();
    c.opt_out = OptOutAnswer::NotKnown;
    let e = Review::imported(c, journey(Stage::Allocated)).unwrap_err();
    assert_eq!(e.code, "opt_out_check_needed");
}

#[test]
fn a_childs_case_is_completed_only_by_its_child_death_review_outcome() {
    let mut child = case();
    child.person.date_of_birth = date!(2016 - 03 - 02);
    let mut j = journey(Stage::Completed);
    j.reached = vec![(Stage::Completed, date!(2026 - 06 - 01))];
    j.reviewer = None;
    j.findings = None;
    j.learning.clear();
    let e = Review::imported(child.clone(), j.clone()).unwrap_err();
    assert_eq!(
        (e.step, e.code),
        (ImportStep::ChildDeathReviewOutcome(""), "required")
    );
    j.child_death_review_outcome = Some(leder_domain::workflow::ChildDeathReviewOutcome {
        received_on: date!(2026 - 05 - 20),
        underlying_cause: None,
        summary: "Expected death; plans were in place.".into(),
        modifiable_factors: false,
        learning: Vec::new(),
    });
    let (review, _) = Review::imported(child.clone(), j).unwrap();
    assert_eq!(review.stage, Stage::Completed);
    assert_eq!(review.completed_on, Some(date!(2026 - 06 - 01)));
    // Without a day for `completed`, it stays referred.
    let mut j = journey(Stage::AwaitingAllocation);
    j.stage = Stage::ReferredToChildDeathReview;
    j.findings = None;
    j.learning.clear();
    let (review, _) = Review::imported(child, j).unwrap();
    assert_eq!(review.stage, Stage::ReferredToChildDeathReview);
}
