//! `TestApp`: the real server on port 0 with a fresh database of its own.
//!
//! SQLite: a file in a fresh temporary folder. PostgreSQL (when `LEDER_TEST_POSTGRES_URL` names a
//! server): one migrated template database per test process, cloned per test with
//! `CREATE DATABASE .. TEMPLATE ..` (much faster than migrating each), dropped when the test ends.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use leder_api::config::Config;
use leder_api::server::Application;
use leder_persistence::{DatabaseUrl, Pool, admin};

/// Which engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres { server_url: String, name: String },
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pool: Pool,
    handle: actix_web::dev::ServerHandle,
    db: TestDb,
}

static TEMPLATE: OnceLock<Result<String, String>> = OnceLock::new();
static CLONE_LOCK: Mutex<()> = Mutex::new(());
static COUNTER: AtomicU64 = AtomicU64::new(0);

fn postgres_server_url() -> Option<String> {
    std::env::var("LEDER_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

fn pid_is_alive(pid: &str) -> bool {
    std::path::Path::new("/proc").join(pid).exists()
}

/// Creates (once per process) the migrated template database.
fn template(server_url: &str) -> Result<String, String> {
    TEMPLATE
        .get_or_init(|| {
            // Drop databases left by earlier runs whose process is gone.
            let leftovers =
                admin::databases_with_prefix(server_url, "leder_t").map_err(|e| e.to_string())?;
            for name in leftovers {
                let pid = name
                    .trim_start_matches("leder_tpl_")
                    .trim_start_matches("leder_t_");
                let pid = pid.split('_').next().unwrap_or_default();
                if !pid_is_alive(pid) {
                    let _ = admin::drop_database(server_url, &name);
                }
            }
            let name = format!("leder_tpl_{}", std::process::id());
            admin::drop_database(server_url, &name).map_err(|e| e.to_string())?;
            admin::create_database(server_url, &name, None).map_err(|e| e.to_string())?;
            let url = DatabaseUrl::parse(&admin::with_database(server_url, &name))
                .map_err(|e| e.to_string())?;
            let mut conn = url.connect().map_err(|e| e.to_string())?;
            leder_persistence::migrate::run(&mut conn).map_err(|e| e.to_string())?;
            Ok(name)
        })
        .clone()
}

impl TestApp {
    /// Spawns the server on SQLite.
    pub async fn sqlite() -> TestApp {
        Self::spawn(Backend::Sqlite, |_| {})
            .await
            .expect("sqlite test app")
    }

    /// Spawns the server on a fresh PostgreSQL database, or `None` when no server is configured.
    pub async fn postgres() -> Option<TestApp> {
        if postgres_server_url().is_none() {
            eprintln!("skipped: LEDER_TEST_POSTGRES_URL is not set");
            return None;
        }
        Some(
            Self::spawn(Backend::Postgres, |_| {})
                .await
                .expect("postgres test app"),
        )
    }

    /// Spawns the server on `backend` with a configuration tweak.
    pub async fn spawn(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let (db, database_url) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("leder.db").display());
                (TestDb::Sqlite(dir), url)
            }
            Backend::Postgres => {
                let server_url = postgres_server_url()?;
                let su = server_url.clone();
                let name = tokio::task::spawn_blocking(move || -> Result<String, String> {
                    let template = template(&su)?;
                    let name = format!(
                        "leder_t_{}_{}",
                        std::process::id(),
                        COUNTER.fetch_add(1, Ordering::Relaxed)
                    );
                    // CREATE DATABASE .. TEMPLATE refuses while another clone reads the
                    // template, so clones within this process take turns.
                    let _guard = CLONE_LOCK.lock().unwrap_or_else(|p| p.into_inner());
                    admin::create_database(&su, &name, Some(&template))
                        .map_err(|e| e.to_string())?;
                    Ok(name)
                })
                .await
                .expect("join")
                .expect("postgres test database");
                let url = admin::with_database(&server_url, &name);
                (TestDb::Postgres { server_url, name }, url)
            }
        };
        let mut config = Config::from_lookup(|_| None).expect("default config");
        config.database_url = database_url;
        config.bind = "127.0.0.1:0".parse().expect("addr");
        config.workers = 1;
        config.pool_size = 4;
        config.shutdown_timeout = 0;
        tweak(&mut config);
        let app = Application::build(config).await.expect("server starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        let pool = app.pool().clone();
        actix_web::rt::spawn(app.run_until_stopped());
        Some(TestApp {
            address,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            pool,
            handle,
            db,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// The server's own pool (to hold connections or inspect what is stored).
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Makes the database disappear under the running server.
    pub async fn lose_database(&self) {
        match &self.db {
            TestDb::Sqlite(dir) => {
                for f in ["leder.db", "leder.db-wal", "leder.db-shm"] {
                    let _ = std::fs::remove_file(dir.path().join(f));
                }
            }
            TestDb::Postgres { server_url, name } => {
                let (s, n) = (server_url.clone(), name.clone());
                tokio::task::spawn_blocking(move || admin::drop_database(&s, &n))
                    .await
                    .expect("join")
                    .expect("drop database");
            }
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // `stop` sends its command at once; the returned future only waits for completion.
        drop(self.handle.stop(false));
        if let TestDb::Postgres { server_url, name } = &self.db {
            let _ = admin::drop_database(server_url, name);
        }
    }
}

/// The body of a response as JSON, asserting the status first.
pub async fn json(res: reqwest::Response, status: u16) -> serde_json::Value {
    let actual = res.status().as_u16();
    let text = res.text().await.expect("body");
    assert_eq!(actual, status, "unexpected status; body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Asserts a problem+json response with this status, returning the body.
pub async fn problem(res: reqwest::Response, status: u16) -> serde_json::Value {
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = json(res, status).await;
    assert_eq!(content_type, "application/problem+json", "body: {body}");
    assert_eq!(body["status"], status, "body: {body}");
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("/problems/")),
        "body: {body}"
    );
    assert!(
        body["title"].is_string() && body["detail"].is_string(),
        "body: {body}"
    );
    body
}

/// The `field` of the first entry in a problem's `errors`.
pub fn first_field(problem: &serde_json::Value) -> &str {
    problem["errors"][0]["field"].as_str().unwrap_or_default()
}

/// Declares each test once and runs it on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports, reason = "each test uses a different part of the prelude")]
                use super::*;

                #[actix_web::test]
                async fn on_sqlite() {
                    let $app = $crate::helpers::TestApp::sqlite().await;
                    $body
                }

                #[actix_web::test]
                async fn on_postgres() {
                    let Some($app) = $crate::helpers::TestApp::postgres().await else {
                        return;
                    };
                    $body
                }
            }
        )*
    };
}
