//! What an attacker found (issue #13): a stolen token guessing the password, one address
//! guessing without limit, and what leder writes to disk and answers to HEAD.

use serde_json::json;

use crate::both_backends;
use crate::cases::{at_stage, patch_findings, review, staff};
use crate::helpers::{USER_PASSWORD, first_field, json, problem};

async fn sign_in(app: &crate::helpers::TestApp, username: &str, password: &str) -> u16 {
    app.token_request(&[
        ("grant_type", "password"),
        ("username", username),
        ("password", password),
    ])
    .await
    .status()
    .as_u16()
}

both_backends! {
    async fn wrong_current_passwords_lock_the_account_as_wrong_sign_ins_do(app) {
        let (_, token) = app.user("pat", &["reviewer"], Some("QOP")).await;
        let wrong = json!({"current_password": "not it at all", "new_password": "a brand new password"});
        for _ in 0..5 {
            let res = app.post_as("/api/v1/me/password", &token, &wrong).await;
            assert_eq!(first_field(&problem(res, 422).await), "current_password");
        }
        // A stolen token has not become the password: the account is locked for a while.
        assert_eq!(sign_in(&app, "pat", USER_PASSWORD).await, 400);
        let right = json!({"current_password": USER_PASSWORD, "new_password": "a brand new password"});
        let res = app.post_as("/api/v1/me/password", &token, &right).await;
        let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&wait), "{wait}");
        problem(res, 429).await;
    }

    async fn an_address_that_keeps_failing_to_sign_in_is_told_to_wait(app) {
        // Unknown names: no account locks, only the address's budget is spent.
        for i in 0..20 {
            assert_eq!(sign_in(&app, &format!("nobody{i}"), "guess").await, 400);
        }
        let res = app
            .token_request(&[("grant_type", "password"), ("username", "admin"), ("password", "guess")])
            .await;
        assert_eq!(res.status(), 429);
        let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&wait), "{wait}");
    }

    async fn repeated_patches_cannot_grow_the_review_form_past_its_cap(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "awaiting_allocation").await;
        let lead = &s.lead.token;
        let big = "x".repeat(200 * 1024);
        json(patch_findings(&app, lead, lead, &id, &json!({"pen_portrait": big})).await, 200).await;
        let (before, _) = review(&app, lead, &id).await;
        // Each patch is small enough on its own; together they would pass 256 KiB.
        let res = patch_findings(&app, lead, lead, &id, &json!({"concerns": big})).await;
        let refused = problem(res, 422).await;
        assert_eq!(first_field(&refused), "findings");
        assert_eq!(refused["errors"][0]["code"], "too_large");
        let (after, _) = review(&app, lead, &id).await;
        assert_eq!(after["version"], before["version"]);
        // Replacing a field instead of adding one stays within the cap.
        json(patch_findings(&app, lead, lead, &id, &json!({"pen_portrait": "short", "concerns": big})).await, 200).await;
    }

    async fn head_is_answered_wherever_get_is(app) {
        let token = app.admin_token().await;
        for path in ["/healthz", "/.well-known/jwks.json", "/api/v1/me", "/api/v1/users"] {
            let get = app.client.get(app.url(path)).bearer_auth(&token).send().await.unwrap();
            let head = app.client.head(app.url(path)).bearer_auth(&token).send().await.unwrap();
            assert_eq!(head.status(), get.status(), "{path}");
            assert_eq!(head.headers().get("content-type"), get.headers().get("content-type"), "{path}");
            assert_eq!(head.headers().get("content-length"), get.headers().get("content-length"), "{path}");
            assert!(head.bytes().await.unwrap().is_empty(), "{path}");
        }
        // A route with no GET still answers 405.
        let res = app.client.head(app.url("/api/v1/auth/token")).send().await.unwrap();
        assert_eq!(res.status(), 405);
    }
}

#[cfg(unix)]
fn mode_of(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[actix_web::test]
async fn the_sqlite_database_and_the_keys_are_readable_by_their_owner_only() {
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("data").join("leder.db");
    let url = format!("sqlite://{}", db.display());
    let app = crate::helpers::TestApp::sqlite_with(|c| c.database_url = url).await;
    // Written through the server, so that the write-ahead log exists too.
    app.admin_token().await;
    for file in [db.clone(), db.with_extension("db-wal")] {
        assert_eq!(mode_of(&file), 0o600, "{}", file.display());
    }
    let keys: Vec<_> = std::fs::read_dir(&app.keys_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!keys.is_empty());
    for key in keys {
        assert_eq!(mode_of(&key), 0o600, "{}", key.display());
    }
}

#[actix_web::test]
async fn the_signing_key_leder_writes_is_read_by_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let kid = leder_api::auth::keys::generate(dir.path()).unwrap();
    let file = dir.path().join(format!("{kid}.pem"));
    let out = std::process::Command::new("openssl")
        .args(["pkey", "-noout", "-in"])
        .arg(&file)
        .output()
        .expect("the openssl command");
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // And leder still signs with it.
    let app =
        crate::helpers::TestApp::sqlite_with(|c| c.jwt_keys_dir = Some(dir.path().to_owned()))
            .await;
    app.admin_token().await;
}
