//! Runs a repository scenario on a freshly migrated database of each engine: a temp-file
//! SQLite, and a database of its own on `LEDER_TEST_POSTGRES_URL`'s server (skipped, saying
//! so, when that is unset).

use leder_persistence::{DatabaseUrl, DbConnection, admin};

/// Runs `scenario` on a new SQLite database named after `label`.
pub fn on_sqlite(label: &str, scenario: fn(&mut DbConnection)) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{label}-{}-{}",
        std::process::id(),
        uuid::Uuid::now_v7()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let url = DatabaseUrl::parse(&format!("sqlite://{}", dir.join("test.db").display())).unwrap();
    let mut conn = url.connect().unwrap();
    leder_persistence::migrate::run(&mut conn).unwrap();
    scenario(&mut conn);
    drop(conn);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `scenario` on a new PostgreSQL database named after `label`, dropped afterwards.
pub fn on_postgres(label: &str, scenario: fn(&mut DbConnection)) {
    let Some(server) = std::env::var("LEDER_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("skipped: LEDER_TEST_POSTGRES_URL is not set");
        return;
    };
    let name = format!("leder_{label}_{}", std::process::id());
    admin::drop_database(&server, &name).unwrap();
    admin::create_database(&server, &name, None).unwrap();
    let url = DatabaseUrl::parse(&admin::with_database(&server, &name)).unwrap();
    let mut conn = url.connect().unwrap();
    leder_persistence::migrate::run(&mut conn).unwrap();
    scenario(&mut conn);
    drop(conn);
    admin::drop_database(&server, &name).unwrap();
}
