//! Key rotation and trusted proxies.

use leder_api::auth::keys::{KeySet, generate};
use leder_api::auth::token::{Claims, issue};

use crate::helpers::{TestApp, json};

#[actix_web::test]
async fn tokens_signed_by_a_retired_key_still_verify_while_a_new_key_signs() {
    let dir = tempfile::tempdir().unwrap();
    let old = generate(dir.path()).unwrap();
    std::fs::rename(
        dir.path().join(format!("{old}.pem")),
        dir.path().join("a-old.pem"),
    )
    .unwrap();
    let new = generate(dir.path()).unwrap();
    std::fs::rename(
        dir.path().join(format!("{new}.pem")),
        dir.path().join("b-new.pem"),
    )
    .unwrap();
    let keys_dir = dir.path().to_owned();
    let app = TestApp::sqlite_with(|c| {
        c.jwt_keys_dir = Some(keys_dir.clone());
        c.jwt_signing_kid = Some("b-new".into());
    })
    .await;
    let jwks = json(app.get("/.well-known/jwks.json").await, 200).await;
    let kids: Vec<&str> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert!(
        kids.contains(&"a-old") && kids.contains(&"b-new"),
        "{kids:?}"
    );
    let token = app.admin_token().await;
    let me = json(app.get_as("/api/v1/me", &token).await, 200).await;
    // The server signs with the new key...
    let header: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            token.split('.').next().unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(header["kid"], "b-new");
    // ...and still accepts a token the retired key signed.
    let retired = KeySet::load(dir.path(), Some("a-old"), false).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims = Claims {
        iss: "leder".into(),
        aud: "leder-api".into(),
        sub: me["id"].as_str().unwrap().into(),
        exp: now + 600,
        iat: now,
        nbf: now,
        jti: "old".into(),
        roles: vec!["admin".into()],
        org: None,
        kind: "user".into(),
        generation: 0,
        sid: None,
    };
    let old_token = issue(&retired, &claims).unwrap();
    assert_eq!(
        json(app.get_as("/api/v1/me", &old_token).await, 200).await["id"],
        me["id"]
    );
}

async fn last_read_address(app: &TestApp, admin: &str, forwarded: Option<&str>) -> String {
    let tag: String = forwarded
        .unwrap_or("none")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let (id, _) = app
        .user(&format!("proxy.{tag}"), &["reviewer"], Some("QOP"))
        .await;
    let mut req = app
        .client
        .get(app.url(&format!("/api/v1/users/{id}")))
        .bearer_auth(admin);
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    json(req.send().await.unwrap(), 200).await;
    let trail = json(
        app.get_as(&format!("/api/v1/audit?subject=user:{id}"), admin)
            .await,
        200,
    )
    .await;
    let read = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "read")
        .unwrap()
        .clone();
    read["client_address"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn behind_a_trusted_proxy_the_audit_records_the_forwarded_address_and_otherwise_the_peer() {
    let trusting =
        TestApp::sqlite_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let admin = trusting.admin_token().await;
    assert_eq!(
        last_read_address(&trusting, &admin, Some("203.0.113.7, 127.0.0.1")).await,
        "203.0.113.7"
    );
    let untrusting = TestApp::sqlite().await;
    let admin = untrusting.admin_token().await;
    assert_eq!(
        last_read_address(&untrusting, &admin, Some("203.0.113.7")).await,
        "127.0.0.1"
    );
}
