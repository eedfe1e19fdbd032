//! Webhook subscriptions of an ICB: who may hold them, what a new one may name, and their
//! status changes, each audited in its own transaction. The routes extract, call these and
//! render.

use leder_domain::WireName;
use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_domain::review::EventType;
use leder_domain::subscriptions::WebhookStatus;
use leder_domain::workflow::Role;
use leder_persistence::records::webhooks::{Delivery, NewWebhook as NewRecord, Webhook};
use leder_persistence::repo::webhooks as repo;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::db;
use crate::dto::webhooks::NewWebhook;
use crate::error::ApiError;
use crate::state::AppState;
use crate::webhooks::{check_target, new_secret};

/// The ICB whose subscriptions the caller manages: its lead's or its machine client's.
pub fn organisation_of(caller: &Caller) -> Result<String, ApiError> {
    caller.require(&[Role::IcsLead, Role::Integration])?;
    caller
        .organisation
        .clone()
        .ok_or_else(|| ApiError::Forbidden("no ICB".into()))
}

/// Subscribes the caller's ICB; answers the subscription and its secret (shown this once).
pub async fn subscribe(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    w: NewWebhook,
) -> Result<(Webhook, String), ApiError> {
    let organisation = organisation_of(caller)?;
    check_target(&w.url, &state.config.webhook_allowed_hosts)
        .map_err(|m| ApiError::invalid_field("url", "target_not_allowed", m))?;
    let new = NewRecord {
        event_types: event_types(&w.event_types)?,
        organisation,
        url: w.url,
        secret: new_secret(),
        created_by: caller.id.clone(),
    };
    let secret = new.secret.clone();
    let audited =
        state
            .audit
            .audited(caller.audit_entry(info, AuditAction::Create, AuditOutcome::Success));
    let hook = db::run(state, move |conn| repo::create(conn, new, &audited)).await?;
    Ok((hook, secret))
}

/// The event types a subscription names, each known and named once.
fn event_types(names: &[String]) -> Result<Vec<EventType>, ApiError> {
    let mut types = Vec::with_capacity(names.len());
    for t in names {
        let Ok(parsed) = EventType::parse(t) else {
            let known: Vec<&str> = EventType::every().iter().map(|e| e.as_str()).collect();
            return Err(ApiError::invalid_field(
                "event_types",
                "unknown_event_type",
                format!("`{t}` is not one of {}", known.join(", ")),
            ));
        };
        if types.contains(&parsed) {
            return Err(ApiError::invalid_field(
                "event_types",
                "duplicate_event_type",
                format!("`{t}` is listed twice: name each event type once"),
            ));
        }
        types.push(parsed);
    }
    Ok(types)
}

/// The subscriptions of the caller's ICB, oldest first.
pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<Webhook>, ApiError> {
    let organisation = organisation_of(caller)?;
    db::run(state, move |conn| repo::list(conn, &organisation)).await
}

/// Deletes a subscription of the caller's ICB: nothing more is delivered to it.
pub async fn delete(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
) -> Result<(), ApiError> {
    set_status(
        state,
        caller,
        info,
        id,
        WebhookStatus::Deleted,
        AuditAction::Delete,
    )
    .await
    .map(|_| ())
}

/// Resumes a paused subscription of the caller's ICB and answers it as it now stands.
pub async fn resume(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
) -> Result<Webhook, ApiError> {
    set_status(
        state,
        caller,
        info,
        id,
        WebhookStatus::Active,
        AuditAction::Resume,
    )
    .await?
    .ok_or(ApiError::NotFound)
}

/// Sets the status of a subscription of the caller's ICB, audited as `action`, and answers it
/// as it now stands (`None` once deleted); 404 when the ICB has no such subscription.
async fn set_status(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    status: WebhookStatus,
    action: AuditAction,
) -> Result<Option<Webhook>, ApiError> {
    let organisation = organisation_of(caller)?;
    let audited = state
        .audit
        .audited(caller.audit_entry(info, action, AuditOutcome::Success));
    db::run(state, move |conn| {
        if !repo::set_status(conn, &id, &organisation, status, &audited)? {
            return Ok(Err(ApiError::NotFound));
        }
        repo::get(conn, &id, &organisation).map(Ok)
    })
    .await?
}

/// The latest delivery attempts (at most 200) of a subscription of the caller's ICB.
pub async fn deliveries(
    state: &AppState,
    caller: &Caller,
    id: String,
) -> Result<Vec<Delivery>, ApiError> {
    let organisation = organisation_of(caller)?;
    db::run(state, move |conn| {
        if repo::get(conn, &id, &organisation)?.is_none() {
            return Ok(None);
        }
        repo::deliveries(conn, &id, 200).map(Some)
    })
    .await?
    .ok_or(ApiError::NotFound)
}
