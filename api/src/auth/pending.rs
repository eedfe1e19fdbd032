//! A federated sign-in in progress: what leder must remember while the person is at the
//! OpenID provider, kept in the person's browser as a short signed statement (an EdDSA JWT with
//! its own audience, so it is never a bearer token) in an `HttpOnly` cookie, rather than on the
//! server. It binds the provider's answer to the browser that asked (the callback's `state` must
//! be the cookie's), carries the `nonce` the ID token must have and the PKCE verifier, and the
//! front end's authorization request to answer once the person is known. The callback takes its
//! `state` once over every replica, so a cookie cannot be replayed.

use serde::{Deserialize, Serialize};

use crate::app::authorize::AuthorizationRequest;
use crate::error::ApiError;
use crate::state::AppState;

/// How long a person has at the provider.
pub const LIFETIME_SECS: i64 = 600;

/// The cookie's name.
pub const COOKIE: &str = "leder_federation";

/// What the statement says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    iss: String,
    aud: String,
    /// Expiry (Unix seconds).
    pub exp: i64,
    iat: i64,
    nbf: i64,
    /// The front end's client id.
    pub client_id: String,
    /// Its redirect URI, exactly.
    pub redirect_uri: String,
    /// Its `state`.
    pub client_state: String,
    /// Its PKCE challenge.
    pub code_challenge: String,
    /// The `state` sent to the provider.
    pub state: String,
    /// The `nonce` sent to the provider.
    pub nonce: String,
    /// The PKCE verifier of the challenge sent to the provider.
    pub verifier: String,
}

impl Pending {
    /// The front end's authorization request it carries.
    pub fn request(&self) -> AuthorizationRequest {
        AuthorizationRequest {
            client_id: self.client_id.clone(),
            redirect_uri: self.redirect_uri.clone(),
            state: self.client_state.clone(),
            code_challenge: self.code_challenge.clone(),
        }
    }
}

fn audience(state: &AppState) -> String {
    format!("{}/federation", state.auth.audience)
}

/// The signed statement of `request` sent to the provider with `sent`'s state, nonce and
/// verifier.
pub fn issue(
    state: &AppState,
    request: &AuthorizationRequest,
    sent: &crate::app::federation::Sent,
) -> Result<String, ApiError> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let pending = Pending {
        iss: state.auth.issuer.clone(),
        aud: audience(state),
        exp: now + LIFETIME_SECS,
        iat: now,
        nbf: now,
        client_id: request.client_id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        client_state: request.state.clone(),
        code_challenge: request.code_challenge.clone(),
        state: sent.state.clone(),
        nonce: sent.nonce.clone(),
        verifier: sent.verifier.clone(),
    };
    super::signed::sign(state, &pending)
}

/// The statement, when it is one of this server's and unexpired.
pub fn verify(state: &AppState, text: &str) -> Option<Pending> {
    super::signed::verify(
        state,
        text,
        &audience(state),
        &["exp", "nbf", "iat", "iss", "aud"],
    )
}
