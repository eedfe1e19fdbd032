//! The authorization endpoint and leder's own sign-in page (authorization code with PKCE).
//!
//! The page is CSRF-protected by a double-submit token: showing it sets a random value in a
//! `SameSite=Strict`, `HttpOnly` cookie scoped to this path and writes the same value into the
//! form; a post whose field and cookie differ (or lack either) is refused, so another site can
//! neither post a sign-in of its choosing nor read the value. The page takes no script, no frame
//! (`frame-ancestors 'none'`) and is never cached.

use std::collections::HashMap;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::form::{pairs, read_form};
use crate::app::authorize::{self, AuthorizationRequest, Refusal};
use crate::app::sessions::new_token;
use crate::app::sign_in;
use crate::audit::RequestInfo;
use crate::auth::page;
use crate::dto::sessions::{AuthorizeParams, SignInForm};
use crate::error::ApiError;
use crate::state::AppState;

const CSRF_COOKIE: &str = "leder_sign_in_csrf";
const PATH: &str = "/api/v1/auth/authorize";

pub(super) fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
        ))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .body(body)
}

pub(super) fn to_client(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

fn refused(refusal: Refusal) -> HttpResponse {
    match refusal {
        Refusal::ToPerson(detail) => html(
            StatusCode::BAD_REQUEST,
            page::problem("Sign-in cannot start", &detail),
        ),
        Refusal::ToClient(location) => to_client(location),
    }
}

/// The form for `request` with a fresh CSRF cookie.
fn form_page(
    state: &AppState,
    req: &HttpRequest,
    request: &AuthorizationRequest,
    username: &str,
    error: Option<&str>,
) -> HttpResponse {
    let csrf = new_token("");
    let cookie = Cookie::build(CSRF_COOKIE, csrf.clone())
        .path(PATH)
        .http_only(true)
        .secure(req.connection_info().scheme() == "https")
        .same_site(SameSite::Strict)
        .finish();
    let mut res = html(
        StatusCode::OK,
        page::sign_in(
            request,
            &csrf,
            username,
            error,
            state.federation.as_deref().map(|p| p.name()),
        ),
    );
    // A cookie that cannot be added leaves the form without it: the post is then refused.
    let _ = res.add_cookie(&cookie);
    res
}

/// Start signing in (authorization code with PKCE)
///
/// A registered front end (`LEDER_OAUTH_CLIENTS`) sends the person's browser here; leder shows
/// its own sign-in page (HTML, no script needed), and once the person has signed in sends the
/// browser to `redirect_uri` with `code`, `state` and `iss`; the front end then redeems the code
/// at `POST /api/v1/auth/token` (`grant_type=authorization_code`) with its `code_verifier`. The
/// front end never sees the password.
///
/// An unknown `client_id`, or a `redirect_uri` that is not exactly (character for character) one
/// registered for that client, is answered with a page saying so (400), never a redirect. Other
/// faults go back to the redirect URI (303) as `error=invalid_request` (a missing `state`, a
/// missing or malformed `code_challenge`, `code_challenge_method` other than `S256`) or
/// `error=unsupported_response_type`, with `state` when there is one. Other parameters are
/// ignored (RFC 6749 section 3.1); a parameter sent twice is refused.
#[utoipa::path(
    tag = "identity",
    operation_id = "authorize",
    params(AuthorizeParams),
    responses(
        (status = 200, description = "The sign-in page", content_type = "text/html", body = String),
        (status = 303, description = "A fault sent back to the client: `Location` is the redirect URI with `error`, `error_description` and `state`", headers(("Location" = String))),
        (status = 400, description = "An unknown client or a redirect URI not registered for it: a page saying so", content_type = "text/html", body = String),
    )
)]
#[get("/auth/authorize")]
pub async fn authorize_page(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let checked = pairs(req.query_string().as_bytes())
        .map_err(|why| Refusal::ToPerson(format!("The request cannot be read: {why}.")))
        .and_then(|params| authorize::check(&state.config, &params));
    match checked {
        Ok(request) => form_page(&state, &req, &request, "", None),
        Err(refusal) => refused(refusal),
    }
}

/// Sign in on leder's page
///
/// What leder's sign-in page posts (form-encoded): the authorization request again, the page's
/// CSRF token (it must equal the page's cookie, else 403 and a page asking to start again) and
/// the username and password. A wrong username or password, or an account that is disabled or
/// locked for a while, shows the page again (200) saying so, without saying which; the same
/// lockout and slow-down as the token endpoint apply (see `issue_token`), and an address that
/// has spent its budget is answered 429 with `Retry-After`.
///
/// An account that needs a second factor (every admin, and accounts an admin marks with
/// `second_factor_required`) is then asked for it on a second page (200, the form posting
/// `ticket` and `code`): a 6-digit TOTP code (RFC 6238) of a step later than the last one
/// accepted (a code replayed within its window is refused), or a single-use recovery code; a
/// wrong code shows the page again and counts as a failed sign-in. The first time, the page
/// sets it up instead: it shows a new key, takes a first code, then shows ten recovery codes
/// once. A ticket lasts 5 minutes; a stale or forged one is 403 with a page asking to start
/// again. Once signed in, the browser is sent to the redirect URI with `code`, `state` and
/// `iss` (303).
///
/// When leder federates with an OpenID Connect provider (`LEDER_OIDC_ISSUER`), the page also
/// offers "Sign in with <provider>": that button posts the request with `federate=1` (and the
/// CSRF token), and the browser is sent to the provider's authorization endpoint (303) with
/// leder's own `state`, `nonce` and PKCE challenge, remembered in a signed `HttpOnly` cookie for
/// 10 minutes; the provider sends the person back to `GET /api/v1/auth/federated/callback`. A
/// provider that cannot be reached is told to the person (502).
#[utoipa::path(
    tag = "identity",
    operation_id = "submit_sign_in",
    request_body(content = SignInForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The sign-in page again, saying what went wrong", content_type = "text/html", body = String),
        (status = 303, description = "Signed in (or a fault for the client): `Location` is the redirect URI with `code`, `state` and `iss` (or `error`)", headers(("Location" = String))),
        (status = 400, description = "An unknown client or a redirect URI not registered for it, or a form that cannot be read: a page saying so", content_type = "text/html", body = String),
        (status = 403, description = "The CSRF token is missing or differs from the page's cookie, or the step's ticket is stale or forged: a page asking to start again", content_type = "text/html", body = String),
        (status = 413, response = crate::error::PayloadTooLarge),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 429, description = "Too many failed sign-ins from this address: a page asking to wait `Retry-After` seconds", content_type = "text/html", body = String),
        (status = 502, description = "The OpenID provider cannot be reached (`federate`): a page saying so", content_type = "text/html", body = String),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[post("/auth/authorize")]
pub async fn submit_sign_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    info: RequestInfo,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let form = match read_form(&req, payload).await? {
        Ok(form) => form,
        Err(why) => {
            return Ok(refused(Refusal::ToPerson(format!(
                "The form cannot be read: {why}."
            ))));
        }
    };
    let request = match authorize::check(&state.config, &form) {
        Ok(request) => request,
        Err(refusal) => return Ok(refused(refusal)),
    };
    let Some(csrf) = csrf_of(&req, &form) else {
        let detail = "This sign-in form has expired or did not come from leder. Go back to the service you came from and sign in again.";
        return Ok(html(
            StatusCode::FORBIDDEN,
            page::problem("Start signing in again", detail),
        ));
    };
    if form.contains_key("federate") {
        return super::federated::start(&state, &req, &request).await;
    }
    if let Some(t) = form.get("ticket") {
        let code = form.get("code").map_or("", String::as_str);
        return super::steps::next_step(&state, &info, &request, &csrf, t, code).await;
    }
    password_step(&state, &req, &info, &request, &csrf, &form).await
}

/// The username and password of the form checked: the next step (a second factor, or the code
/// for the front end), the form again, or the page that asks the address to wait.
async fn password_step(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    info: &RequestInfo,
    request: &AuthorizationRequest,
    csrf: &str,
    form: &HashMap<String, String>,
) -> Result<HttpResponse, ApiError> {
    let username = form.get("username").cloned().unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    match sign_in::with_password(state, info, &username, password).await {
        Ok(Some(user)) => super::steps::after_password(state, info, request, csrf, user).await,
        Ok(None) => Ok(form_page(
            state,
            req,
            request,
            &username,
            Some("The username or password is wrong, or the account is locked for a while."),
        )),
        Err(ApiError::TooManyRequests { retry_after }) => Ok(slow_down(retry_after)),
        Err(other) => Err(other),
    }
}

/// The form's CSRF value, when it matches the cookie's.
fn csrf_of(req: &HttpRequest, form: &HashMap<String, String>) -> Option<String> {
    let cookie = req.cookie(CSRF_COOKIE);
    match (cookie.as_ref().map(Cookie::value), form.get("csrf")) {
        (Some(a), Some(b)) if crate::app::sessions::same_secret(a, b) => Some(b.clone()),
        _ => None,
    }
}

/// The page that asks an address with too many failed sign-ins to wait.
fn slow_down(retry_after: u64) -> HttpResponse {
    let detail = format!(
        "There have been too many failed sign-ins from your address. Wait {retry_after} seconds, then try again."
    );
    let mut res = html(
        StatusCode::TOO_MANY_REQUESTS,
        page::problem("Wait before trying again", &detail),
    );
    res.headers_mut()
        .insert(header::RETRY_AFTER, retry_after.into());
    res
}
