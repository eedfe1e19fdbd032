//! Short-lived statements leder signs for itself and reads back (a sign-in's next step, a
//! federated sign-in in flight): EdDSA with the token signing keys, leder as issuer, an
//! audience of their own so that neither is taken for an access token or for the other.

use jsonwebtoken::{Algorithm, Header, Validation, decode, decode_header, encode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;

/// `claims` signed with the current signing key.
pub fn sign<T: Serialize>(state: &AppState, claims: &T) -> Result<String, ApiError> {
    let keys = &state.auth.keys;
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(keys.signing_kid().to_owned());
    encode(&header, claims, keys.signing_key()).map_err(ApiError::internal)
}

/// The claims of `text`, when it is one of this server's statements for `audience`, unexpired
/// and holding every claim of `required`.
pub fn verify<T: DeserializeOwned>(
    state: &AppState,
    text: &str,
    audience: &str,
    required: &[&str],
) -> Option<T> {
    let header = decode_header(text).ok()?;
    if header.alg != Algorithm::EdDSA {
        return None;
    }
    let key = state.auth.keys.verifying_key(header.kid.as_deref()?)?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_issuer(&[&state.auth.issuer]);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(required);
    validation.leeway = 5;
    decode::<T>(text, key, &validation).ok().map(|d| d.claims)
}
