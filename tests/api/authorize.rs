//! The authorization code with PKCE through leder's own sign-in page (issue 18): a front end
//! signs a person in without seeing their password, and everything the flow must refuse.

use sha2::{Digest, Sha256};

use crate::both_backends;
use crate::helpers::{
    ADMIN_PASSWORD, Http, TEST_CLIENT, TEST_REDIRECT, USER_PASSWORD, form_encode, json, sql_count,
    sql_execute,
};

pub const VERIFIER: &str = "a-front-end-verifier-of-at-least-43-characters-0123456789";

/// The S256 challenge of `verifier`.
pub fn challenge(verifier: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The authorization request's path with these parameters (each `(name, value)`).
pub fn authorize_path(params: &[(&str, &str)]) -> String {
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", form_encode(v)))
        .collect();
    format!("/api/v1/auth/authorize?{}", query.join("&"))
}

/// A well-formed authorization request of the test client with `state`.
pub fn request_params(state: &str, verifier: &str) -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".to_owned()),
        ("client_id", TEST_CLIENT.to_owned()),
        ("redirect_uri", TEST_REDIRECT.to_owned()),
        ("state", state.to_owned()),
        ("code_challenge", challenge(verifier)),
        ("code_challenge_method", "S256".to_owned()),
    ]
}

fn borrowed<'a>(params: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    params.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The sign-in page for the request: its CSRF cookie value and the page's own CSRF field.
pub async fn open_page(app: &Http, params: &[(&'static str, String)]) -> (String, String, String) {
    let res = app.get(&authorize_path(&borrowed(params))).await;
    assert_eq!(res.status(), 200);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("leder_sign_in_csrf="))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .expect("a CSRF cookie");
    let page = res.text().await.unwrap();
    let field = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF field")
        .to_owned();
    (cookie, field, page)
}

/// Posts the page's form with `username` and `password`.
pub async fn post_page(
    app: &Http,
    params: &[(&'static str, String)],
    cookie: Option<&str>,
    csrf: &str,
    username: &str,
    password: &str,
) -> reqwest::Response {
    let mut fields = borrowed(params);
    fields.extend([
        ("csrf", csrf),
        ("username", username),
        ("password", password),
    ]);
    let body = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", form_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut req = app
        .client
        .post(app.url("/api/v1/auth/authorize"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(c) = cookie {
        req = req.header("cookie", format!("leder_sign_in_csrf={c}"));
    }
    req.send().await.unwrap()
}

/// The query parameters of a redirect's `Location`.
pub fn location_params(res: &reqwest::Response) -> Vec<(String, String)> {
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let (base, query) = location.split_once('?').expect("a query");
    assert_eq!(base, TEST_REDIRECT, "{location}");
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Signs `username` in through the page and answers the code from the redirect.
pub async fn code_for(app: &Http, username: &str, password: &str, verifier: &str) -> String {
    let params = request_params("xyz", verifier);
    let (cookie, csrf, _) = open_page(app, &params).await;
    let res = post_page(app, &params, Some(&cookie), &csrf, username, password).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let back = location_params(&res);
    assert_eq!(param(&back, "state"), Some("xyz"));
    assert_eq!(param(&back, "iss"), Some("leder"));
    param(&back, "code").expect("a code").to_owned()
}

/// Redeems `code` at the token endpoint.
pub async fn exchange(
    app: &Http,
    code: &str,
    redirect_uri: &str,
    verifier: Option<&str>,
) -> reqwest::Response {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("client_id", TEST_CLIENT),
    ];
    if let Some(v) = verifier {
        form.push(("code_verifier", v));
    }
    app.token_request(&form).await
}

/// Signs `username` in through the page and redeems the code: the token answer.
pub async fn signed_in(app: &Http, username: &str, password: &str) -> serde_json::Value {
    let code = code_for(app, username, password, VERIFIER).await;
    json(
        exchange(app, &code, TEST_REDIRECT, Some(VERIFIER)).await,
        200,
    )
    .await
}

async fn error_of(res: reqwest::Response) -> String {
    json(res, 400).await["error"].as_str().unwrap().to_owned()
}

both_backends! {
    async fn a_person_signs_in_through_leders_page_and_the_front_end_never_sees_the_password(app) {
        let (id, _) = app.user("rita", &["reviewer"], Some("QOP")).await;
        let params = request_params("state-1", VERIFIER);
        let (cookie, csrf, page) = open_page(&app, &params).await;
        // An accessible form that needs no script.
        assert!(page.contains("<label for=\"username\">") && page.contains("<label for=\"password\">"));
        assert!(!page.contains("<script"));
        let res = post_page(&app, &params, Some(&cookie), &csrf, "rita", USER_PASSWORD).await;
        assert_eq!(res.status(), 303);
        let back = location_params(&res);
        let code = param(&back, "code").unwrap().to_owned();
        assert_eq!(param(&back, "state"), Some("state-1"));
        // The code is stored only as its hash.
        assert_eq!(sql_count(&app, &format!("SELECT COUNT(*) AS n FROM authorization_codes WHERE code_hash = '{code}'")).await, 0);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM authorization_codes").await, 1);
        let tokens = json(exchange(&app, &code, TEST_REDIRECT, Some(VERIFIER)).await, 200).await;
        assert_eq!(tokens["token_type"], "Bearer");
        assert_eq!(tokens["expires_in"], 900);
        let access = tokens["access_token"].as_str().unwrap();
        let me = json(app.get_as("/api/v1/me", access).await, 200).await;
        assert_eq!(me["id"], id);
        let sessions = json(app.get_as("/api/v1/auth/sessions", access).await, 200).await;
        let items = sessions["items"].as_array().unwrap();
        // The helper's password-grant sign-in, and this one (newest first).
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["method"], "authorization_code");
        assert_eq!(items[0]["client_id"], TEST_CLIENT);
        assert_eq!(items[0]["current"], true);
        assert_eq!(items[0]["id"], me["session_id"]);
        assert_eq!(items[1]["method"], "password");
        assert_eq!(items[1]["current"], false);
        // The sign-in, the code and the session are each audited against the account.
        let admin = app.admin_token().await;
        let trail = json(app.get_as(&format!("/api/v1/audit?subject=user:{id}"), &admin).await, 200).await;
        let actions: Vec<&str> = trail["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        // Created; the helper's sign-in; the page's sign-in and its code; the list just read.
        assert_eq!(actions, ["create", "sign_in", "sign_in", "authorize", "list_sessions"]);
        let sid = me["session_id"].as_str().unwrap();
        let trail = json(app.get_as(&format!("/api/v1/audit?subject=session:{sid}"), &admin).await, 200).await;
        assert_eq!(trail["items"][0]["action"], "start_session");
        assert_eq!(trail["items"][0]["actor_id"], id);
    }

    async fn a_wrong_or_missing_code_verifier_is_refused_and_spends_the_code(app) {
        app.user("rita", &["reviewer"], Some("QOP")).await;
        let code = code_for(&app, "rita", USER_PASSWORD, VERIFIER).await;
        let missing = exchange(&app, &code, TEST_REDIRECT, None).await;
        assert_eq!(error_of(missing).await, "invalid_request");
        let malformed = exchange(&app, &code, TEST_REDIRECT, Some("short")).await;
        assert_eq!(error_of(malformed).await, "invalid_request");
        let other = "another-verifier-of-at-least-43-characters-000000000000";
        assert_eq!(error_of(exchange(&app, &code, TEST_REDIRECT, Some(other)).await).await, "invalid_grant");
        // A wrong verifier spent the code: the right one now comes too late.
        assert_eq!(error_of(exchange(&app, &code, TEST_REDIRECT, Some(VERIFIER)).await).await, "invalid_grant");
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM sessions WHERE method = 'authorization_code'").await, 0);
    }

    async fn a_reused_code_is_refused_and_ends_the_session_it_began(app) {
        app.user("rita", &["reviewer"], Some("QOP")).await;
        let code = code_for(&app, "rita", USER_PASSWORD, VERIFIER).await;
        let first = json(exchange(&app, &code, TEST_REDIRECT, Some(VERIFIER)).await, 200).await;
        let access = first["access_token"].as_str().unwrap();
        json(app.get_as("/api/v1/me", access).await, 200).await;
        assert_eq!(error_of(exchange(&app, &code, TEST_REDIRECT, Some(VERIFIER)).await).await, "invalid_grant");
        // Whoever had the code may have had the tokens: the session is over.
        assert_eq!(app.get_as("/api/v1/me", access).await.status(), 401);
        let refresh = first["refresh_token"].as_str().unwrap();
        let res = app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", TEST_CLIENT)]).await;
        assert_eq!(error_of(res).await, "invalid_grant");
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM sessions WHERE revoked_reason = 'code_reused'").await, 1);
    }

    async fn a_redirect_uri_that_differs_by_one_character_is_refused(app) {
        app.user("rita", &["reviewer"], Some("QOP")).await;
        for near in ["http://127.0.0.1:9/callbacK", "http://127.0.0.1:9/callback/", "http://127.0.0.1:9/callbac"] {
            let mut params = request_params("s", VERIFIER);
            params[2].1 = near.to_owned();
            // Told to the person, never redirected to.
            let res = app.get(&authorize_path(&borrowed(&params))).await;
            assert_eq!(res.status(), 400, "{near}");
            assert!(res.headers().get("location").is_none());
            assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
            assert!(res.text().await.unwrap().contains("redirect_uri"));
        }
        // At the token endpoint, the redirect URI must be the request's exactly.
        let code = code_for(&app, "rita", USER_PASSWORD, VERIFIER).await;
        let res = exchange(&app, &code, "http://127.0.0.1:9/callbacK", Some(VERIFIER)).await;
        assert_eq!(error_of(res).await, "invalid_grant");
        // An unknown client is told to the person too.
        let mut params = request_params("s", VERIFIER);
        params[1].1 = "someone-else".to_owned();
        let res = app.get(&authorize_path(&borrowed(&params))).await;
        assert_eq!(res.status(), 400);
        assert!(res.headers().get("location").is_none());
    }

    async fn a_request_without_state_or_without_s256_pkce_goes_back_with_an_error(app) {
        let mut params = request_params("s", VERIFIER);
        params.retain(|(k, _)| *k != "state");
        let res = app.get(&authorize_path(&borrowed(&params))).await;
        assert_eq!(res.status(), 303);
        let back = location_params(&res);
        assert_eq!(param(&back, "error"), Some("invalid_request"));
        assert!(param(&back, "code").is_none());
        for (name, value) in [("code_challenge_method", "plain"), ("code_challenge", "too-short"), ("response_type", "token")] {
            let mut params = request_params("keep-me", VERIFIER);
            params.iter_mut().find(|(k, _)| *k == name).unwrap().1 = value.to_owned();
            let res = app.get(&authorize_path(&borrowed(&params))).await;
            assert_eq!(res.status(), 303, "{name}");
            let back = location_params(&res);
            let expected = if name == "response_type" { "unsupported_response_type" } else { "invalid_request" };
            assert_eq!(param(&back, "error"), Some(expected), "{name}");
            assert_eq!(param(&back, "state"), Some("keep-me"));
        }
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM authorization_codes").await, 0);
    }

    async fn an_expired_code_is_refused(app) {
        app.user("rita", &["reviewer"], Some("QOP")).await;
        let code = code_for(&app, "rita", USER_PASSWORD, VERIFIER).await;
        // The code's minute has passed.
        sql_execute(&app, "UPDATE authorization_codes SET expires_at = created_at").await;
        assert_eq!(error_of(exchange(&app, &code, TEST_REDIRECT, Some(VERIFIER)).await).await, "invalid_grant");
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM sessions WHERE method = 'authorization_code'").await, 0);
    }

    async fn the_page_refuses_a_post_without_its_csrf_token_and_says_when_the_password_is_wrong(app) {
        app.user("rita", &["reviewer"], Some("QOP")).await;
        let params = request_params("s", VERIFIER);
        let (cookie, csrf, _) = open_page(&app, &params).await;
        // No cookie (another site's post), or a field that differs from it.
        let res = post_page(&app, &params, None, &csrf, "rita", USER_PASSWORD).await;
        assert_eq!(res.status(), 403);
        let res = post_page(&app, &params, Some(&cookie), "forged", "rita", USER_PASSWORD).await;
        assert_eq!(res.status(), 403);
        assert!(res.headers().get("location").is_none());
        // A wrong password shows the page again, naming the problem, keeping the username.
        let res = post_page(&app, &params, Some(&cookie), &csrf, "rita", "wrong password").await;
        assert_eq!(res.status(), 200);
        assert!(res.headers().get("location").is_none());
        let page = res.text().await.unwrap();
        assert!(page.contains("There is a problem") && page.contains("value=\"rita\""));
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM authorization_codes").await, 0);
    }

    async fn the_page_locks_an_account_as_the_token_endpoint_does(app) {
        app.user("rita", &["reviewer"], Some("QOP")).await;
        let params = request_params("s", VERIFIER);
        let (cookie, csrf, _) = open_page(&app, &params).await;
        for _ in 0..5 {
            let res = post_page(&app, &params, Some(&cookie), &csrf, "rita", "wrong password").await;
            assert_eq!(res.status(), 200);
        }
        // Locked: the right password is refused for a while, on the page and the token endpoint.
        let res = post_page(&app, &params, Some(&cookie), &csrf, "rita", USER_PASSWORD).await;
        assert_eq!(res.status(), 200);
        assert!(res.text().await.unwrap().contains("locked"));
        let res = app.token_request(&[("grant_type", "password"), ("username", "rita"), ("password", USER_PASSWORD)]).await;
        assert_eq!(res.status(), 400);
    }

    async fn the_password_grant_is_off_unless_configured(app, |c| c.allow_password_grant = false) {
        let res = app.token_request(&[("grant_type", "password"), ("username", "admin"), ("password", ADMIN_PASSWORD)]).await;
        assert_eq!(error_of(res).await, "unsupported_grant_type");
        let meta = json(app.get("/.well-known/oauth-authorization-server").await, 200).await;
        assert_eq!(meta["code_challenge_methods_supported"], serde_json::json!(["S256"]));
        assert!(!meta["grant_types_supported"].as_array().unwrap().iter().any(|g| g == "password"));
        // The admin still signs in, through the page (setting up a second factor there:
        // second_factor.rs).
        let params = request_params("s", VERIFIER);
        let (cookie, csrf, _) = open_page(&app, &params).await;
        let res = post_page(&app, &params, Some(&cookie), &csrf, "admin", ADMIN_PASSWORD).await;
        assert_eq!(res.status(), 200);
        assert!(res.text().await.unwrap().contains("Set up your security code"));
    }
}

#[test]
fn the_helper_challenge_is_the_rfc_7636_one() {
    assert_eq!(
        challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

#[actix_web::test]
async fn swagger_uis_authorize_button_uses_the_pkce_flow_as_a_registered_client() {
    let app = crate::helpers::TestApp::sqlite().await;
    app.user("rita", &["reviewer"], Some("QOP")).await;
    let init = app
        .get("/swagger-ui/swagger-initializer.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        init.contains("\"usePkceWithAuthorizationCodeGrant\": true"),
        "{init}"
    );
    assert!(init.contains("\"clientId\": \"swagger-ui\""), "{init}");
    let doc = json(app.get("/api-docs/openapi.json").await, 200).await;
    let flow = &doc["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"];
    assert_eq!(flow["authorizationUrl"], "/api/v1/auth/authorize");
    assert_eq!(flow["tokenUrl"], "/api/v1/auth/token");
    // Its redirect page on the bound port is registered, so the dialog's sign-in opens.
    let redirect = format!("{}/swagger-ui/oauth2-redirect.html", app.address);
    let mut params = request_params("from-swagger", VERIFIER);
    params[1].1 = "swagger-ui".to_owned();
    params[2].1 = redirect;
    let (cookie, csrf, _) = open_page(&app, &params).await;
    let res = post_page(&app, &params, Some(&cookie), &csrf, "rita", USER_PASSWORD).await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with(&format!(
            "{}/swagger-ui/oauth2-redirect.html?code=",
            app.address
        )),
        "{location}"
    );
}
