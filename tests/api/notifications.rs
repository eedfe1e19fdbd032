//! The public intake: what a notification answers and stores, idempotent retries, the rate
//! limit, duplicates and the national data opt-out.

use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{
    NOTIFICATIONS, events, find, id_of, new_case, notification, notification_with, notify,
    opted_out, person, review,
};
use crate::helpers::{TestApp, json, problem, sql_count};

const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn is_reference(reference: &str) -> bool {
    reference
        .strip_prefix("LDR-")
        .is_some_and(|rest| rest.len() == 8 && rest.chars().all(|c| CROCKFORD.contains(c)))
}

async fn post_with_key(app: &TestApp, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(NOTIFICATIONS))
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sql_count(app, &format!("SELECT COUNT(*) AS n FROM {table}")).await
}

/// A valid NHS number (modulus 11 check digit) made from `seed`.
fn nhs_number(seed: u64) -> String {
    let mut seed = seed;
    loop {
        let body = format!("{:09}", 400_000_000 + seed % 500_000_000);
        let sum: u32 = body
            .chars()
            .zip((2..=10).rev())
            .map(|(c, w)| c.to_digit(10).unwrap() * w)
            .sum();
        match 11 - sum % 11 {
            10 => seed += 1,
            11 => return format!("{body}0"),
            check => return format!("{body}{check}"),
        }
    }
}

/// Enough workers and connections for eight notifications to be in their transactions at once.
fn wide(c: &mut crate::helpers::Config) {
    c.workers = 4;
    c.pool_size = 20;
    c.notification_rate_limit = 1000;
}

both_backends! {
    async fn a_notification_answers_only_its_reference_and_when_it_was_received(app) {
        let res = app.post_json(NOTIFICATIONS, &notification()).await;
        let body = json(res, 201).await;
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["received_at", "reference"], "{body}");
        let reference = body["reference"].as_str().unwrap();
        assert!(is_reference(reference), "{reference}");
        let received = body["received_at"].as_str().unwrap();
        let at = time::OffsetDateTime::parse(received, &time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|e| panic!("{received}: {e}"));
        assert!((time::OffsetDateTime::now_utc() - at).whole_minutes().abs() < 5, "{received}");
        assert_eq!(count(&app, "notifications").await, 1);
        assert_eq!(count(&app, "reviews").await, 1);
        let created: Vec<_> = events(&app).await;
        assert_eq!(created.len(), 1);
        assert_eq!(created[0].event_type, "review.created");
        assert_eq!(created[0].organisation, "QOP");
        assert_eq!(created[0].seq, 1);
        assert_eq!(created[0].reference, reference);
    }

    async fn references_are_unique_and_not_in_sequence(app) {
        let mut references = Vec::new();
        for _ in 0..20 {
            references.push(notify(&app, &notification()).await);
        }
        assert!(references.iter().all(|r| is_reference(r)), "{references:?}");
        let mut sorted = references.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 20, "{references:?}");
        // Issued one after another, they are not in order (20 in order by chance: 1 in 20!).
        assert_ne!(sorted, references, "references come out in sequence: {references:?}");
    }

    async fn optional_fields_may_be_left_out(app) {
        let lead = person(&app, "lead", &["ics_lead"], "QOP").await;
        let mut body = notification();
        for key in ["email", "phone", "organisation"] {
            body["notifier"].as_object_mut().unwrap().remove(key);
        }
        for key in ["ethnic_category", "place_of_death"] {
            body["person"].as_object_mut().unwrap().remove(key);
        }
        body.as_object_mut().unwrap().remove("circumstances");
        body.as_object_mut().unwrap().remove("family_requests_focused_review");
        let case = new_case(&app, &lead.token, &body).await;
        assert_eq!(case["status"], "awaiting_allocation");
        assert_eq!(case["review_type"], "initial");
        assert_eq!(case["person"]["nhs_number"], Value::Null);
        // An absent ethnic category is treated as not known: a flag to resolve, not a reason.
        assert_eq!(case["data_quality_flags"], json!(["ethnic_category_unresolved"]));
        assert_eq!(case["focused_reasons"], json!([]));
    }

    async fn an_nhs_number_written_with_spaces_is_kept_as_ten_digits(app) {
        let lead = person(&app, "lead", &["ics_lead"], "QOP").await;
        let case = new_case(&app, &lead.token, &notification_with(json!({"nhs_number": "943 476 5919"}))).await;
        assert_eq!(case["person"]["nhs_number"], "9434765919");
    }

    async fn a_retry_with_the_same_key_returns_the_first_answer_and_creates_nothing(app) {
        let body = notification();
        let first = post_with_key(&app, "retry-1", &body).await;
        assert!(first.headers().get("idempotent-replayed").is_none_or(|v| v != "true"));
        let first = json(first, 201).await;
        let again = post_with_key(&app, "retry-1", &body).await;
        assert_eq!(again.headers().get("idempotent-replayed").map(|v| v.to_str().unwrap()), Some("true"));
        assert_eq!(json(again, 201).await, first);
        assert_eq!(count(&app, "notifications").await, 1);
        assert_eq!(count(&app, "reviews").await, 1);
        assert_eq!(count(&app, "events").await, 1);
        // Another key is another notification (of the same person: a duplicate, not a review).
        let other = json(post_with_key(&app, "retry-2", &body).await, 201).await;
        assert_ne!(other["reference"], first["reference"]);
        assert_eq!(count(&app, "notifications").await, 2);
        assert_eq!(count(&app, "reviews").await, 1);
    }

    async fn the_same_key_with_another_body_is_refused(app) {
        let body = notification();
        json(post_with_key(&app, "key-a", &body).await, 201).await;
        let mut changed = body.clone();
        changed["person"]["date_of_death"] = json!("2026-10-02");
        problem(post_with_key(&app, "key-a", &changed).await, 422).await;
        assert_eq!(count(&app, "notifications").await, 1);
        assert_eq!(count(&app, "reviews").await, 1);
    }

    async fn two_concurrent_identical_requests_create_one_notification(app) {
        for round in 0..3 {
            let body = notification();
            let key = format!("concurrent-{round}");
            let (a, b) = tokio::join!(post_with_key(&app, &key, &body), post_with_key(&app, &key, &body));
            let mut references = Vec::new();
            for res in [a, b] {
                let status = res.status().as_u16();
                let text = res.text().await.unwrap();
                // The loser either waits and replays the first answer, or is told the first is
                // still in progress.
                assert!(status == 201 || status == 409, "{status}: {text}");
                if status == 201 {
                    let v: Value = serde_json::from_str(&text).unwrap();
                    references.push(v["reference"].clone());
                }
            }
            // One or both answer 201, as the race falls: no exact count, but never none.
            assert!(!references.is_empty());
            references.dedup();
            assert_eq!(references.len(), 1, "two answers: {references:?}");
            assert_eq!(count(&app, "notifications").await, round + 1);
            assert_eq!(count(&app, "reviews").await, round + 1);
        }
    }

    async fn concurrent_notifications_number_their_events_without_a_gap(app) {
        let sent: Vec<_> = (0..12)
            .map(|_| {
                let (client, url, body) = (app.client.clone(), app.url(NOTIFICATIONS), notification());
                tokio::spawn(async move { client.post(url).json(&body).send().await.unwrap() })
            })
            .collect();
        for res in sent {
            json(res.await.unwrap(), 201).await;
        }
        let seqs: Vec<i64> = events(&app).await.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (1..=12).collect::<Vec<i64>>());
        assert_eq!(count(&app, "reviews").await, 12);
    }

    async fn a_second_notification_with_the_same_nhs_number_flags_the_first_case(app) {
        let lead = person(&app, "lead", &["ics_lead"], "QOP").await;
        let first = new_case(&app, &lead.token, &notification_with(json!({"nhs_number": "9434765919"}))).await;
        assert_eq!(first["has_unreviewed_duplicate"], false);
        // Other names and a different date of birth: the NHS number alone makes it the same person.
        let second = notification_with(json!({
            "nhs_number": "943 476 5919", "given_name": "Adah", "date_of_birth": "1961-03-03"
        }));
        let reference = notify(&app, &second).await;
        assert_ne!(reference, first["reference"]);
        assert_eq!(count(&app, "notifications").await, 2);
        assert_eq!(count(&app, "reviews").await, 1);
        let found = find(&app, &lead.token, &reference).await;
        assert_eq!(found["id"], first["id"]);
        assert_eq!(found["reference"], first["reference"]);
        let (now, _) = review(&app, &lead.token, &id_of(&first)).await;
        assert_eq!(now["has_unreviewed_duplicate"], true);
        assert_eq!(now["person"]["given_name"], "Ada", "the first notification's facts stay");
        let events = events(&app).await;
        let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
        assert_eq!(types, ["review.created", "review.duplicate_notified"]);
        assert_eq!(events[1].subject_id, id_of(&first));
    }

    async fn the_same_names_and_dates_in_another_case_are_a_duplicate_too(app) {
        let lead = person(&app, "lead", &["ics_lead"], "QOP").await;
        let facts = json!({"given_name": "Bartholomew", "family_name": "Okonkwo-Smith",
                           "date_of_birth": "1970-05-06", "date_of_death": "2026-08-09"});
        let first = new_case(&app, &lead.token, &notification_with(facts)).await;
        let shouted = json!({"given_name": "BARTHOLOMEW", "family_name": "okonkwo-smith",
                             "date_of_birth": "1970-05-06", "date_of_death": "2026-08-09",
                             "area_code": "14L"});
        let reference = notify(&app, &notification_with(shouted)).await;
        assert_eq!(find(&app, &lead.token, &reference).await["id"], first["id"]);
        assert_eq!(count(&app, "reviews").await, 1);
        // Another date of death is another person.
        let other = json!({"given_name": "Bartholomew", "family_name": "Okonkwo-Smith",
                           "date_of_birth": "1970-05-06", "date_of_death": "2026-08-10"});
        let other = new_case(&app, &lead.token, &notification_with(other)).await;
        assert_ne!(other["id"], first["id"]);
        assert_eq!(other["has_unreviewed_duplicate"], false);
        assert_eq!(count(&app, "reviews").await, 2);
        let (first, _) = review(&app, &lead.token, &id_of(&first)).await;
        assert_eq!(first["has_unreviewed_duplicate"], true);
    }

    async fn notifications_of_one_person_arriving_together_make_one_review_however_they_identify_the_person(app, wide) {
        for round in 0..5u64 {
            let base = notification();
            let family = base["person"]["family_name"].as_str().unwrap().to_owned();
            let nhs = nhs_number(round * 7919 + 17);
            let mistyped = nhs_number(round * 7919 + 4001);
            assert_ne!(nhs, mistyped);
            // By the NHS number, by names and dates alone, and by names and dates with a
            // mistyped NHS number: every pair could match, so every pair must serialise.
            let bodies: Vec<Value> = (0..8)
                .map(|i| {
                    let mut body = base.clone();
                    body["person"]["nhs_number"] = match i % 3 {
                        0 => json!(nhs),
                        1 => Value::Null,
                        _ => json!(mistyped),
                    };
                    body
                })
                .collect();
            let sent: Vec<_> = bodies
                .into_iter()
                .map(|body| {
                    let (client, url) = (app.client.clone(), app.url(NOTIFICATIONS));
                    tokio::spawn(async move { client.post(url).json(&body).send().await.unwrap() })
                })
                .collect();
            for res in sent {
                json(res.await.unwrap(), 201).await;
            }
            let of_person = format!("SELECT id FROM reviews WHERE family_name = '{family}'");
            assert_eq!(
                sql_count(&app, &format!("SELECT COUNT(*) AS n FROM ({of_person}) AS r")).await,
                1,
                "round {round}: one person, one review"
            );
            let linked = format!("SELECT COUNT(*) AS n FROM notifications WHERE review_id IN ({of_person})");
            assert_eq!(sql_count(&app, &linked).await, 8, "round {round}");
            assert_eq!(sql_count(&app, &format!("{linked} AND duplicate")).await, 7, "round {round}");
            let flagged = format!("SELECT COUNT(*) AS n FROM reviews WHERE family_name = '{family}' AND has_unreviewed_duplicate");
            assert_eq!(sql_count(&app, &flagged).await, 1, "round {round}");
        }
        assert_eq!(count(&app, "reviews").await, 5);
        assert_eq!(count(&app, "notifications").await, 40);
    }

    async fn an_opt_out_keeps_nothing_that_identifies_the_person(app) {
        let lead = person(&app, "lead", &["ics_lead"], "QOP").await;
        let mut body = opted_out();
        body["person"]["given_name"] = json!("Zebedee");
        body["person"]["family_name"] = json!("Quixotica");
        body["person"]["nhs_number"] = json!("9990000018");
        body["notifier"]["name"] = json!("Ursula Notifier");
        body["circumstances"] = json!("Found by Ursula at 12 Mulberry Lane");
        let created = json(post_with_key(&app, "opt-out-1", &body).await, 201).await;
        let reference = created["reference"].as_str().unwrap();
        let case = find(&app, &lead.token, reference).await;
        assert_eq!(case["status"], "opted_out");
        assert_eq!(case["person"], Value::Null);
        assert_eq!(case["eligibility"]["outcome"], "opted_out");
        assert_eq!(case["eligibility"]["route"], Value::Null);
        assert_eq!(case["organisation"], "QOP");
        assert_eq!(case["reference"], reference);
        let id = id_of(&case);
        let row = format!(
            "SELECT COUNT(*) AS n FROM reviews WHERE id = '{id}' AND given_name IS NULL \
             AND family_name IS NULL AND nhs_number IS NULL AND date_of_birth IS NULL \
             AND date_of_death IS NULL AND year_of_death = 2026"
        );
        assert_eq!(sql_count(&app, &row).await, 1, "identifiable columns stored for an opt-out");
        let row = format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE reference = '{reference}' \
             AND person_json IS NULL AND notifier_json IS NULL AND circumstances IS NULL"
        );
        assert_eq!(sql_count(&app, &row).await, 1, "the notification kept identifiable text");
        // Nor does any other table carry the names, the NHS number or the notifier.
        for (table, column) in [
            ("events", "data"),
            ("review_history", "detail"),
            ("idempotency_keys", "body"),
            ("idempotency_keys", "headers"),
            ("reviews", "findings"),
        ] {
            for secret in ["Zebedee", "Quixotica", "9990000018", "999 000 0018", "Ursula", "Mulberry"] {
                let q = format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} LIKE '%{secret}%'");
                assert_eq!(sql_count(&app, &q).await, 0, "{table}.{column} holds {secret}");
            }
        }
    }

    async fn too_many_notifications_from_one_address_are_refused_with_retry_after(app, |c| c.notification_rate_limit = 3) {
        for _ in 0..3 {
            json(app.post_json(NOTIFICATIONS, &notification()).await, 201).await;
        }
        let res = app.post_json(NOTIFICATIONS, &notification()).await;
        let retry_after: u64 = res.headers().get("retry-after").expect("Retry-After")
            .to_str().unwrap().parse().expect("Retry-After in seconds");
        assert!((1..=60).contains(&retry_after), "{retry_after}");
        problem(res, 429).await;
        assert_eq!(count(&app, "notifications").await, 3);
        // Reading the themes is not notifying: the limit is the intake's own.
        json(app.get("/api/v1/themes").await, 200).await;
    }
}
