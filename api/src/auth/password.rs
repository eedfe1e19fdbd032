//! Passwords: argon2id hashes (PHC strings), a length policy, and a dummy verification for
//! unknown usernames so that the answer takes as long whether or not the account exists.
//!
//! New hashes are made at the configured [`Cost`]; a stored hash carries the cost it was made
//! with, so [`verify`] needs no configuration and a changed cost affects only new passwords.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 12;
/// The longest password accepted (argon2 is fine with more; a limit stops abuse).
pub const MAX_LENGTH: usize = 128;

/// The cost of new argon2id hashes (one lane).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over that memory.
    pub iterations: u32,
}

impl Cost {
    /// argon2's default, OWASP's minimum for argon2id: 19 MiB and two passes.
    pub const DEFAULT: Cost = Cost {
        memory_kib: Params::DEFAULT_M_COST,
        iterations: Params::DEFAULT_T_COST,
    };
    /// The cheapest argon2 allows (8 KiB, one pass): for throwaway test accounts only.
    pub const CHEAPEST: Cost = Cost {
        memory_kib: Params::MIN_M_COST,
        iterations: Params::MIN_T_COST,
    };

    /// Whether this costs less than the least of OWASP's argon2id settings (7 MiB with five
    /// passes up to 46 MiB with one all cost about the same memory × passes).
    pub fn below_owasp(self) -> bool {
        u64::from(self.memory_kib) * u64::from(self.iterations) < 7 * 1024 * 5
    }
}

/// Hashes new passwords at one cost, and spends that cost on unknown usernames.
pub struct Hasher {
    argon2: Argon2<'static>,
    /// A hash at this cost that no password matches, made on first use.
    dummy: OnceLock<String>,
}

impl Hasher {
    /// A hasher at `cost`, or why argon2 refuses it.
    pub fn new(cost: Cost) -> Result<Self, String> {
        let params = Params::new(
            cost.memory_kib,
            cost.iterations,
            Params::DEFAULT_P_COST,
            None,
        )
        .map_err(|e| e.to_string())?;
        Ok(Hasher {
            argon2: Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
            dummy: OnceLock::new(),
        })
    }

    /// Hashes a password with argon2id and a random salt.
    pub fn hash(&self, password: &str) -> Result<String, String> {
        let mut salt = [0u8; 16];
        rand::fill(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
        self.argon2
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    }

    /// Spends the time of one verification at this cost, for an unknown username.
    pub fn verify_dummy(&self, password: &str) {
        let dummy = self.dummy.get_or_init(|| {
            self.hash("not a real password, never matches")
                .unwrap_or_default()
        });
        let _ = verify(password, dummy);
    }
}

/// Whether `password` matches the stored hash (at the cost written in the hash).
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
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
        let h = Hasher::new(Cost::DEFAULT)
            .unwrap()
            .hash("correct horse battery")
            .unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn a_cheap_hash_records_its_cost_and_verifies_without_configuration() {
        let h = Hasher::new(Cost::CHEAPEST)
            .unwrap()
            .hash("correct horse battery")
            .unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{h}");
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
    }

    #[test]
    fn only_costs_under_owasps_settings_are_below_owasp() {
        assert!(!Cost::DEFAULT.below_owasp());
        let one_pass = Cost {
            memory_kib: 46 * 1024,
            iterations: 1,
        };
        assert!(!one_pass.below_owasp());
        assert!(Cost::CHEAPEST.below_owasp());
    }

    #[test]
    fn a_cost_argon2_refuses_is_an_error() {
        let too_little = Cost {
            memory_kib: 4,
            iterations: 1,
        };
        assert!(Hasher::new(too_little).is_err());
    }

    #[test]
    fn short_long_and_username_passwords_are_refused() {
        assert!(policy_problem("short", "u").is_some());
        assert!(policy_problem(&"x".repeat(129), "u").is_some());
        assert!(policy_problem("averylongusername", "AVERYLONGUSERNAME").is_some());
        assert!(policy_problem("a good long password", "u").is_none());
    }
}
