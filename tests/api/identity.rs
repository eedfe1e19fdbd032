//! Sign-in, accounts, machine clients and the caller's own account.

use serde_json::json;

use crate::both_backends;
use crate::helpers::{ADMIN_PASSWORD, TestApp, USER_PASSWORD, first_field, json, problem};

async fn oauth_error(res: reqwest::Response, status: u16, error: &str) {
    assert_eq!(res.status().as_u16(), status);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], error, "{body}");
}

async fn set_disabled(app: &TestApp, admin: &str, id: &str, disabled: bool) {
    let res = app.get_as(&format!("/api/v1/users/{id}"), admin).await;
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/users/{id}")))
        .bearer_auth(admin)
        .header("if-match", etag)
        .json(&json!({"disabled": disabled}))
        .send()
        .await
        .unwrap();
    json(res, 200).await;
}

both_backends! {
    async fn the_bootstrap_admin_signs_in_with_the_configured_password(app) {
        let res = app.token_request(&[("grant_type", "password"), ("username", "admin"), ("password", ADMIN_PASSWORD)]).await;
        assert_eq!(res.headers()["cache-control"], "no-store");
        let body = json(res, 200).await;
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 900);
        // Usernames are case-insensitive.
        app.token("ADMIN", ADMIN_PASSWORD).await;
    }

    async fn a_wrong_password_and_an_unknown_user_get_the_same_answer(app) {
        let wrong = app.token_request(&[("grant_type", "password"), ("username", "admin"), ("password", "nope")]).await;
        assert_eq!(wrong.status(), 400);
        let wrong: serde_json::Value = wrong.json().await.unwrap();
        let unknown = app.token_request(&[("grant_type", "password"), ("username", "nobody"), ("password", "nope")]).await;
        assert_eq!(unknown.status(), 400);
        let unknown: serde_json::Value = unknown.json().await.unwrap();
        assert_eq!(wrong, unknown);
        assert_eq!(wrong["error"], "invalid_grant");
    }

    async fn oauth_errors_have_the_oauth_shape(app) {
        oauth_error(app.token_request(&[("username", "admin")]).await, 400, "invalid_request").await;
        oauth_error(app.token_request(&[("grant_type", "implicit")]).await, 400, "unsupported_grant_type").await;
        oauth_error(app.token_request(&[("grant_type", "password"), ("username", "admin")]).await, 400, "invalid_request").await;
        oauth_error(app.token_request(&[("grant_type", "client_credentials")]).await, 401, "invalid_client").await;
        oauth_error(
            app.token_request(&[("grant_type", "client_credentials"), ("client_id", "x"), ("client_secret", "y")]).await,
            401,
            "invalid_client",
        )
        .await;
        let res = app.client.post(app.url("/api/v1/auth/token")).json(&json!({"grant_type": "password"})).send().await.unwrap();
        problem(res, 415).await;
    }

    async fn repeated_failures_lock_the_account_for_a_while(app) {
        let (_, _) = app.user("rita.reviewer", &["reviewer"], Some("QOP")).await;
        for _ in 0..5 {
            oauth_error(
                app.token_request(&[("grant_type", "password"), ("username", "rita.reviewer"), ("password", "wrong")]).await,
                400,
                "invalid_grant",
            )
            .await;
        }
        // Now even the right password is refused, with the same answer.
        oauth_error(
            app.token_request(&[("grant_type", "password"), ("username", "rita.reviewer"), ("password", USER_PASSWORD)]).await,
            400,
            "invalid_grant",
        )
        .await;
        let admin = app.admin_token().await;
        let users = json(app.get_as("/api/v1/users?organisation=QOP", &admin).await, 200).await;
        assert_eq!(users["items"][0]["locked"], true);
    }

    async fn a_disabled_users_token_stops_working_at_once(app) {
        let (id, token) = app.user("dan.lead", &["ics_lead"], Some("QOP")).await;
        json(app.get_as("/api/v1/me", &token).await, 200).await;
        let admin = app.admin_token().await;
        set_disabled(&app, &admin, &id, true).await;
        problem(app.get_as("/api/v1/me", &token).await, 401).await;
        oauth_error(
            app.token_request(&[("grant_type", "password"), ("username", "dan.lead"), ("password", USER_PASSWORD)]).await,
            400,
            "invalid_grant",
        )
        .await;
        set_disabled(&app, &admin, &id, false).await;
        // Enabled again, the account signs in afresh: tokens from before the disable stay spent.
        problem(app.get_as("/api/v1/me", &token).await, 401).await;
        let token = app.token("dan.lead", USER_PASSWORD).await;
        json(app.get_as("/api/v1/me", &token).await, 200).await;
    }

    async fn a_machine_client_gets_a_token_and_a_revoked_one_is_refused_at_once(app) {
        let (id, secret, token) = app.machine_client("QOP").await;
        let me = json(app.get_as("/api/v1/me", &token).await, 200).await;
        assert_eq!(me["kind"], "client");
        assert_eq!(me["roles"], json!(["integration"]));
        assert_eq!(me["organisation"], "QOP");
        // HTTP Basic works too.
        use base64::Engine;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        let res = app
            .client
            .post(app.url("/api/v1/auth/token"))
            .header("authorization", format!("Basic {basic}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .await
            .unwrap();
        json(res, 200).await;
        let wrong = app.token_request(&[("grant_type", "client_credentials"), ("client_id", &id), ("client_secret", "lcs_wrong")]).await;
        oauth_error(wrong, 401, "invalid_client").await;
        let admin = app.admin_token().await;
        let res = app.send(reqwest::Method::DELETE, &format!("/api/v1/clients/{id}"), Some(&admin), None).await;
        assert_eq!(res.status(), 204);
        problem(app.get_as("/api/v1/me", &token).await, 401).await;
        let again = app.token_request(&[("grant_type", "client_credentials"), ("client_id", &id), ("client_secret", &secret)]).await;
        oauth_error(again, 401, "invalid_client").await;
        let listed = json(app.get_as("/api/v1/clients", &admin).await, 200).await;
        assert!(listed["items"][0]["revoked_at"].is_string());
        assert!(listed["items"][0].get("client_secret").is_none());
    }

    async fn accounts_follow_the_role_rules(app) {
        let admin = app.admin_token().await;
        let cases = [
            (json!({"roles": ["reviewer", "admin"], "organisation": "QOP"}), "roles"),
            (json!({"roles": ["national_analyst"], "organisation": "QOP"}), "organisation"),
            (json!({"roles": ["reviewer"]}), "organisation"),
            (json!({"roles": []}), "roles"),
            (json!({"roles": ["integration"], "organisation": "QOP"}), "roles"),
            (json!({"roles": ["ics_lead"], "organisation": "14L"}), "organisation"),
            (json!({"roles": ["ics_lead"], "organisation": "QUE"}), "organisation"),
        ];
        for (i, (partial, field)) in cases.into_iter().enumerate() {
            let mut body = json!({"username": format!("user{i}"), "display_name": "U", "password": USER_PASSWORD});
            for (k, v) in partial.as_object().unwrap() {
                body[k] = v.clone();
            }
            let p = problem(app.post_as("/api/v1/users", &admin, &body).await, 422).await;
            assert_eq!(first_field(&p), field, "{body}: {p}");
        }
        let weak = json!({"username": "weak", "display_name": "W", "roles": ["reviewer"], "organisation": "QOP", "password": "short"});
        assert_eq!(first_field(&problem(app.post_as("/api/v1/users", &admin, &weak).await, 422).await), "password");
        let ok = json!({"username": "senior", "display_name": "S", "roles": ["reviewer", "qa_panel"], "organisation": "QOP", "password": USER_PASSWORD});
        let created = json(app.post_as("/api/v1/users", &admin, &ok).await, 201).await;
        assert_eq!(created["roles"], json!(["qa_panel", "reviewer"]));
        assert!(created.get("password").is_none() && created.get("password_hash").is_none());
        problem(app.post_as("/api/v1/users", &admin, &ok).await, 409).await;
    }

    async fn updating_a_user_needs_a_current_if_match(app) {
        let (id, _) = app.user("ulla", &["reviewer"], Some("QOP")).await;
        let admin = app.admin_token().await;
        let path = format!("/api/v1/users/{id}");
        let res = app.client.patch(app.url(&path)).bearer_auth(&admin).json(&json!({"display_name": "Ulla"})).send().await.unwrap();
        problem(res, 428).await;
        let res = app.client.patch(app.url(&path)).bearer_auth(&admin).header("if-match", "\"99\"").json(&json!({"display_name": "Ulla"})).send().await.unwrap();
        problem(res, 412).await;
        // Not an ETag at all is a malformed request, not a stale one.
        for malformed in ["1", "*", "\"one\""] {
            let res = app.client.patch(app.url(&path)).bearer_auth(&admin).header("if-match", malformed).json(&json!({"display_name": "Ulla"})).send().await.unwrap();
            assert_eq!(first_field(&problem(res, 400).await), "If-Match", "{malformed}");
        }
        let res = app.client.patch(app.url(&path)).bearer_auth(&admin).header("if-match", "\"1\"").json(&json!({"roles": ["reviewer", "qa_panel"]})).send().await.unwrap();
        assert_eq!(res.headers()["etag"], "\"2\"");
        let body = json(res, 200).await;
        assert_eq!(body["roles"], json!(["qa_panel", "reviewer"]));
        // null clears a field (here: an ICB the roles need, so it is refused).
        let res = app.client.patch(app.url(&path)).bearer_auth(&admin).header("if-match", "\"2\"").json(&json!({"organisation": null})).send().await.unwrap();
        assert_eq!(first_field(&problem(res, 422).await), "organisation");
    }

    async fn a_user_changes_their_own_password(app) {
        let (_, token) = app.user("pat", &["reviewer"], Some("QOP")).await;
        let wrong = json!({"current_password": "not it at all", "new_password": "a brand new password"});
        assert_eq!(first_field(&problem(app.post_as("/api/v1/me/password", &token, &wrong).await, 422).await), "current_password");
        let weak = json!({"current_password": USER_PASSWORD, "new_password": "short"});
        assert_eq!(first_field(&problem(app.post_as("/api/v1/me/password", &token, &weak).await, 422).await), "new_password");
        let good = json!({"current_password": USER_PASSWORD, "new_password": "a brand new password"});
        assert_eq!(app.post_as("/api/v1/me/password", &token, &good).await.status(), 204);
        app.token("pat", "a brand new password").await;
        oauth_error(
            app.token_request(&[("grant_type", "password"), ("username", "pat"), ("password", USER_PASSWORD)]).await,
            400,
            "invalid_grant",
        )
        .await;
    }

    async fn users_are_listed_by_username_with_paging(app) {
        for name in ["c.one", "a.two", "b.three"] {
            app.user(name, &["reviewer"], Some("QOP")).await;
        }
        let admin = app.admin_token().await;
        let first = json(app.get_as("/api/v1/users?limit=2", &admin).await, 200).await;
        let names: Vec<&str> = first["items"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
        assert_eq!(names, ["a.two", "admin"]);
        let cursor = first["next_cursor"].as_str().unwrap();
        let rest = json(app.get_as(&format!("/api/v1/users?limit=2&cursor={cursor}"), &admin).await, 200).await;
        let names: Vec<&str> = rest["items"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
        assert_eq!(names, ["b.three", "c.one"]);
        assert!(rest["next_cursor"].is_null());
        let qop = json(app.get_as("/api/v1/users?organisation=QOP", &admin).await, 200).await;
        assert_eq!(qop["items"].as_array().unwrap().len(), 3);
    }

    async fn responses_forbid_caching_and_cors_is_off_by_default(app) {
        let token = app.admin_token().await;
        let res = app.client.get(app.url("/api/v1/me")).bearer_auth(&token).header("origin", "https://evil.example").send().await.unwrap();
        assert_eq!(res.headers()["cache-control"], "no-store");
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
        assert!(res.headers().get("access-control-allow-origin").is_none());
    }
}

#[actix_web::test]
async fn cors_allows_only_the_listed_front_ends() {
    let app =
        TestApp::sqlite_with(|c| c.cors_origins = vec!["https://frontend.example".into()]).await;
    let res = app
        .client
        .get(app.url("/api/v1/organisations"))
        .header("origin", "https://frontend.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://frontend.example"
    );
    let res = app
        .client
        .get(app.url("/api/v1/organisations"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
}
