//! Time-based one-time passwords (RFC 6238 over RFC 4226): the second factor of leder's own
//! accounts, as authenticator apps compute it (HMAC-SHA1, 30-second steps, 6 digits).
//!
//! Rules: a code is accepted for the current step and one step either side (clock drift), and
//! only for a step later than the last one accepted for the account, so a code cannot be
//! replayed within its window (RFC 6238 section 5.2). Secrets are 20 random bytes (160 bits,
//! RFC 4226 section 4), shown to the person once as base32.

use sha1::{Digest, Sha1};

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Steps either side of now that are accepted.
pub const DRIFT_STEPS: i64 = 1;

/// A TOTP secret.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

impl TotpSecret {
    /// A secret from random bytes (at least 16).
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        (bytes.len() >= 16).then(|| TotpSecret(bytes.to_vec()))
    }

    /// The secret as base32 without padding (what authenticator apps take).
    pub fn to_base32(&self) -> String {
        let mut out = String::new();
        let (mut buffer, mut bits) = (0u32, 0u32);
        for &b in &self.0 {
            buffer = (buffer << 8) | u32::from(b);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
            }
        }
        if bits > 0 {
            out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
        }
        out
    }

    /// A secret from base32 (case, spaces and padding ignored).
    pub fn from_base32(text: &str) -> Option<Self> {
        let mut out = Vec::new();
        let (mut buffer, mut bits) = (0u32, 0u32);
        for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
            let upper = c.to_ascii_uppercase();
            let value = BASE32.iter().position(|&a| char::from(a) == upper)?;
            buffer = (buffer << 5) | u32::try_from(value).ok()?;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
            }
        }
        Self::from_bytes(&out)
    }

    /// The 6-digit code of `step`.
    pub fn code_at(&self, step: i64) -> u32 {
        let mac = hmac_sha1(&self.0, &step.to_be_bytes());
        let offset = usize::from(mac[19] & 0x0f);
        let binary = (u32::from(mac[offset] & 0x7f) << 24)
            | (u32::from(mac[offset + 1]) << 16)
            | (u32::from(mac[offset + 2]) << 8)
            | u32::from(mac[offset + 3]);
        binary % 1_000_000
    }

    /// The step `code` is valid for at `unix_seconds`, when it is one of the accepted steps and
    /// later than `last_step` (the last one accepted for the account); `None` otherwise.
    pub fn verify(&self, code: &str, unix_seconds: i64, last_step: Option<i64>) -> Option<i64> {
        let code = code.trim();
        if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let value: u32 = code.parse().ok()?;
        let now = unix_seconds.div_euclid(STEP_SECONDS);
        (now - DRIFT_STEPS..=now + DRIFT_STEPS)
            .filter(|step| last_step.is_none_or(|last| *step > last))
            .find(|step| self.code_at(*step) == value)
    }

    /// The `otpauth://` URI an authenticator app reads (as a QR code or pasted).
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        let enc = |s: &str| {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                        char::from(b).to_string()
                    }
                    other => format!("%{other:02X}"),
                })
                .collect::<String>()
        };
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
            enc(issuer),
            enc(account),
            self.to_base32(),
            enc(issuer)
        )
    }
}

/// HMAC-SHA1 (RFC 2104).
fn hmac_sha1(key: &[u8], message: &[u8]) -> [u8; 20] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..20].copy_from_slice(&Sha1::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha1::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let inner = inner.finalize();
    let mut outer = Sha1::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner);
    let mut out = [0u8; 20];
    out.copy_from_slice(&outer.finalize());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(b"12345678901234567890").unwrap()
    }

    #[test]
    fn the_rfc_6238_sha1_vectors_hold() {
        // RFC 6238 appendix B (SHA1), last six digits of each eight-digit value.
        let s = rfc_secret();
        for (time, code) in [
            (59, 287_082),
            (1_111_111_109, 81_804),
            (1_111_111_111, 50_471),
            (1_234_567_890, 5_924),
            (2_000_000_000, 279_037),
        ] {
            assert_eq!(s.code_at(time / STEP_SECONDS), code, "{time}");
        }
    }

    #[test]
    fn a_code_is_accepted_once_within_its_window() {
        let s = rfc_secret();
        let now = 1_111_111_111;
        let code = format!("{:06}", s.code_at(now / STEP_SECONDS));
        let step = s.verify(&code, now, None).unwrap();
        assert_eq!(step, now / STEP_SECONDS);
        // Replayed in the same window: refused.
        assert_eq!(s.verify(&code, now + 5, Some(step)), None);
        // Clock drift of a step is forgiven; two are not.
        assert_eq!(s.verify(&code, now + 30, None), Some(step));
        assert_eq!(s.verify(&code, now + 70, None), None);
        assert_eq!(s.verify("12345", now, None), None);
        assert_eq!(s.verify("abcdef", now, None), None);
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        let s = rfc_secret();
        assert_eq!(s.to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            TotpSecret::from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").unwrap(),
            s
        );
        assert!(TotpSecret::from_base32("GEZ!").is_none());
        assert!(
            s.otpauth_uri("leder", "admin")
                .starts_with("otpauth://totp/leder:admin?secret=GEZDG")
        );
    }
}
