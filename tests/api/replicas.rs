//! Several replicas on one database (issue #13, "Limits that hold across replicas"): the limits,
//! a disabled account and a changed password hold on every replica at once, not per process.

use futures_util::future::join_all;
use serde_json::json;

use crate::both_backends;
use crate::cases::{NOTIFICATIONS, notification};
use crate::helpers::{TestApp, USER_PASSWORD, json, problem, sql_count};

async fn sign_in(app: &TestApp, username: &str, password: &str) -> reqwest::Response {
    app.token_request(&[
        ("grant_type", "password"),
        ("username", username),
        ("password", password),
    ])
    .await
}

/// Room for many requests at once, and an intake limit of five a minute.
fn wide(c: &mut crate::helpers::Config) {
    c.workers = 4;
    c.pool_size = 20;
    c.notification_rate_limit = 5;
}

fn retry_after(res: &reqwest::Response) -> u64 {
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    wait
}

both_backends! {
    async fn the_intake_limit_counts_the_requests_of_every_replica(app, |c| c.notification_rate_limit = 3) {
        let other = app.replica(|c| c.notification_rate_limit = 3).await;
        for replica in [&app, &other, &app] {
            json(replica.post_json(NOTIFICATIONS, &notification()).await, 201).await;
        }
        for replica in [&other, &app] {
            let res = replica.post_json(NOTIFICATIONS, &notification()).await;
            retry_after(&res);
            problem(res, 429).await;
        }
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM notifications").await, 3);
    }

    async fn of_sixteen_notifications_at_once_over_two_replicas_exactly_the_limit_pass(app, wide) {
        let other = app.replica(wide).await;
        let body = notification();
        let answers = join_all((0..16).map(|n| {
            let replica = if n % 2 == 0 { &app } else { &other };
            replica.post_json(NOTIFICATIONS, &body)
        }))
        .await;
        let mut statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
        statuses.sort_unstable();
        assert_eq!(statuses, [[201; 5].as_slice(), &[429; 11]].concat());
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM notifications").await, 5);
    }

    async fn the_failed_sign_in_budget_counts_the_failures_on_every_replica(app) {
        let other = app.replica(|_| {}).await;
        let budget = leder_api::rate_limit::FAILED_SIGN_INS_PER_MINUTE;
        // Unknown names: no account locks, only the address's budget is spent.
        for i in 0..budget {
            let replica = if i % 2 == 0 { &app } else { &other };
            assert_eq!(sign_in(replica, &format!("nobody{i}"), "guess").await.status(), 400);
        }
        for replica in [&app, &other] {
            let res = sign_in(replica, "admin", "guess").await;
            assert_eq!(res.status(), 429);
            retry_after(&res);
        }
    }

    async fn a_user_disabled_on_one_replica_is_refused_on_the_other_at_once(app) {
        let other = app.replica(|_| {}).await;
        let (id, token) = app.user("dan.lead", &["ics_lead"], Some("QOP")).await;
        // The other replica has just read the account, so anything it keeps is fresh.
        json(other.get_as("/api/v1/me", &token).await, 200).await;
        let admin = app.admin_token().await;
        let res = app.get_as(&format!("/api/v1/users/{id}"), &admin).await;
        let etag = res.headers()["etag"].to_str().unwrap().to_owned();
        let res = app
            .client
            .patch(app.url(&format!("/api/v1/users/{id}")))
            .bearer_auth(&admin)
            .header("if-match", etag)
            .json(&json!({"disabled": true}))
            .send()
            .await
            .unwrap();
        json(res, 200).await;
        problem(other.get_as("/api/v1/me", &token).await, 401).await;
    }

    async fn tokens_issued_before_a_password_change_are_refused_on_every_replica(app) {
        let other = app.replica(|_| {}).await;
        let (_, token) = app.user("pat", &["reviewer"], Some("QOP")).await;
        let elsewhere = other.token("pat", USER_PASSWORD).await;
        json(other.get_as("/api/v1/me", &token).await, 200).await;
        let change = json!({"current_password": USER_PASSWORD, "new_password": "a brand new password"});
        let res = app.post_as("/api/v1/me/password", &token, &change).await;
        assert_eq!(res.status(), 204);
        // Both the token that made the change and one from another sign-in are spent.
        for replica in [&app, &other] {
            for old in [&token, &elsewhere] {
                problem(replica.get_as("/api/v1/me", old).await, 401).await;
            }
        }
        assert_eq!(sign_in(&other, "pat", USER_PASSWORD).await.status(), 400);
        let fresh = app.token("pat", "a brand new password").await;
        for replica in [&app, &other] {
            json(replica.get_as("/api/v1/me", &fresh).await, 200).await;
        }
    }
}
