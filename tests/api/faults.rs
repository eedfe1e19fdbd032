//! Faults survived (issue #13): the database's connections cut while requests run. A restart of
//! PostgreSQL ends every backend; `pg_terminate_backend` ends the ones leder holds in the same
//! way, without touching the shared test server. Requests in flight may fail, but only cleanly
//! (a problem, never a hang or a 500 that keeps coming), the pool recovers by itself, readiness
//! says so, and nothing acknowledged is lost.

use crate::cases::{NOTIFICATIONS, notification};
use crate::helpers::{Backend, TestApp, json, sql_count};

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
