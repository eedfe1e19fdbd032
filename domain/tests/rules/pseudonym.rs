//! DOMAIN.md, "Publishing anonymised data": "a keyed pseudonym (HMAC-SHA256 of the NHS number, or
//! of the record id when unknown, under a secret key set per deployment)".

use leder_domain::NhsNumber;
use leder_domain::pseudonym::PseudonymKey;

const KEY: &[u8] = b"leder-test-key-0123456789abcdef!";

#[test]
fn the_pseudonym_is_the_hmac_sha256_of_the_nhs_numbers_digits_in_hex() {
    // Computed independently: HMAC-SHA256(key, "9434765919").
    let key = PseudonymKey::new(KEY).unwrap();
    let spaced = NhsNumber::parse("943 476 5919").unwrap();
    assert_eq!(
        key.for_nhs_number(&spaced).as_str(),
        "da1a5dbe6234c3596886ae9543c3f0c1edfdef02b16f9de351d1cd43a24d0a4a"
    );
}

#[test]
fn without_an_nhs_number_the_record_id_is_pseudonymised() {
    let key = PseudonymKey::new(KEY).unwrap();
    let record = "0192f3c4-0000-7000-8000-000000000001";
    assert_eq!(
        key.pseudonym(None, record).to_string(),
        "dbb8422545dc27b174aed353cd1540d2d64c3033c257e21474cef3f76cf5958f"
    );
    let number = NhsNumber::parse("9434765919").unwrap();
    assert_eq!(
        key.pseudonym(Some(&number), record),
        key.for_nhs_number(&number)
    );
}

#[test]
fn the_same_person_under_the_same_key_is_stable_and_another_key_differs() {
    let number = NhsNumber::parse("9990000018").unwrap();
    let key = PseudonymKey::new(KEY).unwrap();
    let again = PseudonymKey::new(KEY).unwrap();
    let other = PseudonymKey::new(b"another-deployment-key-987654321").unwrap();
    assert_eq!(key.for_nhs_number(&number), again.for_nhs_number(&number));
    assert_ne!(key.for_nhs_number(&number), other.for_nhs_number(&number));
    let someone_else = NhsNumber::parse("9434765919").unwrap();
    assert_ne!(
        key.for_nhs_number(&number),
        key.for_nhs_number(&someone_else)
    );
}

#[test]
fn a_key_shorter_than_32_bytes_is_refused() {
    let error = PseudonymKey::new(b"short").unwrap_err();
    assert_eq!(error.code(), "key_too_short");
    assert!(PseudonymKey::new(&[7; 32]).is_ok());
}

#[test]
fn the_key_never_shows_in_debug_output() {
    let key = PseudonymKey::new(KEY).unwrap();
    assert!(!format!("{key:?}").contains("leder-test-key"));
}
