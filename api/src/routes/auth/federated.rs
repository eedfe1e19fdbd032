//! Signing in at the OpenID provider: sending the person there from leder's sign-in page, and
//! the callback they come back to.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieAge};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, web};

use super::authorize::{html, to_client};
use crate::app::authorize::AuthorizationRequest;
use crate::app::federated_sign_in::{self, Refusal};
use crate::app::federation::FederationError;
use crate::audit::RequestInfo;
use crate::auth::{page, pending};
use crate::dto::sessions::FederatedCallbackParams;
use crate::error::ApiError;
use crate::state::AppState;

const COOKIE_PATH: &str = "/api/v1/auth/federated";

fn problem(status: StatusCode, title: &str, detail: &str) -> HttpResponse {
    html(status, page::problem(title, detail))
}

fn cookie(req: &HttpRequest, value: String, age: CookieAge) -> Cookie<'static> {
    // Lax, not Strict: the provider sends the browser back with a top-level cross-site GET.
    Cookie::build(pending::COOKIE, value)
        .path(COOKIE_PATH)
        .http_only(true)
        .secure(req.connection_info().scheme() == "https")
        .same_site(SameSite::Lax)
        .max_age(age)
        .finish()
}

fn unreachable_page(name: &str) -> HttpResponse {
    problem(
        StatusCode::BAD_GATEWAY,
        "Sign-in is not available just now",
        &format!(
            "leder cannot reach {name} to sign you in. Try again in a few minutes, or sign in \
             with your leder username and password."
        ),
    )
}

/// Sends the person to the provider for `request` (the sign-in page's `federate` button).
pub async fn start(
    state: &AppState,
    req: &HttpRequest,
    request: &AuthorizationRequest,
) -> Result<HttpResponse, ApiError> {
    let Some(provider) = state.federation.as_deref() else {
        return Ok(problem(
            StatusCode::BAD_REQUEST,
            "Sign-in cannot start",
            "This leder does not sign people in with another provider.",
        ));
    };
    let sent = match provider.start().await {
        Ok(sent) => sent,
        Err(FederationError::Unavailable(why) | FederationError::Refused(why)) => {
            log::error!("federation: discovery failed: {why}");
            return Ok(unreachable_page(provider.name()));
        }
    };
    let statement = pending::issue(state, request, &sent)?;
    let mut res = to_client(sent.url);
    let age = CookieAge::seconds(pending::LIFETIME_SECS);
    // A cookie that cannot be added leaves the callback without it: it is then refused.
    let _ = res.add_cookie(&cookie(req, statement, age));
    Ok(res)
}

/// Come back from the OpenID provider
///
/// Where the OpenID Connect provider (`LEDER_OIDC_ISSUER`) sends the person's browser after
/// they signed in there, with `code` and `state` (and `iss`, RFC 9207), or with `error`. leder
/// checks `state` against the cookie set when the person left (so the answer is for this
/// browser, and only once: a replayed callback is refused), redeems the code at the provider
/// and checks its ID token: signature by the provider's published key, `iss`, `aud`, `exp`,
/// `nonce`, `at_hash`, and `acr` when `LEDER_OIDC_ACR_VALUES` is set. The person is the leder
/// account an admin linked to the provider's subject (`federated_subject` of `POST
/// /api/v1/users` or `PATCH /api/v1/users/{id}`); leder then issues its own single-use code to
/// the front end that began the sign-in, as after its own page (303 to its redirect URI with
/// `code`, `state` and `iss`), and the session records the provider's `acr` as its
/// `assurance`. A person who cancelled at the provider is sent back with
/// `error=access_denied`.
///
/// Refused with a page saying why: no federation configured (404); no or a stale cookie, a
/// `state` or `iss` that does not match, no `code`, or a callback used before (400); an ID
/// token that fails a check, a subject linked to no account, or a disabled account (403, each
/// audited as `federated_sign_in`); a provider that cannot be reached (502).
#[utoipa::path(
    tag = "identity",
    operation_id = "federated_callback",
    params(FederatedCallbackParams),
    responses(
        (status = 303, description = "Signed in: `Location` is the front end's redirect URI with `code`, `state` and `iss` (or `error=access_denied`)", headers(("Location" = String))),
        (status = 400, description = "No sign-in in progress in this browser, or the callback does not match it: a page asking to start again", content_type = "text/html", body = String),
        (status = 403, description = "The provider's answer failed a check, or its subject is linked to no (or a disabled) leder account: a page saying so", content_type = "text/html", body = String),
        (status = 404, description = "This leder does not federate with an OpenID provider", content_type = "text/html", body = String),
        (status = 502, description = "The OpenID provider cannot be reached", content_type = "text/html", body = String),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/auth/federated/callback")]
pub async fn federated_callback(
    state: web::Data<AppState>,
    req: HttpRequest,
    info: RequestInfo,
) -> Result<HttpResponse, ApiError> {
    let Some(provider) = state.federation.clone() else {
        return Ok(problem(
            StatusCode::NOT_FOUND,
            "Sign-in cannot go on",
            "This leder does not sign people in with another provider.",
        ));
    };
    let (params, pending) = match checked(&state, &req, provider.issuer()) {
        Ok(checked) => checked,
        Err(detail) => return Ok(start_again(&detail)),
    };
    let mut res = match params.code.as_deref() {
        _ if params.error.is_some() => to_client(access_denied(&pending)),
        None => return Ok(start_again("The answer has no code.")),
        Some(code) => {
            match federated_sign_in::complete(&state, &info, &provider, &pending, code).await? {
                Ok(location) => to_client(location),
                Err(refusal) => refused(&refusal, provider.name()),
            }
        }
    };
    let _ = res.add_removal_cookie(&cookie(&req, String::new(), CookieAge::ZERO));
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// Where the front end hears that the person did not complete the sign-in at the provider.
fn access_denied(pending: &pending::Pending) -> String {
    crate::app::authorize::with_query(
        &pending.redirect_uri,
        &[
            ("error", "access_denied"),
            (
                "error_description",
                "the sign-in at the identity provider did not complete",
            ),
            ("state", &pending.client_state),
        ],
    )
}

/// The page that asks the person to sign in again, saying why.
fn start_again(detail: &str) -> HttpResponse {
    problem(
        StatusCode::BAD_REQUEST,
        "Start signing in again",
        &format!("{detail} Go back to the service you came from and sign in again."),
    )
}

/// The provider's answer, when it is for the sign-in this browser began (its `state`) and from
/// the provider configured (its `iss`, when it says); why not otherwise.
fn checked(
    state: &AppState,
    req: &HttpRequest,
    issuer: &str,
) -> Result<(FederatedCallbackParams, pending::Pending), String> {
    let params = FederatedCallbackParams::parse(req.query_string())
        .map_err(|why| format!("The answer cannot be read: {why}."))?;
    let pending = req
        .cookie(pending::COOKIE)
        .and_then(|c| pending::verify(state, c.value()))
        .filter(|p| params.state.as_deref() == Some(p.state.as_str()))
        .ok_or("This sign-in has expired, or did not begin in this browser.")?;
    if params.iss.as_deref().is_some_and(|iss| iss != issuer) {
        return Err("The answer came from another identity provider.".into());
    }
    Ok((params, pending))
}

fn refused(refusal: &Refusal, name: &str) -> HttpResponse {
    let forbidden = |title: &str, detail: &str| problem(StatusCode::FORBIDDEN, title, detail);
    match refusal {
        Refusal::Replayed => problem(
            StatusCode::BAD_REQUEST,
            "Start signing in again",
            "This sign-in was used already. Go back to the service you came from and sign in again.",
        ),
        Refusal::Unavailable => unreachable_page(name),
        Refusal::Invalid => forbidden(
            "Sign-in refused",
            &format!("leder could not confirm your sign-in with {name}, so it was refused."),
        ),
        Refusal::UnknownSubject => forbidden(
            "Your account is not set up in leder",
            &format!(
                "You signed in with {name}, but no leder account is linked to it. Ask your \
                 leder administrator to create or link your account; they will need your \
                 {name} user id."
            ),
        ),
        Refusal::Disabled => forbidden(
            "Your leder account is disabled",
            "Your leder account is disabled. Ask your leder administrator to enable it.",
        ),
    }
}
