//! Access tokens: issue and verify.
//!
//! Verifying a token's Ed25519 signature is the dearest step of an authenticated request (about
//! a fifth of an audited case read's instructions, measured with `make bench`), so
//! [`VerifiedTokens`] remembers the claims of tokens whose signature it has checked. Only the
//! signature work is remembered: the times are checked on every use, and the account behind
//! the token is still read on every request (`crate::auth::caller`).

use std::collections::HashMap;
use std::sync::Mutex;

use jsonwebtoken::{Algorithm, Header, Validation, decode, decode_header, encode};
use serde::{Deserialize, Serialize};

use crate::auth::keys::KeySet;

/// The claims of an access token. Every field is required when decoding, but `gen`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// The user or client id.
    pub sub: String,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Issued at.
    pub iat: i64,
    /// Not valid before.
    pub nbf: i64,
    /// Token id.
    pub jti: String,
    /// Roles when issued (informational: each request reads the account's current roles).
    pub roles: Vec<String>,
    /// ODS code of the ICB, if any.
    pub org: Option<String>,
    /// `user` or `client`.
    pub kind: String,
    /// The account's token generation when issued: the token is refused once the account's has
    /// moved on (a password change, a disable, an enable). Tokens from before the claim existed
    /// read as 0, the generation of an account that has had none of those.
    #[serde(rename = "gen", default)]
    pub generation: i64,
    /// The session a person's token belongs to: the token is refused once the session is
    /// revoked (sign-out, a reused refresh token) or has run out. Machine clients have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// Clock leeway when checking `exp` and `nbf`, in seconds.
pub const LEEWAY_SECS: u64 = 30;

/// Signs claims with the current signing key.
pub fn issue(keys: &KeySet, claims: &Claims) -> Result<String, String> {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(keys.signing_kid().to_owned());
    encode(&header, claims, keys.signing_key()).map_err(|e| e.to_string())
}

/// Verifies a token: known `kid`, EdDSA only, signature, issuer, audience and times.
pub fn verify(keys: &KeySet, token: &str, issuer: &str, audience: &str) -> Option<Claims> {
    let header = decode_header(token).ok()?;
    if header.alg != Algorithm::EdDSA {
        return None;
    }
    let key = keys.verifying_key(header.kid.as_deref()?)?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
    validation.leeway = LEEWAY_SECS;
    validation.validate_nbf = true;
    validation.validate_exp = true;
    decode::<Claims>(token, key, &validation)
        .ok()
        .map(|d| d.claims)
}

/// The most tokens [`VerifiedTokens`] remembers (about 2 MB of tokens); when full it starts again.
const REMEMBERED_TOKENS: usize = 4096;

/// Tokens whose signature, issuer, audience and key this process has verified, with their
/// claims. The keys, issuer and audience are fixed for the life of the process, so a token
/// verified once verifies again; its times are not, and are checked on every use.
#[derive(Debug, Default)]
pub struct VerifiedTokens {
    seen: Mutex<HashMap<String, Claims>>,
}

impl VerifiedTokens {
    /// [`verify`], checking the signature only the first time this token is seen.
    pub fn verify(
        &self,
        keys: &KeySet,
        token: &str,
        issuer: &str,
        audience: &str,
    ) -> Option<Claims> {
        let now = jsonwebtoken::get_current_timestamp();
        let remembered = self
            .seen
            .lock()
            .ok()
            .and_then(|seen| seen.get(token).cloned());
        if let Some(claims) = remembered {
            return in_time(&claims, now).then_some(claims);
        }
        let claims = verify(keys, token, issuer, audience)?;
        if let Ok(mut seen) = self.seen.lock() {
            if seen.len() >= REMEMBERED_TOKENS {
                seen.clear();
            }
            seen.insert(token.to_owned(), claims.clone());
        }
        Some(claims)
    }
}

/// `exp` and `nbf` against `now` (seconds since the epoch), with [`LEEWAY_SECS`], as
/// [`verify`]'s validation checks them.
fn in_time(claims: &Claims, now: u64) -> bool {
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    let leeway = i64::try_from(LEEWAY_SECS).unwrap_or(0);
    claims.exp >= now - leeway && claims.nbf <= now + leeway
}
