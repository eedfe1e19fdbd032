//! The change feed's events, webhook subscriptions and their delivery attempts as the rest of
//! leder reads them.

use leder_domain::review::EventType;
use leder_domain::subscriptions::WebhookStatus;
use time::PrimitiveDateTime;

use crate::error::PersistenceError;
use crate::rows::cases::EventRow;
use crate::rows::webhooks::{DeliveryRow, WebhookRow};
use crate::stored::lists::corrupt;

/// One event of an ICB's change feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The ICB whose feed it is in.
    pub organisation: String,
    /// Position in that feed (commit order).
    pub seq: i64,
    /// Id (the `webhook-id` header).
    pub id: String,
    /// What happened.
    pub event_type: EventType,
    /// The review (or action) id.
    pub subject_id: String,
    /// The review's reference.
    pub reference: String,
    /// When (UTC).
    pub occurred_at: PrimitiveDateTime,
    /// Payload version.
    pub payload_version: i64,
    /// The subject's state then.
    pub data: serde_json::Value,
}

impl Event {
    /// Whether the event is about a review (and so carries identifiable data).
    pub fn is_about_a_review(&self) -> bool {
        self.event_type != EventType::ActionChanged
    }
}

impl TryFrom<EventRow> for Event {
    type Error = PersistenceError;

    fn try_from(row: EventRow) -> Result<Self, Self::Error> {
        let key = format!("{}:{}", row.organisation, row.seq);
        let event_type = EventType::parse(&row.event_type)
            .map_err(|e| corrupt("events", &key, "event_type")(e.to_string()))?;
        let data = serde_json::from_str(&row.data)
            .map_err(|e| corrupt("events", &key, "data")(e.to_string()))?;
        Ok(Event {
            organisation: row.organisation,
            seq: row.seq,
            id: row.id,
            event_type,
            subject_id: row.subject_id,
            reference: row.reference,
            occurred_at: row.occurred_at,
            payload_version: row.payload_version,
            data,
        })
    }
}

/// A webhook subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Id.
    pub id: String,
    /// Its ICB.
    pub organisation: String,
    /// Where events are sent.
    pub url: String,
    /// The events wanted (none: every event).
    pub event_types: Vec<EventType>,
    /// The signing secret (`whsec_…`).
    pub secret: String,
    /// Active, paused or deleted.
    pub status: WebhookStatus,
    /// Why it is paused.
    pub paused_reason: Option<String>,
    /// The last event delivered or skipped.
    pub last_seq: i64,
    /// Failed attempts in a row.
    pub consecutive_failures: i64,
    /// When the next attempt is due (UTC), after a failure.
    pub next_attempt_at: Option<PrimitiveDateTime>,
    /// Who created it.
    pub created_by: String,
    /// Created (UTC).
    pub created_at: PrimitiveDateTime,
}

impl Webhook {
    /// Whether the subscription wants events of `event_type`.
    pub fn wants(&self, event_type: EventType) -> bool {
        self.event_types.is_empty() || self.event_types.contains(&event_type)
    }
}

impl TryFrom<WebhookRow> for Webhook {
    type Error = PersistenceError;

    fn try_from(row: WebhookRow) -> Result<Self, Self::Error> {
        Ok(Webhook {
            event_types: row.event_type_list()?,
            status: row.status()?,
            id: row.id,
            organisation: row.organisation,
            url: row.url,
            secret: row.secret,
            paused_reason: row.paused_reason,
            last_seq: row.last_seq,
            consecutive_failures: row.consecutive_failures,
            next_attempt_at: row.next_attempt_at,
            created_by: row.created_by,
            created_at: row.created_at,
        })
    }
}

/// A new subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhook {
    /// Its ICB.
    pub organisation: String,
    /// Where events are sent (already judged a public address).
    pub url: String,
    /// The events wanted, each once (none: every event).
    pub event_types: Vec<EventType>,
    /// The signing secret.
    pub secret: String,
    /// Who creates it.
    pub created_by: String,
}

/// One attempt to deliver an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Id.
    pub id: String,
    /// The subscription.
    pub webhook_id: String,
    /// The event.
    pub event_id: String,
    /// The event's position in its feed.
    pub event_seq: i64,
    /// Attempt number for this event.
    pub attempt: i64,
    /// When (UTC).
    pub attempted_at: PrimitiveDateTime,
    /// A 2xx answer came back.
    pub succeeded: bool,
    /// The HTTP status, if any.
    pub status_code: Option<i64>,
    /// What went wrong.
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: i64,
}

impl From<DeliveryRow> for Delivery {
    fn from(row: DeliveryRow) -> Self {
        Delivery {
            id: row.id,
            webhook_id: row.webhook_id,
            event_id: row.event_id,
            event_seq: row.event_seq,
            attempt: row.attempt,
            attempted_at: row.attempted_at,
            succeeded: row.succeeded,
            status_code: row.status_code,
            error: row.error,
            duration_ms: row.duration_ms,
        }
    }
}

impl From<&Delivery> for DeliveryRow {
    fn from(d: &Delivery) -> Self {
        DeliveryRow {
            id: d.id.clone(),
            webhook_id: d.webhook_id.clone(),
            event_id: d.event_id.clone(),
            event_seq: d.event_seq,
            attempt: d.attempt,
            attempted_at: d.attempted_at,
            succeeded: d.succeeded,
            status_code: d.status_code,
            error: d.error.clone(),
            duration_ms: d.duration_ms,
        }
    }
}
