//! The change feed: every event of the caller's ICB exactly once, in order, never another ICB's.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{TestApp, json, problem};

fn notification(given: &str, area: &str) -> Value {
    json!({
        "notifier": {"name": "Sam", "relationship": "carer"},
        "person": {"given_name": given, "family_name": "Feed", "date_of_birth": "1960-01-01",
                   "date_of_death": "2026-10-01", "sex": "male", "ethnic_category": "A",
                   "learning_disability": true, "autistic": false, "lived_in_england": true,
                   "national_data_opt_out": false, "area_code": area}
    })
}

async fn poll_all(app: &TestApp, token: &str, cursor: &mut Option<String>) -> Vec<Value> {
    let mut items = Vec::new();
    loop {
        let path = match cursor {
            Some(c) => format!("/api/v1/events?limit=7&after={c}"),
            None => "/api/v1/events?limit=7".to_owned(),
        };
        let page = json(app.get_as(&path, token).await, 200).await;
        let got = page["items"].as_array().unwrap().clone();
        *cursor = Some(
            page["next_cursor"]
                .as_str()
                .expect("a cursor, always")
                .to_owned(),
        );
        if got.is_empty() {
            return items;
        }
        items.extend(got);
    }
}

both_backends! {
    async fn a_case_system_reads_its_icbs_events_in_order_and_then_an_empty_page(app) {
        let (_, _, client) = app.machine_client("QOP").await;
        for (name, area) in [("One", "QOP"), ("Two", "14L"), ("Other", "QE1"), ("Three", "QOP")] {
            json(app.post_json("/api/v1/notifications", &notification(name, area)).await, 201).await;
        }
        let mut cursor = None;
        let events = poll_all(&app, &client, &mut cursor).await;
        let names: Vec<&str> = events.iter().map(|e| e["data"]["person"]["given_name"].as_str().unwrap()).collect();
        assert_eq!(names, ["One", "Two", "Three"]);
        assert!(events.iter().all(|e| e["type"] == "review.created" && e["version"] == 1));
        assert!(events.iter().all(|e| e["data"]["organisation"] == "QOP"));
        let again = json(app.get_as(&format!("/api/v1/events?after={}", cursor.clone().unwrap()), &client).await, 200).await;
        assert_eq!(again["items"], json!([]));
        assert_eq!(again["next_cursor"].as_str(), cursor.as_deref());
        problem(app.get_as("/api/v1/events?after=garbage", &client).await, 400).await;
    }

    async fn only_the_icbs_lead_and_its_clients_read_the_feed(app) {
        let (_, lead) = app.user("feed.lead", &["ics_lead"], Some("QOP")).await;
        json(app.get_as("/api/v1/events", &lead).await, 200).await;
        let (_, reviewer) = app.user("feed.reviewer", &["reviewer"], Some("QOP")).await;
        problem(app.get_as("/api/v1/events", &reviewer).await, 403).await;
        let admin = app.admin_token().await;
        problem(app.get_as("/api/v1/events", &admin).await, 403).await;
        problem(app.get("/api/v1/events").await, 401).await;
    }

    async fn a_client_polling_during_concurrent_changes_gets_every_event_exactly_once(app) {
        let (_, _, client) = app.machine_client("QOP").await;
        let (_, lead) = app.user("busy.lead", &["ics_lead"], Some("QOP")).await;
        let (reviewer_id, _) = app.user("busy.reviewer", &["reviewer"], Some("QOP")).await;
        let app = &app;
        let writers = async {
            let notify = (0..24).map(|i| {
                let area = if i % 4 == 0 { "QE1" } else { "QOP" };
                let body = notification(&format!("P{i}"), area);
                async move { json(app.post_json("/api/v1/notifications", &body).await, 201).await }
            });
            futures_util::future::join_all(notify).await;
            let page = json(app.get_as("/api/v1/reviews?limit=200", &lead).await, 200).await;
            let allocations = page["items"].as_array().unwrap().iter().map(|r| {
                let id = r["id"].as_str().unwrap().to_owned();
                let body = json!({"action": "allocate", "reviewer_id": reviewer_id});
                let lead = lead.clone();
                async move {
                    json(app.post_as(&format!("/api/v1/reviews/{id}/transitions"), &lead, &body).await, 200).await
                }
            });
            futures_util::future::join_all(allocations).await;
        };
        let mut cursor = None;
        let mut seen = Vec::new();
        let poller = async {
            for _ in 0..40 {
                seen.extend(poll_all(app, &client, &mut cursor).await);
            }
        };
        tokio::join!(writers, poller);
        seen.extend(poll_all(app, &client, &mut cursor).await);
        let ids: Vec<&str> = seen.iter().map(|e| e["id"].as_str().unwrap()).collect();
        let unique: HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "an event was delivered twice");
        // 18 QOP notifications, each created and then allocated.
        assert_eq!(seen.iter().filter(|e| e["type"] == "review.created").count(), 18);
        assert_eq!(seen.iter().filter(|e| e["type"] == "review.status_changed").count(), 18);
        assert!(seen.iter().all(|e| e["data"]["organisation"] == "QOP"));
        // Each review's events arrive in the order they happened.
        for e in seen.iter().filter(|e| e["type"] == "review.status_changed") {
            let created = seen.iter().position(|c| c["type"] == "review.created" && c["subject_id"] == e["subject_id"]).unwrap();
            let changed = seen.iter().position(|c| c["id"] == e["id"]).unwrap();
            assert!(created < changed);
        }
    }
}
