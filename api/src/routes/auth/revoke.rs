//! Token revocation (RFC 7009).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};

use super::form::{oauth_error, read_form};
use crate::app::session_ends as sessions;
use crate::audit::RequestInfo;
use crate::dto::identity::OAuthError;
use crate::dto::sessions::RevokeRequest;
use crate::error::ApiError;
use crate::state::AppState;

/// Revoke a token (sign out, RFC 7009)
///
/// Form-encoded: `token` (a refresh token or an access token) and `client_id` (the front end
/// the session is bound to; omit it for the command line's password-grant sessions). Either
/// token ends its whole session: its refresh token and every access token of it stop working
/// at once. The answer is 200 whether or not the token was known, live or of that client (RFC
/// 7009 section 2.2), so it tells nothing about tokens; a token of another client is left
/// alone. Ending a session is audited (`revoke_session`).
#[utoipa::path(
    tag = "identity",
    operation_id = "revoke_token",
    request_body(content = RevokeRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Revoked, or nothing to revoke (the same answer)"),
        (status = 400, description = "invalid_request: no token, or a form that cannot be read", body = OAuthError),
        (status = 413, response = crate::error::PayloadTooLarge),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[post("/auth/revoke")]
pub async fn revoke_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    info: RequestInfo,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let form = match read_form(&req, payload).await? {
        Ok(form) => form,
        Err(why) => {
            return Ok(oauth_error(
                actix_web::http::StatusCode::BAD_REQUEST,
                "invalid_request",
                why,
            ));
        }
    };
    let Some(token) = form.get("token") else {
        return Ok(oauth_error(
            actix_web::http::StatusCode::BAD_REQUEST,
            "invalid_request",
            "token is required",
        ));
    };
    sessions::revoke_token(&state, &info, token, form.get("client_id").cloned()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}
