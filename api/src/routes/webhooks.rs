//! Webhook subscriptions of an ICB, for its lead and its machine clients.

use actix_web::{HttpResponse, delete, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::webhooks as app;
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::dto::webhooks::{
    Delivery, DeliveryList, NewWebhook, Webhook, WebhookCreated, WebhookList,
};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_webhook)
        .service(list_webhooks)
        .service(delete_webhook)
        .service(resume_webhook)
        .service(list_deliveries);
}

/// Subscribe to the ICB's events
///
/// For the ICB's lead and machine clients. Answers the `whsec_` secret this once. Deliveries are
/// signed per Standard Webhooks, in order, at least once, retried with backoff, and paused (with
/// the reason) after repeated failures. Since the secret is not kept, a replayed
/// `Idempotency-Key` answers 409.
#[utoipa::path(
    tag = "events",
    operation_id = "create_webhook",
    security(("bearer" = [])),
    request_body = NewWebhook,
    responses(
        (status = 201, description = "Subscribed; the secret is shown this once", body = WebhookCreated),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 409, response = crate::error::Conflict),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 422, response = crate::error::Unprocessable),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[post("/webhooks", wrap = "crate::idempotency::Idempotency::NoReplay")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    body: ValidatedJson<NewWebhook>,
) -> Result<HttpResponse, ApiError> {
    let (hook, secret) = app::subscribe(&state, &caller, &info, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header(("cache-control", "no-store"))
        .json(WebhookCreated {
            secret,
            webhook: hook.into(),
        }))
}

/// List the ICB's subscriptions
#[utoipa::path(
    tag = "events",
    operation_id = "list_webhooks",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Subscriptions (never their secrets)", body = WebhookList),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<WebhookList>, ApiError> {
    let hooks = app::list(&state, &caller).await?;
    Ok(web::Json(WebhookList {
        items: hooks.into_iter().map(Webhook::from).collect(),
    }))
}

/// Delete a subscription
#[utoipa::path(
    tag = "events",
    operation_id = "delete_webhook",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id")),
    responses(
        (status = 204, description = "Deleted: nothing more is delivered"),
        crate::error::sets::ReadErrors,
    )
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    app::delete(&state, &caller, &info, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Resume a paused subscription
///
/// Clears the failure count; delivery goes on from the first event not yet delivered.
#[utoipa::path(
    tag = "events",
    operation_id = "resume_webhook",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "Active again", body = Webhook),
        crate::error::sets::ReadErrors,
    )
)]
#[post(
    "/webhooks/{id}/resume",
    wrap = "crate::idempotency::Idempotency::Replay"
)]
pub async fn resume_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<web::Json<Webhook>, ApiError> {
    let hook = app::resume(&state, &caller, &info, id.into_inner()).await?;
    Ok(web::Json(hook.into()))
}

/// A subscription's delivery attempts
#[utoipa::path(
    tag = "events",
    operation_id = "list_deliveries",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "Attempts, newest first", body = DeliveryList),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<DeliveryList>, ApiError> {
    let attempts = app::deliveries(&state, &caller, id.into_inner()).await?;
    Ok(web::Json(DeliveryList {
        items: attempts.into_iter().map(Delivery::from).collect(),
    }))
}
