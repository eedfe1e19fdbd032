//! `Idempotency-Key` on authenticated POSTs (API.md, "Conventions"): the caller is checked
//! before anything is replayed, a key belongs to the account (not to one token), a key is
//! reserved before the request runs (so concurrent retries run once, on both engines), records
//! expire after a day, replays are audited, and a replay of a change to a case shows the case
//! as it stands now rather than a stored copy of the person's details.

use futures_util::future::join_all;
use leder_api::auth::keys::KeySet;
use leder_api::auth::token::{Claims, issue};
use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{at_stage, id_of, patch_person, staff};
use crate::helpers::{TestApp, etag_of, json, problem, sql_count, sql_execute, today, ymd};

const PLAN: &str = "/api/v1/organisations/QOP/actions";

/// POSTs `body` to `path` as `token` with an `Idempotency-Key`.
async fn post_keyed(
    app: &TestApp,
    path: &str,
    token: &str,
    key: &str,
    body: &Value,
) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .expect("request")
}

fn replayed(res: &reqwest::Response) -> bool {
    res.headers()
        .get("idempotent-replayed")
        .is_some_and(|v| v == "true")
}

fn action() -> Value {
    json!({
        "title": "Repeat swallowing assessments after every admission for aspiration",
        "outcome_measure": "95% seen by SALT within 7 days",
        "owner": "Community learning disability team",
        "due_date": ymd(today() + time::Duration::days(30)),
        "themes": []
    })
}

/// A token for `id` signed with the server's key, valid until `exp` (Unix seconds).
fn token_until(app: &TestApp, id: &str, roles: &[&str], org: Option<&str>, exp: i64) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let keys = KeySet::load(&app.keys_dir, None, false).unwrap();
    let claims = Claims {
        iss: "leder".into(),
        aud: "leder-api".into(),
        sub: id.into(),
        exp,
        iat: now - 1000,
        nbf: now - 1000,
        jti: "idempotency-test".into(),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        org: org.map(str::to_owned),
        kind: "user".into(),
        generation: 0,
        sid: None,
    };
    issue(&keys, &claims).unwrap()
}

async fn set_disabled(app: &TestApp, id: &str) {
    let admin = app.admin_token().await;
    let res = app.get_as(&format!("/api/v1/users/{id}"), &admin).await;
    let tag = etag_of(&res);
    let res = crate::helpers::patch_json(
        app,
        &format!("/api/v1/users/{id}"),
        &admin,
        Some(&tag),
        &json!({"disabled": true}),
    )
    .await;
    json(res, 200).await;
}

/// Local webhook targets, and enough workers and connections for twenty requests at once.
fn allow_local_webhooks(c: &mut crate::helpers::Config) {
    c.webhook_allowed_hosts = vec!["127.0.0.1".into()];
    c.workers = 4;
    c.pool_size = 20;
}

both_backends! {
    async fn a_disabled_account_gets_401_not_the_stored_answer(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "awaiting_allocation").await;
        let path = format!("/api/v1/reviews/{id}/transitions");
        let allocate = json!({"action": "allocate", "reviewer_id": s.reviewer.id});
        let first = post_keyed(&app, &path, &s.lead.token, "allocate-1", &allocate).await;
        assert!(!replayed(&first));
        json(first, 200).await;
        set_disabled(&app, &s.lead.id).await;
        let again = post_keyed(&app, &path, &s.lead.token, "allocate-1", &allocate).await;
        assert!(!replayed(&again));
        let p = problem(again, 401).await;
        assert!(p.get("person").is_none(), "{p}");
    }

    async fn a_key_belongs_to_the_account_not_to_one_token_and_an_expired_token_gets_401(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "awaiting_allocation").await;
        let path = format!("/api/v1/reviews/{id}/transitions");
        let allocate = json!({"action": "allocate", "reviewer_id": s.reviewer.id});
        json(post_keyed(&app, &path, &s.lead.token, "allocate-2", &allocate).await, 200).await;
        // Signed in again: the retry is the same request, so it replays rather than runs twice
        // (running twice would be a 409: the case is allocated already).
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let fresh = token_until(&app, &s.lead.id, &["ics_lead"], Some("QOP"), now + 600);
        let again = post_keyed(&app, &path, &fresh, "allocate-2", &allocate).await;
        assert!(replayed(&again), "status {}", again.status());
        let review = json(again, 200).await;
        assert_eq!(review["status"], "allocated");
        // The same account with an expired token: 401, nothing replayed.
        let expired = token_until(&app, &s.lead.id, &["ics_lead"], Some("QOP"), now - 300);
        let refused = post_keyed(&app, &path, &expired, "allocate-2", &allocate).await;
        assert!(!replayed(&refused));
        problem(refused, 401).await;
        // Another account never sees this account's answer.
        let other = post_keyed(&app, &path, &s.other_lead.token, "allocate-2", &allocate).await;
        assert!(!replayed(&other));
        problem(other, 404).await;
    }

    async fn a_replay_of_a_change_to_a_case_shows_the_case_as_it_stands_and_stores_no_person(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "awaiting_allocation").await;
        let path = format!("/api/v1/reviews/{id}/transitions");
        let allocate = json!({"action": "allocate", "reviewer_id": s.reviewer.id});
        let first = json(post_keyed(&app, &path, &s.lead.token, "allocate-3", &allocate).await, 200).await;
        let family = first["person"]["family_name"].as_str().unwrap().to_owned();
        let stored = sql_count(&app, &format!(
            "SELECT COUNT(*) AS n FROM idempotency_keys WHERE idempotency_key = 'allocate-3' AND body LIKE '%{family}%'")).await;
        assert_eq!(stored, 0, "the person's details are not kept with the key");
        json(patch_person(&app, &s.lead.token, &s.lead.token, &id, &json!({"family_name": "Corrected"})).await, 200).await;
        let again = post_keyed(&app, &path, &s.lead.token, "allocate-3", &allocate).await;
        assert!(replayed(&again));
        let tag = etag_of(&again);
        let review = json(again, 200).await;
        assert_eq!(review["person"]["family_name"], "Corrected");
        assert_eq!(tag, format!("\"{}\"", review["version"]));
        assert_eq!(id_of(&review), id);
        // The replay is audited, as a replay and as a read of the case.
        let audited = sql_count(&app, &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'replay' AND subject = 'review:{id}' AND actor_id = '{}'",
            s.lead.id)).await;
        assert_eq!(audited, 1);
    }

    async fn a_replay_is_audited_and_a_record_older_than_a_day_runs_afresh(app) {
        let s = staff(&app).await;
        let first = post_keyed(&app, PLAN, &s.lead.token, "action-1", &action()).await;
        assert!(!replayed(&first));
        let created = json(first, 201).await;
        let again = post_keyed(&app, PLAN, &s.lead.token, "action-1", &action()).await;
        assert!(replayed(&again));
        assert_eq!(json(again, 201).await, created);
        let audited = sql_count(&app, &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'replay' AND actor_id = '{}'", s.lead.id)).await;
        assert_eq!(audited, 1);
        // A day later the key is forgotten: the same request is a new one.
        let aged = sql_execute(&app,
            "UPDATE idempotency_keys SET created_at = '2000-01-01 00:00:00' WHERE idempotency_key = 'action-1'").await;
        assert_eq!(aged, 1);
        let later = post_keyed(&app, PLAN, &s.lead.token, "action-1", &action()).await;
        assert!(!replayed(&later));
        let second = json(later, 201).await;
        assert_ne!(second["id"], created["id"]);
    }

    async fn concurrent_retries_with_one_key_run_once(app, allow_local_webhooks) {
        let s = staff(&app).await;
        let body = json!({"url": "http://127.0.0.1:9/hook", "event_types": ["review.created"]});
        let answers = join_all((0..20).map(|_| post_keyed(&app, "/api/v1/webhooks", &s.lead.token, "hook-1", &body))).await;
        let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 19, "{statuses:?}");
        for res in answers.into_iter().filter(|r| r.status() == 409) {
            problem(res, 409).await;
        }
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM webhooks").await, 1);
        // A POST whose answer is replayed: one runs, the others wait with 409 or replay it.
        let plan = action();
        let answers = join_all((0..20).map(|_| post_keyed(&app, PLAN, &s.lead.token, "action-2", &plan))).await;
        let ran = answers.iter().filter(|r| r.status() == 201 && !replayed(r)).count();
        let waited = answers.iter().filter(|r| r.status() == 409 || (r.status() == 201 && replayed(r))).count();
        assert_eq!((ran, waited), (1, 19));
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM actions").await, 1);
    }

    async fn a_key_in_use_is_a_409_problem_naming_it(app) {
        let s = staff(&app).await;
        // A reservation left by a request that is still running.
        let created = json(post_keyed(&app, PLAN, &s.lead.token, "action-3", &action()).await, 201).await;
        assert!(created["id"].is_string());
        sql_execute(&app, "UPDATE idempotency_keys SET status = 0, body = '' WHERE idempotency_key = 'action-3'").await;
        let busy = problem(post_keyed(&app, PLAN, &s.lead.token, "action-3", &action()).await, 409).await;
        assert_eq!(busy["type"], "/problems/idempotency-key-in-use");
        // The same key with another body is still 422, running or not.
        let mut other = action();
        other["title"] = json!("Something else");
        let p = problem(post_keyed(&app, PLAN, &s.lead.token, "action-3", &other).await, 422).await;
        assert_eq!(p["errors"][0]["code"], "idempotency_key_reused");
    }
}
