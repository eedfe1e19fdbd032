//! First start: when no admin exists, create user `admin` with `LEDER_BOOTSTRAP_ADMIN_PASSWORD`,
//! or with a random password printed once to the log. Replicas starting together race on the
//! unique username; the loser finds the admin already there.

use leder_persistence::repo::users::{self, NewUser};
use leder_persistence::{DbConnection, PersistenceError};

use crate::auth::password;

/// Creates the first admin if there is none; returns the generated password when one was made.
pub fn ensure_admin(
    conn: &mut DbConnection,
    configured: Option<&str>,
    hasher: &password::Hasher,
) -> Result<Option<String>, PersistenceError> {
    if users::any_admin(conn)? {
        return Ok(None);
    }
    let (secret, generated) = match configured {
        Some(p) => (p.to_owned(), false),
        None => (password::random(), true),
    };
    let hash = hasher.hash(&secret).map_err(PersistenceError::Reference)?;
    let new = NewUser {
        username: "admin".into(),
        display_name: "Administrator".into(),
        roles: vec![leder_domain::workflow::Role::Admin],
        organisation: None,
        password_hash: hash,
        federated_subject: None,
    };
    match users::create(conn, new, None) {
        Ok(_) => Ok(generated.then_some(secret)),
        Err(PersistenceError::Conflict(_)) => Ok(None),
        Err(e) => Err(e),
    }
}
