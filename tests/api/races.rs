//! Read-decide-write under concurrency (STYLE.md rule 16): what SQLite gives for free (one
//! writer at a time) PostgreSQL must do on purpose. Twenty requests fire at once; exactly one
//! conditional update wins and the rest are 412, and a first write never ends in a 500.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{at_stage, review, staff};
use crate::helpers::{TestApp, etag_of, json, patch_json, today, ymd};

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
}
