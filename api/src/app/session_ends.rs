//! Ending sessions and listing them: revocation (RFC 7009) by a front end, sign-out, and a
//! person's (or an admin's) list of sessions with its revoke button.
//!
//! Rules: a token is revoked only by the client its session is bound to, and the answer is the
//! same whether anything was revoked (RFC 7009 section 2.2); a person sees and ends their own
//! sessions, an admin anyone's (another's is 404 to others, as if it did not exist). Every
//! revocation is audited in its transaction.

use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_domain::sign_in::SessionEnd;
use leder_domain::workflow::Role;
use leder_persistence::records::sessions::Session;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::sessions;

use crate::app::accounts::secret_hash;
use crate::app::sessions::account;
use crate::app::sign_in::user_entry;
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::auth::token;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// Token revocation (RFC 7009): a refresh token or an access token of a session ends that
/// session, when `client_id` is the client it is bound to (none for the password grant's).
/// Anything else changes nothing, and the answer is the same either way.
pub async fn revoke_token(
    state: &AppState,
    info: &RequestInfo,
    token: &str,
    client_id: Option<String>,
) -> Result<(), ApiError> {
    let session = if token.starts_with("lrt_") {
        let hash = secret_hash(token);
        db::run(state, move |conn| sessions::by_refresh_hash(conn, &hash)).await?
    } else {
        let auth = &state.auth;
        match token::verify(&auth.keys, token, &auth.issuer, &auth.audience).and_then(|c| c.sid) {
            Some(sid) => db::run(state, move |conn| sessions::get(conn, &sid)).await?,
            None => None,
        }
    };
    let Some(session) = session.filter(|s| s.client_id == client_id && s.ended.is_none()) else {
        return Ok(());
    };
    let Some(user) = account(state, session.user_id.clone()).await? else {
        return Ok(());
    };
    let audited = state.audit.audited(user_entry(
        info,
        &user,
        AuditAction::RevokeSession,
        AuditOutcome::Success,
    ));
    db::run(state, move |conn| {
        sessions::revoke(
            conn,
            &session.id,
            SessionEnd::SignedOut,
            now_utc(),
            &audited,
        )
    })
    .await?;
    Ok(())
}

/// Ends session `id` for `caller`: their own, or anyone's for an admin (404 otherwise, as if it
/// did not exist). `reason` says why.
pub async fn revoke(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    reason: SessionEnd,
) -> Result<(), ApiError> {
    let lookup = id.clone();
    let session = db::run(state, move |conn| sessions::get(conn, &lookup))
        .await?
        .filter(|s| s.user_id == caller.id || caller.has(Role::Admin))
        .ok_or(ApiError::NotFound)?;
    let audited = state.audit.audited(caller.audit_entry(
        info,
        AuditAction::RevokeSession,
        AuditOutcome::Success,
    ));
    db::run(state, move |conn| {
        sessions::revoke(conn, &session.id, reason, now_utc(), &audited)
    })
    .await?
    .ok_or(ApiError::NotFound)?;
    Ok(())
}

/// The active sessions of `user_id` (the caller's own, or anyone's for an admin: 403 for
/// another's otherwise), newest first, a page after the cursor `before`.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    user_id: Option<String>,
    before: Option<String>,
    fetch: i64,
) -> Result<Vec<Session>, ApiError> {
    let user_id = user_id.unwrap_or_else(|| caller.id.clone());
    if user_id != caller.id {
        caller.require(&[Role::Admin])?;
    }
    db::run(state, move |conn| {
        sessions::active_of_user(conn, &user_id, now_utc(), before.as_deref(), fetch)
    })
    .await
}
