//! Webhook subscriptions of an ICB, for its lead and its machine clients.

use actix_web::{HttpResponse, delete, get, post, web};
use leder_domain::review::EventType;
use leder_domain::workflow::Role;
use leder_persistence::records::webhooks as records;
use leder_persistence::repo::webhooks as repo;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::db;
use crate::dto::utc;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;
use crate::webhooks::{check_target, new_secret};

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_webhook)
        .service(list_webhooks)
        .service(delete_webhook)
        .service(resume_webhook)
        .service(list_deliveries);
}

/// Every event a subscription may ask for: the domain's one list of them.
fn event_types() -> Vec<&'static str> {
    EventType::ALL.iter().map(|t| t.as_str()).collect()
}

/// A new subscription.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://ics.example.nhs.uk/leder", "event_types": ["review.created", "review.status_changed"]}))]
pub struct NewWebhook {
    /// Where to deliver: https to a public host. Plain http, and internal addresses or names
    /// (loopback, private, shared, `localhost`, single labels), only for hosts listed in
    /// `LEDER_WEBHOOK_ALLOWED_HOSTS`; link-local and cloud metadata addresses never. A name is
    /// checked again, when delivering, against every address it resolves to.
    #[validate(length(min = 1, max = 2000, message = "must have 1 to 2000 characters"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub url: String,
    /// Which event types (empty: all).
    #[serde(default)]
    #[schema(schema_with = event_types_schema)]
    pub event_types: Vec<String>,
}

/// `event_types` in the contract: an array of [`event_types`], the list the handler checks.
fn event_types_schema() -> utoipa::openapi::schema::Array {
    let mut item = utoipa::openapi::schema::Object::with_type(utoipa::openapi::Type::String);
    item.enum_values = Some(event_types().into_iter().map(Into::into).collect());
    let mut array = utoipa::openapi::schema::Array::new(item);
    array.unique_items = true;
    array.max_items = Some(event_types().len());
    array.description = Some("Which event types, each once (empty: all).".to_owned());
    array
}

/// A subscription just created: the secret is shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookCreated {
    /// The `whsec_` signing secret: verify `webhook-signature` with it. Not shown again.
    pub secret: String,
    /// The subscription.
    #[serde(flatten)]
    pub webhook: Webhook,
}

/// A subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct Webhook {
    /// Id.
    pub id: String,
    /// Target URL.
    pub url: String,
    /// Event types (empty: all).
    pub event_types: Vec<String>,
    /// `active` or `paused`.
    pub status: String,
    /// Why it is paused.
    pub paused_reason: Option<String>,
    /// Failed attempts in a row.
    pub consecutive_failures: i64,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

impl From<records::Webhook> for Webhook {
    fn from(w: records::Webhook) -> Self {
        Webhook {
            event_types: w
                .event_types
                .iter()
                .map(|t| t.as_str().to_owned())
                .collect(),
            id: w.id,
            url: w.url,
            status: w.status,
            paused_reason: w.paused_reason,
            consecutive_failures: w.consecutive_failures,
            created_at: utc(w.created_at),
        }
    }
}

/// Subscriptions of the caller's ICB.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    /// Oldest first.
    pub items: Vec<Webhook>,
}

/// One delivery attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct Delivery {
    /// Id.
    pub id: String,
    /// The event (the `webhook-id` header).
    pub event_id: String,
    /// Attempt number for this event.
    pub attempt: i64,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub attempted_at: time::OffsetDateTime,
    /// A 2xx answer came back.
    pub succeeded: bool,
    /// The HTTP status, if any.
    pub status_code: Option<i64>,
    /// What went wrong.
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: i64,
}

impl From<records::Delivery> for Delivery {
    fn from(d: records::Delivery) -> Self {
        Delivery {
            id: d.id,
            event_id: d.event_id,
            attempt: d.attempt,
            attempted_at: utc(d.attempted_at),
            succeeded: d.succeeded,
            status_code: d.status_code,
            error: d.error,
            duration_ms: d.duration_ms,
        }
    }
}

/// Delivery attempts, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    /// Newest first (at most 200).
    pub items: Vec<Delivery>,
}

fn org_of(caller: &Caller) -> Result<String, ApiError> {
    caller.require(&[Role::IcsLead, Role::Integration])?;
    caller
        .organisation
        .clone()
        .ok_or_else(|| ApiError::Forbidden("no ICB".into()))
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
    let org = org_of(&caller)?;
    let w = body.0;
    check_target(&w.url, &state.config.webhook_allowed_hosts)
        .map_err(|m| ApiError::invalid_field("url", "target_not_allowed", m))?;
    let new = records::NewWebhook {
        event_types: parse_event_types(&w.event_types)?,
        organisation: org,
        url: w.url,
        secret: new_secret(),
        created_by: caller.id.clone(),
    };
    let secret = new.secret.clone();
    let audited = state
        .audit
        .audited(caller.audit_entry(&info, "create", "success"));
    let hook = db::run(&state, move |conn| repo::create(conn, new, &audited)).await?;
    Ok(HttpResponse::Created()
        .insert_header(("cache-control", "no-store"))
        .json(WebhookCreated {
            secret,
            webhook: hook.into(),
        }))
}

/// The event types a subscription names, each known and named once.
fn parse_event_types(names: &[String]) -> Result<Vec<EventType>, ApiError> {
    let mut types = Vec::with_capacity(names.len());
    for t in names {
        let Ok(parsed) = EventType::parse(t) else {
            return Err(ApiError::invalid_field(
                "event_types",
                "unknown_event_type",
                format!("`{t}` is not one of {}", event_types().join(", ")),
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
    let org = org_of(&caller)?;
    let rows = db::run(&state, move |conn| repo::list(conn, &org)).await?;
    Ok(web::Json(WebhookList {
        items: rows.into_iter().map(Webhook::from).collect(),
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
    let org = org_of(&caller)?;
    let id = id.into_inner();
    let audited = state
        .audit
        .audited(caller.audit_entry(&info, "delete", "success"));
    let done = db::run(&state, move |conn| {
        repo::set_status(conn, &id, &org, "deleted", &audited)
    })
    .await?;
    if done {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound)
    }
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
    let org = org_of(&caller)?;
    let id = id.into_inner();
    let audited = state
        .audit
        .audited(caller.audit_entry(&info, "resume", "success"));
    let row = db::run(&state, move |conn| {
        repo::set_status(conn, &id, &org, "active", &audited)?;
        repo::get(conn, &id, &org)
    })
    .await?
    .ok_or(ApiError::NotFound)?;
    Ok(web::Json(row.into()))
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
    let org = org_of(&caller)?;
    let id = id.into_inner();
    let rows = db::run(&state, move |conn| {
        if repo::get(conn, &id, &org)?.is_none() {
            return Ok(None);
        }
        repo::deliveries(conn, &id, 200).map(Some)
    })
    .await?
    .ok_or(ApiError::NotFound)?;
    Ok(web::Json(DeliveryList {
        items: rows.into_iter().map(Delivery::from).collect(),
    }))
}
