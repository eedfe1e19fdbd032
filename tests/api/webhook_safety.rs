//! Webhooks as an attacker would use them, and as an operator relies on them: the retry
//! schedule keeps its backoff, targets inside the network are refused at registration and at
//! connection time (whatever the name resolves to), and subscriptions and deliveries of
//! identifiable data are audited.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Config, TestApp, first_field, json, problem, sql_count, sql_execute};
use crate::webhooks::{given_names, notification, start_receiver, subscribe};

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

/// A port on 127.0.0.1 that counts the connections made to it and answers none.
async fn trap() -> (u16, Arc<AtomicUsize>) {
    let listener = actix_web::rt::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    actix_web::rt::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (port, count)
}

async fn inward_targets_are_refused_in_every_spelling(app: TestApp) {
    let (_, _, client) = app.machine_client("QOP").await;
    // 127.0.0.1 is listed (the tests' receivers), but no other spelling of it is.
    for url in [
        "https://[::ffff:127.0.0.1]/hook",
        "https://[::ffff:169.254.169.254]/latest/meta-data",
        "https://[64:ff9b::7f00:1]/hook",
        "https://[64:ff9b::a9fe:a9fe]/latest",
        "https://[::1]/hook",
        "https://[fd00:ec2::254]/latest",
        "https://localhost./hook",
        "https://hooks.localhost/hook",
        "https://metadata.google.internal./computeMetadata/v1/",
        "https://10.0.0.8/hook",
        "https://172.20.1.1/hook",
        "https://192.168.1.10/hook",
        "https://100.64.0.1/hook",
        "https://0.0.0.0/hook",
        "https://intranet/hook",
    ] {
        let p = problem(
            app.post_as("/api/v1/webhooks", &client, &json!({"url": url}))
                .await,
            422,
        )
        .await;
        assert_eq!(first_field(&p), "url", "{url}: {p}");
    }
    for url in [
        "https://hooks.example.org/h",
        "https://[2a00:1450:4009::1]/h",
    ] {
        json(
            app.post_as("/api/v1/webhooks", &client, &json!({"url": url}))
                .await,
            201,
        )
        .await;
    }
}

async fn a_name_that_resolves_inward_is_never_connected_to(app: TestApp) {
    let (trap_port, connections) = trap().await;
    let receiver = start_receiver();
    let (_, _, client) = app.machine_client("QOP").await;
    // A listed name may resolve inward: the control that the pinned addresses are used.
    let partner = format!("http://partner.example.org:{}/hook", receiver.port);
    subscribe(&app, &client, &partner, &[]).await;
    // A name that looks public but resolves to 127.0.0.1 (as after DNS rebinding).
    let rebound = format!("https://rebound.example.org:{trap_port}/hook");
    let (rebound_id, _) = subscribe(&app, &client, &rebound, &[]).await;
    // Subscriptions stored before these rules, aimed inward by their literal host.
    let mut old = Vec::new();
    for url in [
        format!("https://localhost.:{trap_port}/hook"),
        format!("https://[::ffff:127.0.0.1]:{trap_port}/hook"),
    ] {
        let (id, _) = subscribe(&app, &client, "https://hooks.example.org/old", &[]).await;
        let changed = sql_execute(
            &app,
            &format!("UPDATE webhooks SET url = '{url}' WHERE id = '{id}'"),
        )
        .await;
        assert_eq!(changed, 1);
        old.push(id);
    }
    json(
        app.post_json("/api/v1/notifications", &notification("Inward", "QOP"))
            .await,
        201,
    )
    .await;
    receiver.wait_until(|r| given_names(r) == ["Inward"]).await;
    for id in std::iter::once(&rebound_id).chain(&old) {
        wait_for_status(&app, &client, id, "paused").await;
        let tried = attempts(&app, &client, id).await;
        assert_eq!(tried.len(), 1, "{tried:?}");
        assert!(
            tried[0]["error"]
                .as_str()
                .is_some_and(|e| e.starts_with("refused")),
            "{id}: {tried:?}"
        );
    }
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "a refused target was connected to"
    );
}

/// Receivers on 127.0.0.1 and on a listed name pinned to it; a second name pinned to it that is
/// not listed. One failure pauses.
fn pinned_names(c: &mut Config) {
    c.webhook_allowed_hosts = vec!["127.0.0.1".into(), "partner.example.org".into()];
    c.webhook_resolve = vec![
        ("partner.example.org".into(), "127.0.0.1".parse().unwrap()),
        ("rebound.example.org".into(), "127.0.0.1".parse().unwrap()),
    ];
    c.webhook_poll = Duration::from_millis(20);
    c.webhook_backoff = Duration::from_millis(20);
    c.webhook_max_failures = 1;
    c.webhook_timeout = Duration::from_millis(500);
}

/// The audit trail of `subject` as the lead reads it, without the entries of reading it.
async fn trail(app: &TestApp, token: &str, subject: &str) -> Vec<Value> {
    let page = json(
        app.get_as(&format!("/api/v1/audit?subject={subject}"), token)
            .await,
        200,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] != "read_audit")
        .cloned()
        .collect()
}

async fn subscriptions_and_each_delivery_of_a_review_are_audited(app: TestApp) {
    let receiver = start_receiver();
    let (lead_id, lead) = app.user("hook.auditor", &["ics_lead"], Some("QOP")).await;
    let (id, _) = subscribe(&app, &lead, &receiver.url(), &[]).await;
    json(
        app.post_json("/api/v1/notifications", &notification("Seen", "QOP"))
            .await,
        201,
    )
    .await;
    receiver.wait_until(|r| !r.is_empty()).await;
    let body: Value = serde_json::from_str(&receiver.all()[0].body).unwrap();
    let review = body["data"]["subject_id"].as_str().unwrap().to_owned();
    // The delivery is in the review's trail, recorded before it was sent.
    let delivered: Vec<Value> = trail(&app, &lead, &format!("review:{review}"))
        .await
        .into_iter()
        .filter(|e| e["action"] == "deliver")
        .collect();
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert_eq!(delivered[0]["actor_kind"], "webhook");
    assert_eq!(delivered[0]["actor_id"], id.as_str());
    assert_eq!(delivered[0]["actor_organisation"], "QOP");
    assert_eq!(
        delivered[0]["route"],
        format!("http://127.0.0.1:{}", receiver.port)
    );
    assert_eq!(delivered[0]["outcome"], "attempted");
    // Creating, resuming and deleting the subscription are in its own trail.
    json(
        app.post_as(&format!("/api/v1/webhooks/{id}/resume"), &lead, &json!({}))
            .await,
        200,
    )
    .await;
    let deleted = app
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/webhooks/{id}"),
            Some(&lead),
            None,
        )
        .await;
    assert_eq!(deleted.status(), 204);
    let changes = trail(&app, &lead, &format!("webhook:{id}")).await;
    let seen: Vec<(&str, &str, &str)> = changes
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["actor_id"].as_str().unwrap(),
                e["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("create", lead_id.as_str(), "success"),
            ("resume", lead_id.as_str(), "success"),
            ("delete", lead_id.as_str(), "success"),
        ]
    );
    // Another ICB's lead does not see it.
    let (_, other) = app.user("other.lead", &["ics_lead"], Some("QE1")).await;
    problem(
        app.get_as(&format!("/api/v1/audit?subject=webhook:{id}"), &other)
            .await,
        404,
    )
    .await;
}

/// Issue #13 item 10: `event_types` took 50,000 duplicates (all stored).
async fn each_event_type_is_named_once(app: TestApp) {
    let (_, _, client) = app.machine_client("QOP").await;
    let repeated: Vec<&str> = std::iter::repeat_n("review.created", 50_000).collect();
    let p = problem(
        app.post_as(
            "/api/v1/webhooks",
            &client,
            &json!({"url": "http://127.0.0.1:9/hook", "event_types": repeated}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(first_field(&p), "event_types");
    assert_eq!(p["errors"][0]["code"], "duplicate_event_type");
    let body = json!({"url": "http://127.0.0.1:9/hook", "event_types": ["review.created", "review.created"]});
    let p = problem(app.post_as("/api/v1/webhooks", &client, &body).await, 422).await;
    assert_eq!(p["errors"][0]["code"], "duplicate_event_type");
    assert_eq!(
        sql_count(&app, "SELECT COUNT(*) AS n FROM webhooks").await,
        0
    );
}

both_backends! {
    async fn each_event_type_is_named_once(app, pinned_names) {
        super::each_event_type_is_named_once(app).await;
    }

    async fn subscriptions_and_each_delivery_of_a_review_are_audited(app, pinned_names) {
        super::subscriptions_and_each_delivery_of_a_review_are_audited(app).await;
    }

    async fn inward_targets_are_refused_in_every_spelling(app, pinned_names) {
        super::inward_targets_are_refused_in_every_spelling(app).await;
    }

    async fn a_name_that_resolves_inward_is_never_connected_to(app, pinned_names) {
        super::a_name_that_resolves_inward_is_never_connected_to(app).await;
    }

    async fn retries_wait_a_doubling_delay_before_the_pause(app, slow_backoff) {
        super::retries_wait_a_doubling_delay_before_the_pause(app).await;
    }
}
