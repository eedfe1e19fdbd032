//! DOMAIN.md, "Review type": initial unless a focused reason holds, each recorded as a code; the
//! data-quality flag for ethnic category `Z` and `99`.

use leder_domain::EthnicCategory;
use leder_domain::eligibility::{Person, assess};
use leder_domain::review_type::{
    DataQualityFlag, Facts, FocusedReason, ReviewType, data_quality_flags, decide, decide_for,
};
use time::macros::date;

fn facts(ethnic_category: &str) -> Facts {
    Facts {
        ethnic_category: Some(EthnicCategory::parse(ethnic_category).unwrap()),
        learning_disability: true,
        autistic: false,
        family_request: false,
        reviewer_concern: false,
    }
}

#[test]
fn each_ethnic_category_decides_the_ethnic_minority_reason() {
    for category in EthnicCategory::all() {
        let (review_type, reasons) = decide(&facts(category.code()));
        let minority = ("D"..="S").contains(&category.code()) && category.code().len() == 1;
        if minority {
            assert_eq!(review_type, ReviewType::Focused, "{category}");
            assert_eq!(reasons, [FocusedReason::EthnicMinority]);
        } else {
            assert_eq!(review_type, ReviewType::Initial, "{category}");
            assert!(reasons.is_empty());
        }
    }
}

#[test]
fn not_stated_and_not_known_raise_a_data_quality_flag_and_nothing_else_does() {
    for category in EthnicCategory::all() {
        let flags = data_quality_flags(Some(category));
        if ["Z", "99"].contains(&category.code()) {
            assert_eq!(
                flags,
                [DataQualityFlag::EthnicCategoryUnresolved],
                "{category}"
            );
        } else {
            assert!(flags.is_empty(), "{category}");
        }
    }
    assert_eq!(
        data_quality_flags(None),
        [DataQualityFlag::EthnicCategoryUnresolved]
    );
    assert_eq!(
        DataQualityFlag::EthnicCategoryUnresolved.as_str(),
        "ethnic_category_unresolved"
    );
}

#[test]
fn an_autistic_person_without_a_learning_disability_always_gets_a_focused_review() {
    let mut autistic = facts("A");
    autistic.learning_disability = false;
    autistic.autistic = true;
    assert_eq!(
        decide(&autistic),
        (
            ReviewType::Focused,
            vec![FocusedReason::AutisticWithoutLearningDisability]
        )
    );
    autistic.learning_disability = true;
    assert_eq!(decide(&autistic), (ReviewType::Initial, vec![]));
}

#[test]
fn a_family_request_is_always_granted() {
    let mut asked = facts("A");
    asked.family_request = true;
    assert_eq!(
        decide(&asked),
        (ReviewType::Focused, vec![FocusedReason::FamilyRequest])
    );
}

#[test]
fn a_reviewer_concern_makes_the_review_focused() {
    let mut concern = facts("B");
    concern.reviewer_concern = true;
    assert_eq!(
        decide(&concern),
        (ReviewType::Focused, vec![FocusedReason::ReviewerConcern])
    );
}

#[test]
fn every_reason_that_holds_is_recorded() {
    let all = Facts {
        ethnic_category: Some(EthnicCategory::parse("N").unwrap()),
        learning_disability: false,
        autistic: true,
        family_request: true,
        reviewer_concern: true,
    };
    assert_eq!(
        decide(&all),
        (ReviewType::Focused, FocusedReason::ALL.to_vec())
    );
}

#[test]
fn a_missing_ethnic_category_does_not_make_a_review_focused() {
    let mut unknown = facts("A");
    unknown.ethnic_category = None;
    assert_eq!(decide(&unknown), (ReviewType::Initial, vec![]));
}

#[test]
fn only_an_eligible_leder_review_gets_a_review_type() {
    let adult = Person {
        date_of_birth: date!(1970 - 01 - 01),
        date_of_death: date!(2025 - 01 - 01),
        learning_disability: true,
        autistic: false,
        lived_in_england: true,
        national_data_opt_out: false,
    };
    let today = date!(2026 - 01 - 01);
    let leder = assess(&adult, today).unwrap();
    assert_eq!(
        decide_for(&leder, &facts("H")),
        Some((ReviewType::Focused, vec![FocusedReason::EthnicMinority]))
    );
    let child = Person {
        date_of_birth: date!(2015 - 01 - 01),
        ..adult
    };
    assert_eq!(
        decide_for(&assess(&child, today).unwrap(), &facts("H")),
        None
    );
    let abroad = Person {
        lived_in_england: false,
        ..adult
    };
    assert_eq!(
        decide_for(&assess(&abroad, today).unwrap(), &facts("H")),
        None
    );
}
