//! Cross-cutting response handling, in one middleware so its order is plain:
//! metrics by route pattern, security headers on every response, and a problem+json body for
//! any error response that left a handler or actix itself without one (so a client never has to
//! parse two error formats).

use std::time::Instant;

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use crate::error::{PROBLEM_JSON, problem_bytes, problem_for_status};

use crate::state::AppState;

/// Headers a problem body must not lose when it replaces another body.
const KEPT_ON_REPLACE: [HeaderName; 3] =
    [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE];

/// Refuses a request whose path holds a control character once percent-decoded (400 naming
/// `path`), before any route sees it: no id, code or name has one, and PostgreSQL cannot even
/// compare a text holding a NUL.
pub async fn refuse_control_characters_in_path(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if decoded_has_control(req.path()) {
        let e = crate::error::ApiError::bad_field(
            "path",
            "control_character",
            "the path must not contain control characters",
        );
        return Ok(req.into_response(actix_web::ResponseError::error_response(&e)));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Whether a percent-encoded path decodes to text with a control character (or to bytes that
/// are not UTF-8, which no route takes either).
fn decoded_has_control(path: &str) -> bool {
    if !path.contains('%') {
        return path.chars().any(char::is_control);
    }
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(u8::try_from(hi * 16 + lo).unwrap_or(0));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_or(true, |text| text.chars().any(char::is_control))
}

/// Answers `HEAD` wherever `GET` is answered (RFC 9110 9.3.2): the request is routed as a `GET`
/// and the body is left unsent. The connection already knows the request was a `HEAD`, so the
/// headers (`Content-Length` included) are those of the `GET`, and no body goes on the wire; a
/// streamed body is dropped here so that it is not even produced.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let head = req.method() == Method::HEAD;
    if head {
        req.head_mut().method = Method::GET;
    }
    let res = next.call(req).await?.map_into_boxed_body();
    if head && matches!(res.response().body().size(), BodySize::Stream) {
        return Ok(res.map_body(|_, _| BoxBody::new(())));
    }
    Ok(res)
}

/// The middleware function (registered with `actix_web::middleware::from_fn`).
pub async fn finish(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let api_path = req.path().starts_with("/api/");
    let res = next.call(req).await?;
    let status = res.status();
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    // Bodies that are already structured (problem+json, OAuth's JSON errors, or the pages of
    // the browser sign-in flow) stay; actix's own plain-text or empty error bodies are replaced.
    let unstructured = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    let mut res = if (status.is_client_error() || status.is_server_error()) && unstructured {
        let (request, old) = res.into_parts();
        let mut builder = HttpResponse::build(status);
        for name in KEPT_ON_REPLACE {
            if let Some(v) = old.headers().get(&name) {
                builder.insert_header((name, v.clone()));
            }
        }
        builder.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        let body = builder.body(problem_bytes(&problem_for_status(status)));
        ServiceResponse::new(request, body)
    } else {
        res.map_into_boxed_body()
    };
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if api_path || status.is_client_error() || status.is_server_error() {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(state) = state {
        state
            .metrics
            .observe(&method, &route, status.as_u16(), started.elapsed());
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::decoded_has_control;

    #[test]
    fn control_characters_are_found_however_they_are_encoded() {
        assert!(decoded_has_control("/api/v1/organisations/Q%00P"));
        assert!(decoded_has_control("/api/v1/organisations/Q%1bP"));
        assert!(decoded_has_control("/api/v1/organisations/Q%C2%85P"));
        assert!(decoded_has_control("/api/v1/organisations/Q%FFP"));
        assert!(!decoded_has_control("/api/v1/organisations/QOP"));
        assert!(!decoded_has_control("/api/v1/organisations/Q%20P%25"));
    }
}
