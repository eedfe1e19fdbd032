//! `private_key_jwt` client authentication (RFC 7523) for machine clients that hold a key rather
//! than a shared secret (issue 18): the client registers its public key, signs a short assertion
//! for each token request, and a replayed or wrong assertion is refused, on every replica.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};

use crate::both_backends;
use crate::helpers::{TestApp, json, problem, sql_count};

/// RFC 8037's example Ed25519 key (appendix A.1): the seed and its public `x`.
const SEED: &str = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
const PUBLIC_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A PKCS#8 Ed25519 private key of `seed` (RFC 8410's fixed prefix and the 32 bytes).
fn signing_key(seed: &[u8]) -> EncodingKey {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(seed);
    EncodingKey::from_ed_der(&der)
}

fn registered_key() -> EncodingKey {
    signing_key(&URL_SAFE_NO_PAD.decode(SEED).unwrap())
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// An assertion of `client_id` for `aud`, living `lifetime` seconds, signed with `key`.
fn assertion(key: &EncodingKey, client_id: &str, aud: &str, jti: &str, lifetime: i64) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some("k1".into());
    let claims = serde_json::json!({
        "iss": client_id, "sub": client_id, "aud": aud, "jti": jti,
        "iat": now(), "exp": now() + lifetime,
    });
    encode(&header, &claims, key).unwrap()
}

/// Registers a `private_key_jwt` client of QOP with the example key: its id.
async fn key_client(app: &TestApp) -> String {
    let admin = app.admin_token().await;
    let body = serde_json::json!({
        "name": "QOP case system", "organisation": "QOP",
        "jwks": {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": PUBLIC_X, "kid": "k1", "use": "sig"}]},
    });
    let created = json(app.post_as("/api/v1/clients", &admin, &body).await, 201).await;
    assert_eq!(created["token_endpoint_auth_method"], "private_key_jwt");
    // Such a client is given no secret.
    assert!(created.get("client_secret").is_none(), "{created}");
    created["client_id"].as_str().unwrap().to_owned()
}

async fn present(app: &TestApp, assertion: &str) -> reqwest::Response {
    app.token_request(&[
        ("grant_type", "client_credentials"),
        ("client_assertion_type", ASSERTION_TYPE),
        ("client_assertion", assertion),
    ])
    .await
}

async fn refused(res: reqwest::Response) {
    assert_eq!(json(res, 401).await["error"], "invalid_client");
}

both_backends! {
    async fn a_client_that_holds_a_key_gets_a_token_with_a_signed_assertion_used_once(app) {
        let id = key_client(&app).await;
        let aud = app.url("/api/v1/auth/token");
        let signed = assertion(&registered_key(), &id, &aud, "jti-1", 60);
        let tokens = json(present(&app, &signed).await, 200).await;
        assert!(tokens.get("refresh_token").is_none());
        let me = json(app.get_as("/api/v1/me", tokens["access_token"].as_str().unwrap()).await, 200).await;
        assert_eq!(me["id"], id);
        assert_eq!(me["kind"], "client");
        assert_eq!(me["organisation"], "QOP");
        // The same assertion again is a replay, refused and audited as one.
        refused(present(&app, &signed).await).await;
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'client_assertion' AND outcome = 'refused_reuse'").await, 1);
        // Another replica sharing the database refuses it too.
        let replica = app.replica(|_| {}).await;
        refused(present(&replica, &signed).await).await;
        // A fresh jti works.
        let next = assertion(&registered_key(), &id, &aud, "jti-2", 60);
        json(present(&app, &next).await, 200).await;
    }

    async fn an_assertion_with_another_key_audience_subject_or_a_long_life_is_refused(app) {
        let id = key_client(&app).await;
        let aud = app.url("/api/v1/auth/token");
        let other_key = signing_key(&[7u8; 32]);
        refused(present(&app, &assertion(&other_key, &id, &aud, "a", 60)).await).await;
        refused(present(&app, &assertion(&registered_key(), &id, "https://elsewhere.example/token", "b", 60)).await).await;
        refused(present(&app, &assertion(&registered_key(), &id, &aud, "c", 3600)).await).await;
        refused(present(&app, &assertion(&registered_key(), &id, &aud, "d", -120)).await).await;
        refused(present(&app, &assertion(&registered_key(), "no-such-client", &aud, "e", 60)).await).await;
        // iss and sub must both be the client.
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some("k1".into());
        let claims = serde_json::json!({"iss": id, "sub": "someone-else", "aud": aud, "jti": "f", "exp": now() + 60});
        refused(present(&app, &encode(&header, &claims, &registered_key()).unwrap()).await).await;
        // A secret never works for such a client, and an assertion never for a secret's client.
        let res = app.token_request(&[("grant_type", "client_credentials"), ("client_id", &id), ("client_secret", "lcs_guess")]).await;
        refused(res).await;
        let (secret_client, _, _) = app.machine_client("QOP").await;
        refused(present(&app, &assertion(&registered_key(), &secret_client, &aud, "g", 60)).await).await;
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'client_assertion' AND outcome = 'failure'").await, 7);
        // Each refusal spent nothing: a good assertion still works.
        json(present(&app, &assertion(&registered_key(), &id, &aud, "h", 60)).await, 200).await;
    }

    async fn keys_that_are_not_a_usable_public_jwk_set_are_refused_naming_jwks(app) {
        let admin = app.admin_token().await;
        for jwks in [
            serde_json::json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": PUBLIC_X, "d": SEED}]}),
            serde_json::json!({"keys": []}),
            serde_json::json!({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}),
            serde_json::json!({"keys": [{"kty": "RSA", "n": "AQAB", "e": "AQAB"}]}),
            serde_json::json!("not a set"),
        ] {
            let body = serde_json::json!({"name": "x", "organisation": "QOP", "jwks": jwks});
            let res = problem(app.post_as("/api/v1/clients", &admin, &body).await, 422).await;
            assert_eq!(crate::helpers::first_field(&res), "jwks", "{jwks}");
        }
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM clients").await, 0);
    }
}

#[actix_web::test]
async fn a_secret_and_an_assertion_together_or_a_wrong_assertion_type_are_bad_requests() {
    let app = TestApp::sqlite().await;
    let id = key_client(&app).await;
    let aud = app.url("/api/v1/auth/token");
    let signed = assertion(&registered_key(), &id, &aud, "x", 60);
    let both = app
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_secret", "s"),
            ("client_assertion_type", ASSERTION_TYPE),
            ("client_assertion", &signed),
        ])
        .await;
    assert_eq!(json(both, 400).await["error"], "invalid_request");
    let wrong_type = app
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_assertion_type", "urn:other"),
            ("client_assertion", &signed),
        ])
        .await;
    assert_eq!(json(wrong_type, 400).await["error"], "invalid_request");
    let metadata = json(
        app.get("/.well-known/oauth-authorization-server").await,
        200,
    )
    .await;
    let methods = metadata["token_endpoint_auth_methods_supported"].to_string();
    assert!(methods.contains("private_key_jwt"), "{methods}");
    // The assertion was not spent by the bad requests.
    json(present(&app, &signed).await, 200).await;
}
