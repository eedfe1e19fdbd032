//! One keyed POST through its route's [`Idempotency`] policy: check the caller, reserve the
//! key, run the handler, keep (or release) the key; or answer a retry from what was kept.

use leder_domain::audit::{AuditAction, AuditOutcome};
use std::rc::Rc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use leder_persistence::records::cases::IdempotencyRecord;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::audit::NewAuditEntry;
use leder_persistence::repo::idempotency::{self, Cutoffs, PENDING, Reservation};

use super::held::Held;
use super::{ABANDONED_AFTER, Idempotency, RETENTION, ago, key_of, sha256_hex};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::auth::caller::{authenticate, bearer};
use crate::error::ApiError;
use crate::state::AppState;

/// Who a key belongs to.
enum Principal {
    /// An authenticated user or client, as the account stands now.
    Caller(Caller),
    /// No token: the client address.
    Anonymous(String),
}

impl Principal {
    /// The principal's part of a key's scope: its id with its roles and ICB, so that a changed
    /// account does not inherit answers it might no longer be given.
    fn scope(&self) -> String {
        match self {
            Principal::Caller(c) => format!(
                "{}:{} [{}] {}",
                c.kind.as_str(),
                c.id,
                c.roles_text(),
                c.organisation.as_deref().unwrap_or("-")
            ),
            Principal::Anonymous(address) => format!("anonymous:{address}"),
        }
    }

    /// The audit entry of a replay.
    fn replay_entry(&self, info: &RequestInfo) -> NewAuditEntry {
        match self {
            Principal::Caller(c) => c.audit_entry(info, AuditAction::Replay, AuditOutcome::Success),
            Principal::Anonymous(_) => {
                info.anonymous_entry(AuditAction::Replay, AuditOutcome::Success)
            }
        }
    }
}

/// The caller, checked as [`Caller`]'s extractor checks it: with an `Authorization` header the
/// token must be valid and its account active (else 401); without one, the client address.
async fn principal(
    state: &AppState,
    req: &HttpRequest,
    info: &RequestInfo,
) -> Result<Principal, ApiError> {
    if req.headers().contains_key(header::AUTHORIZATION) {
        authenticate(state, bearer(req))
            .await
            .map(Principal::Caller)
    } else {
        Ok(Principal::Anonymous(
            info.client_address.clone().unwrap_or_default(),
        ))
    }
}

/// Reads the body (within the body limit), then gives it back for the handler.
async fn take_body(req: &mut ServiceRequest) -> Result<Vec<u8>, actix_web::Error> {
    let limit = req
        .app_data::<crate::extract::BodyLimit>()
        .map_or(crate::config::DEFAULT_BODY_LIMIT, |l| l.0);
    let mut body = Vec::new();
    let mut payload = req.take_payload();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit }.into());
        }
        body.extend_from_slice(&chunk);
    }
    req.set_payload(actix_web::dev::Payload::from(web::Bytes::from(
        body.clone(),
    )));
    Ok(body)
}

/// Runs one POST under `policy`.
pub(super) async fn handle<S, B>(
    policy: Idempotency,
    mut req: ServiceRequest,
    service: Rc<S>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let key = match key_of(req.headers()) {
        Ok(key) => key,
        Err(e) => return Ok(req.error_response(e)),
    };
    let (
        Some(key),
        Some(state),
        Idempotency::Replay | Idempotency::ReplayCase | Idempotency::NoReplay,
    ) = (key, state, policy)
    else {
        return Ok(service.call(req).await?.map_into_boxed_body());
    };
    if req.method() != Method::POST {
        return Ok(service.call(req).await?.map_into_boxed_body());
    }
    let info = RequestInfo::extract(req.request()).await?;
    let who = match principal(&state, req.request(), &info).await {
        Ok(who) => who,
        Err(e) => return Ok(req.error_response(e)),
    };
    let body = match take_body(&mut req).await {
        Ok(body) => body,
        Err(e) => return Ok(req.error_response(e)),
    };
    let claim = IdempotencyRecord {
        scope: format!("POST {} {}", req.path(), who.scope()),
        idempotency_key: key,
        request_hash: sha256_hex(&body),
        status: PENDING,
        headers: "{}".into(),
        body: String::new(),
        created_at: now_utc(),
    };
    let cutoffs = Cutoffs {
        expired_before: ago(RETENTION),
        abandoned_before: ago(ABANDONED_AFTER),
    };
    let wanted = claim.clone();
    let reserved = crate::db::run(&state, move |conn| {
        idempotency::reserve(conn, &wanted, cutoffs)
    })
    .await;
    match reserved {
        Ok(Reservation::Reserved) => {}
        Ok(Reservation::Taken(found)) => {
            let answer = retry(policy, &state, &who, &info, req.request(), &claim, found).await;
            return Ok(match answer {
                Ok(res) => req.into_response(res),
                Err(e) => req.error_response(e),
            });
        }
        Err(e) => return Ok(req.error_response(e)),
    }
    let held = Held::new(state.clone(), claim.scope, claim.idempotency_key);
    let res = match service.call(req).await {
        Ok(res) => res,
        Err(e) => {
            held.release().await;
            return Err(e);
        }
    };
    if !res.status().is_success() {
        held.release().await;
        return Ok(res.map_into_boxed_body());
    }
    let status = res.status();
    let mut kept = serde_json::Map::new();
    if policy == Idempotency::Replay {
        for name in [header::CONTENT_TYPE, header::ETAG, header::LOCATION] {
            if let Some(v) = res.headers().get(&name).and_then(|v| v.to_str().ok()) {
                kept.insert(name.to_string(), serde_json::Value::String(v.to_owned()));
            }
        }
    }
    let (http_req, http_res) = res.into_parts();
    let (head, body) = http_res.into_parts();
    let Ok(bytes) = actix_web::body::to_bytes(body).await else {
        held.release().await;
        return Err(ApiError::internal("the answer's body could not be read").into());
    };
    let stored_body = match policy {
        Idempotency::Replay => String::from_utf8_lossy(&bytes).into_owned(),
        _ => String::new(),
    };
    held.complete(
        i64::from(status.as_u16()),
        serde_json::Value::Object(kept).to_string(),
        stored_body,
    )
    .await;
    let res = head.set_body(bytes).map_into_boxed_body();
    Ok(ServiceResponse::new(http_req, res))
}

/// The answer to a request whose key another request holds or held.
async fn retry(
    policy: Idempotency,
    state: &AppState,
    who: &Principal,
    info: &RequestInfo,
    req: &HttpRequest,
    claim: &IdempotencyRecord,
    found: IdempotencyRecord,
) -> Result<HttpResponse, ApiError> {
    if found.request_hash != claim.request_hash {
        return Err(ApiError::invalid_field(
            "Idempotency-Key",
            "idempotency_key_reused",
            "this key was used with a different body",
        ));
    }
    if found.status == PENDING {
        return Err(ApiError::IdempotencyKeyInUse);
    }
    let status = u16::try_from(found.status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .ok_or_else(|| {
            ApiError::internal(format!(
                "idempotency record {} {}: stored status {} is not one",
                found.scope, found.idempotency_key, found.status
            ))
        })?;
    match (policy, who) {
        (Idempotency::Replay, _) => {
            state.audit.record(who.replay_entry(info)).await?;
            replay(status, &found)
        }
        (Idempotency::ReplayCase, Principal::Caller(caller)) => {
            let id = req
                .match_info()
                .get("id")
                .ok_or_else(|| ApiError::internal("a case route without {id}"))?
                .to_owned();
            let case = crate::app::reviews::load(state, caller, id).await?;
            let read = [(case.id.clone(), case.organisation.as_str().to_owned())];
            crate::app::reviews::audit_reads(state, caller, info, AuditAction::Replay, &read)
                .await?;
            Ok(HttpResponse::build(status)
                .insert_header(("Idempotent-Replayed", "true"))
                .insert_header((header::ETAG, crate::dto::etag(case.version)))
                .json(crate::cases::render(
                    &case,
                    crate::clock::today_in_england(),
                )))
        }
        (Idempotency::ReplayCase, Principal::Anonymous(_)) => Err(ApiError::Unauthorized),
        (Idempotency::NoReplay | Idempotency::OwnTransaction, _) => Err(ApiError::Conflict(
            "this request answered a secret, which is not kept: it cannot be replayed".into(),
        )),
    }
}

/// The kept answer, as it was first given.
fn replay(status: StatusCode, found: &IdempotencyRecord) -> Result<HttpResponse, ApiError> {
    let headers: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&found.headers)
        .map_err(|e| {
            ApiError::internal(format!(
                "idempotency record {} {}: stored headers do not parse: {e}",
                found.scope, found.idempotency_key
            ))
        })?;
    let mut res = HttpResponse::build(status);
    res.insert_header(("Idempotent-Replayed", "true"));
    for (name, value) in headers {
        if let Some(value) = value.as_str() {
            res.insert_header((name, value.to_owned()));
        }
    }
    Ok(res.body(found.body.clone()))
}
