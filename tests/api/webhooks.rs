//! Webhooks: a receiver started here on 127.0.0.1 checks every signature with its own
//! implementation of the Standard Webhooks algorithm; failures are retried, a receiver that was
//! down gets everything when it comes back, and a subscription that keeps failing is paused.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::sync::Notify;

use crate::both_backends;
use crate::helpers::{Config, Http, TestApp, json, problem};

#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) id: String,
    pub(crate) timestamp: String,
    pub(crate) signature: String,
    pub(crate) body: String,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Mode {
    Ok,
    Fail(u16),
    /// Fail this many requests with this status, then answer normally: the receiver is down
    /// for a while and comes back by itself, with no timing left to the test.
    FailFirst(u16, u32),
    /// Answer normally, each after this long: deliveries are under way for a while.
    Slow(Duration),
}

#[derive(Clone)]
pub(crate) struct Receiver {
    pub(crate) port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    mode: Arc<Mutex<Mode>>,
    notify: Arc<Notify>,
}

async fn hook(req: HttpRequest, body: web::Bytes, r: web::Data<Receiver>) -> HttpResponse {
    let header = |n: &str| {
        req.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    r.received.lock().unwrap().push(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let mode = {
        let mut m = r.mode.lock().unwrap();
        let now = *m;
        if let Mode::FailFirst(status, left) = now {
            *m = if left <= 1 {
                Mode::Ok
            } else {
                Mode::FailFirst(status, left - 1)
            };
            Mode::Fail(status)
        } else {
            now
        }
    };
    r.notify.notify_waiters();
    match mode {
        Mode::Ok | Mode::FailFirst(..) => HttpResponse::NoContent().finish(),
        Mode::Slow(wait) => {
            actix_web::rt::time::sleep(wait).await;
            HttpResponse::NoContent().finish()
        }
        Mode::Fail(status) => {
            HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
        }
    }
}

pub(crate) fn start_receiver() -> Receiver {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let receiver = Receiver {
        port: listener.local_addr().unwrap().port(),
        received: Arc::default(),
        mode: Arc::new(Mutex::new(Mode::Ok)),
        notify: Arc::new(Notify::new()),
    };
    let data = web::Data::new(receiver.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .default_service(web::to(hook))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    actix_web::rt::spawn(server);
    receiver
}

impl Receiver {
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    pub(crate) fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    pub(crate) fn all(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (event-driven, bounded) until the receiver's log satisfies `done`.
    pub(crate) async fn wait_until(&self, done: impl Fn(&[Received]) -> bool) {
        for _ in 0..400 {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if done(&self.all()) {
                return;
            }
            let _ = tokio::time::timeout(Duration::from_millis(250), notified).await;
        }
        panic!("the receiver never got what was expected: {:?}", self.all());
    }
}

/// The subscription's deliveries once `done` holds of them. The server records an attempt
/// after its receiver has answered, so a test that saw the receiver's log polls the record, with
/// a deadline (then answers what it has, for the test's assertion to report).
async fn deliveries_when(
    app: &TestApp,
    id: &str,
    token: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let deliveries = json(
            app.get_as(&format!("/api/v1/webhooks/{id}/deliveries"), token)
                .await,
            200,
        )
        .await;
        if done(deliveries["items"].as_array().unwrap()) || std::time::Instant::now() > deadline {
            return deliveries;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// An independent check of a delivery's signature (Standard Webhooks, v1).
pub(crate) fn verify(secret: &str, r: &Received) -> bool {
    let key = STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(r.id.as_bytes());
    mac.update(b".");
    mac.update(r.timestamp.as_bytes());
    mac.update(b".");
    mac.update(r.body.as_bytes());
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let fresh = r
        .timestamp
        .parse::<i64>()
        .is_ok_and(|t| (now - t).abs() < 300);
    fresh
        && r.signature
            .split(' ')
            .any(|s| s == format!("v1,{expected}"))
}

pub(crate) fn notification(given: &str, area: &str) -> Value {
    json!({
        "notifier": {"name": "Sam", "relationship": "carer"},
        "person": {"given_name": given, "family_name": "Hook", "date_of_birth": "1960-01-01",
                   "date_of_death": "2026-10-01", "sex": "female", "ethnic_category": "A",
                   "learning_disability": true, "autistic": false, "lived_in_england": true,
                   "national_data_opt_out": false, "area_code": area}
    })
}

/// Fast delivery to receivers on 127.0.0.1, pausing after `max_failures` failures in a row.
fn webhooks(max_failures: i64) -> impl FnOnce(&mut Config) {
    move |c| {
        c.webhook_allowed_hosts = vec!["127.0.0.1".into()];
        c.webhook_poll = Duration::from_millis(20);
        c.webhook_backoff = Duration::from_millis(20);
        c.webhook_max_failures = max_failures;
        c.webhook_timeout = Duration::from_millis(500);
    }
}

pub(crate) async fn subscribe(
    app: &Http,
    token: &str,
    url: &str,
    types: &[&str],
) -> (String, String) {
    let body = json!({"url": url, "event_types": types});
    let res = app.post_as("/api/v1/webhooks", token, &body).await;
    assert_eq!(res.status(), 201);
    let text = res.text().await.unwrap();
    // Each key once: a JSON object with a repeated key means what its parser decides.
    assert_eq!(text.matches("\"id\":").count(), 1, "{text}");
    let created: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));
    (
        created["id"].as_str().unwrap().to_owned(),
        created["secret"].as_str().unwrap().to_owned(),
    )
}

pub(crate) fn given_names(received: &[Received]) -> Vec<String> {
    received
        .iter()
        .map(|r| {
            let v: Value = serde_json::from_str(&r.body).unwrap();
            v["data"]["data"]["person"]["given_name"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

async fn signed_deliveries_arrive_in_order(app: TestApp) {
    let receiver = start_receiver();
    let (_, _, client) = app.machine_client("QOP").await;
    let (id, secret) = subscribe(&app, &client, &receiver.url(), &["review.created"]).await;
    // Listing never shows the secret again.
    let listed = json(app.get_as("/api/v1/webhooks", &client).await, 200).await;
    assert_eq!(listed["items"][0]["id"], id);
    assert!(listed["items"][0].get("secret").is_none());
    for (name, area) in [("A", "QOP"), ("B", "QE1"), ("C", "14L"), ("D", "QOP")] {
        json(
            app.post_json("/api/v1/notifications", &notification(name, area))
                .await,
            201,
        )
        .await;
    }
    receiver.wait_until(|r| r.len() >= 3).await;
    let got = receiver.all();
    assert_eq!(
        given_names(&got),
        ["A", "C", "D"],
        "only QOP's events, in order"
    );
    for r in &got {
        assert!(verify(&secret, r), "bad signature on {r:?}");
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["type"], "review.created");
        assert_eq!(v["data"]["version"], 1);
        assert_eq!(v["data"]["id"], r.id, "webhook-id is the event id");
    }
    let deliveries = deliveries_when(&app, &id, &client, |items| items.len() >= 3).await;
    let items = deliveries["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(
        items
            .iter()
            .all(|d| d["succeeded"] == true && d["status_code"] == 204)
    );
}

async fn failures_are_retried_and_a_receiver_back_from_downtime_gets_everything(app: TestApp) {
    let receiver = start_receiver();
    receiver.set(Mode::FailFirst(500, 4));
    let (_, lead) = app.user("hook.lead", &["ics_lead"], Some("QOP")).await;
    let (id, secret) = subscribe(&app, &lead, &receiver.url(), &[]).await;
    for name in ["First", "Second"] {
        json(
            app.post_json("/api/v1/notifications", &notification(name, "QOP"))
                .await,
            201,
        )
        .await;
    }
    // Down for four requests: the first event is tried again and again while the second
    // waits its turn; then the receiver is back by itself and gets both, in order.
    receiver
        .wait_until(|r| given_names(r).last().map(String::as_str) == Some("Second"))
        .await;
    let got = receiver.all();
    let names = given_names(&got);
    assert_eq!(
        names,
        ["First", "First", "First", "First", "First", "Second"],
        "retried in order"
    );
    assert_eq!(names.iter().filter(|n| *n == "Second").count(), 1);
    // Every retry carries the same webhook-id, and every one is signed.
    let ids: std::collections::HashSet<&str> = got
        .iter()
        .filter(|r| given_names(&[(*r).clone()])[0] == "First")
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(ids.len(), 1);
    assert!(got.iter().all(|r| verify(&secret, r)));
    let deliveries = deliveries_when(&app, &id, &lead, |items| {
        items.iter().filter(|d| d["succeeded"] == true).count() >= 2
    })
    .await;
    let items = deliveries["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|d| d["succeeded"] == false && d["status_code"] == 500)
    );
    assert_eq!(items.iter().filter(|d| d["succeeded"] == true).count(), 2);
}

async fn a_subscription_that_keeps_failing_is_paused_and_can_resume(app: TestApp) {
    // A port nobody listens on: connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (_, _, client) = app.machine_client("QOP").await;
    let (id, _) = subscribe(&app, &client, &format!("http://127.0.0.1:{port}/hook"), &[]).await;
    json(
        app.post_json("/api/v1/notifications", &notification("Lost", "QOP"))
            .await,
        201,
    )
    .await;
    let mut paused = Value::Null;
    for _ in 0..2000 {
        let listed = json(app.get_as("/api/v1/webhooks", &client).await, 200).await;
        if listed["items"][0]["status"] == "paused" {
            paused = listed["items"][0].clone();
            break;
        }
        actix_web::rt::task::yield_now().await;
    }
    assert_eq!(paused["status"], "paused", "never paused");
    assert!(
        paused["paused_reason"]
            .as_str()
            .unwrap()
            .contains("3 failed deliveries")
    );
    let deliveries = json(
        app.get_as(&format!("/api/v1/webhooks/{id}/deliveries"), &client)
            .await,
        200,
    )
    .await;
    let items = deliveries["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(
        items
            .iter()
            .all(|d| d["succeeded"] == false && d["error"].as_str().unwrap().contains("refused"))
    );
    let resumed = json(
        app.post_as(
            &format!("/api/v1/webhooks/{id}/resume"),
            &client,
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(resumed["status"], "active");
    assert_eq!(resumed["consecutive_failures"], 0);
}

async fn targets_and_event_types_are_checked(app: TestApp) {
    let (_, _, client) = app.machine_client("QOP").await;
    for url in [
        "http://ics.example.org/hook",
        "https://169.254.169.254/latest",
        "https://127.0.0.2/x",
        "ftp://x/y",
    ] {
        let p = problem(
            app.post_as("/api/v1/webhooks", &client, &json!({"url": url}))
                .await,
            422,
        )
        .await;
        assert_eq!(p["errors"][0]["field"], "url", "{url}");
    }
    let p = problem(
        app.post_as(
            "/api/v1/webhooks",
            &client,
            &json!({"url": "https://ics.example.org/h", "event_types": ["review.exploded"]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "event_types");
    json(
        app.post_as(
            "/api/v1/webhooks",
            &client,
            &json!({"url": "https://ics.example.org/h"}),
        )
        .await,
        201,
    )
    .await;
    let (_, reviewer) = app.user("no.hooks", &["reviewer"], Some("QOP")).await;
    problem(app.get_as("/api/v1/webhooks", &reviewer).await, 403).await;
    // Another ICB's client does not see or touch this ICB's subscriptions.
    let (_, _, other) = app.machine_client("QE1").await;
    let mine = json(app.get_as("/api/v1/webhooks", &client).await, 200).await;
    let id = mine["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        json(app.get_as("/api/v1/webhooks", &other).await, 200).await["items"],
        json!([])
    );
    problem(
        app.send(
            reqwest::Method::DELETE,
            &format!("/api/v1/webhooks/{id}"),
            Some(&other),
            None,
        )
        .await,
        404,
    )
    .await;
    assert_eq!(
        app.send(
            reqwest::Method::DELETE,
            &format!("/api/v1/webhooks/{id}"),
            Some(&client),
            None
        )
        .await
        .status(),
        204
    );
}

async fn two_replicas_deliver_each_event_once(app: TestApp) {
    // A second replica on the same database, with its own audit chain and worker.
    let mut config = leder_api::config::Config::from_lookup(|_| None).unwrap();
    config.database_url = app.database_url.clone();
    config.bind = "127.0.0.1:0".parse().unwrap();
    config.jwt_keys_dir = Some(app.keys_dir.clone());
    config.replica_id = "second".into();
    config.pseudonym_key = Some(crate::helpers::PSEUDONYM_KEY.into());
    config.audit_key = Some(crate::helpers::AUDIT_KEY.into());
    config.workers = 1;
    config.webhook_allowed_hosts = vec!["127.0.0.1".into()];
    config.webhook_poll = Duration::from_millis(5);
    config.webhook_backoff = Duration::from_millis(20);
    let second = leder_api::server::Application::build(config).await.unwrap();
    let handle = second.handle();
    actix_web::rt::spawn(second.run_until_stopped());
    let receiver = start_receiver();
    let (_, _, client) = app.machine_client("QOP").await;
    let (_, secret) = subscribe(&app, &client, &receiver.url(), &["review.created"]).await;
    let names: Vec<String> = (0..12).map(|i| format!("R{i}")).collect();
    for name in &names {
        json(
            app.post_json("/api/v1/notifications", &notification(name, "QOP"))
                .await,
            201,
        )
        .await;
    }
    receiver
        .wait_until(|r| given_names(r).last() == names.last())
        .await;
    let got = receiver.all();
    assert_eq!(
        given_names(&got),
        names,
        "each event once, in order, whichever replica sent it"
    );
    assert!(got.iter().all(|r| verify(&secret, r)));
    handle.stop(false).await;
}

both_backends! {
    async fn signed_deliveries_arrive_in_order(app, webhooks(10)) {
        super::signed_deliveries_arrive_in_order(app).await;
    }

    async fn failures_are_retried_and_a_receiver_back_from_downtime_gets_everything(app, webhooks(50)) {
        super::failures_are_retried_and_a_receiver_back_from_downtime_gets_everything(app).await;
    }

    async fn a_subscription_that_keeps_failing_is_paused_and_can_resume(app, webhooks(3)) {
        super::a_subscription_that_keeps_failing_is_paused_and_can_resume(app).await;
    }

    async fn targets_and_event_types_are_checked(app, webhooks(3)) {
        super::targets_and_event_types_are_checked(app).await;
    }

    async fn two_replicas_deliver_each_event_once(app, webhooks(10)) {
        super::two_replicas_deliver_each_event_once(app).await;
    }
}
