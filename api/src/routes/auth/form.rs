//! Reading the form-encoded bodies of the OAuth endpoints (token, revocation, sign-in page).

use std::collections::HashMap;

use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::dto::identity::OAuthError;
use crate::error::ApiError;
use crate::extract::{BodyLimit, read_body};

/// An OAuth error answer (RFC 6749 section 5.2), never cached.
pub fn oauth_error(status: StatusCode, error: &'static str, description: &str) -> HttpResponse {
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

/// HTTP Basic client credentials, if sent.
pub fn basic_credentials(req: &HttpRequest) -> Option<(String, String)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// The known fields of a form-encoded body: 415 for another media type; `Ok(Err(why))` for a
/// body that is not a form, or whose known fields carry control characters or come twice (RFC
/// 6749 section 3.1: parameters must not be sent twice). Empty values read as absent; unknown
/// parameters are ignored.
pub async fn read_form(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<Result<HashMap<String, String>, &'static str>, ApiError> {
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
            "send the request as application/x-www-form-urlencoded".into(),
        ));
    }
    let limit = req
        .app_data::<BodyLimit>()
        .map_or(crate::config::DEFAULT_BODY_LIMIT, |l| l.0);
    let mut inner: Payload = payload.into_inner();
    let body = read_body(req, &mut inner, limit).await?;
    Ok(pairs(&body))
}

/// Every parameter the OAuth endpoints read. Others are ignored, as RFC 6749 section 3.1
/// requires of unrecognised parameters.
const KNOWN: [&str; 22] = [
    "grant_type",
    "username",
    "password",
    "client_id",
    "client_secret",
    "scope",
    "code",
    "redirect_uri",
    "code_verifier",
    "refresh_token",
    "otp",
    "token",
    "token_type_hint",
    "response_type",
    "state",
    "code_challenge",
    "code_challenge_method",
    "csrf",
    "ticket",
    "client_assertion_type",
    "client_assertion",
    "federate",
];

/// The known fields of a query string or form body, as [`read_form`] reads them.
pub fn pairs(text: &[u8]) -> Result<HashMap<String, String>, &'static str> {
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(text) else {
        return Err("the body is not form-encoded");
    };
    let pairs = pairs
        .into_iter()
        .filter(|(k, _)| KNOWN.contains(&k.as_str()));
    let mut form = HashMap::new();
    for (k, v) in pairs {
        // As the contract's free-text pattern: a tab or line break is text, no other control.
        if v.chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        {
            return Err("the request must not contain control characters");
        }
        if v.is_empty() {
            continue;
        }
        if form.insert(k, v).is_some() {
            return Err("a parameter was sent more than once");
        }
    }
    Ok(form)
}
