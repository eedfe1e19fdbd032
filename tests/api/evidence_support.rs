//! What the evidence tests share: an S3-compatible server (moto, an independent
//! implementation, started by the test on a free port), `multipart/form-data` bodies, document
//! fixtures, and [`both_stores!`], which runs a test on both engines and both storage back
//! ends. Without moto installed the S3 half is skipped, unless `CI` is set (`.ci/run` installs
//! it): there a skipped half would pass unseen, so it fails.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{Config, Http};

/// A moto S3 server of this test; killed when dropped.
pub struct S3Server {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
}

fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// The Python that has moto's server: `LEDER_TEST_MOTO_PYTHON`, the workspace's `.venv`, or
/// `python3`.
fn moto_python() -> Option<String> {
    let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/../.venv/bin/python");
    let candidates = [
        std::env::var("LEDER_TEST_MOTO_PYTHON").ok(),
        Some(venv.to_owned()),
        Some("python3".to_owned()),
    ];
    candidates.into_iter().flatten().find(|python| {
        Command::new(python)
            .args(["-c", "import moto.server, flask, flask_cors"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

impl S3Server {
    /// Starts moto on a free port; `None` (skipped) when it is not installed, outside CI.
    pub async fn start() -> Option<S3Server> {
        let Some(python) = moto_python() else {
            assert!(
                !under_ci(),
                "CI is set but moto is not installed: `pip install 'moto[server]'` (.ci/run does)"
            );
            eprintln!("skipped: moto (an S3-compatible server) is not installed");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(python)
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto");
        let server = S3Server {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        let client = reqwest::Client::new();
        loop {
            if client.get(&server.endpoint).send().await.is_ok() {
                return Some(server);
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "moto did not answer on {} within a minute",
                server.endpoint
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Makes a bucket of its own; answers the `LEDER_STORAGE_URL` of it.
    pub async fn bucket(&self) -> String {
        let name = format!("leder-{}", uuid::Uuid::new_v4().simple());
        let res = reqwest::Client::new()
            .put(format!("{}/{name}", self.endpoint))
            .send()
            .await
            .expect("create the bucket");
        assert!(res.status().is_success(), "bucket: {}", res.status());
        let endpoint = crate::helpers::form_encode(&self.endpoint);
        format!(
            "s3://{name}/leder?endpoint={endpoint}&region=us-east-1\
             &access_key_id=test&secret_access_key=test"
        )
    }

    /// The keys of every object in the bucket of `url` (under its root).
    pub async fn keys(&self, url: &str) -> Vec<String> {
        let bucket = url
            .trim_start_matches("s3://")
            .split('/')
            .next()
            .expect("bucket");
        let listing = reqwest::Client::new()
            .get(format!("{}/{bucket}?list-type=2", self.endpoint))
            .send()
            .await
            .expect("list")
            .text()
            .await
            .expect("listing");
        listing
            .split("<Key>")
            .skip(1)
            .filter_map(|s| s.split("</Key>").next())
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where a test app keeps documents.
pub enum Store {
    /// The folder (the embedded default).
    Folder,
    /// A moto bucket.
    S3(S3Server, String),
}

impl Store {
    /// The keys of every stored object.
    pub async fn keys(&self, app: &crate::helpers::TestApp) -> Vec<String> {
        match self {
            Store::Folder => {
                let root = app.keys_dir.with_file_name("attachments");
                let mut out = Vec::new();
                let mut dirs = vec![root.clone()];
                while let Some(d) = dirs.pop() {
                    for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                        if e.path().is_dir() {
                            dirs.push(e.path());
                        } else {
                            let rel = e.path().strip_prefix(&root).unwrap().to_owned();
                            out.push(rel.display().to_string());
                        }
                    }
                }
                out
            }
            Store::S3(server, url) => server
                .keys(url)
                .await
                .into_iter()
                .map(|k| k.trim_start_matches("leder/").to_owned())
                .collect(),
        }
    }
}

/// The configuration tweak of a store.
pub fn on_store(url: Option<String>) -> impl FnOnce(&mut Config) {
    move |c: &mut Config| {
        if let Some(url) = url {
            c.evidence.storage_url = Some(url);
        }
    }
}

/// Declares each test once and runs it on SQLite and PostgreSQL, each with the folder store
/// and with an S3 bucket: `async fn name(app, store) { .. }`.
#[macro_export]
macro_rules! both_stores {
    ($(async fn $name:ident($app:ident, $store:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports, reason = "each test uses a different part of the prelude")]
                use super::*;

                async fn run(backend: $crate::helpers::Backend, s3: bool) {
                    let $store = if s3 {
                        let Some(server) = $crate::evidence_support::S3Server::start().await else {
                            return;
                        };
                        let url = server.bucket().await;
                        $crate::evidence_support::Store::S3(server, url)
                    } else {
                        $crate::evidence_support::Store::Folder
                    };
                    let url = match &$store {
                        $crate::evidence_support::Store::S3(_, url) => Some(url.clone()),
                        $crate::evidence_support::Store::Folder => None,
                    };
                    let Some($app) = $crate::helpers::TestApp::spawn(
                        backend,
                        $crate::evidence_support::on_store(url),
                    )
                    .await else {
                        return;
                    };
                    $body
                }

                #[actix_web::test]
                async fn on_sqlite_in_a_folder() {
                    run($crate::helpers::Backend::Sqlite, false).await;
                }

                #[actix_web::test]
                async fn on_postgres_in_a_folder() {
                    run($crate::helpers::Backend::Postgres, false).await;
                }

                #[actix_web::test]
                async fn on_sqlite_in_s3() {
                    run($crate::helpers::Backend::Sqlite, true).await;
                }

                #[actix_web::test]
                async fn on_postgres_in_s3() {
                    run($crate::helpers::Backend::Postgres, true).await;
                }
            }
        )*
    };
}

/// One part of a form.
pub enum Part<'a> {
    /// A file part named `name`, sent as `file_name`.
    File(&'a str, &'a str, &'a [u8]),
    /// A text part.
    Text(&'a str, &'a str),
}

const BOUNDARY: &str = "leder-test-boundary-7d1f0c";

/// A `multipart/form-data` body: its content type and bytes.
pub fn form(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::File(name, file_name, bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                         Content-Type: application/pdf\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
            }
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}")
                        .as_bytes(),
                );
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// POSTs a form, with a bearer token when given.
pub async fn post_form(
    app: &Http,
    path: &str,
    token: Option<&str>,
    parts: &[Part<'_>],
) -> reqwest::Response {
    let (content_type, body) = form(parts);
    let mut req = app
        .client
        .post(app.url(path))
        .header("content-type", content_type)
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("request")
}

/// A small PDF (`n` varies its bytes).
pub fn pdf(n: u32) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% GP record extract {n}\n%%EOF\n")
        .into_bytes()
}

/// A Windows executable.
pub fn exe() -> Vec<u8> {
    let mut bytes = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    bytes.extend_from_slice(b"This program cannot be run in DOS mode.\r\r\n$");
    bytes.extend(std::iter::repeat_n(0u8, 4096));
    bytes
}

/// The SHA-256 of bytes, hex.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
