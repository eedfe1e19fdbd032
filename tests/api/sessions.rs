//! Sessions (issue 18): refresh tokens rotate and a reused one revokes its whole family, bound
//! to their client; sessions are listed and ended by their owner or an admin; sign-out and RFC
//! 7009 revocation; a revoked or run-out session is refused.

use crate::authorize::signed_in;
use crate::both_backends;
use crate::helpers::{TEST_CLIENT, TestApp, USER_PASSWORD, json, problem, sql_count, sql_execute};

/// A password-grant sign-in: the token answer.
async fn password_sign_in(app: &TestApp, username: &str) -> serde_json::Value {
    let res = app
        .token_request(&[
            ("grant_type", "password"),
            ("username", username),
            ("password", USER_PASSWORD),
        ])
        .await;
    json(res, 200).await
}

async fn refresh(app: &TestApp, token: &str, client_id: Option<&str>) -> reqwest::Response {
    let mut form = vec![("grant_type", "refresh_token"), ("refresh_token", token)];
    if let Some(c) = client_id {
        form.push(("client_id", c));
    }
    app.token_request(&form).await
}

fn field(v: &serde_json::Value, name: &str) -> String {
    v[name]
        .as_str()
        .unwrap_or_else(|| panic!("no {name} in {v}"))
        .to_owned()
}

async fn refused(res: reqwest::Response) {
    assert_eq!(json(res, 400).await["error"], "invalid_grant");
}

both_backends! {
    async fn a_refresh_token_works_once_and_its_reuse_revokes_the_whole_session(app) {
        app.user("rita", &["reviewer"], Some("QOP")).await;
        let first = password_sign_in(&app, "rita").await;
        let (a1, r1) = (field(&first, "access_token"), field(&first, "refresh_token"));
        // Stored only as a hash.
        assert_eq!(sql_count(&app, &format!("SELECT COUNT(*) AS n FROM refresh_tokens WHERE token_hash = '{r1}'")).await, 0);
        let second = json(refresh(&app, &r1, None).await, 200).await;
        let (a2, r2) = (field(&second, "access_token"), field(&second, "refresh_token"));
        assert_ne!(r1, r2);
        json(app.get_as("/api/v1/me", &a2).await, 200).await;
        // The spent token again: refused, and the family is revoked, successor included.
        refused(refresh(&app, &r1, None).await).await;
        refused(refresh(&app, &r2, None).await).await;
        assert_eq!(app.get_as("/api/v1/me", &a2).await.status(), 401);
        assert_eq!(app.get_as("/api/v1/me", &a1).await.status(), 401);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM sessions WHERE revoked_reason = 'refresh_reused'").await, 1);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'refresh' AND outcome = 'refused_reuse'").await, 1);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'refresh' AND outcome = 'success'").await, 1);
    }

    async fn two_refreshes_at_once_with_one_token_leave_one_winner_and_end_the_session(app) {
        app.user("rita", &["reviewer"], Some("QOP")).await;
        let first = password_sign_in(&app, "rita").await;
        let r1 = field(&first, "refresh_token");
        for _ in 0..3 {
            // Each round starts from a live session of its own.
            let start = password_sign_in(&app, "rita").await;
            let token = field(&start, "refresh_token");
            let (x, y) = tokio::join!(refresh(&app, &token, None), refresh(&app, &token, None));
            let mut statuses = [x.status().as_u16(), y.status().as_u16()];
            statuses.sort_unstable();
            assert_eq!(statuses, [200, 400]);
            let winner = if x.status() == 200 { x } else { y };
            let next = field(&json(winner, 200).await, "refresh_token");
            // The loser was a reuse: the winner's successor dies with the session.
            refused(refresh(&app, &next, None).await).await;
        }
        // The first session was never touched.
        json(refresh(&app, &r1, None).await, 200).await;
    }

    async fn a_refresh_token_works_only_for_the_client_its_session_began_with(app) {
        app.user("rita", &["reviewer"], Some("QOP")).await;
        let page = signed_in(&app, "rita", USER_PASSWORD).await;
        let r = field(&page, "refresh_token");
        refused(refresh(&app, &r, None).await).await;
        let res = refresh(&app, &r, Some("someone-else")).await;
        assert_eq!(json(res, 401).await["error"], "invalid_client");
        let next = json(refresh(&app, &r, Some(TEST_CLIENT)).await, 200).await;
        // A password-grant session has no client: a front end cannot carry it on.
        let cli = password_sign_in(&app, "rita").await;
        refused(refresh(&app, &field(&cli, "refresh_token"), Some(TEST_CLIENT)).await).await;
        json(refresh(&app, &field(&next, "refresh_token"), Some(TEST_CLIENT)).await, 200).await;
    }

    async fn a_refresh_token_left_unused_too_long_or_past_its_session_is_refused(app) {
        app.user("rita", &["reviewer"], Some("QOP")).await;
        let idle = password_sign_in(&app, "rita").await;
        sql_execute(&app, "UPDATE refresh_tokens SET expires_at = created_at").await;
        refused(refresh(&app, &field(&idle, "refresh_token"), None).await).await;
        let ended = password_sign_in(&app, "rita").await;
        sql_execute(&app, "UPDATE sessions SET expires_at = created_at").await;
        refused(refresh(&app, &field(&ended, "refresh_token"), None).await).await;
        // A session that has run out stops its access tokens too.
        assert_eq!(app.get_as("/api/v1/me", &field(&ended, "access_token")).await.status(), 401);
    }

    async fn a_person_lists_and_ends_their_own_sessions_and_a_revoked_session_is_refused(app) {
        app.user("rita", &["reviewer"], Some("QOP")).await;
        let (other_id, other) = app.user("olga", &["reviewer"], Some("QOP")).await;
        let laptop = password_sign_in(&app, "rita").await;
        let phone = password_sign_in(&app, "rita").await;
        let token = field(&laptop, "access_token");
        let page = json(app.get_as("/api/v1/auth/sessions", &token).await, 200).await;
        let items = page["items"].as_array().unwrap();
        // The helper's sign-in, the laptop and the phone.
        assert_eq!(items.len(), 3);
        assert_eq!(items.iter().filter(|s| s["current"] == true).count(), 1);
        assert_eq!(items[0]["client_address"], "127.0.0.1");
        let phone_sid = json(app.get_as("/api/v1/me", &field(&phone, "access_token")).await, 200).await["session_id"].as_str().unwrap().to_owned();
        let res = app.send(reqwest::Method::DELETE, &format!("/api/v1/auth/sessions/{phone_sid}"), Some(&token), None).await;
        assert_eq!(res.status(), 204);
        // The revoked session: its access token and its refresh token are refused.
        problem(app.get_as("/api/v1/me", &field(&phone, "access_token")).await, 401).await;
        refused(refresh(&app, &field(&phone, "refresh_token"), None).await).await;
        json(app.get_as("/api/v1/me", &token).await, 200).await;
        // Someone else's session is not hers to see or end.
        let olga_sid = json(app.get_as("/api/v1/me", &other).await, 200).await["session_id"].as_str().unwrap().to_owned();
        problem(app.send(reqwest::Method::DELETE, &format!("/api/v1/auth/sessions/{olga_sid}"), Some(&token), None).await, 404).await;
        problem(app.get_as(&format!("/api/v1/auth/sessions?user_id={other_id}"), &token).await, 403).await;
        problem(app.get_as("/api/v1/auth/sessions?who=me", &token).await, 400).await;
        json(app.get_as("/api/v1/me", &other).await, 200).await;
        // An admin sees and ends anyone's.
        let admin = app.admin_token().await;
        let theirs = json(app.get_as(&format!("/api/v1/auth/sessions?user_id={other_id}"), &admin).await, 200).await;
        assert_eq!(theirs["items"][0]["id"], olga_sid.as_str());
        assert_eq!(theirs["items"][0]["current"], false);
        let res = app.send(reqwest::Method::DELETE, &format!("/api/v1/auth/sessions/{olga_sid}"), Some(&admin), None).await;
        assert_eq!(res.status(), 204);
        problem(app.get_as("/api/v1/me", &other).await, 401).await;
        let trail = json(app.get_as(&format!("/api/v1/audit?subject=session:{olga_sid}"), &admin).await, 200).await;
        let last = trail["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["action"], "revoke_session");
        assert_eq!(last["actor_roles"], serde_json::json!(["admin"]));
    }

    async fn signing_out_and_revoking_a_token_end_the_session(app) {
        app.user("rita", &["reviewer"], Some("QOP")).await;
        let one = password_sign_in(&app, "rita").await;
        let res = app.send(reqwest::Method::POST, "/api/v1/auth/sign-out", Some(&field(&one, "access_token")), None).await;
        assert_eq!(res.status(), 204);
        problem(app.get_as("/api/v1/me", &field(&one, "access_token")).await, 401).await;
        refused(refresh(&app, &field(&one, "refresh_token"), None).await).await;
        // RFC 7009: a refresh token revoked by its front end; the access token stops with it.
        let page = signed_in(&app, "rita", USER_PASSWORD).await;
        let revoke = |token: String, client: Option<&'static str>| {
            let app = &app;
            async move {
                let mut form = vec![("token", token.as_str())];
                if let Some(c) = client {
                    form.push(("client_id", c));
                }
                let body = form.iter().map(|(k, v)| format!("{k}={}", crate::helpers::form_encode(v))).collect::<Vec<_>>().join("&");
                app.client.post(app.url("/api/v1/auth/revoke")).header("content-type", "application/x-www-form-urlencoded").body(body).send().await.unwrap()
            }
        };
        // Another client's revocation changes nothing, and says nothing.
        assert_eq!(revoke(field(&page, "refresh_token"), None).await.status(), 200);
        json(app.get_as("/api/v1/me", &field(&page, "access_token")).await, 200).await;
        assert_eq!(revoke(field(&page, "refresh_token"), Some(TEST_CLIENT)).await.status(), 200);
        problem(app.get_as("/api/v1/me", &field(&page, "access_token")).await, 401).await;
        refused(refresh(&app, &field(&page, "refresh_token"), Some(TEST_CLIENT)).await).await;
        // An access token revokes its session too; an unknown token answers the same.
        let two = password_sign_in(&app, "rita").await;
        assert_eq!(revoke(field(&two, "access_token"), None).await.status(), 200);
        refused(refresh(&app, &field(&two, "refresh_token"), None).await).await;
        assert_eq!(revoke("lrt_unknown".into(), None).await.status(), 200);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM sessions WHERE revoked_reason = 'signed_out'").await, 3);
    }

    async fn a_password_change_or_a_disable_ends_every_session_of_the_account(app) {
        let (id, _) = app.user("rita", &["reviewer"], Some("QOP")).await;
        let laptop = password_sign_in(&app, "rita").await;
        let phone = password_sign_in(&app, "rita").await;
        let body = serde_json::json!({"current_password": USER_PASSWORD, "new_password": "a brand new password 456"});
        assert_eq!(app.post_as("/api/v1/me/password", &field(&laptop, "access_token"), &body).await.status(), 204);
        refused(refresh(&app, &field(&phone, "refresh_token"), None).await).await;
        refused(refresh(&app, &field(&laptop, "refresh_token"), None).await).await;
        // Signed in again with the new password; then an admin disables the account.
        let res = app.token_request(&[("grant_type", "password"), ("username", "rita"), ("password", "a brand new password 456")]).await;
        let again = json(res, 200).await;
        let admin = app.admin_token().await;
        let read = app.get_as(&format!("/api/v1/users/{id}"), &admin).await;
        let tag = crate::helpers::etag_of(&read);
        let res = crate::helpers::patch_json(&app, &format!("/api/v1/users/{id}"), &admin, Some(&tag), &serde_json::json!({"disabled": true})).await;
        assert_eq!(res.status(), 200);
        refused(refresh(&app, &field(&again, "refresh_token"), None).await).await;
    }

    async fn unknown_parameters_are_ignored_and_a_repeated_one_is_refused(app) {
        app.user("rita", &["reviewer"], Some("QOP")).await;
        let one = password_sign_in(&app, "rita").await;
        let post = |path: &'static str, body: String| {
            let app = &app;
            async move {
                app.client.post(app.url(path)).header("content-type", "application/x-www-form-urlencoded").body(body).send().await.unwrap()
            }
        };
        // RFC 6749 section 3.1: unrecognised parameters are ignored, whatever they hold.
        let refresh_token = field(&one, "refresh_token");
        let res = post("/api/v1/auth/token", format!("grant_type=refresh_token&refresh_token={refresh_token}&x%1C=%00")).await;
        let next = json(res, 200).await;
        // A recognised one sent twice is refused, and spends nothing.
        let r2 = field(&next, "refresh_token");
        let res = post("/api/v1/auth/token", format!("grant_type=refresh_token&refresh_token={r2}&refresh_token={r2}")).await;
        assert_eq!(json(res, 400).await["error"], "invalid_request");
        let res = post("/api/v1/auth/revoke", format!("token={r2}&token={r2}")).await;
        assert_eq!(json(res, 400).await["error"], "invalid_request");
        json(refresh(&app, &r2, None).await, 200).await;
    }

    async fn machine_clients_have_no_sessions_or_refresh_tokens(app) {
        let (_, _, token) = app.machine_client("QOP").await;
        problem(app.get_as("/api/v1/auth/sessions", &token).await, 403).await;
        problem(app.send(reqwest::Method::POST, "/api/v1/auth/sign-out", Some(&token), None).await, 403).await;
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM sessions").await, 1);
    }
}
