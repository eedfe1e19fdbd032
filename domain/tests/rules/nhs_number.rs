//! "NHS number: 10 digits, may be written `943 476 5919`; Modulus 11 check: weights 10..2 on
//! digits 1–9, check = 11 − (sum mod 11), 11 → 0, 10 → invalid. Valid: 9434765919, 9990000018.
//! Invalid: 9434765918, 9990000000 (check would be 10), 9876544321."

use leder_domain::{NhsNumber, NhsNumberError};
use proptest::prelude::*;

#[test]
fn the_valid_numbers_of_domain_md_parse() {
    for input in [
        "9434765919",
        "9990000018",
        "943 476 5919",
        " 943 476 5919 ",
        "9434 765919",
    ] {
        assert!(NhsNumber::parse(input).is_ok(), "{input}");
    }
}

#[test]
fn the_invalid_numbers_of_domain_md_fail_the_check_digit() {
    for input in ["9434765918", "9990000000", "9876544321"] {
        assert_eq!(
            NhsNumber::parse(input),
            Err(NhsNumberError::InvalidCheckDigit),
            "{input}"
        );
    }
}

#[test]
fn a_number_whose_check_would_be_10_is_invalid() {
    // 999000000: sum = 9*10 + 9*9 + 9*8 = 243; 243 mod 11 = 1; 11 - 1 = 10.
    for last in 0..=9 {
        let input = format!("999000000{last}");
        assert_eq!(
            NhsNumber::parse(&input),
            Err(NhsNumberError::InvalidCheckDigit)
        );
    }
}

#[test]
fn a_check_of_11_means_a_check_digit_of_0() {
    // 000000000 sums to 0; 11 - 0 = 11 → 0.
    assert!(NhsNumber::parse("0000000000").is_ok());
}

#[test]
fn the_wrong_number_of_digits_is_an_invalid_length() {
    for (input, found) in [("943476591", 9), ("94347659190", 11), ("", 0), ("   ", 0)] {
        let error = NhsNumber::parse(input).unwrap_err();
        assert_eq!(error, NhsNumberError::InvalidLength { found }, "{input:?}");
        assert_eq!(error.code(), "invalid_length");
    }
}

#[test]
fn anything_but_digits_and_spaces_is_an_invalid_character() {
    for input in [
        "943-476-5919",
        "94347659I9",
        "9434765919\n",
        "+449434765919",
    ] {
        let error = NhsNumber::parse(input).unwrap_err();
        assert_eq!(error.code(), "invalid_character", "{input:?}");
    }
}

#[test]
fn an_nhs_number_displays_as_people_write_it_and_stores_as_ten_digits() {
    let number = NhsNumber::parse("9434765919").unwrap();
    assert_eq!(number.to_string(), "943 476 5919");
    assert_eq!(number.digits(), "9434765919");
    assert_eq!("943 476 5919".parse::<NhsNumber>().unwrap(), number);
}

#[test]
fn every_error_has_a_stable_code_and_a_human_message() {
    let errors = [
        NhsNumberError::InvalidCharacter,
        NhsNumberError::InvalidLength { found: 9 },
        NhsNumberError::InvalidCheckDigit,
    ];
    let codes: Vec<&str> = errors.iter().map(NhsNumberError::code).collect();
    assert_eq!(
        codes,
        ["invalid_character", "invalid_length", "invalid_check_digit"]
    );
    assert!(
        errors
            .iter()
            .all(|error| error.to_string().contains("NHS number"))
    );
}

/// The check digit computed independently of the crate, or `None` when it would be 10.
fn check_digit(first_nine: &[u8]) -> Option<u8> {
    let sum: u32 = first_nine
        .iter()
        .enumerate()
        .map(|(index, &digit)| u32::from(digit) * (10 - index as u32))
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        check => Some(check as u8),
    }
}

fn text(digits: &[u8]) -> String {
    digits
        .iter()
        .map(|digit| char::from(b'0' + digit))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_number_built_with_a_correct_check_digit_parses(
        first_nine in proptest::collection::vec(0u8..=9, 9)
    ) {
        if let Some(check) = check_digit(&first_nine) {
            let mut digits = first_nine.clone();
            digits.push(check);
            let number = NhsNumber::parse(&text(&digits)).unwrap();
            prop_assert_eq!(number.digits(), text(&digits));
        } else {
            for last in 0..=9 {
                let mut digits = first_nine.clone();
                digits.push(last);
                prop_assert_eq!(
                    NhsNumber::parse(&text(&digits)),
                    Err(NhsNumberError::InvalidCheckDigit)
                );
            }
        }
    }

    #[test]
    fn any_single_changed_digit_of_a_valid_number_fails(
        first_nine in proptest::collection::vec(0u8..=9, 9),
        position in 0usize..10,
        change in 1u8..=9,
    ) {
        let Some(check) = check_digit(&first_nine) else { return Ok(()) };
        let mut digits = first_nine.clone();
        digits.push(check);
        digits[position] = (digits[position] + change) % 10;
        prop_assert_eq!(
            NhsNumber::parse(&text(&digits)),
            Err(NhsNumberError::InvalidCheckDigit)
        );
    }
}
