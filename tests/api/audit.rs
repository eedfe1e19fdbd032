//! The audit trail: entries for reads, changes and sign-ins; a verifiable hash chain.

use diesel::RunQueryDsl;
use leder_persistence::repo::audit::verify;

use crate::both_backends;
use crate::helpers::{TestApp, json, problem};

async fn entries(app: &TestApp, token: &str, subject: &str) -> Vec<serde_json::Value> {
    let page = json(
        app.get_as(&format!("/api/v1/audit?subject={subject}"), token)
            .await,
        200,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}

async fn verify_now(app: &TestApp) -> leder_persistence::repo::audit::VerifyReport {
    let pool = app.pool().clone();
    tokio::task::spawn_blocking(move || verify(&mut pool.get().unwrap()).unwrap())
        .await
        .unwrap()
}

both_backends! {
    async fn reads_changes_and_sign_ins_are_audited(app) {
        let (id, _) = app.user("audrey", &["reviewer"], Some("QOP")).await;
        let admin = app.admin_token().await;
        json(app.get_as(&format!("/api/v1/users/{id}"), &admin).await, 200).await;
        let subject = format!("user:{id}");
        let items = entries(&app, &admin, &subject).await;
        let actions: Vec<(&str, &str)> = items
            .iter()
            .map(|e| (e["action"].as_str().unwrap(), e["outcome"].as_str().unwrap()))
            .collect();
        // Created by the admin, then audrey signed in (the helper takes a token), then read.
        assert_eq!(actions, [("create", "success"), ("sign_in", "success"), ("read", "success")]);
        let read = &items[2];
        assert_eq!(read["route"], "/api/v1/users/{id}");
        assert_eq!(read["method"], "GET");
        assert_eq!(read["actor_roles"], serde_json::json!(["admin"]));
        assert_eq!(read["client_address"], "127.0.0.1");
        // A failed sign-in is recorded against the account too.
        app.token_request(&[("grant_type", "password"), ("username", "audrey"), ("password", "wrong")]).await;
        let items = entries(&app, &admin, &subject).await;
        assert!(items.iter().any(|e| e["action"] == "sign_in" && e["outcome"] == "failure"));
        // Reading the trail is itself audited.
        assert!(items.iter().any(|e| e["action"] == "read_audit"));
    }

    async fn a_lead_sees_the_trail_of_their_own_icb_only(app) {
        let (mine, _) = app.user("mine", &["reviewer"], Some("QOP")).await;
        let (theirs, _) = app.user("theirs", &["reviewer"], Some("QE1")).await;
        let (_, lead) = app.user("lead", &["ics_lead"], Some("QOP")).await;
        let trail = entries(&app, &lead, &format!("user:{mine}")).await;
        let actions: Vec<&str> = trail.iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["create", "sign_in"], "{trail:?}");
        problem(app.get_as(&format!("/api/v1/audit?subject=user:{theirs}"), &lead).await, 404).await;
        problem(app.get_as("/api/v1/audit?subject=user:nobody", &lead).await, 404).await;
        let (_, qa) = app.user("qa.panel", &["qa_panel"], Some("QOP")).await;
        problem(app.get_as(&format!("/api/v1/audit?subject=user:{mine}"), &qa).await, 403).await;
        let admin = app.admin_token().await;
        problem(app.get_as("/api/v1/audit", &admin).await, 400).await;
    }

    async fn the_chain_verifies_and_breaks_when_a_row_is_altered(app) {
        let (id, _) = app.user("chain", &["reviewer"], Some("QOP")).await;
        let admin = app.admin_token().await;
        for _ in 0..5 {
            json(app.get_as(&format!("/api/v1/users/{id}"), &admin).await, 200).await;
        }
        let report = verify_now(&app).await;
        assert!(report.broken.is_none(), "{report:?}");
        // The user's creation, three sign-ins (the admin twice, the user once) and five reads.
        assert_eq!(report.entries, 9, "{report:?}");
        let pool = app.pool().clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().unwrap();
            diesel::sql_query("UPDATE audit_log SET outcome = 'denied' WHERE seq = 3")
                .execute(&mut *conn)
                .unwrap();
        })
        .await
        .unwrap();
        let report = verify_now(&app).await;
        let broken = report.broken.expect("the altered row breaks the chain");
        assert_eq!(broken.seq, 3);
        assert_eq!(report.entries, 2);
    }

    async fn a_deleted_row_breaks_the_chain(app) {
        let admin = app.admin_token().await;
        let (id, _) = app.user("gone", &["reviewer"], Some("QOP")).await;
        json(app.get_as(&format!("/api/v1/users/{id}"), &admin).await, 200).await;
        let pool = app.pool().clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().unwrap();
            diesel::sql_query("DELETE FROM audit_log WHERE seq = 2").execute(&mut *conn).unwrap();
        })
        .await
        .unwrap();
        let broken = verify_now(&app).await.broken.expect("broken");
        assert_eq!(broken.seq, 2);
    }
}
