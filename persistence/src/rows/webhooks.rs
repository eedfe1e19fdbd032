//! Rows of `webhooks` and `webhook_deliveries`.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::schema::{webhook_deliveries, webhooks};

/// A subscription.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhooks)]
pub struct WebhookRow {
    /// Id.
    pub id: String,
    /// The ICB whose events it receives.
    pub organisation: String,
    /// Target URL.
    pub url: String,
    /// Event types, comma-separated (empty: all).
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

/// One delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
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
