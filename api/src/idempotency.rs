//! `Idempotency-Key` on every POST (API.md, "Conventions"): a retry with the same key and body
//! gets the first response again (`Idempotent-Replayed: true`); the same key with another body
//! is 422. Keys belong to the caller (its bearer token's subject, or the client address for
//! anonymous calls) and the route, so two callers never see each other's answers.
//!
//! The public intake stores its key inside its own transaction, so that two concurrent
//! identical notifications create one; it is not handled here. Here the record is stored after
//! a successful answer: a retry that races the first request may run twice, which the
//! workflow's stage checks make harmless. POSTs that answer a secret (`/clients`) keep no
//! answer: a replay of their key is 409.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError, web};
use futures_util::StreamExt;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::idempotency;
use leder_persistence::rows::cases::IdempotencyRow;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;

/// What an `Idempotency-Key` must look like: 1 to 255 visible ASCII characters, spaces allowed
/// inside. The contract states it on every POST that takes one ([`crate::openapi`]).
pub const KEY_PATTERN: &str = "^[!-~]([ -~]{0,253}[!-~])?$";

/// The longest `Idempotency-Key`.
pub const KEY_MAX_LENGTH: usize = 255;

/// The request's `Idempotency-Key`: none, or one that fits [`KEY_PATTERN`]; anything else is a
/// 400 naming the header (never silently ignored).
pub fn key_of(headers: &header::HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let bytes = value.as_bytes();
    let fits = !bytes.is_empty()
        && bytes.len() <= KEY_MAX_LENGTH
        && bytes.iter().all(|b| (b' '..=b'~').contains(b))
        && bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ');
    match (fits, value.to_str()) {
        (true, Ok(key)) => Ok(Some(key.to_owned())),
        _ => Err(ApiError::bad_field(
            "Idempotency-Key",
            "invalid_idempotency_key",
            "must be 1 to 255 visible ASCII characters",
        )),
    }
}

/// Routes that handle the key themselves, or must not replay.
fn handled_elsewhere(path: &str) -> bool {
    path == "/api/v1/notifications" || path == "/api/v1/auth/token"
}

/// SHA-256 of a request body in hex: what an idempotency record compares a retry with.
pub fn sha256_hex(bytes: &[u8]) -> String {
    leder_domain::hex::encode(&Sha256::digest(bytes))
}

/// The middleware function (registered with `actix_web::middleware::from_fn`).
pub async fn idempotent(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let path = req.path().to_owned();
    if req.method() != Method::POST || handled_elsewhere(&path) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let key = match key_of(req.headers()) {
        Ok(Some(key)) => key,
        Ok(None) => return Ok(next.call(req).await?.map_into_boxed_body()),
        Err(e) => return Ok(req.into_response(e.error_response())),
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // Read the body, then give it back to the handler.
    let limit = req
        .app_data::<crate::extract::BodyLimit>()
        .map_or(crate::config::DEFAULT_BODY_LIMIT, |l| l.0);
    let mut body = Vec::new();
    let mut payload = req.take_payload();
    while let Some(chunk) = payload.next().await {
        match chunk {
            Ok(c) if body.len() + c.len() > limit => {
                return Ok(req.into_response(ApiError::PayloadTooLarge { limit }.error_response()));
            }
            Ok(c) => body.extend_from_slice(&c),
            Err(e) => return Err(e.into()),
        }
    }
    req.set_payload(actix_web::dev::Payload::from(actix_web::web::Bytes::from(
        body.clone(),
    )));
    let who = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| sha256_hex(v.as_bytes()))
        .or_else(|| req.peer_addr().map(|a| a.ip().to_string()))
        .unwrap_or_default();
    let scope = format!("POST {path} {who}");
    let hash = sha256_hex(&body);
    let lookup_scope = scope.clone();
    let lookup_key = key.clone();
    let found = crate::db::run(&state, move |conn| {
        idempotency::find(conn, &lookup_scope, &lookup_key)
    })
    .await;
    match found {
        Ok(Some(row))
            if (path == "/api/v1/clients" || path == "/api/v1/webhooks")
                || row.request_hash != hash =>
        {
            let e = if row.request_hash != hash {
                ApiError::invalid_field(
                    "Idempotency-Key",
                    "idempotency_key_reused",
                    "this key was used with a different body",
                )
            } else {
                ApiError::Conflict(
                    "this request answered a secret, which is not kept: it cannot be replayed"
                        .into(),
                )
            };
            return Ok(req.into_response(e.error_response()));
        }
        Ok(Some(row)) => {
            let status = StatusCode::from_u16(u16::try_from(row.status).unwrap_or(200))
                .unwrap_or(StatusCode::OK);
            let mut res = HttpResponse::build(status);
            res.insert_header(("Idempotent-Replayed", "true"));
            if let Ok(headers) =
                serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&row.headers)
            {
                for (k, v) in headers {
                    if let Some(v) = v.as_str() {
                        res.insert_header((k, v.to_owned()));
                    }
                }
            }
            return Ok(req.into_response(res.body(row.body)));
        }
        Ok(None) => {}
        Err(e) => return Ok(req.into_response(e.error_response())),
    }
    let res = next.call(req).await?;
    if !res.status().is_success() {
        return Ok(res.map_into_boxed_body());
    }
    // Keep the first successful answer (not a secret's: /clients keeps only the key).
    let status = res.status();
    let mut kept = serde_json::Map::new();
    for name in [header::CONTENT_TYPE, header::ETAG, header::LOCATION] {
        if let Some(v) = res.headers().get(&name).and_then(|v| v.to_str().ok()) {
            kept.insert(name.to_string(), serde_json::Value::String(v.to_owned()));
        }
    }
    let (http_req, http_res) = res.into_parts();
    let (head, body) = http_res.into_parts();
    let bytes = actix_web::body::to_bytes(body).await.unwrap_or_default();
    let stored_body = if path == "/api/v1/clients" || path == "/api/v1/webhooks" {
        String::new()
    } else {
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let row = IdempotencyRow {
        scope,
        idempotency_key: key,
        request_hash: hash,
        status: i64::from(status.as_u16()),
        headers: serde_json::Value::Object(kept).to_string(),
        body: stored_body,
        created_at: now_utc(),
    };
    if let Err(e) = crate::db::run(&state, move |conn| idempotency::insert(conn, &row)).await {
        // A racing retry stored first: this answer stands; nothing is lost.
        log::info!("idempotency record not stored: {e}");
    }
    let res = head.set_body(bytes).map_into_boxed_body();
    Ok(ServiceResponse::new(http_req, res))
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};

    use super::key_of;

    fn with(value: &[u8]) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            HeaderName::from_static("idempotency-key"),
            HeaderValue::from_bytes(value).unwrap(),
        );
        h
    }

    #[test]
    fn a_key_is_1_to_255_visible_ascii_characters() {
        assert_eq!(key_of(&HeaderMap::new()).unwrap(), None);
        assert_eq!(key_of(&with(b"a b-1")).unwrap().as_deref(), Some("a b-1"));
        assert!(key_of(&with(&[b'k'; 255])).unwrap().is_some());
        for bad in [&b""[..], &[b'k'; 256], "caf\u{e9}".as_bytes(), b"a\tb"] {
            assert!(key_of(&with(bad)).is_err());
        }
    }
}
