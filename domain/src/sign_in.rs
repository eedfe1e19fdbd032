//! Signing in: how a session began, why it ended, and the PKCE rule of the authorization-code
//! flow (RFC 7636), S256 only: `plain` would let whoever sees the authorization request redeem
//! the code, so it is refused.

use sha2::{Digest, Sha256};

use crate::wire::wire_enum;

wire_enum! {
    /// How a session began.
    pub enum SignInMethod as "sign-in method" {
        /// The OAuth password grant (command line and tests only).
        Password => "password",
        /// The authorization-code flow with PKCE, through leder's own sign-in page.
        AuthorizationCode => "authorization_code",
        /// The authorization-code flow with PKCE, the person having signed in at the configured
        /// OpenID Connect provider (NHS CIS2 in production).
        Federated => "federated",
    }
}

wire_enum! {
    /// How a machine client proves who it is at the token endpoint.
    pub enum ClientAuthMethod as "client authentication method" {
        /// A shared secret (`client_secret_basic` or `client_secret_post`).
        ClientSecret => "client_secret",
        /// A JWT signed with the client's private key (RFC 7523, `private_key_jwt`).
        PrivateKeyJwt => "private_key_jwt",
    }
}

wire_enum! {
    /// Why a session ended before it ran out.
    pub enum SessionEnd as "session end" {
        /// The person signed out (or their front end revoked the token, RFC 7009).
        SignedOut => "signed_out",
        /// The person or an admin revoked it from the list of sessions.
        Revoked => "revoked",
        /// A refresh token of the session was presented a second time: it may have been stolen,
        /// so the whole family is revoked.
        RefreshReused => "refresh_reused",
        /// The authorization code the session came from was presented a second time.
        CodeReused => "code_reused",
    }
}

/// Why a PKCE value was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PkceError {
    /// A `code_verifier` must have 43 to 128 characters of `A-Z a-z 0-9 - . _ ~`.
    #[error("must have 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' or '~'")]
    BadVerifier,
    /// A S256 `code_challenge` is 43 characters of base64url without padding.
    #[error("must be the 43-character base64url SHA-256 of the code verifier (S256)")]
    BadChallenge,
}

impl PkceError {
    /// The stable machine-readable code.
    pub fn code(self) -> &'static str {
        match self {
            PkceError::BadVerifier => "invalid_code_verifier",
            PkceError::BadChallenge => "invalid_code_challenge",
        }
    }
}

fn unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

/// A PKCE `code_verifier` (RFC 7636 section 4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeVerifier(String);

impl CodeVerifier {
    /// 43 to 128 unreserved characters.
    pub fn parse(text: &str) -> Result<Self, PkceError> {
        if (43..=128).contains(&text.len()) && text.chars().all(unreserved) {
            Ok(CodeVerifier(text.to_owned()))
        } else {
            Err(PkceError::BadVerifier)
        }
    }

    /// Its S256 challenge: base64url (no padding) of its SHA-256.
    pub fn challenge(&self) -> CodeChallenge {
        CodeChallenge(base64url(&Sha256::digest(self.0.as_bytes())))
    }
}

/// A PKCE S256 `code_challenge` (RFC 7636 section 4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeChallenge(String);

impl CodeChallenge {
    /// 43 characters of base64url without padding (a SHA-256 is 32 bytes).
    pub fn parse(text: &str) -> Result<Self, PkceError> {
        if text.len() == 43
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            Ok(CodeChallenge(text.to_owned()))
        } else {
            Err(PkceError::BadChallenge)
        }
    }

    /// The challenge as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `verifier` is the one this challenge was made from (compared in constant time).
    pub fn is_met_by(&self, verifier: &CodeVerifier) -> bool {
        let made = verifier.challenge();
        made.0.len() == self.0.len()
            && made
                .0
                .bytes()
                .zip(self.0.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

/// base64url without padding (RFC 4648 section 5).
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            let index = usize::try_from((n >> (18 - 6 * i)) & 63).unwrap_or(0);
            out.push(char::from(ALPHABET[index]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_7636_example_verifier_meets_its_challenge() {
        // RFC 7636 appendix B.
        let verifier = CodeVerifier::parse("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        let challenge =
            CodeChallenge::parse("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM").unwrap();
        assert_eq!(verifier.challenge(), challenge);
        assert!(challenge.is_met_by(&verifier));
        let other = CodeVerifier::parse("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl").unwrap();
        assert!(!challenge.is_met_by(&other));
    }

    #[test]
    fn verifiers_and_challenges_of_the_wrong_shape_are_refused() {
        assert_eq!(CodeVerifier::parse("short"), Err(PkceError::BadVerifier));
        assert_eq!(
            CodeVerifier::parse(&"a".repeat(129)),
            Err(PkceError::BadVerifier)
        );
        assert_eq!(
            CodeVerifier::parse(&format!("{}!", "a".repeat(43))),
            Err(PkceError::BadVerifier)
        );
        assert!(CodeVerifier::parse(&"a".repeat(43)).is_ok());
        assert_eq!(
            CodeChallenge::parse(&"a".repeat(42)),
            Err(PkceError::BadChallenge)
        );
        assert_eq!(
            CodeChallenge::parse(&format!("{}=", "a".repeat(42))),
            Err(PkceError::BadChallenge)
        );
    }

    #[test]
    fn base64url_matches_the_rfc_4648_vectors() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }
}
