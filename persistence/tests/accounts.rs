//! Whether an admin exists, which every start asks before it bootstraps one: on both engines,
//! no account is not an admin, a lead is not, and an account holding the admin role is.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "tests fail by panicking, and their names say what they check"
)]

use leder_domain::workflow::Role;
use leder_persistence::repo::users::{self, NewUser};
use leder_persistence::{DatabaseUrl, DbConnection, admin};

fn account(username: &str, role: Role, organisation: Option<&str>) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: username.into(),
        roles: vec![role],
        organisation: organisation.map(str::to_owned),
        password_hash: "not a real hash".into(),
    }
}

fn an_account_with_the_admin_role_is_found_as_an_admin(conn: &mut DbConnection) {
    assert!(!users::any_admin(conn).unwrap(), "no account yet");
    users::create(conn, account("lead", Role::IcsLead, Some("QOP")), None).unwrap();
    assert!(!users::any_admin(conn).unwrap(), "a lead is no admin");
    users::create(conn, account("admin", Role::Admin, None), None).unwrap();
    assert!(users::any_admin(conn).unwrap(), "the admin is found");
}

#[test]
fn on_sqlite() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "accounts-{}-{}",
        std::process::id(),
        uuid::Uuid::now_v7()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let url =
        DatabaseUrl::parse(&format!("sqlite://{}", dir.join("accounts.db").display())).unwrap();
    let mut conn = url.connect().unwrap();
    leder_persistence::migrate::run(&mut conn).unwrap();
    an_account_with_the_admin_role_is_found_as_an_admin(&mut conn);
    drop(conn);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn on_postgres() {
    let Some(server) = std::env::var("LEDER_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("skipped: LEDER_TEST_POSTGRES_URL is not set");
        return;
    };
    let name = format!("leder_accounts_{}", std::process::id());
    admin::drop_database(&server, &name).unwrap();
    admin::create_database(&server, &name, None).unwrap();
    let url = DatabaseUrl::parse(&admin::with_database(&server, &name)).unwrap();
    let mut conn = url.connect().unwrap();
    leder_persistence::migrate::run(&mut conn).unwrap();
    an_account_with_the_admin_role_is_found_as_an_admin(&mut conn);
    drop(conn);
    admin::drop_database(&server, &name).unwrap();
}
