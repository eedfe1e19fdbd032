//! Cross-cutting response handling, in one middleware so its order is plain:
//! metrics by route pattern, security headers on every response, and a problem+json body for
//! any error response that left a handler or actix itself without one (so a client never has to
//! parse two error formats).

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use crate::error::{PROBLEM_JSON, problem_bytes, problem_for_status};

use crate::state::AppState;

/// Headers a problem body must not lose when it replaces another body.
const KEPT_ON_REPLACE: [HeaderName; 3] =
    [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE];

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
    // Bodies that are already structured (problem+json, or OAuth's JSON errors) stay; actix's
    // own plain-text or empty error bodies are replaced.
    let unstructured = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/"));
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
