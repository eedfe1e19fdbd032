//! `private_key_jwt` client authentication (RFC 7523 section 2.2, OpenID Connect Core 1.0
//! section 9): a machine client that holds a private key proves who it is with a short JWT it
//! signed, instead of a shared secret.
//!
//! Rules: the client registers public keys only (a JWK Set of Ed25519, P-256 or RSA of at least
//! 2048 bits; a key with private parts is refused, since leder must never hold them). An
//! assertion is checked for its signature by a registered key of the family its `alg` names
//! (never `none`, never HMAC), `iss` = `sub` = the client id, `aud` = leder's token endpoint,
//! `exp` in the future and at most [`MAX_LIFETIME_SECS`] away, and a `jti`; the caller then
//! takes the `jti` once over every replica, so a replay is refused.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;

/// The `client_assertion_type` of a JWT assertion (RFC 7523 section 2.2).
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The longest an assertion may live: it is for one request, so five minutes is ample.
pub const MAX_LIFETIME_SECS: i64 = 300;

/// The most keys a client may register.
const MAX_KEYS: usize = 10;

/// The signing algorithms an assertion may use, as the metadata advertises them.
pub const ALGORITHMS: [&str; 4] = ["EdDSA", "ES256", "RS256", "PS256"];

/// The members of a JWK that hold private or symmetric key material (RFC 7518 section 6).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// Checks a JWK Set a client registers: answers it as stored (compact JSON), or why not.
pub fn parse_jwks(value: &serde_json::Value) -> Result<String, String> {
    let keys = value
        .get("keys")
        .and_then(serde_json::Value::as_array)
        .ok_or("must be a JWK Set: an object with a `keys` array")?;
    if keys.is_empty() || keys.len() > MAX_KEYS {
        return Err(format!("must hold 1 to {MAX_KEYS} keys"));
    }
    for (i, key) in keys.iter().enumerate() {
        if PRIVATE_MEMBERS.iter().any(|m| key.get(m).is_some()) {
            return Err(format!(
                "key {i} has private or symmetric parts: register public keys only"
            ));
        }
    }
    let set: JwkSet =
        serde_json::from_value(value.clone()).map_err(|e| format!("is not a JWK Set ({e})"))?;
    for (i, jwk) in set.keys.iter().enumerate() {
        if algorithms_of(jwk).is_empty() {
            return Err(format!(
                "key {i} is not an Ed25519 (OKP), P-256 (EC) or RSA key of at least 2048 bits"
            ));
        }
        DecodingKey::from_jwk(jwk).map_err(|e| format!("key {i} cannot be used ({e})"))?;
    }
    serde_json::to_string(value).map_err(|e| e.to_string())
}

/// The algorithms a key may verify.
fn algorithms_of(jwk: &Jwk) -> &'static [Algorithm] {
    match &jwk.algorithm {
        AlgorithmParameters::OctetKeyPair(p) if p.curve == EllipticCurve::Ed25519 => {
            &[Algorithm::EdDSA]
        }
        AlgorithmParameters::EllipticCurve(p) if p.curve == EllipticCurve::P256 => {
            &[Algorithm::ES256]
        }
        AlgorithmParameters::RSA(p)
            if URL_SAFE_NO_PAD
                .decode(p.n.trim_end_matches('='))
                .is_ok_and(|n| n.len() >= 256) =>
        {
            &[Algorithm::RS256, Algorithm::PS256]
        }
        _ => &[],
    }
}

/// Why an assertion was refused (told to the client as `invalid_client`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// Not a JWT, or an algorithm that is not allowed.
    #[error("client_assertion is not a JWT signed with EdDSA, ES256, RS256 or PS256")]
    Malformed,
    /// No registered key verifies it, or a claim is wrong.
    #[error(
        "client_assertion is not signed by a registered key, or its iss, sub, aud or exp is wrong"
    )]
    Invalid,
    /// It would live too long, or has no `jti`.
    #[error("client_assertion must have a jti and expire within 5 minutes")]
    Lifetime,
}

/// What a good assertion says.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Assertion {
    /// Its unique id, to be taken once.
    pub jti: String,
    /// When it expires (Unix seconds).
    pub exp: i64,
}

/// The client an assertion says it is from (`iss`), unverified: which client's keys to try.
pub fn claimed_client(assertion: &str) -> Option<String> {
    let payload = assertion.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    value.get("iss")?.as_str().map(str::to_owned)
}

/// Verifies `assertion` of `client_id` against its JWK Set (as stored) for one of `audiences`,
/// at Unix time `now`.
pub fn verify(
    jwks: &str,
    assertion: &str,
    client_id: &str,
    audiences: &[String],
    now: i64,
) -> Result<Assertion, Refused> {
    let header = decode_header(assertion).map_err(|_| Refused::Malformed)?;
    if !ALGORITHMS.iter().any(|a| format!("{:?}", header.alg) == *a) {
        return Err(Refused::Malformed);
    }
    let set: JwkSet = serde_json::from_str(jwks).map_err(|_| Refused::Invalid)?;
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[client_id]);
    validation.sub = Some(client_id.to_owned());
    validation.set_audience(audiences);
    validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
    validation.leeway = 5;
    let candidates = set.keys.iter().filter(|k| {
        algorithms_of(k).contains(&header.alg)
            && header
                .kid
                .as_deref()
                .is_none_or(|kid| k.common.key_id.as_deref() == Some(kid))
    });
    for jwk in candidates {
        let Ok(key) = DecodingKey::from_jwk(jwk) else {
            continue;
        };
        if let Ok(data) = decode::<Assertion>(assertion, &key, &validation) {
            let claims = data.claims;
            if claims.jti.is_empty() || claims.exp > now + MAX_LIFETIME_SECS {
                return Err(Refused::Lifetime);
            }
            return Ok(claims);
        }
    }
    Err(Refused::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_parts_and_unusable_keys_are_refused() {
        let private = serde_json::json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}]});
        assert!(parse_jwks(&private).unwrap_err().contains("private"));
        let small_rsa = serde_json::json!({"keys": [{"kty": "RSA", "n": "AQAB", "e": "AQAB"}]});
        assert!(parse_jwks(&small_rsa).is_err());
        assert!(parse_jwks(&serde_json::json!({"keys": []})).is_err());
        assert!(parse_jwks(&serde_json::json!([1])).is_err());
        let good = serde_json::json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "kid": "k1"}]});
        assert!(parse_jwks(&good).is_ok());
    }

    #[test]
    fn an_hmac_or_unsigned_assertion_is_malformed() {
        let jwks = r#"{"keys":[]}"#;
        // {"alg":"HS256"} . {} . sig
        let hs = "eyJhbGciOiJIUzI1NiJ9.e30.c2ln";
        assert_eq!(verify(jwks, hs, "c", &[], 0), Err(Refused::Malformed));
        let none = "eyJhbGciOiJub25lIn0.e30.";
        assert_eq!(verify(jwks, none, "c", &[], 0), Err(Refused::Malformed));
    }
}
