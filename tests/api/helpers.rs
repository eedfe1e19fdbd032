//! `TestApp`: the real server on port 0 with a fresh database of its own.
//!
//! A scenario that should hold on both engines is written once inside [`both_backends!`], the
//! one place that picks the engines; a test of something engine-independent (configuration,
//! headers) runs once on SQLite through [`TestApp::sqlite`] or [`TestApp::sqlite_with`].
//!
//! Each engine migrates one template per test process and copies it per test, which is much
//! faster than migrating and loading the reference data each time. SQLite: the template is a
//! file under cargo's `target/tmp`, copied into a fresh temporary folder. PostgreSQL (when
//! `LEDER_TEST_POSTGRES_URL` names a server): a template database cloned with
//! `CREATE DATABASE .. TEMPLATE ..` and dropped when the test ends. Without that variable the
//! PostgreSQL half is skipped, unless `CI` is set: there a skipped half would pass unseen, so
//! it fails instead.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use diesel::Connection;
use diesel::connection::SimpleConnection;
use leder_api::auth::password;
pub use leder_api::config::Config;
use leder_api::server::Application;
pub use leder_persistence::Backend;
use leder_persistence::{DatabaseUrl, Pool, admin};

enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres {
        server_url: String,
        name: String,
    },
    /// A replica's: the first app owns the database and removes it.
    Shared,
}

/// The bootstrap admin's password in every test app.
pub const ADMIN_PASSWORD: &str = "bootstrap admin password";
/// The pseudonymisation key of every test server (a test may configure another).
pub const PSEUDONYM_KEY: &str = "test-pseudonym-key-of-at-least-32-bytes";
/// The audit key of every test server: it keys the audit trail's hashes.
pub const AUDIT_KEY: &str = "test-audit-key-of-at-least-32-bytes-long";
/// The front-end client registered in every test server, and its one redirect URI.
pub const TEST_CLIENT: &str = "test-front-end";
pub const TEST_REDIRECT: &str = "http://127.0.0.1:9/callback";
/// The password of every user the helpers create.
pub const USER_PASSWORD: &str = "a user password 123";

/// The HTTP side of a server under test: its address, a client, and the requests tests make
/// most. [`TestApp`] (a server in this process) and [`crate::process::ServerProcess`] (a server
/// in a process of its own) both dereference to it.
pub struct Http {
    pub address: String,
    pub client: reqwest::Client,
}

pub struct TestApp {
    http: Http,
    pub keys_dir: std::path::PathBuf,
    /// The database this app uses (a second replica can share it).
    pub database_url: String,
    /// The internal admin address, when the test asked for one.
    pub admin_bind: Option<std::net::SocketAddr>,
    _keys: Option<tempfile::TempDir>,
    pool: Pool,
    handle: actix_web::dev::ServerHandle,
    db: TestDb,
}

static SQLITE_TEMPLATE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
static POSTGRES_TEMPLATE: OnceLock<Result<String, String>> = OnceLock::new();
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Whether a CI system runs the tests (`CI` set to anything but empty, `0` or `false`).
fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// The PostgreSQL server to test on, or `None` (the PostgreSQL half is skipped). Under CI a
/// missing server fails the test: a skipped half must not pass as a green run.
pub(crate) fn postgres_server_url() -> Option<String> {
    let url = std::env::var("LEDER_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        assert!(
            !under_ci(),
            "CI is set but LEDER_TEST_POSTGRES_URL is not: under CI the PostgreSQL tests must \
             run, not be skipped. Set it, e.g. LEDER_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres"
        );
        eprintln!("skipped: LEDER_TEST_POSTGRES_URL is not set");
    }
    url
}

fn pid_is_alive(pid: &str) -> bool {
    !pid.is_empty() && Path::new("/proc").join(pid).exists()
}

/// Migrates (once per process) the SQLite template: a file named by this process's id, so that
/// test processes running at once never share one. Templates of finished processes are removed.
fn sqlite_template() -> Result<PathBuf, String> {
    SQLITE_TEMPLATE
        .get_or_init(|| {
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("leder-sqlite-templates");
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            for entry in std::fs::read_dir(&dir)
                .map_err(|e| e.to_string())?
                .flatten()
            {
                let name = entry.file_name().to_string_lossy().into_owned();
                if !pid_is_alive(name.split('.').next().unwrap_or_default()) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
            let path = dir.join(format!("{}.db", std::process::id()));
            // A file of an earlier process that had this id would be migrated on top of.
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            let url = DatabaseUrl::parse(&format!("sqlite://{}", path.display()))
                .map_err(|e| e.to_string())?;
            let mut conn = url.connect().map_err(|e| e.to_string())?;
            leder_persistence::migrate::run(&mut conn).map_err(|e| e.to_string())?;
            // Fold the write-ahead log back into the file, so that the file alone is the whole
            // database; each copy turns WAL on again when the server connects.
            conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
                .map_err(|e| e.to_string())?;
            Ok(path)
        })
        .clone()
}

/// Creates (once per process) the migrated PostgreSQL template database.
fn postgres_template(server_url: &str) -> Result<String, String> {
    POSTGRES_TEMPLATE
        .get_or_init(|| {
            // Drop databases left by earlier runs whose process is gone.
            let leftovers =
                admin::databases_with_prefix(server_url, "leder_t").map_err(|e| e.to_string())?;
            for name in leftovers {
                let pid = name
                    .trim_start_matches("leder_tpl_")
                    .trim_start_matches("leder_t_");
                if !pid_is_alive(pid.split('_').next().unwrap_or_default()) {
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

/// A fresh copy of the SQLite template in a temporary folder of its own.
fn fresh_sqlite() -> (TestDb, String) {
    let template = sqlite_template().unwrap_or_else(|e| panic!("SQLite template: {e}"));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("leder.db");
    std::fs::copy(&template, &path).expect("copy the SQLite template");
    (TestDb::Sqlite(dir), format!("sqlite://{}", path.display()))
}

/// A fresh clone of the PostgreSQL template on `server_url`.
fn fresh_postgres(server_url: String) -> (TestDb, String) {
    let template = postgres_template(&server_url).unwrap_or_else(|e| {
        panic!("PostgreSQL at LEDER_TEST_POSTGRES_URL={server_url} is unreachable or cannot be set up: {e}")
    });
    let name = format!(
        "leder_t_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    admin::create_database(&server_url, &name, Some(&template))
        .unwrap_or_else(|e| panic!("cloning {template} on {server_url}: {e}"));
    // A test database is thrown away, so its commits need not wait for the disk (a crash could
    // lose the last ones, never consistency): without this, PostgreSQL tests mostly wait on fsync.
    let mut conn = diesel::PgConnection::establish(&server_url)
        .unwrap_or_else(|e| panic!("PostgreSQL at {server_url}: {e}"));
    conn.batch_execute(&format!(
        "ALTER DATABASE \"{name}\" SET synchronous_commit = off"
    ))
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    let url = admin::with_database(&server_url, &name);
    (TestDb::Postgres { server_url, name }, url)
}

/// The migrated SQLite template file of this test process, for a test that puts its own copy
/// where it wants it (on a filesystem of its own).
pub(crate) fn sqlite_template_file() -> PathBuf {
    sqlite_template().unwrap_or_else(|e| panic!("SQLite template: {e}"))
}

/// A fresh database for a server the test starts itself (in a process of its own), removed
/// when dropped.
pub(crate) struct ScratchDatabase {
    db: TestDb,
    /// Its URL.
    pub url: String,
}

impl ScratchDatabase {
    /// A fresh copy of the template on `backend`; `None` when the backend is PostgreSQL and no
    /// server is configured (outside CI).
    pub(crate) async fn new(backend: Backend) -> Option<ScratchDatabase> {
        let (db, url) = match backend {
            Backend::Sqlite => blocking(fresh_sqlite).await,
            Backend::Postgres => {
                let server_url = postgres_server_url()?;
                blocking(move || fresh_postgres(server_url)).await
            }
        };
        Some(ScratchDatabase { db, url })
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        if let TestDb::Postgres { server_url, name } = &self.db {
            let _ = admin::drop_database(server_url, name);
        }
    }
}

/// The test configuration of an app on `database_url` signing with the keys in `keys_dir`.
fn base_config(keys_dir: &Path, database_url: &str) -> Config {
    let mut config = Config::from_lookup(|_| None).expect("default config");
    config.jwt_keys_dir = Some(keys_dir.to_owned());
    config.bootstrap_admin_password = Some(ADMIN_PASSWORD.to_owned());
    config.login_failure_delay = std::time::Duration::ZERO;
    // The tests sign in with the password grant, which a deployment leaves off.
    config.allow_password_grant = true;
    config.oauth_clients = vec![leder_api::config::oauth::PublicClient {
        id: TEST_CLIENT.to_owned(),
        redirect_uris: vec![TEST_REDIRECT.to_owned()],
    }];
    // Every test account is throwaway: hashing its password need not be slow.
    config.password_cost = password::Cost::CHEAPEST;
    config.replica_id = "test".to_owned();
    config.pseudonym_key = Some(PSEUDONYM_KEY.to_owned());
    config.audit_key = Some(AUDIT_KEY.to_owned());
    config.audit_checkpoint_file = Some(keys_dir.join("audit-checkpoints.ndjson"));
    config.audit_checkpoint_seconds = 0;
    // The clocks run when a test runs them (`leder clocks run`), never on a timer.
    config.clocks_every_minutes = 0;
    config.database_url = database_url.to_owned();
    // Documents in a folder of the test's own (beside its keys; a replica shares both).
    config.evidence.storage_url =
        Some(keys_dir.with_file_name("attachments").display().to_string());
    config.evidence.sweep_every_minutes = 0;
    config.bind = "127.0.0.1:0".parse().expect("addr");
    config.workers = 1;
    config.pool_size = 4;
    config.shutdown_timeout = 0;
    config
}

/// Starts the server with `config`; the app keeps `db` and `keys` until it is dropped.
async fn start(
    config: Config,
    db: TestDb,
    keys: Option<tempfile::TempDir>,
    keys_dir: PathBuf,
) -> TestApp {
    let database_url = config.database_url.clone();
    let app = Application::build(config).await.expect("server starts");
    let admin_bind = app.admin_bind();
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let pool = app.pool().clone();
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        database_url,
        admin_bind,
        keys_dir,
        _keys: keys,
        http: Http::new(address),
        pool,
        handle,
        db,
    }
}

/// Runs blocking work off the test's executor; its panic stays the test's own message.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => value,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

impl TestApp {
    /// Spawns the server on SQLite, for what does not depend on the engine.
    pub async fn sqlite() -> TestApp {
        Self::sqlite_with(|_| {}).await
    }

    /// Spawns the server on SQLite with a configuration tweak.
    pub async fn sqlite_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        Self::spawn(Backend::Sqlite, tweak)
            .await
            .expect("a SQLite app")
    }

    /// Spawns another server on this app's engine, with a fresh database of its own.
    pub async fn another(&self, tweak: impl FnOnce(&mut Config)) -> TestApp {
        Self::spawn(self.backend(), tweak)
            .await
            .expect("an app on the engine of the first")
    }

    /// Starts a second replica of this app: the same database and signing keys, its own
    /// process state (caches, in-memory limits) and audit chain. Bind it after the first app, so
    /// that it stops first.
    pub async fn replica(&self, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = base_config(&self.keys_dir, &self.database_url);
        config.replica_id = "test-replica".to_owned();
        config.audit_checkpoint_file = Some(self.keys_dir.join("audit-checkpoints-replica.ndjson"));
        tweak(&mut config);
        start(config, TestDb::Shared, None, self.keys_dir.clone()).await
    }

    /// The engine this app runs on.
    pub fn backend(&self) -> Backend {
        DatabaseUrl::parse(&self.database_url)
            .expect("a database URL")
            .backend()
    }

    /// Spawns the server on `backend` with a configuration tweak; `None` when the backend is
    /// PostgreSQL and no server is configured (outside CI). [`both_backends!`] calls this.
    pub async fn spawn(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let (db, database_url) = match backend {
            Backend::Sqlite => blocking(fresh_sqlite).await,
            Backend::Postgres => {
                let server_url = postgres_server_url()?;
                blocking(move || fresh_postgres(server_url)).await
            }
        };
        let keys = tempfile::tempdir().expect("keys dir");
        let keys_dir = keys.path().join("jwt-keys");
        std::fs::create_dir_all(&keys_dir).expect("keys dir");
        leder_api::auth::keys::generate(&keys_dir).expect("signing key");
        let mut config = base_config(&keys_dir, &database_url);
        tweak(&mut config);
        Some(start(config, db, Some(keys), keys_dir).await)
    }

    /// The server's own pool (to hold connections or inspect what is stored).
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// PostgreSQL only: refuses (`false`) or admits again (`true`) new connections to this app's
    /// database, ending every connection it has when refusing: to the server, the database is
    /// down, as during a restart, while the shared test server runs on. Answers how many
    /// connections were ended.
    pub async fn postgres_admits_connections(&self, admit: bool) -> i64 {
        let TestDb::Postgres { server_url, name } = &self.db else {
            panic!("a PostgreSQL app's own database")
        };
        let (server_url, name) = (server_url.clone(), name.clone());
        blocking(move || {
            use diesel::RunQueryDsl;
            let mut conn = diesel::PgConnection::establish(&server_url).expect("the server");
            conn.batch_execute(&format!(
                "ALTER DATABASE \"{name}\" WITH ALLOW_CONNECTIONS {admit}"
            ))
            .expect("alter database");
            if admit {
                return 0;
            }
            let ended: Vec<CountRow> = diesel::sql_query(format!(
                "SELECT COUNT(*) AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = '{name}') AS ended"
            ))
            .load(&mut conn)
            .expect("terminate");
            ended.first().map_or(0, |r| r.n)
        })
        .await
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
            TestDb::Shared => panic!("lose the database through the app that owns it"),
        }
    }
}

impl Http {
    /// A client of the server at `address` (`http://host:port`) that never follows redirects.
    pub fn new(address: String) -> Self {
        Http {
            address,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
        }
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

    /// A request with an optional bearer token and JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> reqwest::Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        req.send().await.expect("request")
    }

    pub async fn get_as(&self, path: &str, token: &str) -> reqwest::Response {
        self.send(reqwest::Method::GET, path, Some(token), None)
            .await
    }

    pub async fn post_as(
        &self,
        path: &str,
        token: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.send(reqwest::Method::POST, path, Some(token), Some(body))
            .await
    }

    /// POSTs a form to the token endpoint.
    pub async fn token_request(&self, form: &[(&str, &str)]) -> reqwest::Response {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.client
            .post(self.url("/api/v1/auth/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("request")
    }

    /// A token for a user, by password.
    pub async fn token(&self, username: &str, password: &str) -> String {
        let res = self
            .token_request(&[
                ("grant_type", "password"),
                ("username", username),
                ("password", password),
            ])
            .await;
        let body = json(res, 200).await;
        body["access_token"].as_str().expect("token").to_owned()
    }

    pub async fn admin_token(&self) -> String {
        self.token("admin", ADMIN_PASSWORD).await
    }

    /// Creates a user (as the bootstrap admin); returns its id and a token.
    pub async fn user(
        &self,
        username: &str,
        roles: &[&str],
        org: Option<&str>,
    ) -> (String, String) {
        let admin = self.admin_token().await;
        let body = serde_json::json!({
            "username": username, "display_name": username, "roles": roles,
            "organisation": org, "password": USER_PASSWORD,
        });
        let created = json(self.post_as("/api/v1/users", &admin, &body).await, 201).await;
        let id = created["id"].as_str().expect("id").to_owned();
        (id, self.token(username, USER_PASSWORD).await)
    }

    /// Creates a machine client of `org`; returns its id, secret and a token.
    pub async fn machine_client(&self, org: &str) -> (String, String, String) {
        let admin = self.admin_token().await;
        let body = serde_json::json!({"name": format!("{org} case system"), "organisation": org});
        let created = json(self.post_as("/api/v1/clients", &admin, &body).await, 201).await;
        let id = created["client_id"].as_str().expect("id").to_owned();
        let secret = created["client_secret"]
            .as_str()
            .expect("secret")
            .to_owned();
        let res = self
            .token_request(&[
                ("grant_type", "client_credentials"),
                ("client_id", &id),
                ("client_secret", &secret),
            ])
            .await;
        let token = json(res, 200).await["access_token"]
            .as_str()
            .expect("token")
            .to_owned();
        (id, secret, token)
    }
}

impl std::ops::Deref for TestApp {
    type Target = Http;

    fn deref(&self) -> &Http {
        &self.http
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

/// Percent-encodes a form value.
pub fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
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

/// Declares each test once and runs it on SQLite and on PostgreSQL: the one way a test picks
/// its engines. `async fn name(app) { .. }` gets the default test configuration;
/// `async fn name(app, |c| ..) { .. }` changes it first (any `FnOnce(&mut Config)`). Each test
/// becomes a module `name` with the tests `on_sqlite` and `on_postgres`.
#[macro_export]
macro_rules! both_backends {
    (@tweak) => {
        |_: &mut $crate::helpers::Config| {}
    };
    (@tweak $tweak:expr) => {
        $tweak
    };
    ($(async fn $name:ident($app:ident $(, $tweak:expr)?) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports, reason = "each test uses a different part of the prelude")]
                use super::*;

                #[actix_web::test]
                async fn on_sqlite() {
                    let $app = $crate::helpers::TestApp::spawn(
                        $crate::helpers::Backend::Sqlite,
                        $crate::both_backends!(@tweak $($tweak)?),
                    )
                    .await
                    .expect("a SQLite app");
                    $body
                }

                #[actix_web::test]
                async fn on_postgres() {
                    let Some($app) = $crate::helpers::TestApp::spawn(
                        $crate::helpers::Backend::Postgres,
                        $crate::both_backends!(@tweak $($tweak)?),
                    )
                    .await else {
                        return;
                    };
                    $body
                }
            }
        )*
    };
}

/// A PATCH with a bearer token, an optional `If-Match` and a JSON body.
pub async fn patch_json(
    app: &Http,
    path: &str,
    token: &str,
    if_match: Option<&str>,
    body: &serde_json::Value,
) -> reqwest::Response {
    let mut req = app
        .client
        .patch(app.url(path))
        .bearer_auth(token)
        .json(body);
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    req.send().await.expect("request")
}

/// The `ETag` header of a response.
pub fn etag_of(res: &reqwest::Response) -> String {
    res.headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no ETag on {} {}", res.status(), res.url()))
        .to_owned()
}

#[derive(diesel::QueryableByName)]
struct CountRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Runs `SELECT COUNT(*) AS n ...` on the server's database and returns `n`.
pub async fn sql_count(app: &TestApp, sql: &str) -> i64 {
    use diesel::RunQueryDsl;
    let pool = app.pool().clone();
    let sql = sql.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("connection");
        let rows: Vec<CountRow> = diesel::sql_query(&sql)
            .load(&mut *conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        rows.first().map_or(0, |row| row.n)
    })
    .await
    .expect("join")
}

/// Runs a statement on the server's database, returning the rows affected.
pub async fn sql_execute(app: &TestApp, sql: &str) -> usize {
    use diesel::RunQueryDsl;
    let pool = app.pool().clone();
    let sql = sql.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("connection");
        diesel::sql_query(&sql)
            .execute(&mut *conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    })
    .await
    .expect("join")
}

/// Today's date in England, as the server reckons it.
pub fn today() -> time::Date {
    leder_api::clock::today_in_england()
}

/// A date as `YYYY-MM-DD`.
pub fn ymd(date: time::Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// `date` moved by a number of calendar months (negative: back), clamped to the month's end.
pub fn add_months(date: time::Date, months: i32) -> time::Date {
    let index = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let year = index.div_euclid(12);
    let month = time::Month::try_from(u8::try_from(index.rem_euclid(12) + 1).expect("month"))
        .expect("month");
    let day = date.day().min(month.length(year));
    time::Date::from_calendar_date(year, month, day).expect("date")
}
