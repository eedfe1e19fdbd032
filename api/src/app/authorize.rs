//! The authorization endpoint (RFC 6749 section 4.1 with PKCE, RFC 7636): checking an
//! authorization request and issuing the code once the person has signed in on leder's page.
//!
//! Rules, in the order RFC 6749 section 4.1.2.1 sets: an unknown `client_id` or a
//! `redirect_uri` that is not exactly one registered for it is told to the person on the page
//! and never redirected to (that would make leder an open redirector). Every other fault is
//! sent back to the client's redirect URI as `error=invalid_request` (or
//! `unsupported_response_type`) with its `state`: `state` is required, `response_type` must be
//! `code`, and `code_challenge` a S256 challenge (`code_challenge_method=S256`; `plain` is
//! refused). A code lives [`CODE_LIFETIME`], is single-use, and is bound to the client, the
//! redirect URI and the challenge.

use leder_domain::audit::{AuditAction, AuditOutcome};
use std::collections::HashMap;

use leder_domain::sign_in::{CodeChallenge, SignInMethod};
use leder_persistence::records::identity::User;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::sessions::{self, NewCode};

use crate::app::accounts::secret_hash;
use crate::app::sessions::new_token;
use crate::app::sign_in::user_entry;
use crate::audit::RequestInfo;
use crate::config::Config;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// How long a code may wait to be redeemed.
pub const CODE_LIFETIME: time::Duration = time::Duration::seconds(60);

/// A checked authorization request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest {
    /// The registered client.
    pub client_id: String,
    /// One of its registered redirect URIs, exactly.
    pub redirect_uri: String,
    /// The client's `state`, echoed back.
    pub state: String,
    /// The PKCE S256 challenge.
    pub code_challenge: String,
}

/// Why a request cannot go ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Told to the person on leder's page (never redirected): the client or redirect URI.
    ToPerson(String),
    /// Sent back to the client's redirect URI (this `Location`).
    ToClient(String),
}

/// `uri` with the query parameters `pairs` added.
pub fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        query.append_pair(k, v);
    }
    let sep = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{sep}{}", query.finish())
}

/// Checks an authorization request's parameters.
pub fn check(
    config: &Config,
    params: &HashMap<String, String>,
) -> Result<AuthorizationRequest, Refusal> {
    let get = |k: &str| params.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let Some(client_id) = get("client_id") else {
        return Err(Refusal::ToPerson(
            "The request names no client (client_id).".into(),
        ));
    };
    let Some(client) = config.oauth_clients.iter().find(|c| c.id == client_id) else {
        return Err(Refusal::ToPerson(
            "The service that sent you here is not registered with leder (unknown client_id)."
                .into(),
        ));
    };
    let Some(redirect_uri) =
        get("redirect_uri").filter(|uri| client.redirect_uris.iter().any(|r| r == uri))
    else {
        return Err(Refusal::ToPerson(
            "The address to return you to (redirect_uri) is not one registered for this \
             service, so leder will not send you there."
                .into(),
        ));
    };
    let state = get("state");
    let back = |error: &str, description: &str| {
        let mut pairs = vec![("error", error), ("error_description", description)];
        if let Some(s) = state {
            pairs.push(("state", s));
        }
        Refusal::ToClient(with_query(redirect_uri, &pairs))
    };
    if get("response_type") != Some("code") {
        return Err(back(
            "unsupported_response_type",
            "response_type must be code",
        ));
    }
    let Some(state) = state else {
        return Err(back("invalid_request", "state is required"));
    };
    if state.len() > 500 {
        return Err(back(
            "invalid_request",
            "state must have at most 500 characters",
        ));
    }
    if get("code_challenge_method") != Some("S256") {
        return Err(back(
            "invalid_request",
            "code_challenge_method must be S256 (PKCE is required; plain is not accepted)",
        ));
    }
    let Some(challenge) = get("code_challenge").and_then(|c| CodeChallenge::parse(c).ok()) else {
        return Err(back(
            "invalid_request",
            "code_challenge must be the 43-character base64url SHA-256 of the code verifier",
        ));
    };
    Ok(AuthorizationRequest {
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        state: state.to_owned(),
        code_challenge: challenge.as_str().to_owned(),
    })
}

/// Issues a code for `user` (whose password was just checked), audited in its transaction;
/// answers where to send the browser: the redirect URI with `code`, `state` and `iss`
/// (RFC 9207).
pub async fn issue_code(
    state: &AppState,
    info: &RequestInfo,
    request: &AuthorizationRequest,
    user: &User,
) -> Result<String, ApiError> {
    issue(
        state,
        info,
        request,
        user,
        SignInMethod::AuthorizationCode,
        None,
    )
    .await
}

/// As [`issue_code`], for a person who signed in at the OpenID provider with assurance `acr`:
/// the session the code begins records both.
pub async fn issue_federated_code(
    state: &AppState,
    info: &RequestInfo,
    request: &AuthorizationRequest,
    user: &User,
    acr: Option<String>,
) -> Result<String, ApiError> {
    issue(state, info, request, user, SignInMethod::Federated, acr).await
}

async fn issue(
    state: &AppState,
    info: &RequestInfo,
    request: &AuthorizationRequest,
    user: &User,
    method: SignInMethod,
    assurance: Option<String>,
) -> Result<String, ApiError> {
    let code = new_token("lac_");
    let now = now_utc();
    let new = NewCode {
        code_hash: secret_hash(&code),
        client_id: request.client_id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        code_challenge: request.code_challenge.clone(),
        user_id: user.id.clone(),
        now,
        expires_at: now + CODE_LIFETIME,
        method,
        assurance,
    };
    let audited = state.audit.audited(user_entry(
        info,
        user,
        AuditAction::Authorize,
        AuditOutcome::Success,
    ));
    db::run(state, move |conn| sessions::issue_code(conn, new, &audited)).await?;
    Ok(with_query(
        &request.redirect_uri,
        &[
            ("code", &code),
            ("state", &request.state),
            ("iss", &state.auth.issuer),
        ],
    ))
}
