//! The family record's rules, row by row.

use time::macros::date;

use super::*;
use FamilyEventKind as K;

/// Entries of a record, by kind and note.
type Record = Vec<(FamilyEventKind, Option<&'static str>)>;

fn event(kind: FamilyEventKind, note: Option<&str>) -> FamilyEvent {
    FamilyEvent {
        id: kind.as_str().into(),
        contact_id: (kind != K::NoFamilyContact).then(|| "c".to_owned()),
        kind,
        on: date!(2026 - 11 - 01),
        note: note.map(str::to_owned),
    }
}

fn derived(kinds: &[(FamilyEventKind, Option<&str>)]) -> Option<FamilyInvolvement> {
    let events: Vec<FamilyEvent> = kinds.iter().map(|(k, n)| event(*k, *n)).collect();
    involvement(&events)
}

fn answers(
    contacted: bool,
    declined: bool,
    shared: bool,
    reason: Option<&str>,
) -> Option<FamilyInvolvement> {
    Some(FamilyInvolvement {
        contacted: Some(contacted),
        declined: Some(declined),
        feedback_shared: Some(shared),
        reason_not_contacted: reason.map(str::to_owned),
        recorded: true,
    })
}

#[test]
fn the_forms_family_answers_follow_the_record_row_by_row() {
    let rows: Vec<(Record, Option<FamilyInvolvement>)> = vec![
        (vec![], None),
        (vec![(K::Informed, None)], answers(true, false, false, None)),
        (
            vec![
                (K::Informed, None),
                (K::Invited, None),
                (K::Contributed, None),
            ],
            answers(true, false, false, None),
        ),
        (
            vec![(K::Informed, None), (K::Declined, None)],
            answers(true, true, false, None),
        ),
        // One relative declined, another contributed: the family took part.
        (
            vec![(K::Declined, None), (K::Contributed, None)],
            answers(true, false, false, None),
        ),
        (
            vec![(K::Informed, None), (K::DraftShared, None)],
            answers(true, false, true, None),
        ),
        (
            vec![(K::Informed, None), (K::CopyOffered, None)],
            answers(true, false, false, None),
        ),
        (
            vec![(K::Informed, None), (K::CopySent, None)],
            answers(true, false, true, None),
        ),
        (
            vec![(K::NotReachable, Some("Letters returned; number not in use"))],
            answers(
                false,
                false,
                false,
                Some("Letters returned; number not in use"),
            ),
        ),
        (
            vec![(K::NoFamilyContact, Some("No living relatives; no advocate"))],
            answers(
                false,
                false,
                false,
                Some("No living relatives; no advocate"),
            ),
        ),
        // Reached in the end: no reason why not.
        (
            vec![(K::NotReachable, Some("No answer")), (K::Informed, None)],
            answers(true, false, false, None),
        ),
        (
            vec![
                (K::NotReachable, Some("first")),
                (K::NotReachable, Some("second")),
            ],
            answers(false, false, false, Some("second")),
        ),
    ];
    for (kinds, expected) in rows {
        assert_eq!(derived(&kinds), expected, "{kinds:?}");
    }
}

#[test]
fn a_contacts_details_are_trimmed_and_each_broken_rule_named() {
    let ok = ContactDetails {
        name: " Mary Evans ".into(),
        relationship: "sister".into(),
        phone: Some(" 07700 900123 ".into()),
        email: Some("  ".into()),
        preferred_contact: Some(ContactMethod::TextMessage),
        accessibility_needs: vec![AccessibilityNeed::EasyRead, AccessibilityNeed::EasyRead],
        ..ContactDetails::default()
    }
    .checked()
    .unwrap();
    assert_eq!(ok.name, "Mary Evans");
    assert_eq!(ok.phone.as_deref(), Some("07700 900123"));
    assert_eq!(ok.email, None);
    assert_eq!(ok.accessibility_needs, [AccessibilityNeed::EasyRead]);
    let broken = ContactDetails {
        name: " ".into(),
        relationship: "father".into(),
        preferred_contact: Some(ContactMethod::Letter),
        accessibility_needs: vec![AccessibilityNeed::Interpreter, AccessibilityNeed::Other],
        ..ContactDetails::default()
    }
    .checked()
    .unwrap_err();
    let fields: Vec<&str> = broken.iter().map(|e| e.field()).collect();
    assert_eq!(
        fields,
        [
            "name",
            "preferred_contact",
            "interpreter_language",
            "accessibility_note"
        ]
    );
    assert!(
        ContactDetails {
            name: "A".into(),
            relationship: "friend".into(),
            preferred_contact: Some(ContactMethod::InPerson),
            ..ContactDetails::default()
        }
        .checked()
        .is_ok()
    );
}

#[test]
fn only_the_no_family_entry_stands_without_a_contact() {
    let kinds: Vec<FamilyEventKind> = FamilyEventKind::of_a_contact().collect();
    assert_eq!(kinds.len(), FamilyEventKind::ALL.len() - 1);
    assert!(!kinds.contains(&K::NoFamilyContact));
    assert!(K::CopySent.needs_completed_review() && !K::DraftShared.needs_completed_review());
}
