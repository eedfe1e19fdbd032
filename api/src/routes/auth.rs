//! The OAuth 2.0 token endpoint and the public keys.

use std::collections::HashMap;

use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::sign_in;
use crate::audit::RequestInfo;
use crate::auth::token::{self, Claims};
use crate::dto::identity::{OAuthError, TokenRequest, TokenResponse};
use crate::error::ApiError;
use crate::extract::{BodyLimit, read_body};
use crate::state::AppState;

/// Registers the identity routes that need no token.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(issue_token);
}

/// Registers the JWKS route (at the site root).
pub fn configure_root(cfg: &mut ServiceConfig) {
    cfg.service(jwks);
}

const BAD_GRANT: &str = "the username or password is wrong, or the account is locked for a while";

fn oauth_error(status: StatusCode, error: &'static str, description: &str) -> HttpResponse {
    let mut res = HttpResponse::build(status);
    res.insert_header((header::CACHE_CONTROL, "no-store"));
    if error == "invalid_client" {
        res.insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"leder\""));
    }
    res.json(OAuthError {
        error,
        error_description: description.to_owned(),
    })
}

fn basic_credentials(req: &HttpRequest) -> Option<(String, String)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn issue(
    state: &AppState,
    sub: &str,
    kind: &str,
    roles: Vec<String>,
    org: Option<String>,
    generation: i64,
) -> Result<HttpResponse, ApiError> {
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
    };
    let access_token = token::issue(&state.auth.keys, &claims).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in: lifetime,
        }))
}

/// The token request in a form-encoded body: 415 for another media type, an OAuth
/// `invalid_request` answer for a body that is not a form or carries control characters.
async fn token_request(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<Result<TokenRequest, HttpResponse>, ApiError> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(ApiError::UnsupportedMediaType(
            "send the token request as application/x-www-form-urlencoded".into(),
        ));
    }
    let limit = req
        .app_data::<BodyLimit>()
        .map_or(crate::config::DEFAULT_BODY_LIMIT, |l| l.0);
    let mut inner: Payload = payload.into_inner();
    let body = read_body(req, &mut inner, limit).await?;
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body) else {
        return Ok(Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body is not form-encoded",
        )));
    };
    if pairs
        .iter()
        .any(|(k, v)| k.chars().chain(v.chars()).any(char::is_control))
    {
        return Ok(Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the request must not contain control characters",
        )));
    }
    let form: HashMap<String, String> = pairs.into_iter().collect();
    let field = |k: &str| form.get(k).filter(|v| !v.is_empty()).cloned();
    Ok(Ok(TokenRequest {
        grant_type: field("grant_type").unwrap_or_default(),
        username: field("username"),
        password: field("password"),
        client_id: field("client_id"),
        client_secret: field("client_secret"),
        scope: field("scope"),
    }))
}

/// Get an access token (OAuth 2.0)
///
/// Form-encoded, RFC 6749: `grant_type=password` with `username` and `password` for people, or
/// `grant_type=client_credentials` with `client_id` and `client_secret` (in the form or as HTTP
/// Basic) for machine clients. Failures answer OAuth's `{"error": ...}` body; the answer never
/// says whether a username exists.
///
/// Guessing is slowed twice. Per client address: after 20 failed sign-ins in a minute, counted
/// over every replica, the address is answered 429 with `Retry-After`, before any password is
/// checked. Per account: 5 wrong passwords in a row (`LEDER_LOGIN_MAX_FAILURES`) lock it for 1
/// minute, and each further wrong password after a lock ends doubles the next lock, up to 15
/// minutes (`LEDER_LOGIN_LOCK_SECS`); a successful sign-in clears the count. Locks are short on
/// purpose, so that nobody can shut an account for long by guessing wrong on it; wrong current
/// passwords at `/me/password` count too.
///
/// A token stops working before it expires when the account is disabled, enabled again or has
/// its password changed: every token issued before is refused with 401 from the next request.
#[utoipa::path(
    tag = "identity",
    operation_id = "issue_token",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "An access token", body = TokenResponse),
        (status = 400, description = "invalid_request, invalid_grant or unsupported_grant_type", body = OAuthError),
        (status = 401, description = "invalid_client", body = OAuthError),
        (status = 413, response = crate::error::PayloadTooLarge),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 429, response = crate::error::TooManyRequests),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[post("/auth/token")]
pub async fn issue_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    info: RequestInfo,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let request = match token_request(&req, payload).await? {
        Ok(request) => request,
        Err(refused) => return Ok(refused),
    };
    match request.grant_type.as_str() {
        "password" => password_grant(&state, &info, request).await,
        "client_credentials" => client_grant(&state, &req, &info, request).await,
        "" => Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "grant_type is required",
        )),
        _ => Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be password or client_credentials",
        )),
    }
}

async fn password_grant(
    state: &AppState,
    info: &RequestInfo,
    request: TokenRequest,
) -> Result<HttpResponse, ApiError> {
    let (Some(username), Some(secret)) = (request.username, request.password) else {
        return Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "username and password are required",
        ));
    };
    let Some(user) = sign_in::with_password(state, info, &username, secret).await? else {
        return Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            BAD_GRANT,
        ));
    };
    let roles = user.roles.iter().map(|r| r.as_str().to_owned()).collect();
    issue(
        state,
        &user.id,
        "user",
        roles,
        user.organisation,
        user.token_generation,
    )
}

async fn client_grant(
    state: &AppState,
    req: &HttpRequest,
    info: &RequestInfo,
    request: TokenRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, secret) = match (
        basic_credentials(req),
        request.client_id,
        request.client_secret,
    ) {
        (Some(pair), _, _) => pair,
        (None, Some(id), Some(secret)) => (id, secret),
        _ => {
            return Ok(oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "client_id and client_secret are required",
            ));
        }
    };
    let Some(c) = sign_in::with_client_secret(state, info, &id, &secret).await? else {
        return Ok(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown, revoked or wrong client credentials",
        ));
    };
    issue(
        state,
        &c.id,
        "client",
        vec!["integration".into()],
        Some(c.organisation),
        0,
    )
}

/// The public signing keys (JWK Set)
///
/// Every key that may have signed a live token, by `kid`, so verifiers keep working while keys
/// rotate.
#[utoipa::path(
    tag = "identity",
    operation_id = "jwks",
    responses(
        (status = 200, description = "A JWK Set of Ed25519 public keys", body = Object),
        (status = 500, response = crate::error::InternalError),
    )
)]
#[get("/.well-known/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(state.auth.keys.jwks())
}
