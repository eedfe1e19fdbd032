//! Faults survived (issue #13): the SQLite database's filesystem fills up. Writes then answer
//! 503 `/problems/storage-full` with `Retry-After` (never a 500, never a hang), whatever needs
//! no write keeps working, nothing is corrupted or half-written, and once space returns writes
//! succeed again without a restart.
//!
//! The full filesystem is real: the server runs in a process of its own inside a private mount
//! namespace (`unshare --mount`, plus `--map-root-user` when the tests do not run as root),
//! where a 16 MiB tmpfs is mounted over an empty folder and the database copied onto it. Nothing
//! outside that process sees the mount, and it vanishes with the process however the test ends.
//! The test reaches the filesystem through `/proc/<pid>/root`, fills it with a file until the
//! kernel answers ENOSPC, and later deletes the file.
//!
//! Reads of identifiable data are audited before they are served, and an audit entry is a
//! write: while the disk is full they answer the same 503 (nothing is served unaudited), and
//! they come back with the space.
//!
//! SQLite only: PostgreSQL's `53100 disk_full` maps to the same problem (a unit test in
//! `persistence/src/error.rs`), but filling the disk of the PostgreSQL server the tests share
//! is not something a test may do.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use leder_api::cli::{AuditCommand, Command as Cli, run_with};
use leder_api::config::Config;
use serde_json::{Value, json};

use crate::cases::{NOTIFICATIONS, id_of, new_case, notification};
use crate::helpers::{AUDIT_KEY, Http, json, problem, sqlite_template_file};
use crate::process::{LEDER, ServerProcess, server_env, within};

/// Starts the server on a fresh copy of the template, on a tmpfs of its own mounted at `mnt`
/// in a private mount namespace.
async fn server_on_its_own_tmpfs(dir: &Path, mnt: &Path) -> ServerProcess {
    let mut command = Command::new("unshare");
    command.args(["--mount", "--propagation", "private"]);
    // Whether the tests run as root (`id -u`).
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root {
        // An unprivileged user may mount a tmpfs inside a user namespace of its own.
        command.arg("--map-root-user");
    }
    command
        .args([
            "sh",
            "-c",
            r#"mount -t tmpfs -o size=16m,mode=0700 leder-disk-full "$1" && cp "$2" "$1/leder.db" && exec "$3" serve"#,
            "sh",
        ])
        .arg(mnt)
        .arg(sqlite_template_file())
        .arg(LEDER)
        .envs(server_env(
            &format!("sqlite://{}", mnt.join("leder.db").display()),
            dir,
        ))
        // Room for the notifications that fill the disk.
        .env("LEDER_NOTIFICATION_RATE_LIMIT", "100000");
    ServerProcess::start(command).await
}

/// Writes zeros into `path` until the filesystem has no byte left (ENOSPC); answers how many.
fn fill(path: &Path) -> u64 {
    let mut file = std::fs::File::create(path).unwrap();
    let mut written = 0u64;
    for chunk in [1 << 20, 4096, 512, 1] {
        let zeros = vec![0u8; chunk];
        loop {
            match file.write(&zeros) {
                Ok(0) => break,
                Ok(n) => written += n as u64,
                Err(e) if e.kind() == std::io::ErrorKind::StorageFull => break,
                Err(e) => panic!("filling {}: {e}", path.display()),
            }
        }
    }
    file.sync_all().ok();
    written
}

/// A notification of its own person, with circumstances long enough to fill pages fast.
fn bulky_notification() -> Value {
    let mut body = notification();
    body["circumstances"] =
        json!("Found unwell at home; admitted; died two days later. ".repeat(180));
    body
}

/// Asserts the storage-full problem: 503, problem+json, its type, and a `Retry-After`.
async fn storage_full(res: reqwest::Response, what: &str) {
    let retry_after = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = problem(res, 503).await;
    assert_eq!(body["type"], "/problems/storage-full", "{what}: {body}");
    assert_eq!(retry_after.as_deref(), Some("60"), "{what}");
}

#[derive(diesel::QueryableByName)]
struct Checked {
    #[diesel(sql_type = diesel::sql_types::Text)]
    integrity_check: String,
}

#[derive(diesel::QueryableByName)]
struct Counted {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// A byte-for-byte copy of the server's database file and its write-ahead log, taken while no
/// request runs, into `into` (named by `name`). SQLite cannot open the live file itself: it
/// resolves the `/proc/<pid>/root` link to `/`, a path in this namespace, where the file is not.
fn snapshot(disk: &Path, into: &Path, name: &str) -> PathBuf {
    let copy = into.join(format!("{name}.db"));
    std::fs::copy(disk.join("leder.db"), &copy).unwrap();
    let wal = disk.join("leder.db-wal");
    if wal.exists() {
        std::fs::copy(wal, into.join(format!("{name}.db-wal"))).unwrap();
    }
    copy
}

/// `PRAGMA integrity_check` and the number of notifications of a database file.
fn check_database(file: &Path) -> (Vec<String>, i64) {
    use diesel::{Connection, RunQueryDsl, SqliteConnection};
    let mut conn = SqliteConnection::establish(file.to_str().unwrap()).unwrap();
    let checked: Vec<Checked> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut conn)
        .unwrap();
    let counted: Counted = diesel::sql_query("SELECT COUNT(*) AS n FROM notifications")
        .get_result(&mut conn)
        .unwrap();
    (
        checked.into_iter().map(|c| c.integrity_check).collect(),
        counted.n,
    )
}

async fn post_notification(server: &Http, body: &Value) -> reqwest::Response {
    within(20, "a notification", server.post_json(NOTIFICATIONS, body)).await
}

#[actix_web::test]
async fn a_full_disk_refuses_writes_with_a_clear_503_and_the_service_returns_with_the_space() {
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("disk");
    std::fs::create_dir(&mnt).unwrap();
    let server = server_on_its_own_tmpfs(dir.path(), &mnt).await;
    // The server's filesystem, as this process reaches it; here the folder is still empty.
    let disk = PathBuf::from(format!("/proc/{}/root{}", server.pid(), mnt.display()));
    assert!(disk.join("leder.db").exists(), "{}", server.log());
    assert!(
        !mnt.join("leder.db").exists(),
        "the mount is the server's alone"
    );

    let admin = server.admin_token().await;
    let (_, lead) = server.user("lena.lead", &["ics_lead"], Some("QOP")).await;
    let (reviewer, _) = server
        .user("rory.reviewer", &["reviewer"], Some("QOP"))
        .await;
    let case = new_case(&server, &lead, &notification()).await;
    let id = id_of(&case);
    let review_path = format!("/api/v1/reviews/{id}");
    json(server.get_as(&review_path, &lead).await, 200).await;
    let mut acknowledged = 1;

    // The disk fills up.
    let filler = disk.join("filler");
    let filled = fill(&filler);
    assert!(filled > 0);
    // The write-ahead log may still have room from earlier writes; it runs out within a few.
    let mut refused = false;
    for _ in 0..200 {
        let res = post_notification(&server, &bulky_notification()).await;
        match res.status().as_u16() {
            201 => acknowledged += 1,
            503 => {
                storage_full(res, "the notification that found the disk full").await;
                refused = true;
                break;
            }
            other => panic!(
                "a write on a full disk answered {other}: {}\n{}",
                res.text().await.unwrap_or_default(),
                server.log()
            ),
        }
    }
    assert!(refused, "200 notifications fitted on a full disk");

    // Every kind of write is refused the same way: the public intake, a change to a review,
    // an account, a subscription; signing in, which is audited, too.
    storage_full(
        post_notification(&server, &bulky_notification()).await,
        "intake",
    )
    .await;
    let allocate = json!({"action": "allocate", "reviewer_id": reviewer});
    let res = within(
        20,
        "a transition",
        server.post_as(&format!("{review_path}/transitions"), &lead, &allocate),
    )
    .await;
    storage_full(res, "a transition").await;
    let account = json!({"username": "late.user", "display_name": "Late", "roles": ["reviewer"],
                         "organisation": "QOP", "password": "a user password 123"});
    let res = within(
        20,
        "a new account",
        server.post_as("/api/v1/users", &admin, &account),
    )
    .await;
    storage_full(res, "a new account").await;
    let res = within(
        20,
        "a sign-in",
        server.token_request(&[
            ("grant_type", "password"),
            ("username", "admin"),
            ("password", crate::helpers::ADMIN_PASSWORD),
        ]),
    )
    .await;
    storage_full(res, "a sign-in").await;

    // What needs no write keeps working, with the tokens already held.
    json(within(20, "readiness", server.get("/readyz")).await, 200).await;
    json(
        within(
            20,
            "an organisation",
            server.get("/api/v1/organisations/QOP"),
        )
        .await,
        200,
    )
    .await;
    json(
        within(20, "the caller", server.get_as("/api/v1/me", &lead)).await,
        200,
    )
    .await;
    json(
        within(20, "the themes", server.get_as("/api/v1/themes", &lead)).await,
        200,
    )
    .await;
    // A read of identifiable data needs its audit entry first: it waits for space too.
    storage_full(
        within(20, "a review", server.get_as(&review_path, &lead)).await,
        "an audited read",
    )
    .await;

    // Nothing is corrupted, and nothing unacknowledged was stored.
    let (checked, stored) = check_database(&snapshot(&disk, dir.path(), "while-full"));
    assert_eq!(checked, ["ok"]);
    assert_eq!(stored, acknowledged);

    // Space returns: the same server writes again.
    std::fs::remove_file(&filler).unwrap();
    json(post_notification(&server, &bulky_notification()).await, 201).await;
    acknowledged += 1;
    let allocated = within(
        20,
        "a transition",
        server.post_as(&format!("{review_path}/transitions"), &lead, &allocate),
    )
    .await;
    assert_eq!(json(allocated, 200).await["status"], "allocated");
    json(
        within(20, "a review", server.get_as(&review_path, &lead)).await,
        200,
    )
    .await;
    json(
        within(
            20,
            "a new account",
            server.post_as("/api/v1/users", &admin, &account),
        )
        .await,
        201,
    )
    .await;

    let after = snapshot(&disk, dir.path(), "after");
    let (checked, stored) = check_database(&after);
    assert_eq!(checked, ["ok"]);
    assert_eq!(
        stored, acknowledged,
        "every acknowledged notification, and only those"
    );
    // The audit trail verifies, with the key and the checkpoints the server used.
    let mut config = Config::from_lookup(|_| None).expect("defaults");
    config.database_url = format!("sqlite://{}", after.display());
    config.replica_id = "disk-full-check".into();
    config.pseudonym_key = Some(crate::helpers::PSEUDONYM_KEY.into());
    config.audit_key = Some(AUDIT_KEY.into());
    config.audit_checkpoint_file = Some(dir.path().join("audit-checkpoints.ndjson"));
    let verify = Cli::Audit {
        command: AuditCommand::Verify,
    };
    assert_eq!(
        run_with(verify, config).await,
        ExitCode::SUCCESS,
        "{}",
        server.log()
    );
}
