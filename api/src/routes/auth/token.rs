//! The token endpoint: every grant, answered in OAuth's terms.

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, post, web};
use leder_domain::sign_in::CodeVerifier;

use super::form::{basic_credentials, oauth_error, read_form};
use crate::app::sessions::{self, CodeExchange, Tokens};
use crate::app::{second_factor, sign_in};
use crate::audit::RequestInfo;
use crate::auth::client_assertion;
use crate::dto::identity::{OAuthError, TokenRequest, TokenResponse};
use crate::error::ApiError;
use crate::state::AppState;

const BAD_GRANT: &str = "the username or password is wrong, or the account is locked for a while";

fn answer(tokens: Tokens) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(TokenResponse {
            access_token: tokens.access_token,
            token_type: "Bearer",
            expires_in: tokens.expires_in,
            refresh_token: tokens.refresh_token,
        })
}

fn invalid_request(description: &str) -> HttpResponse {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

fn invalid_grant(description: &str) -> HttpResponse {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

/// Get an access token (OAuth 2.0)
///
/// Form-encoded, RFC 6749. Grants:
///
/// - `authorization_code` (front ends, RFC 7636): `code` (from the redirect of
///   `/api/v1/auth/authorize`), `redirect_uri` (exactly as in that request), `client_id` and
///   `code_verifier` (PKCE S256). A code works once, for 60 seconds, for that client and redirect
///   URI and verifier only; any attempt spends it, and presenting it again revokes the session it
///   began.
/// - `refresh_token`: `refresh_token`, and `client_id` when the session began with one. Each
///   refresh token works once and answers a new one (rotation); using a spent one again revokes
///   the whole session (every refresh and access token of it), since it may have been stolen.
///   A refresh token works for 2 hours unused (`LEDER_REFRESH_IDLE_SECS`) and never past the
///   session's end, 12 hours after sign-in (`LEDER_SESSION_LIFETIME_SECS`).
/// - `client_credentials` (ICS machine clients): `client_id` and `client_secret`, in the form or
///   as HTTP Basic; or, for a client registered with public keys, `private_key_jwt` (RFC 7523):
///   `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer` and
///   `client_assertion`, a JWT signed with one of its keys (EdDSA, ES256, RS256 or PS256) with
///   `iss` and `sub` its client id, `aud` this token endpoint's URL
///   (`$LEDER_PUBLIC_URL/api/v1/auth/token` when set), `exp` at most 5 minutes ahead and a
///   `jti` never used before (a replayed assertion is refused on every replica). No refresh
///   token: ask again.
/// - `password`: only when the server runs with `LEDER_ALLOW_PASSWORD_GRANT=true` (for the
///   command line and tests; RFC 9700 forbids it for front ends, which must never see a
///   person's password), else `unsupported_grant_type`. `username` and `password`, and `otp`
///   (a current TOTP code or a recovery code) for an account that has set up its second factor.
///   It cannot set one up: an account that needs one and has none yet signs in with its
///   password alone here, one more reason the grant is off in production.
///
/// People's grants answer a `refresh_token` beside the access token, and the access token
/// names its session (`sid`), so ending the session stops it at once. Failures answer OAuth's
/// `{"error": ...}` body; the answer never says whether a username exists.
///
/// Guessing is slowed twice. Per client address: after 20 failed sign-ins in a minute, counted
/// over every replica, the address is answered 429 with `Retry-After`, before any password is
/// checked. Per account: 5 wrong passwords in a row (`LEDER_LOGIN_MAX_FAILURES`) lock it for 1
/// minute, and each further wrong password after a lock ends doubles the next lock, up to 15
/// minutes (`LEDER_LOGIN_LOCK_SECS`); a successful sign-in clears the count. Locks are short on
/// purpose, so that nobody can shut an account for long by guessing wrong on it; wrong current
/// passwords at `/me/password` and on the sign-in page count too.
///
/// A token stops working before it expires when the account is disabled, enabled again or has
/// its password changed, or its session is ended: every token issued before is refused with
/// 401 from the next request.
#[utoipa::path(
    tag = "identity",
    operation_id = "issue_token",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "An access token (and for people a refresh token)", body = TokenResponse),
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
    let form = match read_form(&req, payload).await? {
        Ok(form) => form,
        Err(why) => return Ok(invalid_request(why)),
    };
    let field = |k: &str| form.get(k).cloned();
    match field("grant_type").as_deref() {
        Some("authorization_code") => code_grant(&state, &info, &form).await,
        Some("refresh_token") => refresh_grant(&state, &info, &form).await,
        Some("client_credentials") => client_grant(&state, &req, &info, &form).await,
        Some("password") if state.config.allow_password_grant => {
            password_grant(&state, &info, &form).await
        }
        Some("password") => Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "the password grant is switched off: sign in through /api/v1/auth/authorize",
        )),
        None => Ok(invalid_request("grant_type is required")),
        Some(_) => Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be authorization_code, refresh_token or client_credentials",
        )),
    }
}

/// Whether `id` is a registered front-end client.
fn registered(state: &AppState, id: &str) -> bool {
    state.config.oauth_clients.iter().any(|c| c.id == id)
}

fn unknown_client() -> HttpResponse {
    oauth_error(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "client_id is not a registered front-end client",
    )
}

async fn code_grant(
    state: &AppState,
    info: &RequestInfo,
    form: &HashMap<String, String>,
) -> Result<HttpResponse, ApiError> {
    let get = |k: &str| form.get(k).cloned();
    let (Some(code), Some(redirect_uri), Some(client_id)) =
        (get("code"), get("redirect_uri"), get("client_id"))
    else {
        return Ok(invalid_request(
            "code, redirect_uri and client_id are required",
        ));
    };
    let Some(verifier) = get("code_verifier") else {
        return Ok(invalid_request("code_verifier is required (PKCE)"));
    };
    let Ok(code_verifier) = CodeVerifier::parse(&verifier) else {
        return Ok(invalid_request(
            "code_verifier must have 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' or '~'",
        ));
    };
    if !registered(state, &client_id) {
        return Ok(unknown_client());
    }
    let exchange = CodeExchange {
        code,
        client_id,
        redirect_uri,
        code_verifier,
    };
    Ok(match sessions::redeem(state, info, exchange).await? {
        Some(tokens) => answer(tokens),
        None => invalid_grant(
            "the code is unknown, used, expired, or does not match the client, redirect_uri or code_verifier",
        ),
    })
}

async fn refresh_grant(
    state: &AppState,
    info: &RequestInfo,
    form: &HashMap<String, String>,
) -> Result<HttpResponse, ApiError> {
    let Some(token) = form.get("refresh_token") else {
        return Ok(invalid_request("refresh_token is required"));
    };
    let client_id = form.get("client_id").cloned();
    if client_id
        .as_deref()
        .is_some_and(|id| !registered(state, id))
    {
        return Ok(unknown_client());
    }
    Ok(
        match sessions::refresh(state, info, token, client_id).await? {
            Some(tokens) => answer(tokens),
            None => invalid_grant(
                "the refresh token is unknown, used, expired, revoked or of another client",
            ),
        },
    )
}

async fn password_grant(
    state: &AppState,
    info: &RequestInfo,
    form: &HashMap<String, String>,
) -> Result<HttpResponse, ApiError> {
    let (Some(username), Some(secret)) = (form.get("username"), form.get("password")) else {
        return Ok(invalid_request("username and password are required"));
    };
    let Some(user) = sign_in::with_password(state, info, username, secret.clone()).await? else {
        return Ok(invalid_grant(BAD_GRANT));
    };
    if user.totp_secret.is_some() {
        let passed = match form.get("otp") {
            Some(code) => second_factor::check(state, info, &user, code).await?,
            None => false,
        };
        if !passed {
            return Ok(invalid_grant(
                "this account signs in with a second factor: send a current code from its authenticator app (or a recovery code) as otp",
            ));
        }
    }
    Ok(answer(
        sessions::start_with_password(state, info, user).await?,
    ))
}

async fn client_grant(
    state: &AppState,
    req: &HttpRequest,
    info: &RequestInfo,
    form: &HashMap<String, String>,
) -> Result<HttpResponse, ApiError> {
    if let Some(kind) = form.get("client_assertion_type") {
        return assertion_grant(state, req, info, form, kind).await;
    }
    let (id, secret) = match (
        basic_credentials(req),
        form.get("client_id"),
        form.get("client_secret"),
    ) {
        (Some(pair), _, _) => pair,
        (None, Some(id), Some(secret)) => (id.clone(), secret.clone()),
        _ => {
            return Ok(oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "client_id and client_secret are required",
            ));
        }
    };
    let Some(client) = sign_in::with_client_secret(state, info, &id, &secret).await? else {
        return Ok(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown, revoked or wrong client credentials",
        ));
    };
    Ok(answer(sessions::client_tokens(state, &client)?))
}

/// Where leder's token endpoint is, as an assertion's `aud` must name it: under
/// `LEDER_PUBLIC_URL` when set, else at the address the request came to.
fn token_endpoint(state: &AppState, req: &HttpRequest) -> String {
    let path = "/api/v1/auth/token";
    match &state.config.public_url {
        Some(base) => format!("{base}{path}"),
        None => {
            let info = req.connection_info();
            format!("{}://{}{path}", info.scheme(), info.host())
        }
    }
}

/// `client_credentials` with `private_key_jwt` client authentication (RFC 7523 section 2.2).
async fn assertion_grant(
    state: &AppState,
    req: &HttpRequest,
    info: &RequestInfo,
    form: &HashMap<String, String>,
    kind: &str,
) -> Result<HttpResponse, ApiError> {
    if kind != client_assertion::ASSERTION_TYPE {
        return Ok(invalid_request(
            "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ));
    }
    if basic_credentials(req).is_some() || form.contains_key("client_secret") {
        return Ok(invalid_request(
            "use one way of client authentication: a client_assertion or a secret, not both",
        ));
    }
    let Some(assertion) = form.get("client_assertion") else {
        return Ok(invalid_request("client_assertion is required"));
    };
    let audiences = vec![token_endpoint(state, req)];
    let client_id = form.get("client_id").map(String::as_str);
    let Some(client) =
        sign_in::with_client_assertion(state, info, client_id, assertion, audiences).await?
    else {
        return Ok(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "the client_assertion is not valid: unknown or revoked client, a key it did not \
             register, a wrong iss, sub or aud, expired or longer-lived than 5 minutes, or a jti \
             used before",
        ));
    };
    Ok(answer(sessions::client_tokens(state, &client)?))
}
