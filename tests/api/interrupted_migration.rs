//! `kill -9` during a migration (issue #13, "Faults survived"): each migration runs in its own
//! transaction, so a migration killed part-way leaves nothing of itself, and the next start
//! applies the rest. The real command line runs as a separate process, killed at several points
//! of its run, on each engine; every time, the next `leder migrate` completes and the database
//! holds every migration exactly once.

use std::process::{Command, Stdio};
use std::time::Duration;

use leder_persistence::admin;

const LEDER: &str = env!("CARGO_BIN_EXE_leder-under-test");

/// How many migrations the repository holds (both engines have the same list).
fn migrations_in_repository() -> i64 {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/sqlite");
    let count = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count();
    i64::try_from(count).unwrap()
}

fn leder(database_url: &str, keys: &std::path::Path) -> Command {
    let mut cmd = Command::new(LEDER);
    cmd.arg("migrate")
        .env("LEDER_DATABASE_URL", database_url)
        .env("LEDER_JWT_KEYS_DIR", keys)
        .env("LEDER_PSEUDONYM_KEY", crate::helpers::PSEUDONYM_KEY)
        .env("LEDER_AUDIT_KEY", crate::helpers::AUDIT_KEY)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// Kills `leder migrate` after `delay`, then runs it again to the end; answers how many
/// migrations the kill had left applied.
fn interrupt_then_finish(database_url: &str, keys: &std::path::Path, delay: Duration) -> i64 {
    let mut child = leder(database_url, keys).spawn().unwrap();
    std::thread::sleep(delay);
    // SIGKILL, as `kill -9` (a process that already finished is left as it is).
    let _ = child.kill();
    let _ = child.wait();
    let left = applied(database_url);
    let out = leder(database_url, keys).output().unwrap();
    assert!(
        out.status.success(),
        "after a kill at {delay:?} the next start failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    left
}

/// How many migrations are recorded as applied (0 before the first).
fn applied(database_url: &str) -> i64 {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let url = leder_persistence::DatabaseUrl::parse(database_url).unwrap();
    let mut conn = url.connect().unwrap();
    diesel::sql_query("SELECT COUNT(*) AS n FROM __diesel_schema_migrations")
        .get_result::<N>(&mut conn)
        .map_or(0, |r| r.n)
}

/// Kills at `delays` (ms), each on a fresh database made by `fresh`; every next start must
/// complete, and at least one kill must have landed part-way (or the test proves nothing).
fn kill_at_each(
    delays: impl Iterator<Item = u64>,
    fresh: impl Fn(u64) -> (String, Box<dyn FnOnce()>),
) {
    let total = migrations_in_repository();
    let mut part_way = Vec::new();
    for ms in delays {
        let (url, done) = fresh(ms);
        let keys = tempfile::tempdir().unwrap();
        let left = interrupt_then_finish(&url, keys.path(), Duration::from_millis(ms));
        let n = applied(&url);
        done();
        assert_eq!(n, total, "killed at {ms} ms with {left} applied");
        if left > 0 && left < total {
            part_way.push((ms, left));
        }
    }
    assert!(
        !part_way.is_empty(),
        "no kill landed between two migrations"
    );
}

#[test]
fn a_migration_killed_part_way_is_completed_by_the_next_start_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().to_owned();
    kill_at_each((0..=150).step_by(5), |ms| {
        let url = format!("sqlite://{}", base.join(format!("leder-{ms}.db")).display());
        (url, Box::new(|| {}))
    });
}

#[test]
fn a_migration_killed_part_way_is_completed_by_the_next_start_on_postgres() {
    let Some(server) = crate::helpers::postgres_server_url() else {
        return;
    };
    kill_at_each((0..=600).step_by(75), |ms| {
        let name = format!("leder_kill_{}_{ms}", std::process::id());
        admin::create_database(&server, &name, None).unwrap();
        let url = admin::with_database(&server, &name);
        let server = server.clone();
        (
            url,
            Box::new(move || admin::drop_database(&server, &name).unwrap()),
        )
    });
}
