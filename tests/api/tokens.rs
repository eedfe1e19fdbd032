//! Access tokens: what is accepted and everything that is refused with 401 problem+json.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use leder_api::auth::keys::KeySet;
use leder_api::auth::token::{Claims, issue};
use serde_json::json;
use sha2::Sha256;

use crate::both_backends;
use crate::helpers::{TestApp, json, problem};

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn claims_for(sub: &str) -> Claims {
    Claims {
        iss: "leder".into(),
        aud: "leder-api".into(),
        sub: sub.into(),
        exp: now() + 600,
        iat: now(),
        nbf: now(),
        jti: "test".into(),
        roles: vec!["admin".into()],
        org: None,
        kind: "user".into(),
        generation: 0,
        sid: None,
    }
}

async fn admin_id(app: &TestApp, token: &str) -> String {
    json(app.get_as("/api/v1/me", token).await, 200).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn server_keys(app: &TestApp) -> KeySet {
    KeySet::load(&app.keys_dir, None, false).unwrap()
}

fn sign_raw(app: &TestApp, header: serde_json::Value, payload: serde_json::Value) -> String {
    // Sign arbitrary JSON with the server's own Ed25519 key.
    let pem = std::fs::read_dir(&app.keys_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pem"))
        .unwrap();
    let key = jsonwebtoken::EncodingKey::from_ed_pem(&std::fs::read(pem).unwrap()).unwrap();
    let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
    h.kid = header["kid"].as_str().map(str::to_owned);
    jsonwebtoken::encode(&h, &payload, &key).unwrap()
}

async fn refused(app: &TestApp, token: &str) {
    let res = app.get_as("/api/v1/me", token).await;
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    problem(res, 401).await;
}

both_backends! {
    async fn a_token_from_the_password_grant_identifies_the_caller(app) {
        let token = app.admin_token().await;
        let me = json(app.get_as("/api/v1/me", &token).await, 200).await;
        assert_eq!(me["username"], "admin");
        assert_eq!(me["roles"], json!(["admin"]));
        assert!(me["organisation"].is_null());
        // The token is an EdDSA JWT naming its key, with the required claims.
        let header: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token.split('.').next().unwrap()).unwrap()).unwrap();
        assert_eq!(header["alg"], "EdDSA");
        let kid = header["kid"].as_str().unwrap();
        let payload: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token.split('.').nth(1).unwrap()).unwrap()).unwrap();
        for claim in ["iss", "aud", "sub", "exp", "iat", "nbf", "jti", "roles"] {
            assert!(!payload[claim].is_null(), "missing {claim}");
        }
        assert_eq!(payload["exp"].as_i64().unwrap() - payload["iat"].as_i64().unwrap(), 900);
        let jwks = json(app.get("/.well-known/jwks.json").await, 200).await;
        assert_eq!(jwks["keys"][0]["kid"], kid);
        assert_eq!(jwks["keys"][0]["kty"], "OKP");
        assert_eq!(jwks["keys"][0]["crv"], "Ed25519");
    }

    async fn no_token_and_garbage_are_refused(app) {
        problem(app.get("/api/v1/me").await, 401).await;
        refused(&app, "garbage").await;
        refused(&app, "a.b.c").await;
        let res = app.client.get(app.url("/api/v1/me")).header("authorization", "Basic YWRtaW46eA==").send().await.unwrap();
        problem(res, 401).await;
    }

    async fn expired_and_not_yet_valid_tokens_are_refused(app) {
        let token = app.admin_token().await;
        let id = admin_id(&app, &token).await;
        let keys = server_keys(&app);
        let mut c = claims_for(&id);
        assert_eq!(json(app.get_as("/api/v1/me", &issue(&keys, &c).unwrap()).await, 200).await["id"], id);
        c.exp = now() - 120;
        refused(&app, &issue(&keys, &c).unwrap()).await;
        let mut c = claims_for(&id);
        c.nbf = now() + 300;
        refused(&app, &issue(&keys, &c).unwrap()).await;
    }

    async fn a_token_for_another_audience_or_issuer_is_refused(app) {
        let token = app.admin_token().await;
        let id = admin_id(&app, &token).await;
        let keys = server_keys(&app);
        let mut c = claims_for(&id);
        c.aud = "someone-else".into();
        refused(&app, &issue(&keys, &c).unwrap()).await;
        let mut c = claims_for(&id);
        c.iss = "evil".into();
        refused(&app, &issue(&keys, &c).unwrap()).await;
    }

    async fn a_token_signed_with_another_key_is_refused(app) {
        let token = app.admin_token().await;
        let id = admin_id(&app, &token).await;
        let other = tempfile::tempdir().unwrap();
        // Same kid as the server's key, different key material.
        let server_kid = server_keys(&app).signing_kid().to_owned();
        let kid = leder_api::auth::keys::generate(other.path()).unwrap();
        std::fs::rename(other.path().join(format!("{kid}.pem")), other.path().join(format!("{server_kid}.pem"))).unwrap();
        let keys = KeySet::load(other.path(), None, false).unwrap();
        refused(&app, &issue(&keys, &claims_for(&id)).unwrap()).await;
    }

    async fn alg_none_and_hs256_tokens_are_refused(app) {
        let token = app.admin_token().await;
        let id = admin_id(&app, &token).await;
        let kid = server_keys(&app).signing_kid().to_owned();
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims_for(&id)).unwrap());
        let none = URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "JWT", "kid": kid}).to_string());
        refused(&app, &format!("{none}.{payload}.")).await;
        // HS256 keyed with the public key, the classic confusion attack.
        let jwks = json(app.get("/.well-known/jwks.json").await, 200).await;
        let public = URL_SAFE_NO_PAD.decode(jwks["keys"][0]["x"].as_str().unwrap()).unwrap();
        let hs = URL_SAFE_NO_PAD.encode(json!({"alg": "HS256", "typ": "JWT", "kid": kid}).to_string());
        let mut mac = Hmac::<Sha256>::new_from_slice(&public).unwrap();
        mac.update(format!("{hs}.{payload}").as_bytes());
        let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        refused(&app, &format!("{hs}.{payload}.{sig}")).await;
    }

    async fn a_tampered_payload_is_refused(app) {
        let token = app.admin_token().await;
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut payload: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
        payload["exp"] = json!(now() + 86_400 * 365);
        parts[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
        refused(&app, &parts.join(".")).await;
    }

    async fn a_token_missing_a_required_claim_is_refused(app) {
        let token = app.admin_token().await;
        let id = admin_id(&app, &token).await;
        let kid = server_keys(&app).signing_kid().to_owned();
        let full = serde_json::to_value(claims_for(&id)).unwrap();
        assert_eq!(json(app.get_as("/api/v1/me", &sign_raw(&app, json!({"kid": kid}), full.clone())).await, 200).await["id"], id);
        for claim in ["exp", "nbf", "iat", "iss", "aud", "sub"] {
            let mut c = full.clone();
            c.as_object_mut().unwrap().remove(claim);
            refused(&app, &sign_raw(&app, json!({"kid": kid}), c)).await;
        }
        // And a token without a kid.
        refused(&app, &sign_raw(&app, json!({}), full)).await;
    }
}
