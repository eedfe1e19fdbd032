//! Webhook subscriptions, their delivery attempts and the change feed (API.md, "For case
//! systems"). Event types and statuses are the domain's own enums, with their schemas.

use leder_domain::WireName;
use leder_domain::review::EventType;
use leder_domain::subscriptions::WebhookStatus;
use leder_persistence::records::webhooks as records;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{utc, wire};

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
    /// Which event types, each once (empty: all). Read as text so that an unknown or repeated
    /// name is a 422 naming `event_types`, as the contract says.
    #[serde(default)]
    #[schema(schema_with = event_types_schema)]
    pub event_types: Vec<String>,
}

/// `event_types` in the contract: each an [`EventType`], each once.
fn event_types_schema() -> utoipa::openapi::schema::Array {
    let mut array = wire::schema::list::<EventType>();
    array.unique_items = true;
    array.max_items = Some(EventType::every().len());
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
    #[serde(with = "wire::list")]
    #[schema(schema_with = wire::schema::list::<EventType>)]
    pub event_types: Vec<EventType>,
    /// Active or paused (a deleted subscription is never listed).
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<WebhookStatus>)]
    pub status: WebhookStatus,
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
            event_types: w.event_types,
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

/// One change of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Event {
    /// Event id.
    pub id: String,
    /// What happened.
    #[serde(rename = "type", with = "wire")]
    #[schema(schema_with = wire::schema::named::<EventType>)]
    pub event_type: EventType,
    /// The review's (or action's) id.
    pub subject_id: String,
    /// The review's reference.
    pub reference: String,
    /// When it happened.
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: time::OffsetDateTime,
    /// Payload version (1).
    pub version: i64,
    /// The subject's new state.
    pub data: serde_json::Value,
}

impl From<records::Event> for Event {
    fn from(e: records::Event) -> Self {
        Event {
            id: e.id,
            event_type: e.event_type,
            subject_id: e.subject_id,
            reference: e.reference,
            occurred_at: utc(e.occurred_at),
            version: e.payload_version,
            data: e.data,
        }
    }
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    /// Events in commit order.
    pub items: Vec<Event>,
    /// Always present: poll again with it (even when `items` is empty).
    pub next_cursor: String,
}
