//! A leder server in a process of its own: the real command line (`leder-under-test serve`,
//! built inside this package), for the faults a test cannot inflict on a server that runs
//! inside the test's own process: `kill -9`, or a filesystem that only the server sees. The
//! server binds port 0 and the test reads the port it got from its log; the log is kept for the
//! message of a failing test.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::helpers::{ADMIN_PASSWORD, AUDIT_KEY, Http, PSEUDONYM_KEY};

/// The `leder` command line, as a binary of this package.
pub const LEDER: &str = env!("CARGO_BIN_EXE_leder-under-test");

/// The environment of a test server on `database_url` whose signing keys and audit checkpoints
/// live in `dir` (keys are made there when missing): the settings of an in-process test app.
pub fn server_env(database_url: &str, dir: &Path) -> Vec<(String, String)> {
    let keys = dir.join("jwt-keys");
    if !keys.exists() {
        std::fs::create_dir_all(&keys).unwrap();
        leder_api::auth::keys::generate(&keys).unwrap();
    }
    let cheapest = leder_api::auth::password::Cost::CHEAPEST;
    [
        ("LEDER_DATABASE_URL", database_url.to_owned()),
        ("LEDER_BIND", "127.0.0.1:0".to_owned()),
        ("LEDER_JWT_KEYS_DIR", keys.display().to_string()),
        ("LEDER_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD.to_owned()),
        ("LEDER_ALLOW_PASSWORD_GRANT", "true".to_owned()),
        ("LEDER_PSEUDONYM_KEY", PSEUDONYM_KEY.to_owned()),
        ("LEDER_AUDIT_KEY", AUDIT_KEY.to_owned()),
        (
            "LEDER_AUDIT_CHECKPOINT_FILE",
            dir.join("audit-checkpoints.ndjson").display().to_string(),
        ),
        ("LEDER_AUDIT_CHECKPOINT_SECONDS", "0".to_owned()),
        ("LEDER_REPLICA_ID", "test-process".to_owned()),
        (
            "LEDER_STORAGE_URL",
            dir.join("attachments").display().to_string(),
        ),
        ("LEDER_STORAGE_SWEEP_EVERY_MINUTES", "0".to_owned()),
        ("LEDER_WORKERS", "2".to_owned()),
        ("LEDER_POOL_SIZE", "4".to_owned()),
        ("LEDER_SHUTDOWN_TIMEOUT_SECS", "0".to_owned()),
        ("LEDER_LOGIN_FAILURE_DELAY_MS", "0".to_owned()),
        (
            "LEDER_PASSWORD_HASH_MEMORY_KIB",
            cheapest.memory_kib.to_string(),
        ),
        (
            "LEDER_PASSWORD_HASH_ITERATIONS",
            cheapest.iterations.to_string(),
        ),
        ("RUST_LOG", "info".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// A running server process; killed (SIGKILL) when dropped.
pub struct ServerProcess {
    http: Http,
    child: Child,
    log: Arc<Mutex<String>>,
}

/// The port in the server's "listening" log line.
fn listening_port(line: &str) -> Option<u16> {
    let after = line.split("leder listening on http://").nth(1)?;
    let address = after.split_whitespace().next()?;
    address.rsplit(':').next()?.parse().ok()
}

impl ServerProcess {
    /// Runs `command` (which ends in `leder-under-test serve`, perhaps through a wrapper such as
    /// `unshare`) and waits until the server listens.
    pub async fn start(mut command: Command) -> ServerProcess {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("start the server process");
        let stderr = child.stderr.take().expect("its log");
        let log = Arc::new(Mutex::new(String::new()));
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let sink = log.clone();
        // Reads the log to its end, so that the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(port) = listening_port(&line) {
                    let _ = port_tx.send(port);
                }
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        // Off the test's executor: the test may serve HTTP itself (a webhook receiver).
        let port =
            tokio::task::spawn_blocking(move || port_rx.recv_timeout(Duration::from_secs(60)))
                .await
                .unwrap();
        let mut server = ServerProcess {
            http: Http::new(String::new()),
            child,
            log,
        };
        match port {
            Ok(port) => server.http = Http::new(format!("http://127.0.0.1:{port}")),
            Err(_) => {
                server.kill();
                panic!("the server never listened; its log:\n{}", server.log());
            }
        }
        server
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the server logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// `kill -9`: SIGKILL, then reaps the process.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl std::ops::Deref for ServerProcess {
    type Target = Http;

    fn deref(&self) -> &Http {
        &self.http
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Awaits `request` for at most `seconds`: a server that hangs fails the test instead of
/// stalling it.
pub async fn within<T>(
    seconds: u64,
    what: &str,
    request: impl std::future::Future<Output = T>,
) -> T {
    tokio::time::timeout(Duration::from_secs(seconds), request)
        .await
        .unwrap_or_else(|_| panic!("{what}: no answer within {seconds} s"))
}
