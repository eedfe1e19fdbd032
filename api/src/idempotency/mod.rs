//! `Idempotency-Key` on every POST (API.md, "Conventions"): a retry with the same key and body
//! gets the first answer again (`Idempotent-Replayed: true`); the same key with another body is
//! 422. Each route declares what a replay means, where it is registered
//! (`#[post("..", wrap = "crate::idempotency::Idempotency::Replay")]`), never by path here.
//!
//! Rules, in the order a request meets them:
//! - The caller is checked first, exactly as the handler's [`crate::auth::Caller`] checks it (a
//!   disabled account, a revoked client or an expired token is 401), so nothing is replayed to
//!   someone who could not make the request now.
//! - A key belongs to the principal (the user or client, with its roles and ICB; the client
//!   address when anonymous) and the path, not to a token: a retry after signing in again is
//!   the same request, while an account whose roles changed runs afresh under its new rights.
//! - The key is reserved before the handler runs (a record with status 0 inserted under the
//!   key), so of concurrent retries exactly one runs on either engine; the others get 409
//!   `idempotency-key-in-use` until it has answered. A failed answer (not 2xx) releases the key.
//! - Records expire after [`RETENTION`]: an older key is a new request, and a background task
//!   purges them.
//! - Every replay is audited (action `replay`) before it is answered.
//! - No stored answer identifies a person whose details a later correction could change: where
//!   the answer is a case ([`Idempotency::ReplayCase`]) only the status is kept and a replay
//!   answers the case as it stands now, read under the caller's current scope and audited as a
//!   read. Answers that carry a secret are not kept at all ([`Idempotency::NoReplay`]).
//!
//! The public intake keeps its key inside its own transaction ([`Idempotency::OwnTransaction`]),
//! so that two concurrent identical notifications create one case.

mod flow;
mod held;

use std::rc::Rc;
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::header;
use actix_web::web;
use futures_util::future::{LocalBoxFuture, Ready, ready};
use leder_persistence::reference::now_utc;
use leder_persistence::repo::idempotency;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;

/// What an `Idempotency-Key` must look like: 1 to 255 visible ASCII characters, spaces allowed
/// inside. The contract states it on every POST that takes one ([`crate::openapi`]).
pub const KEY_PATTERN: &str = "^[!-~]([ -~]{0,253}[!-~])?$";

/// The longest `Idempotency-Key`.
pub const KEY_MAX_LENGTH: usize = 255;

/// How long a key is remembered: a retry later than this is a new request.
pub const RETENTION: Duration = Duration::from_secs(24 * 60 * 60);

/// How long a reservation may stay unanswered before it counts as abandoned (its process died
/// mid-request); a dropped request releases its key at once.
pub const ABANDONED_AFTER: Duration = Duration::from_secs(5 * 60);

/// How often expired records are purged.
const PURGE_EVERY: Duration = Duration::from_secs(10 * 60);

/// What a route does with an `Idempotency-Key`: declared where the route is registered, as the
/// `wrap` of its `#[post]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Keep the first successful answer (status, `Content-Type`, `ETag`, `Location`, body) and
    /// replay it. For answers that identify no patient.
    Replay,
    /// The answer is a case (`{id}` in the path): keep only its status; a replay answers the
    /// case as it stands now, read under the caller's current scope and audited as a read, so no
    /// copy of the person's details is kept and none goes stale after a correction.
    ReplayCase,
    /// The answer carries a secret, which is not kept: a replay is 409.
    NoReplay,
    /// The handler keeps its key in its own transaction (the public intake).
    OwnTransaction,
}

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

/// SHA-256 of a request body in hex: what an idempotency record compares a retry with.
pub fn sha256_hex(bytes: &[u8]) -> String {
    leder_domain::hex::encode(&Sha256::digest(bytes))
}

/// The instant `age` ago, in the stored form.
fn ago(age: Duration) -> time::PrimitiveDateTime {
    now_utc() - age
}

impl<S, B> Transform<S, ServiceRequest> for Idempotency
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<BoxBody>;
    type Error = actix_web::Error;
    type Transform = Idempotent<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(Idempotent {
            policy: *self,
            service: Rc::new(service),
        }))
    }
}

/// A route's handler behind its [`Idempotency`] policy.
pub struct Idempotent<S> {
    policy: Idempotency,
    service: Rc<S>,
}

impl<S, B> Service<ServiceRequest> for Idempotent<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<BoxBody>;
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        Box::pin(flow::handle(self.policy, req, Rc::clone(&self.service)))
    }
}

/// Purges expired records now and then, for as long as the server runs.
pub async fn purge_expired(state: web::Data<AppState>) {
    let mut every = actix_web::rt::time::interval(PURGE_EVERY);
    loop {
        every.tick().await;
        let before = ago(RETENTION);
        match crate::db::run(&state, move |conn| idempotency::purge(conn, before)).await {
            Ok(0) => {}
            Ok(n) => log::info!("purged {n} expired idempotency records"),
            Err(e) => log::warn!("idempotency records not purged: {e}"),
        }
    }
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
