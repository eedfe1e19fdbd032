//! The second factor (issue 18): TOTP (RFC 6238) with recovery codes, required for admins and
//! for accounts an admin marks, set up and asked for on leder's sign-in page, never accepted
//! twice within its window.

use leder_domain::totp::{STEP_SECONDS, TotpSecret};

use crate::authorize::{VERIFIER, exchange, location_params, open_page, post_page, request_params};
use crate::both_backends;
use crate::helpers::{
    ADMIN_PASSWORD, Http, TEST_REDIRECT, USER_PASSWORD, etag_of, form_encode, json, patch_json,
    sql_count,
};

/// Posts a step after the password: the ticket and a code (or none, to go on).
async fn post_step(
    app: &Http,
    params: &[(&'static str, String)],
    cookie: &str,
    csrf: &str,
    ticket: &str,
    code: Option<&str>,
) -> reqwest::Response {
    let mut fields: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fields.extend([("csrf", csrf), ("ticket", ticket)]);
    if let Some(c) = code {
        fields.push(("code", c));
    }
    let body = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", form_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    app.client
        .post(app.url("/api/v1/auth/authorize"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("leder_sign_in_csrf={cookie}"))
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The value of the first element of the page with this attribute text before it.
fn after<'a>(page: &'a str, marker: &str, end: char) -> &'a str {
    page.split(marker)
        .nth(1)
        .and_then(|rest| rest.split(end).next())
        .unwrap_or_else(|| panic!("no {marker} in {page}"))
}

fn step_now() -> i64 {
    time::OffsetDateTime::now_utc()
        .unix_timestamp()
        .div_euclid(STEP_SECONDS)
}

fn code(secret: &TotpSecret, step: i64) -> String {
    format!("{:06}", secret.code_at(step))
}

/// One sign-in on the page up to the step after the password: the parameters, the cookie, the
/// CSRF value and the page shown.
async fn to_second_step(
    app: &Http,
    username: &str,
    password: &str,
) -> (Vec<(&'static str, String)>, String, String, String) {
    let params = request_params("s", VERIFIER);
    let (cookie, csrf, _) = open_page(app, &params).await;
    let res = post_page(app, &params, Some(&cookie), &csrf, username, password).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    (params, cookie, csrf, page)
}

/// Sets up `username`'s second factor on the page: its secret and the step its first code
/// spent, and the token answer of the sign-in it completed.
async fn enrol(
    app: &Http,
    username: &str,
    password: &str,
) -> (TotpSecret, i64, Vec<String>, serde_json::Value) {
    let (params, cookie, csrf, page) = to_second_step(app, username, password).await;
    assert!(page.contains("Set up your security code"), "{page}");
    let secret = TotpSecret::from_base32(after(&page, "<code id=\"totp-secret\">", '<')).unwrap();
    let ticket = after(&page, "name=\"ticket\" value=\"", '"').to_owned();
    // A wrong first code: the page again, saying so.
    let res = post_step(app, &params, &cookie, &csrf, &ticket, Some("000000")).await;
    assert_eq!(res.status(), 200);
    let again = res.text().await.unwrap();
    assert!(again.contains("There is a problem"));
    let ticket = after(&again, "name=\"ticket\" value=\"", '"').to_owned();
    let step = step_now();
    let res = post_step(
        app,
        &params,
        &cookie,
        &csrf,
        &ticket,
        Some(&code(&secret, step)),
    )
    .await;
    assert_eq!(res.status(), 200);
    let shown = res.text().await.unwrap();
    let codes: Vec<String> = shown
        .split("<code class=\"recovery-code\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "{shown}");
    let next = after(&shown, "name=\"ticket\" value=\"", '"').to_owned();
    let res = post_step(app, &params, &cookie, &csrf, &next, None).await;
    assert_eq!(res.status(), 303);
    let back = location_params(&res);
    let code = back.iter().find(|(k, _)| k == "code").unwrap().1.clone();
    let tokens = json(
        exchange(app, &code, TEST_REDIRECT, Some(VERIFIER)).await,
        200,
    )
    .await;
    (secret, step, codes, tokens)
}

/// Signs in with the second-factor `answer` after the password: the response to it.
async fn sign_in_with(
    app: &Http,
    username: &str,
    password: &str,
    answer: &str,
) -> reqwest::Response {
    let (params, cookie, csrf, page) = to_second_step(app, username, password).await;
    assert!(page.contains("Enter your security code"), "{page}");
    let ticket = after(&page, "name=\"ticket\" value=\"", '"').to_owned();
    post_step(app, &params, &cookie, &csrf, &ticket, Some(answer)).await
}

both_backends! {
    async fn an_admin_sets_up_a_second_factor_on_the_page_and_a_replayed_code_is_refused(app, |c| c.allow_password_grant = false) {
        let (secret, step, _, tokens) = enrol(&app, "admin", ADMIN_PASSWORD).await;
        let me = json(app.get_as("/api/v1/me", tokens["access_token"].as_str().unwrap()).await, 200).await;
        assert_eq!(me["username"], "admin");
        // The secret is the account's; recovery codes only as hashes.
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM users WHERE totp_secret IS NOT NULL").await, 1);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM recovery_codes WHERE used_at IS NULL").await, 10);
        // Next time the page asks for a code: the enrolment's own code is spent already.
        let res = sign_in_with(&app, "admin", ADMIN_PASSWORD, &code(&secret, step)).await;
        assert_eq!(res.status(), 200);
        assert!(res.text().await.unwrap().contains("wrong or has been used"));
        let next = code(&secret, step + 1);
        let res = sign_in_with(&app, "admin", ADMIN_PASSWORD, &next).await;
        assert_eq!(res.status(), 303);
        assert!(location_params(&res).iter().any(|(k, _)| k == "code"));
        // The same code again, within its window: refused.
        let res = sign_in_with(&app, "admin", ADMIN_PASSWORD, &next).await;
        assert_eq!(res.status(), 200);
        assert!(res.headers().get("location").is_none());
        assert!(sql_count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'second_factor' AND outcome = 'failure'").await >= 2);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'enrol_second_factor'").await, 1);
    }

    async fn a_recovery_code_signs_in_once(app) {
        let (_, _, codes, _) = enrol(&app, "admin", ADMIN_PASSWORD).await;
        let res = sign_in_with(&app, "admin", ADMIN_PASSWORD, &codes[3].to_lowercase()).await;
        assert_eq!(res.status(), 303);
        let res = sign_in_with(&app, "admin", ADMIN_PASSWORD, &codes[3]).await;
        assert_eq!(res.status(), 200);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM recovery_codes WHERE used_at IS NOT NULL").await, 1);
    }

    async fn an_account_an_admin_marks_must_set_up_a_second_factor_and_others_need_none(app) {
        let (id, _) = app.user("rita", &["reviewer"], Some("QOP")).await;
        app.user("olga", &["reviewer"], Some("QOP")).await;
        let admin = app.admin_token().await;
        let read = app.get_as(&format!("/api/v1/users/{id}"), &admin).await;
        let tag = etag_of(&read);
        let user = json(read, 200).await;
        assert_eq!(user["second_factor_required"], false);
        let marked = json(patch_json(&app, &format!("/api/v1/users/{id}"), &admin, Some(&tag), &serde_json::json!({"second_factor_required": true})).await, 200).await;
        assert_eq!(marked["second_factor_required"], true);
        assert_eq!(marked["second_factor_enrolled"], false);
        // Olga is not marked: her password is enough.
        let params = request_params("s", VERIFIER);
        let (cookie, csrf, _) = open_page(&app, &params).await;
        let res = post_page(&app, &params, Some(&cookie), &csrf, "olga", USER_PASSWORD).await;
        assert_eq!(res.status(), 303);
        // Rita must set one up before she gets in.
        let (secret, step, _, tokens) = enrol(&app, "rita", USER_PASSWORD).await;
        json(app.get_as("/api/v1/me", tokens["access_token"].as_str().unwrap()).await, 200).await;
        let user = json(app.get_as(&format!("/api/v1/users/{id}"), &admin).await, 200).await;
        assert_eq!(user["second_factor_enrolled"], true);
        // Over the password grant an enrolled account sends its code, once.
        let grant = |otp: Option<String>| {
            let app = &app;
            async move {
                let mut form = vec![("grant_type", "password"), ("username", "rita"), ("password", USER_PASSWORD)];
                if let Some(o) = otp.as_deref() {
                    form.push(("otp", o));
                }
                app.token_request(&form).await
            }
        };
        assert_eq!(json(grant(None).await, 400).await["error"], "invalid_grant");
        let next = code(&secret, step + 1);
        json(grant(Some(next.clone())).await, 200).await;
        assert_eq!(json(grant(Some(next)).await, 400).await["error"], "invalid_grant");
    }

    async fn a_forged_or_stale_ticket_starts_the_sign_in_again(app) {
        let (params, cookie, csrf, page) = to_second_step(&app, "admin", ADMIN_PASSWORD).await;
        let ticket = after(&page, "name=\"ticket\" value=\"", '"').to_owned();
        let mut forged = ticket.clone();
        forged.pop();
        let res = post_step(&app, &params, &cookie, &csrf, &forged, Some("123456")).await;
        assert_eq!(res.status(), 403);
        // A bearer token is not a ticket, and a ticket is not a bearer token.
        let bearer = app.admin_token().await;
        assert_eq!(post_step(&app, &params, &cookie, &csrf, &bearer, Some("123456")).await.status(), 403);
        assert_eq!(app.get_as("/api/v1/me", &ticket).await.status(), 401);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM authorization_codes").await, 0);
    }
}
