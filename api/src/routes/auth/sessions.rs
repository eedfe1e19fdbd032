//! A person's sessions: listed, ended one by one, and sign-out.

use actix_web::{HttpResponse, delete, get, post, web};
use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_domain::sign_in::SessionEnd;

use crate::app::session_ends as sessions;
use crate::audit::RequestInfo;
use crate::auth::{Caller, PrincipalKind};
use crate::dto::sessions::{SessionFilter, SessionPage, SessionView};
use crate::error::ApiError;
use crate::extract::query::{Listed, Page};
use crate::state::AppState;

fn people_only(caller: &Caller) -> Result<(), ApiError> {
    if caller.kind == PrincipalKind::User {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "machine clients have no sessions: their tokens are not refreshed".into(),
        ))
    }
}

/// List sessions
///
/// The caller's own sessions that are still live (signed in, not ended, not run out), newest
/// first, with where each began and `current` marking the one of the asking token. An admin may
/// list anyone's with `user_id` (403 for anyone else naming another account). Machine clients
/// have no sessions (403). Audited (`list_sessions`).
#[utoipa::path(
    tag = "identity",
    operation_id = "list_sessions",
    security(("bearer" = [])),
    params(SessionFilter, Page),
    responses(
        (status = 200, description = "A page of sessions", body = SessionPage),
        crate::error::sets::ListErrors,
    )
)]
#[get("/auth/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    query: Listed<SessionFilter>,
) -> Result<web::Json<SessionPage>, ApiError> {
    people_only(&caller)?;
    let Listed { filter, page } = query;
    let before: Option<String> = page.after()?;
    let user_id = filter.user_id.unwrap_or_else(|| caller.id.clone());
    let mut rows =
        sessions::list(&state, &caller, Some(user_id.clone()), before, page.fetch()).await?;
    let next_cursor = page.finish(&mut rows, |s| s.id.clone());
    let mut entry = caller.audit_entry(&info, AuditAction::ListSessions, AuditOutcome::Success);
    entry.subject = Some(format!("user:{user_id}"));
    state.audit.record(entry).await?;
    let current = caller.session_id.as_deref();
    Ok(web::Json(SessionPage {
        items: rows
            .into_iter()
            .map(|s| SessionView::new(s, current))
            .collect(),
        next_cursor,
    }))
}

/// End a session
///
/// Ends one of the caller's own sessions (an admin: anyone's): its refresh token and every
/// access token of it stop working at once, on every replica. Another person's session, or
/// none, is 404 (the same either way). Ending a session that has ended already is 204 again.
/// Audited (`revoke_session`).
#[utoipa::path(
    tag = "identity",
    operation_id = "revoke_session",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 204, description = "Ended"),
        crate::error::sets::ReadErrors,
    )
)]
#[delete("/auth/sessions/{id}")]
pub async fn revoke_session(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    people_only(&caller)?;
    sessions::revoke(&state, &caller, &info, id.into_inner(), SessionEnd::Revoked).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sign out
///
/// Ends the session of the token that asks: its refresh token and every access token of it,
/// this one included, stop working at once. Machine clients have no session (403). Audited
/// (`revoke_session`).
#[utoipa::path(
    tag = "identity",
    operation_id = "sign_out",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[post("/auth/sign-out", wrap = "crate::idempotency::Idempotency::Replay")]
pub async fn sign_out(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
) -> Result<HttpResponse, ApiError> {
    people_only(&caller)?;
    let Some(id) = caller.session_id.clone() else {
        return Err(ApiError::Forbidden(
            "this token belongs to no session; it stops at its expiry".into(),
        ));
    };
    sessions::revoke(&state, &caller, &info, id, SessionEnd::SignedOut).await?;
    Ok(HttpResponse::NoContent().finish())
}
