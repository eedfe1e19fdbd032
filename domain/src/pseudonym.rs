//! Keyed pseudonyms for the national extract (DOMAIN.md, "Publishing anonymised data").
//!
//! National outputs "carry: a keyed pseudonym (HMAC-SHA256 of the NHS number, or of the record id
//! when unknown, under a secret key set per deployment)". The key is always an input (never a
//! constant in code) and is at least 32 bytes. The message is the NHS number's ten digits without
//! spaces, or the record id as given; the pseudonym is the MAC in lower-case hex. The same person
//! under the same key always gets the same pseudonym; another key gives an unrelated one.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::nhs_number::NhsNumber;

/// The shortest key accepted, in bytes.
pub const MINIMUM_KEY_BYTES: usize = 32;

/// The deployment's secret pseudonymisation key, ready to sign.
#[derive(Clone)]
pub struct PseudonymKey {
    mac: Hmac<Sha256>,
}

/// Why bytes cannot be a pseudonymisation key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the pseudonymisation key must be at least {MINIMUM_KEY_BYTES} bytes, not {found}")]
pub struct PseudonymKeyError {
    found: usize,
}

impl PseudonymKeyError {
    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        "key_too_short"
    }
}

impl PseudonymKey {
    /// Accepts a secret key of at least 32 bytes.
    pub fn new(key: &[u8]) -> Result<Self, PseudonymKeyError> {
        let too_short = PseudonymKeyError { found: key.len() };
        if key.len() < MINIMUM_KEY_BYTES {
            return Err(too_short);
        }
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(key).map_err(|_| too_short)?;
        Ok(Self { mac })
    }

    fn sign(&self, message: &[u8]) -> Pseudonym {
        let mut mac = self.mac.clone();
        mac.update(message);
        let bytes = mac.finalize().into_bytes();
        Pseudonym(crate::hex::encode(&bytes))
    }

    /// The pseudonym of a person with a known NHS number.
    pub fn for_nhs_number(&self, nhs_number: &NhsNumber) -> Pseudonym {
        self.sign(nhs_number.digits().as_bytes())
    }

    /// The pseudonym of a record whose NHS number is not known, from its record id.
    pub fn for_record_id(&self, record_id: &str) -> Pseudonym {
        self.sign(record_id.as_bytes())
    }

    /// The pseudonym from the NHS number when known, else from the record id.
    pub fn pseudonym(&self, nhs_number: Option<&NhsNumber>, record_id: &str) -> Pseudonym {
        match nhs_number {
            Some(nhs_number) => self.for_nhs_number(nhs_number),
            None => self.for_record_id(record_id),
        }
    }
}

impl fmt::Debug for PseudonymKey {
    /// Never shows the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PseudonymKey(<secret>)")
    }
}

/// A pseudonym: 64 lower-case hex characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pseudonym(String);

impl Pseudonym {
    /// The pseudonym as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
