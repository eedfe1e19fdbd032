//! "ICD-10: letter, two digits, optional fourth character; normalised as above; it must exist in
//! the WHO 2019 classification (`reference/icd10-who-2019.csv`, which also names causes)."
//! "ICD-10 input is normalised: `J18.9`, `J189` and `J18.9X` are the same code; `I10X` means
//! `I10`; a code that does not exist in the WHO classification … is refused."

use leder_domain::{IcdCode, IcdCodeError};

#[test]
fn the_spellings_of_one_code_normalise_to_its_dotted_form() {
    for (input, expected) in [
        ("J18.9", "J18.9"),
        ("J189", "J18.9"),
        ("J18.9X", "J18.9"),
        ("j18.9", "J18.9"),
        (" J189x ", "J18.9"),
        ("I10X", "I10"),
        ("I10", "I10"),
        ("i10x", "I10"),
        ("U07.1", "U07.1"),
        ("X45", "X45"),
        ("X45X", "X45"),
        ("J18.", "J18"),
        ("J18.X", "J18"),
    ] {
        assert_eq!(IcdCode::parse(input).unwrap().as_str(), expected, "{input}");
    }
}

#[test]
fn the_three_and_four_character_forms_are_kept_apart() {
    let category = IcdCode::parse("J18").unwrap();
    let subcategory = IcdCode::parse("J18.9").unwrap();
    assert_ne!(category, subcategory);
    assert_eq!(category.category(), "J18");
    assert_eq!(subcategory.category(), "J18");
    assert_eq!(category.fourth_character(), None);
    assert_eq!(subcategory.fourth_character(), Some('9'));
}

#[test]
fn each_code_has_its_who_title() {
    for (code, title) in [
        ("J18", "Pneumonia, organism unspecified"),
        ("J18.9", "Pneumonia, unspecified"),
        (
            "A00.0",
            "Cholera due to Vibrio cholerae 01, biovar cholerae",
        ),
        ("I10", "Essential (primary) hypertension"),
        ("U07.1", "COVID-19, virus identified"),
    ] {
        assert_eq!(IcdCode::parse(code).unwrap().title(), title, "{code}");
    }
    assert_eq!(
        IcdCode::parse("J18.9").unwrap().category_title(),
        "Pneumonia, organism unspecified"
    );
}

#[test]
fn malformed_input_is_an_invalid_format() {
    for input in [
        "", "J", "J1", "18.9", "J1.89", "J18..9", "J18.99", "J18.A", "JJ8", "J18 .9", "B18.00",
        "J18.9XX", "J18-9",
    ] {
        let error = IcdCode::parse(input).unwrap_err();
        assert_eq!(error, IcdCodeError::InvalidFormat, "{input:?}");
        assert_eq!(error.code(), "invalid_format");
    }
}

#[test]
fn a_well_formed_code_absent_from_the_who_list_is_refused() {
    for (input, normalised) in [
        ("J18.7", "J18.7"),
        ("I10.0", "I10.0"),
        ("U99", "U99"),
        ("K74.9", "K74.9"),
        ("Z99.7", "Z99.7"),
    ] {
        let error = IcdCode::parse(input).unwrap_err();
        assert_eq!(
            error,
            IcdCodeError::NotInWhoClassification {
                code: normalised.to_owned()
            }
        );
        assert_eq!(error.code(), "not_in_who_classification");
        assert!(error.to_string().contains(normalised));
    }
}

#[test]
fn the_embedded_classification_holds_every_category_and_subcategory_once() {
    let codes: Vec<IcdCode> = IcdCode::all().collect();
    assert_eq!(codes.len(), 12_242);
    assert!(codes.iter().all(|code| !code.title().is_empty()));
    assert!(
        codes
            .iter()
            .all(|code| IcdCode::parse(code.as_str()).as_ref() == Ok(code))
    );
}

#[test]
fn a_placeholder_category_is_reported_by_its_subcategory() {
    let covid = IcdCode::parse("U07.1").unwrap();
    assert_eq!(covid.category(), "U07");
    assert_eq!(covid.category_title(), "Emergency use of U07");
    assert_eq!(covid.reporting_code(), "U07.1");
    assert_eq!(covid.reporting_title(), "COVID-19, virus identified");
    let suspected = IcdCode::parse("U072").unwrap();
    assert_eq!(suspected.reporting_code(), "U07.2");
    assert_eq!(
        suspected.reporting_title(),
        "COVID-19, virus not identified"
    );
    let vaping = IcdCode::parse("U07.0").unwrap();
    assert_eq!(
        vaping.reporting_code(),
        "U07.0",
        "never merged with COVID-19"
    );
    assert_eq!(vaping.reporting_title(), "Vaping-related disorder");
}

#[test]
fn any_other_cause_is_reported_by_its_category() {
    let pneumonia = IcdCode::parse("J18.9").unwrap();
    assert_eq!(pneumonia.reporting_code(), "J18");
    assert_eq!(
        pneumonia.reporting_title(),
        "Pneumonia, organism unspecified"
    );
    let bare = IcdCode::parse("U07").unwrap();
    assert_eq!(
        bare.reporting_code(),
        "U07",
        "a bare placeholder stays as given"
    );
}
