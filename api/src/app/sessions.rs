//! Sessions: what a sign-in gives (a short access token and a refresh token), refreshing with
//! rotation and reuse detection, redeeming an authorization code, revoking (sign-out, RFC 7009,
//! the list of sessions) and listing them.
//!
//! Rules: refresh tokens and codes are random (256 bits) and stored only as SHA-256; a refresh
//! token is bound to the client that began its session and is spent by its first use; a spent
//! one presented again revokes its whole session (RFC 9700 section 4.14.2), so a stolen token
//! and its thief's successors stop at once. Every access token of a person names its session,
//! which is checked on each request. Every change is audited in its own transaction; a refusal
//! that changes nothing is not (it names no account).

use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_domain::sign_in::{CodeChallenge, CodeVerifier, SignInMethod};
use leder_domain::workflow::Role;
use leder_persistence::records::identity::{Client, User};
use leder_persistence::records::sessions::Session;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::sessions::{self, NewSession, Redeemed, Refreshed};
use leder_persistence::repo::users;
use time::PrimitiveDateTime;

use crate::app::accounts::secret_hash;
use crate::app::sign_in::user_entry;
use crate::audit::RequestInfo;
use crate::auth::token::{self, Claims};
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// What a successful grant answers.
#[derive(Debug, Clone)]
pub struct Tokens {
    /// The access token (JWT).
    pub access_token: String,
    /// Its lifetime in seconds.
    pub expires_in: u64,
    /// The refresh token (people's sessions only).
    pub refresh_token: Option<String>,
}

/// A new random token with a prefix saying what it is: 43 URL-safe characters (256 bits).
pub fn new_token(prefix: &str) -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

fn later(now: PrimitiveDateTime, by: std::time::Duration) -> PrimitiveDateTime {
    now + time::Duration::try_from(by).unwrap_or(time::Duration::HOUR)
}

fn access_token(
    state: &AppState,
    sub: &str,
    kind: &str,
    roles: Vec<String>,
    org: Option<String>,
    generation: i64,
    sid: Option<String>,
) -> Result<(String, u64), ApiError> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let lifetime = state.auth.lifetime.as_secs();
    let claims = Claims {
        iss: state.auth.issuer.clone(),
        aud: state.auth.audience.clone(),
        sub: sub.to_owned(),
        exp: now + i64::try_from(lifetime).unwrap_or(900),
        iat: now,
        nbf: now,
        jti: uuid::Uuid::now_v7().to_string(),
        roles,
        org,
        kind: kind.to_owned(),
        generation,
        sid,
    };
    let token = token::issue(&state.auth.keys, &claims).map_err(ApiError::internal)?;
    Ok((token, lifetime))
}

fn user_tokens(
    state: &AppState,
    user: &User,
    session: &Session,
    refresh: String,
) -> Result<Tokens, ApiError> {
    let roles = user.roles.iter().map(|r| r.as_str().to_owned()).collect();
    let (access_token, expires_in) = access_token(
        state,
        &user.id,
        "user",
        roles,
        user.organisation.clone(),
        user.token_generation,
        Some(session.id.clone()),
    )?;
    Ok(Tokens {
        access_token,
        expires_in,
        refresh_token: Some(refresh),
    })
}

/// A machine client's access token (client credentials: no session, no refresh token).
pub fn client_tokens(state: &AppState, client: &Client) -> Result<Tokens, ApiError> {
    let (access_token, expires_in) = access_token(
        state,
        &client.id,
        "client",
        vec![Role::Integration.as_str().to_owned()],
        Some(client.organisation.clone()),
        0,
        None,
    )?;
    Ok(Tokens {
        access_token,
        expires_in,
        refresh_token: None,
    })
}

fn new_session(
    state: &AppState,
    info: &RequestInfo,
    user_id: String,
    client_id: Option<String>,
    method: SignInMethod,
    refresh: &str,
) -> NewSession {
    // How a session from a code began (leder's page or the OpenID provider, and the provider's
    // assurance) is the code's, set where it is redeemed.
    let now = now_utc();
    NewSession {
        user_id,
        client_id,
        method,
        client_address: info.client_address.clone(),
        now,
        expires_at: later(now, state.config.session_lifetime),
        refresh_hash: secret_hash(refresh),
        refresh_expires_at: later(now, state.config.refresh_idle),
        assurance: None,
    }
}

/// Begins a session for `user`, whose password was just checked (the password grant).
pub async fn start_with_password(
    state: &AppState,
    info: &RequestInfo,
    user: User,
) -> Result<Tokens, ApiError> {
    let refresh = new_token("lrt_");
    let new = new_session(
        state,
        info,
        user.id.clone(),
        None,
        SignInMethod::Password,
        &refresh,
    );
    let audited = state.audit.audited(user_entry(
        info,
        &user,
        AuditAction::StartSession,
        AuditOutcome::Success,
    ));
    let session = db::run(state, move |conn| sessions::start(conn, new, &audited)).await?;
    user_tokens(state, &user, &session, refresh)
}

/// The account behind a session, and the account as it stands (`None` when gone).
pub(crate) async fn account(state: &AppState, user_id: String) -> Result<Option<User>, ApiError> {
    db::run(state, move |conn| users::get(conn, &user_id)).await
}

/// A refresh (`grant_type=refresh_token`): the new tokens, or `None` (OAuth `invalid_grant`)
/// when the token is unknown, spent, run out, of another client, or its session or account no
/// longer works. A spent token revokes its session.
pub async fn refresh(
    state: &AppState,
    info: &RequestInfo,
    refresh_token: &str,
    client_id: Option<String>,
) -> Result<Option<Tokens>, ApiError> {
    let old_hash = secret_hash(refresh_token);
    let lookup = old_hash.clone();
    let Some(session) =
        db::run(state, move |conn| sessions::by_refresh_hash(conn, &lookup)).await?
    else {
        return Ok(None);
    };
    let Some(user) = account(state, session.user_id.clone()).await? else {
        return Ok(None);
    };
    let next = new_token("lrt_");
    let new_hash = secret_hash(&next);
    let now = now_utc();
    let expires = later(now, state.config.refresh_idle);
    let rotated = state.audit.audited(user_entry(
        info,
        &user,
        AuditAction::Refresh,
        AuditOutcome::Success,
    ));
    let reused = state.audit.audited(user_entry(
        info,
        &user,
        AuditAction::Refresh,
        AuditOutcome::RefusedReuse,
    ));
    let outcome = db::run(state, move |conn| {
        sessions::refresh(
            conn,
            &old_hash,
            client_id.as_deref(),
            now,
            &new_hash,
            expires,
            &rotated,
            &reused,
        )
    })
    .await?;
    match outcome {
        Refreshed::Rotated(session) => user_tokens(state, &user, &session, next).map(Some),
        Refreshed::Reused => {
            log::warn!(
                "refresh token of session {} presented again: session revoked",
                session.id
            );
            Ok(None)
        }
        Refreshed::Refused => Ok(None),
    }
}

/// The token request of the authorization-code grant, as sent.
#[derive(Debug, Clone)]
pub struct CodeExchange {
    /// The code.
    pub code: String,
    /// The client that asks.
    pub client_id: String,
    /// The redirect URI of the authorization request, exactly.
    pub redirect_uri: String,
    /// The PKCE verifier.
    pub code_verifier: CodeVerifier,
}

/// Redeems an authorization code: the new session's tokens, or `None` (OAuth `invalid_grant`)
/// when the code is unknown, spent, run out, or the client, redirect URI or verifier differ.
/// The code is spent by the first attempt whatever its outcome; a spent code presented again
/// revokes the session it began.
pub async fn redeem(
    state: &AppState,
    info: &RequestInfo,
    exchange: CodeExchange,
) -> Result<Option<Tokens>, ApiError> {
    let code_hash = secret_hash(&exchange.code);
    let lookup = code_hash.clone();
    let Some(user_id) = db::run(state, move |conn| sessions::code_user_id(conn, &lookup)).await?
    else {
        return Ok(None);
    };
    let Some(user) = account(state, user_id).await? else {
        return Ok(None);
    };
    let refresh = new_token("lrt_");
    let new = new_session(
        state,
        info,
        user.id.clone(),
        Some(exchange.client_id.clone()),
        SignInMethod::AuthorizationCode,
        &refresh,
    );
    let started = state.audit.audited(user_entry(
        info,
        &user,
        AuditAction::StartSession,
        AuditOutcome::Success,
    ));
    let reused = state.audit.audited(user_entry(
        info,
        &user,
        AuditAction::ExchangeCode,
        AuditOutcome::RefusedReuse,
    ));
    let now = now_utc();
    let outcome = db::run(state, move |conn| {
        sessions::redeem_code(
            conn,
            &code_hash,
            now,
            |code| {
                code.client_id == exchange.client_id
                    && code.redirect_uri == exchange.redirect_uri
                    && CodeChallenge::parse(&code.code_challenge)
                        .is_ok_and(|c| c.is_met_by(&exchange.code_verifier))
            },
            |code| NewSession {
                method: code.method,
                assurance: code.assurance.clone(),
                ..new
            },
            &started,
            &reused,
        )
    })
    .await?;
    match outcome {
        Redeemed::Started(session) => user_tokens(state, &user, &session, refresh).map(Some),
        Redeemed::Reused => {
            log::warn!("an authorization code was presented again: its session is revoked");
            Ok(None)
        }
        Redeemed::Refused => Ok(None),
    }
}

/// Whether two secrets are equal, compared in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
