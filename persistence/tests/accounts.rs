//! Whether an admin exists, which every start asks before it bootstraps one: on both engines,
//! no account is not an admin, a lead is not, and an account holding the admin role is.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "tests fail by panicking, and their names say what they check"
)]

mod common;

use leder_domain::workflow::Role;
use leder_persistence::DbConnection;
use leder_persistence::repo::users::{self, NewUser};

fn account(username: &str, role: Role, organisation: Option<&str>) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: username.into(),
        roles: vec![role],
        organisation: organisation.map(str::to_owned),
        password_hash: "not a real hash".into(),
        federated_subject: None,
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
    common::on_sqlite(
        "accounts",
        an_account_with_the_admin_role_is_found_as_an_admin,
    );
}

#[test]
fn on_postgres() {
    common::on_postgres(
        "accounts",
        an_account_with_the_admin_role_is_found_as_an_admin,
    );
}
