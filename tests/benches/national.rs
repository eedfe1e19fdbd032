//! National outputs at scale (`make bench`): seeds `LEDER_BENCH_REVIEWS` realistic reviews
//! (default 100,000) into a fresh SQLite database with `leder seed-demo`'s code, then times the
//! statistics for each breakdown and streams the whole extract in both formats, reporting the
//! process's resident memory before and after (the body is counted as it arrives, never held).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "a benchmark fails by panicking"
)]

use std::time::{Duration, Instant};

use leder_api::config::Config;
use leder_api::server::Application;

const PASSWORD: &str = "benchmark admin password";

fn resident_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

async fn token(client: &reqwest::Client, base: &str, user: &str, password: &str) -> String {
    let body = format!(
        "grant_type=password&username={user}&password={}",
        password.replace(' ', "+")
    );
    let res: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    res["access_token"].as_str().unwrap().to_owned()
}

#[actix_web::main]
async fn main() {
    let reviews: usize = std::env::var("LEDER_BENCH_REVIEWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::from_lookup(|_| None).unwrap();
    config.database_url = format!("sqlite://{}", dir.path().join("leder.db").display());
    config.bind = "127.0.0.1:0".parse().unwrap();
    config.bootstrap_admin_password = Some(PASSWORD.into());
    let app = Application::build(config).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let pool = app.pool().clone();
    let handle = app.handle();
    actix_web::rt::spawn(app.run_until_stopped());

    let started = Instant::now();
    let today = leder_api::clock::today_in_england();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        leder_api::demo::seed(&mut conn, reviews, 2026, true, today, &mut |_| {}).unwrap()
    })
    .await
    .unwrap();
    println!(
        "seeded {reviews} reviews into SQLite in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let client = reqwest::Client::new();
    let admin = token(&client, &base, "admin", PASSWORD).await;
    let analyst = serde_json::json!({"username": "bench.analyst", "display_name": "Analyst",
        "roles": ["national_analyst"], "password": PASSWORD});
    let res = client
        .post(format!("{base}/api/v1/users"))
        .bearer_auth(&admin)
        .json(&analyst)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let token = token(&client, &base, "bench.analyst", PASSWORD).await;

    let year = today.year() - 1;
    for by in [
        "",
        "sex",
        "ethnic_group",
        "age_band",
        "organisation",
        "region",
    ] {
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let res = client
                .get(format!(
                    "{base}/api/v1/national/statistics?year={year}&by={by}"
                ))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            res.bytes().await.unwrap();
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "statistics year={year} by={:<12} median {:>4} ms, slowest {:>4} ms",
            if by.is_empty() { "(none)" } else { by },
            times[2].as_millis(),
            times[4].as_millis()
        );
    }

    for accept in ["application/x-ndjson", "text/csv"] {
        // Resets the peak (VmHWM) so that it is the extract's own, not the seeding's.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let (rss_before, _) = resident_kib();
        let t = Instant::now();
        let res = client
            .get(format!("{base}/api/v1/national/records?include_open=true"))
            .bearer_auth(&token)
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let published = res.headers()["leder-rows-published"]
            .to_str()
            .unwrap()
            .to_owned();
        let mut res = res;
        let (mut bytes, mut lines) = (0usize, 0usize);
        while let Some(chunk) = res.chunk().await.unwrap() {
            bytes += chunk.len();
            lines += chunk.iter().filter(|b| **b == b'\n').count();
        }
        let took = t.elapsed().max(Duration::from_millis(1));
        let (rss_after, peak) = resident_kib();
        println!(
            "extract {accept:<20} {published} rows published, {lines} lines, {:.1} MB in {:.2} s \
             ({:.0} rows/s); resident {} MB before, {} MB after, peak during it {} MB",
            bytes as f64 / 1e6,
            took.as_secs_f64(),
            lines as f64 / took.as_secs_f64(),
            rss_before / 1024,
            rss_after / 1024,
            peak / 1024
        );
    }
    handle.stop(true).await;
}
