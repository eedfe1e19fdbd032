//! Webhooks as an attacker would use them, and as an operator relies on them: the retry
//! schedule keeps its backoff, targets inside the network are refused at registration and at
//! connection time (whatever the name resolves to), and subscriptions and deliveries of
//! identifiable data are audited.

use std::time::Duration;

use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Config, TestApp, json, sql_count};
use crate::webhooks::{notification, subscribe};

/// The first retry delay in the backoff test: long enough to tell from the poll interval.
const BACKOFF: Duration = Duration::from_millis(150);

/// A port nobody listens on: connection refused.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits (bounded, polling) until the subscription's listing shows `status`; returns it.
async fn wait_for_status(app: &TestApp, token: &str, id: &str, status: &str) -> Value {
    for _ in 0..500 {
        let listed = json(app.get_as("/api/v1/webhooks", token).await, 200).await;
        if let Some(hook) = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["id"] == id && h["status"] == status)
        {
            return hook.clone();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("subscription {id} never became {status}");
}

/// The subscription's delivery attempts, oldest first.
async fn attempts(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let page = json(
        app.get_as(&format!("/api/v1/webhooks/{id}/deliveries"), token)
            .await,
        200,
    )
    .await;
    let mut items = page["items"].as_array().unwrap().clone();
    items.reverse();
    items
}

fn instant(v: &Value) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(
        v.as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
}

async fn retries_wait_a_doubling_delay_before_the_pause(app: TestApp) {
    let (_, _, client) = app.machine_client("QOP").await;
    let url = format!("http://127.0.0.1:{}/hook", closed_port());
    let (id, _) = subscribe(&app, &client, &url, &[]).await;
    json(
        app.post_json("/api/v1/notifications", &notification("Late", "QOP"))
            .await,
        201,
    )
    .await;
    let paused = wait_for_status(&app, &client, &id, "paused").await;
    assert!(
        paused["paused_reason"]
            .as_str()
            .unwrap()
            .contains("4 failed deliveries"),
        "{paused}"
    );
    let tried = attempts(&app, &client, &id).await;
    let numbers: Vec<i64> = tried
        .iter()
        .map(|d| d["attempt"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2, 3, 4], "{tried:?}");
    // Each retry waits the first delay doubled once per failure so far, never just a poll.
    for (n, pair) in tried.windows(2).enumerate() {
        let waited = instant(&pair[1]["attempted_at"]) - instant(&pair[0]["attempted_at"]);
        let due = BACKOFF * (1 << n);
        assert!(
            waited >= due,
            "retry {} came after {waited}, before its backoff of {due:?}: {tried:?}",
            n + 1
        );
    }
    // The stored next attempt of the paused subscription is the schedule's next step; resuming
    // clears it and starts counting again.
    let stored = sql_count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM webhooks WHERE id = '{id}' AND next_attempt_at IS NOT NULL \
             AND consecutive_failures = 4"
        ),
    )
    .await;
    assert_eq!(stored, 1);
}

/// Delivery to 127.0.0.1 (listed) with a measurable backoff, pausing after four failures.
fn slow_backoff(c: &mut Config) {
    c.webhook_allowed_hosts = vec!["127.0.0.1".into()];
    c.webhook_poll = Duration::from_millis(10);
    c.webhook_backoff = BACKOFF;
    c.webhook_max_failures = 4;
    c.webhook_timeout = Duration::from_millis(500);
}

both_backends! {
    async fn retries_wait_a_doubling_delay_before_the_pause(app, slow_backoff) {
        super::retries_wait_a_doubling_delay_before_the_pause(app).await;
    }
}
