//! Federation with an OpenID Connect provider (issue 18), against a real provider
//! (`oidc-provider`, see `oidc.rs`): a person an admin linked signs in there and the front end
//! gets leder's tokens; everything the flow must refuse is refused, with a page, and audited.

use crate::authorize::{VERIFIER, exchange, location_params, request_params};
use crate::helpers::{Backend, TEST_REDIRECT, TestApp, USER_PASSWORD, json, problem, sql_count};
use crate::oidc::{Provider, browser, browser_with_jar, federated_app, to_callback};

/// Each scenario on SQLite and, when configured, PostgreSQL, with a provider of its own.
macro_rules! with_provider {
    ($(async fn $name:ident($app:ident, $provider:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports, reason = "each test uses a different part of the prelude")]
                use super::*;

                #[actix_web::test]
                async fn on_sqlite() {
                    let ($app, $provider) = federated_app(Backend::Sqlite, |_| {}).await.expect("a SQLite app");
                    $body
                }

                #[actix_web::test]
                async fn on_postgres() {
                    let Some(($app, $provider)) = federated_app(Backend::Postgres, |_| {}).await else {
                        return;
                    };
                    $body
                }
            }
        )*
    };
}

/// An account an admin created for the person who is `subject` at the provider: its id.
async fn linked(app: &TestApp, username: &str, subject: &str) -> String {
    let admin = app.admin_token().await;
    let body = serde_json::json!({
        "username": username, "display_name": username, "roles": ["reviewer"],
        "organisation": "QOP", "password": USER_PASSWORD, "federated_subject": subject,
    });
    let created = json(app.post_as("/api/v1/users", &admin, &body).await, 201).await;
    assert_eq!(created["federated_subject"], subject);
    created["id"].as_str().unwrap().to_owned()
}

fn param(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

async fn audited(app: &TestApp, outcome: &str) -> i64 {
    sql_count(
        app,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'federated_sign_in' AND outcome = '{outcome}'"
        ),
    )
    .await
}

async fn codes(app: &TestApp) -> i64 {
    sql_count(app, "SELECT COUNT(*) AS n FROM authorization_codes").await
}

/// Through the provider as `login` (assurance `acr`): leder's answer at its callback.
async fn sign_in(app: &TestApp, provider: &Provider, login: &str, acr: &str) -> reqwest::Response {
    let browser = browser();
    let params = request_params("front-end-state", VERIFIER);
    let callback = to_callback(app, provider, &browser, &params, login, acr).await;
    browser.get(&callback).send().await.unwrap()
}

with_provider! {
    async fn a_person_an_admin_linked_signs_in_at_the_provider_and_the_front_end_gets_leders_tokens(app, provider) {
        let id = linked(&app, "rita", "rita-cis2-uid").await;
        let res = sign_in(&app, &provider, "rita-cis2-uid", "AAL3_ANY").await;
        assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
        // The federation cookie is spent.
        assert!(res.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("leder_federation=;")));
        let back = location_params(&res);
        assert_eq!(param(&back, "state").as_deref(), Some("front-end-state"));
        assert_eq!(param(&back, "iss").as_deref(), Some("leder"));
        let code = param(&back, "code").expect("leder's code");
        let tokens = json(exchange(&app, &code, TEST_REDIRECT, Some(VERIFIER)).await, 200).await;
        let access = tokens["access_token"].as_str().unwrap();
        assert!(tokens["refresh_token"].as_str().unwrap().starts_with("lrt_"));
        let me = json(app.get_as("/api/v1/me", access).await, 200).await;
        assert_eq!(me["id"], id);
        assert_eq!(me["username"], "rita");
        // leder's roles and ICB, not the provider's.
        assert_eq!(me["roles"], serde_json::json!(["reviewer"]));
        assert_eq!(me["organisation"], "QOP");
        let sessions = json(app.get_as("/api/v1/auth/sessions", access).await, 200).await;
        let current = &sessions["items"][0];
        assert_eq!(current["current"], true);
        assert_eq!(current["method"], "federated");
        assert_eq!(current["assurance"], "AAL3_ANY");
        assert_eq!(audited(&app, "success").await, 1);
        // The code is leder's own: single-use, like any other.
        let again = exchange(&app, &code, TEST_REDIRECT, Some(VERIFIER)).await;
        assert_eq!(json(again, 400).await["error"], "invalid_grant");
    }

    async fn the_assurance_the_provider_reports_is_the_one_recorded(app, provider) {
        linked(&app, "sam", "sam-uid").await;
        let res = sign_in(&app, &provider, "sam-uid", "AAL1_USERPASS").await;
        let code = param(&location_params(&res), "code").unwrap();
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM authorization_codes WHERE method = 'federated' AND assurance = 'AAL1_USERPASS'").await, 1);
        let tokens = json(exchange(&app, &code, TEST_REDIRECT, Some(VERIFIER)).await, 200).await;
        let sessions = json(app.get_as("/api/v1/auth/sessions", tokens["access_token"].as_str().unwrap()).await, 200).await;
        assert_eq!(sessions["items"][0]["assurance"], "AAL1_USERPASS", "{sessions}");
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM sessions WHERE method = 'federated' AND assurance = 'AAL1_USERPASS'").await, 1);
    }

    async fn a_subject_linked_to_no_account_is_refused_with_a_page_and_audited(app, provider) {
        linked(&app, "rita", "rita-cis2-uid").await;
        let res = sign_in(&app, &provider, "a-stranger", "AAL3_ANY").await;
        assert_eq!(res.status(), 403);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let page = res.text().await.unwrap();
        assert!(page.contains("not set up in leder"), "{page}");
        assert_eq!(audited(&app, "refused_unknown_subject").await, 1);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE subject = 'federated_subject:a-stranger'").await, 1);
        assert_eq!(codes(&app).await, 0);
    }

    async fn a_provider_token_with_a_wrong_nonce_aud_signature_issuer_or_expiry_is_refused(app, provider) {
        // Each fault is a login name the provider answers with a faulty ID token (provider.mjs);
        // each is linked, so that nothing but the token is wrong.
        let faults = ["wrong-nonce", "wrong-aud", "bad-signature", "wrong-iss", "expired"];
        for (i, fault) in faults.iter().enumerate() {
            linked(&app, &format!("user{i}"), fault).await;
        }
        for fault in faults {
            let res = sign_in(&app, &provider, fault, "AAL3_ANY").await;
            assert_eq!(res.status(), 403, "{fault}");
            let page = res.text().await.unwrap();
            assert!(page.contains("could not confirm your sign-in"), "{fault}: {page}");
        }
        assert_eq!(audited(&app, "failure").await, 5);
        assert_eq!(audited(&app, "success").await, 0);
        assert_eq!(codes(&app).await, 0);
    }

    async fn a_callback_from_another_browser_or_replayed_is_refused(app, provider) {
        use reqwest::cookie::CookieStore;
        linked(&app, "rita", "rita-cis2-uid").await;
        let (first, jar) = browser_with_jar();
        let params = request_params("s", VERIFIER);
        let callback = to_callback(&app, &provider, &first, &params, "rita-cis2-uid", "AAL3_ANY").await;
        // Another browser (no cookie of this sign-in) cannot use the callback.
        let stolen = browser().get(&callback).send().await.unwrap();
        assert_eq!(stolen.status(), 400);
        assert!(stolen.text().await.unwrap().contains("did not begin in this browser"));
        // Nor a state that is not the one leder sent.
        let forged = callback.replace("state=", "state=x");
        assert_eq!(first.get(&forged).send().await.unwrap().status(), 400);
        // The cookie a thief would copy, then the real use.
        let copied = jar.cookies(&callback.parse().unwrap()).expect("the federation cookie");
        assert!(copied.to_str().unwrap().contains("leder_federation="));
        assert_eq!(first.get(&callback).send().await.unwrap().status(), 303);
        assert_eq!(codes(&app).await, 1);
        // The same callback with the same cookie again: refused, nothing more issued.
        let replay = browser().get(&callback).header("cookie", copied).send().await.unwrap();
        assert_eq!(replay.status(), 400);
        assert!(replay.text().await.unwrap().contains("used already"));
        assert_eq!(codes(&app).await, 1);
    }

    async fn a_disabled_account_is_refused_and_the_person_told(app, provider) {
        let id = linked(&app, "rita", "rita-cis2-uid").await;
        let admin = app.admin_token().await;
        let current = app.get_as(&format!("/api/v1/users/{id}"), &admin).await;
        let etag = crate::helpers::etag_of(&current);
        let res = crate::helpers::patch_json(&app, &format!("/api/v1/users/{id}"), &admin, Some(&etag), &serde_json::json!({"disabled": true})).await;
        assert_eq!(res.status(), 200);
        let res = sign_in(&app, &provider, "rita-cis2-uid", "AAL3_ANY").await;
        assert_eq!(res.status(), 403);
        assert!(res.text().await.unwrap().contains("disabled"));
        assert_eq!(audited(&app, "refused_disabled").await, 1);
        assert_eq!(codes(&app).await, 0);
    }

    async fn a_person_who_cancels_at_the_provider_goes_back_to_the_front_end_with_access_denied(app, provider) {
        let browser = browser();
        let params = request_params("st", VERIFIER);
        let callback = to_callback(&app, &provider, &browser, &params, "anyone", "AAL3_ANY").await;
        // As a provider answers a cancelled sign-in: the state, and an error instead of a code.
        let state = callback.split("state=").nth(1).unwrap().split('&').next().unwrap().to_owned();
        let cancelled = app.url(&format!("/api/v1/auth/federated/callback?error=access_denied&state={state}"));
        let res = browser.get(&cancelled).send().await.unwrap();
        assert_eq!(res.status(), 303);
        let back = location_params(&res);
        assert_eq!(param(&back, "error").as_deref(), Some("access_denied"));
        assert_eq!(param(&back, "state").as_deref(), Some("st"));
        assert_eq!(codes(&app).await, 0);
    }
}

#[actix_web::test]
async fn a_sign_in_below_the_assurance_leder_asks_for_is_refused() {
    let (app, provider) = federated_app(Backend::Sqlite, |c| {
        if let Some(f) = c.federation.as_mut() {
            f.acr_values = vec!["AAL3_ANY".to_owned()];
        }
    })
    .await
    .expect("a SQLite app");
    linked(&app, "rita", "rita-uid").await;
    let res = sign_in(&app, &provider, "rita-uid", "AAL1_USERPASS").await;
    assert_eq!(res.status(), 403);
    assert_eq!(audited(&app, "failure").await, 1);
    assert_eq!(codes(&app).await, 0);
    let res = sign_in(&app, &provider, "rita-uid", "AAL3_ANY").await;
    assert_eq!(res.status(), 303);
    assert_eq!(codes(&app).await, 1);
}

crate::both_backends! {
    async fn an_admin_links_one_account_per_subject_and_can_unlink_it(app) {
        let first = linked(&app, "rita", "uid-1").await;
        let admin = app.admin_token().await;
        let body = serde_json::json!({
            "username": "rita2", "display_name": "R", "roles": ["reviewer"],
            "organisation": "QOP", "password": USER_PASSWORD, "federated_subject": "uid-1",
        });
        problem(app.post_as("/api/v1/users", &admin, &body).await, 409).await;
        let body = serde_json::json!({
            "username": "rita3", "display_name": "R", "roles": ["reviewer"],
            "organisation": "QOP", "password": USER_PASSWORD, "federated_subject": "has a space",
        });
        let refused = problem(app.post_as("/api/v1/users", &admin, &body).await, 422).await;
        assert_eq!(crate::helpers::first_field(&refused), "federated_subject");
        let current = app.get_as(&format!("/api/v1/users/{first}"), &admin).await;
        let etag = crate::helpers::etag_of(&current);
        let res = crate::helpers::patch_json(&app, &format!("/api/v1/users/{first}"), &admin, Some(&etag), &serde_json::json!({"federated_subject": null})).await;
        let unlinked = json(res, 200).await;
        assert_eq!(unlinked["federated_subject"], serde_json::Value::Null);
        // The subject is free again.
        linked(&app, "rita4", "uid-1").await;
    }
}

#[actix_web::test]
async fn without_a_provider_the_page_offers_none_and_the_callback_is_not_found() {
    let app = TestApp::sqlite().await;
    let params = request_params("s", VERIFIER);
    let (_, _, page) = crate::authorize::open_page(&app, &params).await;
    assert!(!page.contains("federate"));
    let res = app
        .get("/api/v1/auth/federated/callback?code=x&state=y")
        .await;
    assert_eq!(res.status(), 404);
}
