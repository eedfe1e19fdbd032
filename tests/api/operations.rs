//! Liveness, readiness, metrics and the pool.

use std::time::Duration;

use crate::both_backends;
use crate::helpers::{TestApp, json, problem};

both_backends! {
    async fn liveness_answers_ok(app) {
        let body = json(app.get("/healthz").await, 200).await;
        assert_eq!(body["status"], "ok");
    }

    async fn readiness_answers_ready_when_the_database_answers(app) {
        let body = json(app.get("/readyz").await, 200).await;
        assert_eq!(body["status"], "ready");
    }

    async fn readiness_fails_with_503_when_the_database_is_gone(app) {
        json(app.get("/readyz").await, 200).await;
        app.lose_database().await;
        let res = app.get("/readyz").await;
        assert!(res.headers().get("retry-after").is_some());
        problem(res, 503).await;
        // Liveness needs no database: the process is still alive.
        json(app.get("/healthz").await, 200).await;
    }

    async fn metrics_count_requests_by_route_and_status(app) {
        json(app.get("/api/v1/organisations?kind=icb").await, 200).await;
        problem(app.get("/api/v1/organisations/NOPE").await, 404).await;
        problem(app.get("/metrics").await, 401).await;
        let token = app.admin_token().await;
        let res = app.get_as("/metrics", &token).await;
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
        let text = res.text().await.unwrap();
        assert!(text.contains(r#"leder_http_requests_total{route="/api/v1/organisations",method="GET",status="200"} 1"#), "{text}");
        assert!(text.contains(r#"leder_http_requests_total{route="/api/v1/organisations/{code}",method="GET",status="404"} 1"#), "{text}");
        assert!(text.contains("leder_http_request_duration_seconds_bucket{route=\"/api/v1/organisations\""));
        assert!(text.contains("leder_db_pool_max_connections 4"), "{text}");
    }

    async fn every_response_carries_the_security_headers(app) {
        let res = app.get("/api/v1/organisations").await;
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
        assert_eq!(res.headers()["cache-control"], "no-store");
    }

    async fn an_exhausted_pool_answers_503_quickly(app, |c| {
        c.pool_size = 1;
        c.pool_timeout = Duration::from_millis(200);
    }) {
        let pool = app.pool().clone();
        // Hold the only connection on a blocking thread while the request waits for it.
        let held = tokio::task::spawn_blocking(move || pool.get().expect("the only connection"))
            .await
            .unwrap();
        let started = std::time::Instant::now();
        let res = app.get("/api/v1/organisations").await;
        let body = problem(res, 503).await;
        assert!(body["detail"].as_str().unwrap().contains("busy"), "{body}");
        assert!(started.elapsed() < Duration::from_secs(5), "a 503 must not hang");
        drop(held);
        json(app.get("/api/v1/organisations").await, 200).await;
    }
}

#[actix_web::test]
async fn metrics_need_no_token_on_the_admin_bind() {
    let app = TestApp::sqlite_with(|c| c.admin_bind = Some("127.0.0.1:0".parse().unwrap())).await;
    let admin = app.admin_bind.expect("admin address");
    let res = app
        .client
        .get(format!("http://{admin}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    problem(app.get("/metrics").await, 401).await;
}
