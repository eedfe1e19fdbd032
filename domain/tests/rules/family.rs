//! DOMAIN.md, "Families": "Each of these is recorded with its date for each family contact (or
//! why it could not happen: declined, could not be reached, no family), and submission needs
//! family involvement recorded (or the reason why not)."

use leder_domain::OdsCode;
use leder_domain::family::{ContactDetails, FamilyEvent, FamilyEventKind};
use leder_domain::review::{EventType, FamilyError, HistoryDetail, Review};
use leder_domain::review_type::ReviewType;
use leder_domain::workflow::{Action, Actor, Refusal, Request, Role, Stage};
use time::Date;
use time::macros::{date, datetime};

use crate::review::{notify, person};
use crate::workflow::{complete_findings, lead, qa, reviewer};

const TODAY: Date = date!(2026 - 10 - 10);

fn entry(
    id: &str,
    contact: Option<&str>,
    kind: FamilyEventKind,
    note: Option<&str>,
) -> FamilyEvent {
    FamilyEvent {
        id: id.into(),
        contact_id: contact.map(str::to_owned),
        kind,
        on: TODAY,
        note: note.map(str::to_owned),
    }
}

/// A case allocated to [`reviewer`] and started.
fn in_review() -> Review {
    let (mut review, _) = notify(person(), false);
    let now = datetime!(2026 - 10 - 10 12:00);
    let rev = reviewer();
    let mut allocate = Request::new(Action::Allocate);
    allocate.reviewer = Some(&rev);
    review.transition(&allocate, &lead(), TODAY, now).unwrap();
    review
        .transition(&Request::new(Action::Start), &rev, TODAY, now)
        .unwrap();
    review
}

#[test]
fn each_entry_derives_the_forms_answers_and_says_what_happened() {
    let mut review = in_review();
    let rev = reviewer();
    let (happened, kept) = review
        .record_family_event(
            &rev,
            entry(
                "e1",
                Some("c1"),
                FamilyEventKind::Informed,
                Some("  by phone  "),
            ),
            &[],
            TODAY,
        )
        .unwrap();
    assert_eq!(kept.note.as_deref(), Some("by phone"));
    assert_eq!(happened.events, [EventType::ReviewFamilyUpdated]);
    assert!(matches!(
        &happened.history[..],
        [HistoryDetail::FamilyEventRecorded {
            kind: FamilyEventKind::Informed,
            ..
        }]
    ));
    let family = review.findings.family_involvement.clone().unwrap();
    assert!(family.recorded);
    assert_eq!(family.contacted, Some(true));
    let earlier = [kept];
    review
        .record_family_event(
            &lead(),
            entry("e2", Some("c1"), FamilyEventKind::DraftShared, None),
            &earlier,
            TODAY,
        )
        .unwrap();
    assert_eq!(
        review
            .findings
            .family_involvement
            .as_ref()
            .unwrap()
            .feedback_shared,
        Some(true)
    );
}

#[test]
fn a_family_entry_is_refused_in_domain_order() {
    let mut review = in_review();
    let informed = || entry("e", Some("c"), FamilyEventKind::Informed, None);
    let other_lead = Actor::new(
        "other",
        &[Role::IcsLead],
        Some(OdsCode::parse("QE1").unwrap()),
    )
    .unwrap();
    let refused = |r: Result<_, FamilyError>| r.map(|_| ()).unwrap_err();
    assert_eq!(
        refused(review.record_family_event(&other_lead, informed(), &[], TODAY)),
        FamilyError::Refused(Refusal::OutOfScope)
    );
    assert!(matches!(
        refused(review.record_family_event(&qa(), informed(), &[], TODAY)),
        FamilyError::Refused(Refusal::RoleNotPermitted(_))
    ));
    let copy = entry("e", Some("c"), FamilyEventKind::CopySent, None);
    assert_eq!(
        refused(review.record_family_event(&lead(), copy, &[], TODAY)),
        FamilyError::NotYetCompleted
    );
    let unreached = entry("e", Some("c"), FamilyEventKind::NotReachable, Some("  "));
    assert_eq!(
        refused(review.record_family_event(&lead(), unreached, &[], TODAY)),
        FamilyError::NoteRequired
    );
    let tomorrow = FamilyEvent {
        on: date!(2026 - 10 - 11),
        ..informed()
    };
    assert_eq!(
        refused(review.record_family_event(&lead(), tomorrow, &[], TODAY)),
        FamilyError::InTheFuture
    );
    let misplaced = entry(
        "e",
        Some("c"),
        FamilyEventKind::NoFamilyContact,
        Some("none"),
    );
    assert_eq!(
        refused(review.record_family_event(&lead(), misplaced, &[], TODAY)),
        FamilyError::NotForAContact
    );
    assert_eq!(review.findings.family_involvement, None, "nothing recorded");
    let (mut opted_out, _) = notify(person(), true);
    assert_eq!(
        opted_out
            .add_family_contact(&lead(), "c".into(), ContactDetails::default())
            .unwrap_err(),
        FamilyError::NoPerson
    );
}

#[test]
fn submission_needs_the_record_and_the_form_cannot_write_or_claim_it() {
    let mut review = in_review();
    let rev = reviewer();
    let now = datetime!(2026 - 10 - 10 12:00);
    // The form's own answers, as a review written before the record existed holds them.
    let mut form = complete_findings(ReviewType::Initial);
    form.family_involvement.as_mut().unwrap().recorded = false;
    review.write_findings(&rev, form, vec![]).unwrap();
    let refused = review.transition(&Request::new(Action::Submit), &rev, TODAY, now);
    assert!(
        matches!(&refused, Err(Refusal::FindingsIncomplete { missing }) if missing.len() == 1),
        "{refused:?}"
    );
    // A form that claims to be derived is refused.
    let claimed = complete_findings(ReviewType::Initial);
    assert_eq!(
        review.write_findings(&rev, claimed, vec![]).unwrap_err(),
        Refusal::FamilyInvolvementDerived
    );
    let none = entry(
        "n",
        None,
        FamilyEventKind::NoFamilyContact,
        Some("No relatives; no advocate"),
    );
    review.record_family_event(&rev, none, &[], TODAY).unwrap();
    let derived = review.findings.family_involvement.clone().unwrap();
    assert_eq!(derived.contacted, Some(false));
    assert_eq!(
        derived.reason_not_contacted.as_deref(),
        Some("No relatives; no advocate")
    );
    // Once derived, the form cannot change it; other answers still can be written.
    let mut edited = review.findings.clone();
    edited.family_involvement.as_mut().unwrap().contacted = Some(true);
    assert_eq!(
        review.write_findings(&rev, edited, vec![]).unwrap_err(),
        Refusal::FamilyInvolvementDerived
    );
    let mut other = review.findings.clone();
    other.good_practice = Some("Easy read letters".into());
    review.write_findings(&rev, other, vec![]).unwrap();
    review
        .transition(&Request::new(Action::Submit), &rev, TODAY, now)
        .unwrap();
    assert_eq!(review.stage, Stage::AwaitingQa);
}
