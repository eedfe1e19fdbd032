//! The row mapping of a review, both ways.

use leder_domain::review::{NewCase, OptOutAnswer, Resolution};
use time::macros::{date, datetime};

use super::*;

fn notified(opt_out: bool) -> Review {
    Review::notified(NewCase {
        id: "0190-review".into(),
        reference: "LDR-0000000A".into(),
        person: NotifiedPerson {
            given_name: "Ada".into(),
            family_name: "Lovelace".into(),
            nhs_number: Some(NhsNumber::parse("9434765919").expect("nhs")),
            date_of_birth: date!(1961 - 03 - 02),
            date_of_death: date!(2026 - 10 - 01),
            sex: Sex::Female,
            ethnic_category: Some(EthnicCategory::parse("Z").expect("code")),
            learning_disability: false,
            autistic: true,
            lived_in_england: true,
            place_of_death: None,
        },
        opt_out: if opt_out {
            OptOutAnswer::Yes
        } else {
            OptOutAnswer::NotKnown
        },
        family_request: true,
        resolution: Resolution {
            icb: OdsCode::parse("QOP").expect("ods"),
            area_code: "14L".into(),
            sub_icb_location: Some("14L".into()),
        },
        notified_at: datetime!(2026 - 10 - 05 10:00),
        notified_on: date!(2026 - 10 - 05),
    })
    .expect("assessed")
    .0
}

#[test]
fn a_review_reads_back_from_its_row_unchanged() {
    for opt_out in [false, true] {
        let review = notified(opt_out);
        let row = row_from_review(&review);
        assert_eq!(review_from_row(row, Vec::new(), 0).expect("reads"), review);
    }
}

#[test]
fn a_stored_value_that_does_not_parse_names_the_review_and_column() {
    let mut row = row_from_review(&notified(false));
    row.focused_reasons = r#"["family_request","made_up"]"#.into();
    match review_from_row(row, Vec::new(), 0) {
        Err(PersistenceError::Corrupt { id, field, .. }) => {
            assert_eq!((id.as_str(), field), ("0190-review", "focused_reasons"));
        }
        other => panic!("{other:?}"),
    }
    let mut row = row_from_review(&notified(false));
    row.findings = "{\"care_grade\": 7}".into();
    assert!(matches!(
        review_from_row(row, Vec::new(), 0),
        Err(PersistenceError::Corrupt {
            field: "findings",
            ..
        })
    ));
}
