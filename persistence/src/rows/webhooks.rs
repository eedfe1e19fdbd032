//! Rows of `webhooks` and `webhook_deliveries`.

use diesel::prelude::*;
use leder_domain::review::EventType;
use leder_domain::subscriptions::WebhookStatus;
use time::PrimitiveDateTime;

use crate::error::PersistenceError;
use crate::stored::lists::{corrupt, list_from_column, list_to_column};

use crate::schema::{webhook_deliveries, webhooks};

/// A subscription.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = webhooks)]
pub struct WebhookRow {
    /// Id.
    pub id: String,
    /// The ICB whose events it receives.
    pub organisation: String,
    /// Target URL.
    pub url: String,
    /// Event types as a JSON array (empty: all): read with [`WebhookRow::event_type_list`].
    pub event_types: String,
    /// The `whsec_` signing secret.
    pub secret: String,
    /// `active`, `paused` or `deleted`.
    pub status: String,
    /// Why it was paused.
    pub paused_reason: Option<String>,
    /// Delivered up to this event sequence number.
    pub last_seq: i64,
    /// Failed attempts in a row.
    pub consecutive_failures: i64,
    /// Not before this time (backoff).
    pub next_attempt_at: Option<PrimitiveDateTime>,
    /// The replica delivering it.
    pub lease_owner: Option<String>,
    /// Until when.
    pub lease_until: Option<PrimitiveDateTime>,
    /// Who created it.
    pub created_by: String,
    /// When.
    pub created_at: PrimitiveDateTime,
}

impl WebhookRow {
    /// Its status; a stored name that does not parse is an error naming the subscription.
    pub fn status(&self) -> Result<WebhookStatus, PersistenceError> {
        WebhookStatus::parse(&self.status)
            .map_err(|e| corrupt("webhooks", &self.id, "status")(e.to_string()))
    }

    /// The event types it receives (empty: all).
    pub fn event_type_list(&self) -> Result<Vec<EventType>, PersistenceError> {
        list_from_column(&self.event_types, EventType::parse).map_err(corrupt(
            "webhooks",
            &self.id,
            "event_types",
        ))
    }
}

/// The `event_types` column's text for these event types.
pub fn event_types_column(types: &[EventType]) -> String {
    list_to_column(types.iter().map(|t| t.as_str()))
}

/// One delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    /// Id.
    pub id: String,
    /// The subscription.
    pub webhook_id: String,
    /// The event (also the `webhook-id` header, stable across retries).
    pub event_id: String,
    /// The event's sequence number.
    pub event_seq: i64,
    /// 1 for the first attempt of this event.
    pub attempt: i64,
    /// When.
    pub attempted_at: PrimitiveDateTime,
    /// A 2xx answer.
    pub succeeded: bool,
    /// The HTTP status, if any answer came.
    pub status_code: Option<i64>,
    /// What went wrong (timeout, connection refused, status).
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: i64,
}
