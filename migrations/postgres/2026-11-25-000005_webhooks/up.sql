-- Webhook subscriptions of an ICB and every delivery attempt.
-- The signing secret must be kept to sign (it is shown to the subscriber once, never again).
-- last_seq is the subscription's position in its ICB's event feed. A replica delivers a
-- subscription only while it holds the lease (lease_owner, lease_until), renewed as it works,
-- so deliveries stay in order and are sent by one replica at a time.
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY NOT NULL,
    organisation TEXT NOT NULL,
    url TEXT NOT NULL,
    event_types TEXT NOT NULL,
    secret TEXT NOT NULL,
    status TEXT NOT NULL,
    paused_reason TEXT,
    last_seq BIGINT NOT NULL,
    consecutive_failures BIGINT NOT NULL,
    next_attempt_at TIMESTAMP,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_org ON webhooks (organisation, status);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id),
    event_id TEXT NOT NULL,
    event_seq BIGINT NOT NULL,
    attempt BIGINT NOT NULL,
    attempted_at TIMESTAMP NOT NULL,
    succeeded BOOLEAN NOT NULL,
    status_code BIGINT,
    error TEXT,
    duration_ms BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, attempted_at, id);
