//! Faults survived (issue #13): the server killed (`kill -9`) while it delivers webhooks, then
//! started again on the same database. Delivery is at least once and in order per subscription
//! (API.md, "For case systems"; `api/src/webhooks.rs`): every event of the run reaches the
//! receiver, the order of first arrivals is the feed's, and the only repeat is the delivery the
//! kill cut short, sent again.
//!
//! The server runs the real command line in a process of its own, so that it can be killed;
//! the receiver runs in the test and answers slowly, so that a delivery is in flight when the
//! kill comes. Before the fix a restarted server waited out its killed predecessor's lease on
//! the subscription (30 s) before delivering anything.

use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

use crate::cases::{act_ok, id_of, new_case, notification};
use crate::helpers::{Backend, Http, ScratchDatabase, json};
use crate::process::{LEDER, ServerProcess, server_env};
use crate::webhooks::{Mode, Received, start_receiver, subscribe, verify};

/// The server on `database_url`, delivering to 127.0.0.1 quickly and never pausing.
async fn server(database_url: &str, dir: &std::path::Path) -> ServerProcess {
    let mut command = Command::new(LEDER);
    command
        .arg("serve")
        .envs(server_env(database_url, dir))
        .env("LEDER_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
        .env("LEDER_WEBHOOK_POLL_MS", "20")
        .env("LEDER_WEBHOOK_BACKOFF_MS", "20")
        .env("LEDER_WEBHOOK_MAX_FAILURES", "1000")
        .env("LEDER_WEBHOOK_TIMEOUT_MS", "5000");
    ServerProcess::start(command).await
}

/// The ICB's change feed, in order: each event's id and its review.
async fn feed(server: &Http, token: &str) -> Vec<(String, String)> {
    let page = json(server.get_as("/api/v1/events?limit=200", token).await, 200).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_owned(),
                e["subject_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The ids received, each once, in the order they first arrived.
fn first_arrivals(received: &[Received]) -> Vec<String> {
    let mut seen = Vec::<String>::new();
    for r in received {
        if !seen.contains(&r.id) {
            seen.push(r.id.clone());
        }
    }
    seen
}

async fn every_event_arrives_in_order_after_a_kill_during_delivery(backend: Backend) {
    let Some(db) = ScratchDatabase::new(backend).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let receiver = start_receiver();
    let mut first = server(&db.url, dir.path()).await;
    let (_, lead) = first.user("lena.lead", &["ics_lead"], Some("QOP")).await;
    let (reviewer, _) = first
        .user("rory.reviewer", &["reviewer"], Some("QOP"))
        .await;
    let (_, secret) = subscribe(&first, &lead, &receiver.url(), &[]).await;

    // A run of ten events on five reviews is queued while the receiver is down...
    receiver.set(Mode::Fail(503));
    let mut reviews = Vec::new();
    for _ in 0..5 {
        reviews.push(id_of(&new_case(&first, &lead, &notification()).await));
    }
    let allocate = json!({"action": "allocate", "reviewer_id": reviewer});
    for id in &reviews {
        act_ok(&first, &lead, id, allocate.clone()).await;
    }
    // ...then it answers, slowly, and the server is killed while it delivers.
    receiver.set(Mode::Slow(Duration::from_millis(200)));
    let failed_before = receiver.all().len();
    receiver.wait_until(|r| r.len() >= failed_before + 3).await;
    first.kill();
    let at_kill = first_arrivals(&receiver.all()).len();
    assert!(
        (1..10).contains(&at_kill),
        "the kill came while the run was under way: {at_kill} of 10 had arrived"
    );

    // Started again on the same database, it carries on, and new events follow.
    let second = server(&db.url, dir.path()).await;
    let hold = json!({"action": "hold", "reason": "coroner_inquest"});
    for id in &reviews[..3] {
        act_ok(&second, &lead, id, hold.clone()).await;
    }
    let feed = feed(&second, &lead).await;
    assert_eq!(feed.len(), 13, "five created, five allocated, three held");
    // Promptly: the lease the killed process held on the subscription (30 s) is not waited out.
    tokio::time::timeout(
        Duration::from_secs(15),
        receiver.wait_until(|r| first_arrivals(r).len() >= feed.len()),
    )
    .await
    .expect("every event within 15 s of the restart");
    let received = receiver.all();

    // Every event, at least once, in the feed's order.
    let ids: Vec<String> = feed.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(first_arrivals(&received), ids);
    // A repeat is only ever the delivery just before it, sent again (after a failure, or
    // after the kill), never an older one: per review, too, events never go back.
    let place = |r: &Received| ids.iter().position(|id| *id == r.id);
    for pair in received.windows(2) {
        assert!(
            place(&pair[0]) <= place(&pair[1]),
            "{} arrived after the later {}",
            pair[1].id,
            pair[0].id
        );
    }
    for review in &reviews {
        let order: Vec<&String> = feed
            .iter()
            .filter(|(_, subject)| subject == review)
            .map(|(id, _)| id)
            .collect();
        let arrived: Vec<String> = first_arrivals(&received)
            .into_iter()
            .filter(|id| order.contains(&id))
            .collect();
        assert_eq!(arrived.iter().collect::<Vec<_>>(), order, "review {review}");
    }
    for r in &received {
        assert!(verify(&secret, r), "bad signature on {r:?}");
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(
            body["data"]["id"],
            r.id.as_str(),
            "webhook-id is the event id"
        );
    }
}

#[actix_web::test]
async fn every_webhook_event_arrives_in_order_after_the_server_is_killed_mid_delivery_on_sqlite() {
    every_event_arrives_in_order_after_a_kill_during_delivery(Backend::Sqlite).await;
}

#[actix_web::test]
async fn every_webhook_event_arrives_in_order_after_the_server_is_killed_mid_delivery_on_postgres()
{
    every_event_arrives_in_order_after_a_kill_during_delivery(Backend::Postgres).await;
}
