//! Read-decide-write under concurrency (STYLE.md rule 16): what SQLite gives for free (one
//! writer at a time) PostgreSQL must do on purpose. Twenty requests fire at once; exactly one
//! conditional update wins and the rest are 412, and a first write never ends in a 500. A
//! correction of the person racing a notification of the person it names leaves one review of
//! that person, whichever commits first.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{
    NOTIFICATIONS, at_stage, find, id_of, new_case, notification_with, review, staff,
};
use crate::helpers::{TestApp, etag_of, json, patch_json, problem, sql_count, today, ymd};

/// The statuses of twenty identical conditional PATCHes fired at once.
async fn twenty_patches(
    app: &TestApp,
    path: &str,
    token: &str,
    tag: &str,
    body: &Value,
) -> Vec<u16> {
    join_all((0..20).map(|_| patch_json(app, path, token, Some(tag), body)))
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect()
}

fn one_winner(statuses: &[u16]) {
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 412).count(),
        19,
        "{statuses:?}"
    );
}

async fn put_contacts(
    app: &TestApp,
    token: &str,
    tag: Option<&str>,
    n: usize,
) -> reqwest::Response {
    let body = json!({"primary": {"role_title": "LeDeR Local Area Contact", "mailbox": format!("gm.leder.{n}@nhs.net")}});
    let mut req = app
        .client
        .put(app.url("/api/v1/organisations/QOP/contacts"))
        .bearer_auth(token)
        .json(&body);
    if let Some(tag) = tag {
        req = req.header("if-match", tag);
    }
    req.send().await.expect("request")
}

/// A valid NHS number (Modulus 11) of its own for each `n`.
fn nhs_number(n: u32) -> String {
    (0u32..)
        .map(|k| format!("943{:06}", n * 7 + k))
        .find_map(|stem| {
            let sum: u32 = stem
                .chars()
                .zip((2..=10).rev())
                .map(|(d, w)| d.to_digit(10).unwrap() * w)
                .sum();
            match 11 - sum % 11 {
                11 => Some(format!("{stem}0")),
                10 => None,
                check => Some(format!("{stem}{check}")),
            }
        })
        .unwrap()
}

/// Enough workers and connections for twenty requests to be in their transactions at once.
fn wide(c: &mut crate::helpers::Config) {
    c.workers = 4;
    c.pool_size = 20;
}

both_backends! {
    async fn of_twenty_updates_of_an_action_with_one_if_match_one_wins(app, wide) {
        let s = staff(&app).await;
        let body = json!({"title": "Swallowing assessments", "outcome_measure": "95% within 7 days",
                          "owner": "Community team", "due_date": ymd(today() + time::Duration::days(30)), "themes": []});
        let created = json(app.post_as("/api/v1/organisations/QOP/actions", &s.lead.token, &body).await, 201).await;
        let path = format!("/api/v1/actions/{}", created["id"].as_str().unwrap());
        one_winner(&twenty_patches(&app, &path, &s.lead.token, "\"1\"", &json!({"status": "in_progress"})).await);
        let history = json(app.get_as(&format!("{path}/history"), &s.lead.token).await, 200).await;
        assert_eq!(history["items"].as_array().unwrap().len(), 2, "created and one update");
    }

    async fn of_twenty_updates_of_a_user_with_one_if_match_one_wins(app, wide) {
        let (id, _) = app.user("ulla", &["reviewer"], Some("QOP")).await;
        let admin = app.admin_token().await;
        let path = format!("/api/v1/users/{id}");
        one_winner(&twenty_patches(&app, &path, &admin, "\"1\"", &json!({"display_name": "Ulla"})).await);
    }

    async fn of_twenty_updates_of_a_reviews_findings_with_one_if_match_one_wins(app, wide) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "in_review").await;
        let (_, tag) = review(&app, &s.reviewer.token, &id).await;
        let path = format!("/api/v1/reviews/{id}/findings");
        one_winner(&twenty_patches(&app, &path, &s.reviewer.token, &tag, &json!({"pen_portrait": "Ada loved music."})).await);
    }

    async fn twenty_first_sets_of_an_icbs_contacts_all_succeed_one_after_another(app, wide) {
        let s = staff(&app).await;
        // Without If-Match each PUT replaces the set: none fails, and each takes the next version.
        let answers = join_all((0..20).map(|n| put_contacts(&app, &s.lead.token, None, n))).await;
        let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
        let mut tags: Vec<String> = answers.iter().map(etag_of).collect();
        tags.sort();
        tags.dedup();
        assert_eq!(tags.len(), 20, "each replacement has its own version: {tags:?}");
        // With the current If-Match, one of twenty wins.
        let current = app.get("/api/v1/organisations/QOP/contacts").await;
        let tag = etag_of(&current);
        let answers = join_all((0..20).map(|n| put_contacts(&app, &s.lead.token, Some(&tag), n))).await;
        let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
        one_winner(&statuses);
    }

    async fn a_correction_racing_a_notification_of_the_person_it_names_leaves_one_review(app, wide) {
        let s = staff(&app).await;
        let lead = &s.lead.token;
        let (mut linked, mut refused) = (0, 0);
        for round in 0..12 {
            // A review notified with a mistyped NHS number...
            let (wrong, right) = (nhs_number(2 * round + 100), nhs_number(2 * round + 101));
            let id = id_of(&new_case(&app, lead, &notification_with(json!({"nhs_number": wrong}))).await);
            let (_, tag) = review(&app, lead, &id).await;
            // ...is corrected to the right one while a notification of that number arrives
            // (under other names: the number alone makes it the same person).
            let racer = notification_with(json!({"nhs_number": right, "given_name": "Adaline"}));
            let path = format!("/api/v1/reviews/{id}/person");
            let correction = json!({"nhs_number": right});
            // The notification leaves at once or a few round trips later, so that either may
            // reach the database first.
            let (corrected, notified) = futures_util::join!(
                patch_json(&app, &path, lead, Some(&tag), &correction),
                async {
                    for _ in 0..(round % 4) * 3 {
                        app.get("/healthz").await;
                    }
                    app.post_json(NOTIFICATIONS, &racer).await
                }
            );
            let reference = json(notified, 201).await["reference"].as_str().unwrap().to_owned();
            let holders = sql_count(&app, &format!("SELECT COUNT(*) AS n FROM reviews WHERE nhs_number = '{right}'")).await;
            assert_eq!(holders, 1, "round {round}: one review of {right}");
            let notified_case = find(&app, lead, &reference).await;
            match corrected.status().as_u16() {
                // The correction first: the notification joined the corrected review.
                200 => {
                    assert_eq!(id_of(&notified_case), id, "round {round}");
                    linked += 1;
                }
                // The notification first: it made the review of that person, and the correction
                // is refused rather than make a second.
                409 => {
                    problem(corrected, 409).await;
                    assert_ne!(id_of(&notified_case), id, "round {round}");
                    let (kept, _) = review(&app, lead, &id).await;
                    assert_eq!(kept["person"]["nhs_number"], wrong.as_str());
                    refused += 1;
                }
                other => panic!("round {round}: the correction answered {other}: {}", corrected.text().await.unwrap()),
            }
        }
        assert_eq!(linked + refused, 12);
    }

    async fn a_correction_to_the_person_of_another_review_is_refused(app) {
        let s = staff(&app).await;
        let lead = &s.lead.token;
        let (first, second) = (nhs_number(300), nhs_number(301));
        let one = id_of(&new_case(&app, lead, &notification_with(json!({"nhs_number": first}))).await);
        let other = id_of(&new_case(&app, lead, &notification_with(json!({"nhs_number": second}))).await);
        let (_, tag) = review(&app, lead, &other).await;
        let path = format!("/api/v1/reviews/{other}/person");
        let refusal = problem(patch_json(&app, &path, lead, Some(&tag), &json!({"nhs_number": first})).await, 409).await;
        assert!(refusal["detail"].as_str().unwrap().contains("another review"), "{refusal}");
        // Correcting anything else of a review is not held up by who else it resembles.
        json(patch_json(&app, &path, lead, Some(&tag), &json!({"sex": "male"})).await, 200).await;
        let (kept, _) = review(&app, lead, &one).await;
        assert_eq!(kept["person"]["nhs_number"], first.as_str());
    }
}
