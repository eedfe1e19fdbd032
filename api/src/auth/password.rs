//! Passwords: argon2id hashes (PHC strings), a length policy, and a dummy verification for
//! unknown usernames so that the answer takes as long whether or not the account exists.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 12;
/// The longest password accepted (argon2 is fine with more; a limit stops abuse).
pub const MAX_LENGTH: usize = 128;

/// Hashes a password with argon2id and a random salt.
pub fn hash(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    rand::fill(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches the stored hash.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

static DUMMY: LazyLock<String> =
    LazyLock::new(|| hash("not a real password, never matches").unwrap_or_default());

/// Spends the time of one verification, for an unknown username.
pub fn verify_dummy(password: &str) {
    let _ = verify(password, &DUMMY);
}

/// Why a new password is refused (a message for the `password` field).
pub fn policy_problem(password: &str, username: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_LENGTH {
        Some(format!("must be at least {MIN_LENGTH} characters"))
    } else if chars > MAX_LENGTH {
        Some(format!("must be at most {MAX_LENGTH} characters"))
    } else if password.eq_ignore_ascii_case(username) {
        Some("must not be the username".to_owned())
    } else {
        None
    }
}

/// A random password of 24 URL-safe characters (bootstrap and CLI-created accounts).
pub fn random() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 18];
    rand::fill(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn short_long_and_username_passwords_are_refused() {
        assert!(policy_problem("short", "u").is_some());
        assert!(policy_problem(&"x".repeat(129), "u").is_some());
        assert!(policy_problem("averylongusername", "AVERYLONGUSERNAME").is_some());
        assert!(policy_problem("a good long password", "u").is_none());
    }
}
