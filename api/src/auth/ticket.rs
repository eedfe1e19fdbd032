//! The sign-in page's ticket between its steps: after the password, the page carries a short
//! signed statement (an EdDSA JWT with its own audience, so it is never a bearer token) of who
//! has passed the password and what step comes next, instead of keeping state on the server.

use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::state::AppState;

/// How long a person has for the next step.
pub const LIFETIME_SECS: i64 = 300;

/// The step after the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Enter a code of the enrolled second factor.
    Code,
    /// Set the second factor up with the secret in the ticket.
    Enrol,
    /// Set up: go on to the service.
    Continue,
}

/// What the ticket states.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ticket {
    iss: String,
    aud: String,
    exp: i64,
    iat: i64,
    nbf: i64,
    /// The account that passed its password.
    pub sub: String,
    /// Its token generation then (a password change since voids the ticket).
    pub generation: i64,
    /// The next step.
    pub stage: Stage,
    /// For [`Stage::Enrol`]: the secret shown (base32).
    pub secret: Option<String>,
}

fn audience(state: &AppState) -> String {
    format!("{}/sign-in", state.auth.audience)
}

/// A ticket for `user_id` at `generation` to go on to `stage`.
pub fn issue(
    state: &AppState,
    user_id: &str,
    generation: i64,
    stage: Stage,
    secret: Option<String>,
) -> Result<String, ApiError> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let ticket = Ticket {
        iss: state.auth.issuer.clone(),
        aud: audience(state),
        exp: now + LIFETIME_SECS,
        iat: now,
        nbf: now,
        sub: user_id.to_owned(),
        generation,
        stage,
        secret,
    };
    super::signed::sign(state, &ticket)
}

/// The ticket, when it is one of this server's, unexpired.
pub fn verify(state: &AppState, text: &str) -> Option<Ticket> {
    super::signed::verify(
        state,
        text,
        &audience(state),
        &["exp", "nbf", "iat", "iss", "aud", "sub"],
    )
}
