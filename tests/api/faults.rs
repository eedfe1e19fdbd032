//! Faults survived (issue #13): PostgreSQL restarted while requests run. A restart ends every
//! backend and refuses connections until the server is back; `pg_terminate_backend` ends the
//! ones leder holds in the same way, and `ALLOW_CONNECTIONS false` on the app's own database
//! refuses new ones, without touching the shared test server. Requests in flight fail cleanly
//! (503 problem+json, never a 500 or a hang), readiness reports the outage (503) and the
//! recovery (200), the pool recovers by itself, and nothing acknowledged is lost.

use std::time::Duration;

use futures_util::future::join_all;

use crate::cases::{NOTIFICATIONS, notification};
use crate::helpers::{Backend, TestApp, json, problem, sql_count};
use crate::process::within;

/// Ends every connection to the app's database but the caller's, as a restart would; answers
/// how many it ended.
async fn cut_connections(app: &TestApp) -> i64 {
    sql_count(
        app,
        "SELECT COUNT(*) AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()) AS ended",
    )
    .await
}

#[actix_web::test]
async fn the_pool_recovers_when_postgresql_ends_every_connection() {
    let Some(app) = TestApp::spawn(Backend::Postgres, |c| c.pool_size = 4).await else {
        return;
    };
    let mut acknowledged = 0;
    for _ in 0..3 {
        json(app.post_json(NOTIFICATIONS, &notification()).await, 201).await;
        acknowledged += 1;
    }
    for round in 0..3 {
        // The first cut ends the connections the server opened so far (its pool's, its audit
        // writer's); later ones end what it opened since.
        let ended = cut_connections(&app).await;
        assert!(round > 0 || ended >= 1, "nothing was cut");
        // Each request either succeeds or fails cleanly with a problem, and within a few
        // requests the pool has replaced every dead connection.
        let mut recovered = false;
        for _ in 0..12 {
            let res = app.get("/readyz").await;
            match res.status().as_u16() {
                200 => {
                    recovered = true;
                    break;
                }
                503 => {
                    let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
                    assert_eq!(ct, "application/problem+json", "round {round}");
                }
                other => panic!("round {round}: readiness answered {other}"),
            }
        }
        assert!(recovered, "round {round}: the pool did not recover");
        // A sign-in is audited through the audit writer, whose own connection was cut too: it
        // reconnects and the sign-in still succeeds.
        let admin = app.admin_token().await;
        json(app.get_as("/api/v1/me", &admin).await, 200).await;
        let res = app.post_json(NOTIFICATIONS, &notification()).await;
        if res.status() == 201 {
            acknowledged += 1;
        } else {
            assert_eq!(res.status(), 503, "round {round}: a clean refusal");
        }
    }
    // Every answer after recovery is a success, and every acknowledged notification is stored.
    for _ in 0..4 {
        json(app.post_json(NOTIFICATIONS, &notification()).await, 201).await;
        acknowledged += 1;
    }
    let stored = sql_count(&app, "SELECT COUNT(*) AS n FROM notifications").await;
    assert_eq!(stored, acknowledged);
}

#[actix_web::test]
async fn requests_in_flight_when_postgresql_goes_down_fail_cleanly_and_readiness_reports_the_outage()
 {
    let Some(app) = TestApp::spawn(Backend::Postgres, |c| {
        c.workers = 4;
        c.pool_size = 8;
        c.pool_timeout = Duration::from_millis(500);
        c.notification_rate_limit = 10_000;
    })
    .await
    else {
        return;
    };
    json(app.post_json(NOTIFICATIONS, &notification()).await, 201).await;
    // Forty notifications are sent at once, and the database goes down while they run.
    let bodies: Vec<_> = (0..40).map(|_| notification()).collect();
    let sent = join_all(bodies.iter().map(|b| app.post_json(NOTIFICATIONS, b)));
    let outage = async {
        // Let the first requests reach the database before it goes.
        json(app.get("/readyz").await, 200).await;
        app.postgres_admits_connections(false).await
    };
    let (answers, ended) = within(60, "requests in flight", async {
        futures_util::join!(sent, outage)
    })
    .await;
    assert!(ended >= 1, "the outage ended no connection");
    let mut acknowledged = 1;
    let mut refused = 0;
    for res in answers {
        match res.status().as_u16() {
            201 => acknowledged += 1,
            503 => {
                let body = problem(res, 503).await;
                assert_eq!(body["type"], "/problems/service-unavailable", "{body}");
                refused += 1;
            }
            other => panic!(
                "a request in flight answered {other}: {}",
                res.text().await.unwrap()
            ),
        }
    }
    assert!(
        refused >= 1,
        "the outage refused nothing: it came too late to test anything"
    );
    // While the database is down, readiness says so, cleanly, and so does every request.
    let res = within(20, "readiness", app.get("/readyz")).await;
    problem(res, 503).await;
    let res = within(
        20,
        "a notification",
        app.post_json(NOTIFICATIONS, &notification()),
    )
    .await;
    problem(res, 503).await;
    // The database comes back: readiness recovers within a few polls, and so does intake.
    app.postgres_admits_connections(true).await;
    let mut ready = false;
    for _ in 0..20 {
        if within(20, "readiness", app.get("/readyz")).await.status() == 200 {
            ready = true;
            break;
        }
    }
    assert!(ready, "readiness never recovered");
    json(app.post_json(NOTIFICATIONS, &notification()).await, 201).await;
    acknowledged += 1;
    // Nothing acknowledged is lost. A request whose commit reached the database just as its
    // connection was cut may be stored without its answer arriving: at most the refused ones.
    let stored = sql_count(&app, "SELECT COUNT(*) AS n FROM notifications").await;
    assert!(
        (acknowledged..=acknowledged + refused).contains(&stored),
        "{stored} stored, {acknowledged} acknowledged, {refused} refused"
    );
}
