//! Audit-writer throughput: 64 concurrent readers of an audited endpoint (`GET /users/{id}`,
//! each answer waits for its audit entry to commit) for a fixed time, on SQLite and, when
//! `LEDER_TEST_POSTGRES_URL` is set, on PostgreSQL. Prints entries committed per second.
//! Run with `make bench`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "a benchmark program"
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use leder_api::config::Config;
use leder_api::server::Application;
use leder_persistence::admin;

/// The benchmark server's audit key.
const AUDIT_KEY: &str = "benchmark audit key, 32 bytes or more";

const READERS: usize = 64;
const SECONDS: u64 = 10;
const PASSWORD: &str = "benchmark admin password";

async fn run(label: &str, database_url: String) {
    let keys = tempfile::tempdir().unwrap();
    leder_api::auth::keys::generate(keys.path()).unwrap();
    let mut config = Config::from_lookup(|_| None).unwrap();
    config.database_url = database_url;
    config.bind = "127.0.0.1:0".parse().unwrap();
    config.jwt_keys_dir = Some(keys.path().to_owned());
    config.pseudonym_key = Some("benchmark pseudonym key, 32 bytes or more".into());
    config.audit_key = Some(AUDIT_KEY.into());
    config.bootstrap_admin_password = Some(PASSWORD.into());
    config.pool_size = 16;
    let app = Application::build(config).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let pool = app.pool().clone();
    let handle = app.handle();
    actix_web::rt::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let res = client
        .post(format!("{base}/api/v1/auth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=password&username=admin&password={}",
            PASSWORD.replace(' ', "+")
        ))
        .send()
        .await
        .unwrap();
    let token = res.json::<serde_json::Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let me: serde_json::Value = client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = format!("{base}/api/v1/users/{}", me["id"].as_str().unwrap());
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(SECONDS);
    let mut tasks = Vec::new();
    for _ in 0..READERS {
        let (client, url, token, done, failed) = (
            client.clone(),
            url.clone(),
            token.clone(),
            done.clone(),
            failed.clone(),
        );
        tasks.push(actix_web::rt::spawn(async move {
            while Instant::now() < deadline {
                match client.get(&url).bearer_auth(&token).send().await {
                    Ok(r) if r.status() == 200 => done.fetch_add(1, Ordering::Relaxed),
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let reads = done.load(Ordering::Relaxed);
    let report = tokio::task::spawn_blocking(move || {
        let key = leder_persistence::repo::audit::AuditKey::new(AUDIT_KEY.as_bytes()).unwrap();
        leder_persistence::repo::audit::verify(&mut pool.get().unwrap(), &key, None).unwrap()
    })
    .await
    .unwrap();
    println!(
        "{label}: {READERS} readers, {elapsed:.1} s: {reads} audited reads ({:.0}/s), {} failed; \
         chain holds {} entries, intact: {}",
        reads as f64 / elapsed,
        failed.load(Ordering::Relaxed),
        report.entries,
        report.broken.is_none()
    );
    handle.stop(false).await;
}

#[actix_web::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    run(
        "sqlite",
        format!("sqlite://{}", dir.path().join("bench.db").display()),
    )
    .await;
    if let Ok(server) = std::env::var("LEDER_TEST_POSTGRES_URL") {
        let name = format!("leder_bench_{}", std::process::id());
        admin::create_database(&server, &name, None).unwrap();
        run("postgres", admin::with_database(&server, &name)).await;
        admin::drop_database(&server, &name).unwrap();
    }
}
