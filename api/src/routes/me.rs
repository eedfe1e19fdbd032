//! The caller's own account.

use actix_web::{HttpResponse, get, post, web};
use leder_persistence::repo::users;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::RequestInfo;
use crate::auth::{Caller, PrincipalKind};
use crate::db;
use crate::dto::identity::{ChangePassword, Me};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_me).service(change_password);
}

/// Who am I
///
/// The caller's account as it stands now: roles and organisation are read from the account on
/// each request, not from the token.
#[utoipa::path(
    tag = "identity",
    operation_id = "get_me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, response = crate::error::Unauthorized),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/me")]
pub async fn get_me(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<Me>, ApiError> {
    let display_name = match caller.kind {
        PrincipalKind::User => {
            let id = caller.id.clone();
            db::run(&state, move |conn| users::get(conn, &id))
                .await?
                .map(|u| u.display_name)
        }
        PrincipalKind::Client => None,
    };
    Ok(web::Json(Me {
        roles: caller.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        id: caller.id,
        kind: caller.kind.as_str(),
        username: caller.name,
        display_name,
        organisation: caller.organisation,
        session_id: caller.session_id,
    }))
}

/// Change my password
///
/// Needs the current password. The new one must have 12 to 128 characters and not be the
/// username. Machine clients have no password (403). A wrong current password counts as a failed
/// sign-in: against the client address's budget (429 with `Retry-After` once spent) and towards
/// the account's short lock, during which this answers 429 too (see `issue_token`).
///
/// A changed password spends every token issued before it, the one that made the change
/// included: from the next request they answer 401, and the caller signs in again with the new
/// password.
#[utoipa::path(
    tag = "identity",
    operation_id = "change_password",
    security(("bearer" = [])),
    request_body = ChangePassword,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 422, response = crate::error::Unprocessable),
        (status = 429, response = crate::error::TooManyRequests),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[post("/me/password", wrap = "crate::idempotency::Idempotency::Replay")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    body: ValidatedJson<ChangePassword>,
) -> Result<HttpResponse, ApiError> {
    if caller.kind != PrincipalKind::User {
        return Err(ApiError::Forbidden(
            "machine clients have no password".into(),
        ));
    }
    let ChangePassword {
        current_password,
        new_password,
    } = body.0;
    crate::app::passwords::change(&state, &caller, &info, current_password, new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}
