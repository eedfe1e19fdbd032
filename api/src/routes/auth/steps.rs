//! The sign-in page's steps after the password: the second factor (asked, or set up the first
//! time it is needed, with recovery codes shown once), then the code for the client.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use leder_domain::totp::TotpSecret;
use leder_persistence::records::identity::User;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::users;

use super::authorize::{html, to_client};
use crate::app::authorize::{self, AuthorizationRequest};
use crate::app::second_factor;
use crate::audit::RequestInfo;
use crate::auth::page;
use crate::auth::ticket::{self, Stage};
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

const WRONG_CODE: &str =
    "The security code is wrong or has been used already. Enter the code your app shows now.";

/// After a good password: the second-factor step the account needs, or the code.
pub async fn after_password(
    state: &AppState,
    info: &RequestInfo,
    request: &AuthorizationRequest,
    csrf: &str,
    user: User,
) -> Result<HttpResponse, ApiError> {
    if user.totp_secret.is_some() {
        let t = ticket::issue(state, &user.id, user.token_generation, Stage::Code, None)?;
        return Ok(html(
            StatusCode::OK,
            page::second_factor(request, csrf, &t, None),
        ));
    }
    if user.needs_second_factor() {
        let secret = second_factor::new_secret()?.to_base32();
        return enrol_page(state, request, csrf, &user, &secret, None);
    }
    Ok(to_client(
        authorize::issue_code(state, info, request, &user).await?,
    ))
}

fn enrol_page(
    state: &AppState,
    request: &AuthorizationRequest,
    csrf: &str,
    user: &User,
    secret: &str,
    error: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let t = ticket::issue(
        state,
        &user.id,
        user.token_generation,
        Stage::Enrol,
        Some(secret.to_owned()),
    )?;
    let uri = TotpSecret::from_base32(secret)
        .map(|s| s.otpauth_uri(&state.auth.issuer, &user.username))
        .unwrap_or_default();
    Ok(html(
        StatusCode::OK,
        page::enrol(request, csrf, &t, secret, &uri, error),
    ))
}

fn start_again() -> HttpResponse {
    html(
        StatusCode::FORBIDDEN,
        page::problem(
            "Start signing in again",
            "This sign-in took too long or can no longer go on. Go back to the service you came from and sign in again.",
        ),
    )
}

/// A step after the password, carried by its ticket.
pub async fn next_step(
    state: &web::Data<AppState>,
    info: &RequestInfo,
    request: &AuthorizationRequest,
    csrf: &str,
    ticket_text: &str,
    code: &str,
) -> Result<HttpResponse, ApiError> {
    let Some(t) = ticket::verify(state, ticket_text) else {
        return Ok(start_again());
    };
    let id = t.sub.clone();
    let user = db::run(state, move |conn| users::get(conn, &id)).await?;
    let Some(user) = user
        .filter(|u| !u.disabled && u.token_generation == t.generation && !u.locked_at(now_utc()))
    else {
        return Ok(start_again());
    };
    match t.stage {
        Stage::Code => {
            if user.totp_secret.is_none() {
                return Ok(start_again());
            }
            if second_factor::check(state, info, &user, code).await? {
                return Ok(to_client(
                    authorize::issue_code(state, info, request, &user).await?,
                ));
            }
            Ok(html(
                StatusCode::OK,
                page::second_factor(request, csrf, ticket_text, Some(WRONG_CODE)),
            ))
        }
        Stage::Enrol => enrol_step(state, info, request, csrf, &t, &user, code).await,
        Stage::Continue if user.totp_secret.is_some() => Ok(to_client(
            authorize::issue_code(state, info, request, &user).await?,
        )),
        Stage::Continue => Ok(start_again()),
    }
}

/// The enrolment step: the code of the new secret checked, then the recovery codes shown once.
async fn enrol_step(
    state: &web::Data<AppState>,
    info: &RequestInfo,
    request: &AuthorizationRequest,
    csrf: &str,
    t: &ticket::Ticket,
    user: &User,
    code: &str,
) -> Result<HttpResponse, ApiError> {
    let Some(secret) = t.secret.as_deref().and_then(TotpSecret::from_base32) else {
        return Ok(start_again());
    };
    match second_factor::enrol(state, info, user, &secret, code).await? {
        Some(codes) => {
            let next = ticket::issue(
                state,
                &user.id,
                user.token_generation,
                Stage::Continue,
                None,
            )?;
            Ok(html(
                StatusCode::OK,
                page::recovery_codes(request, csrf, &next, &codes),
            ))
        }
        None => enrol_page(
            state,
            request,
            csrf,
            user,
            &secret.to_base32(),
            Some(WRONG_CODE),
        ),
    }
}
