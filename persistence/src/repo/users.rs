//! People's accounts. Every change writes its audit entry in the same transaction.

use diesel::prelude::*;
use leder_domain::workflow::Role;
use time::PrimitiveDateTime;

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::records::identity::User;
use crate::reference::now_utc;
use crate::repo::audit::{Audited, append};
use crate::rows::identity::{UserRow, roles_column};
use crate::schema::users;

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Unique sign-in name.
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// Roles (stored sorted, each once).
    pub roles: Vec<Role>,
    /// The ICB, if the roles need one.
    pub organisation: Option<String>,
    /// argon2id hash.
    pub password_hash: String,
    /// The OpenID provider's `sub` of the person, when they sign in there.
    pub federated_subject: Option<String>,
}

/// Roles in wire-name order, each once (the order they are stored and shown in).
fn sorted(mut roles: Vec<Role>) -> Vec<Role> {
    roles.sort_by_key(|r| r.as_str());
    roles.dedup();
    roles
}

/// Creates an account; a taken username is a [`PersistenceError::Conflict`].
pub fn create(
    conn: &mut DbConnection,
    new: NewUser,
    audited: Option<&Audited>,
) -> Result<User, PersistenceError> {
    let now = now_utc();
    let row = UserRow {
        id: uuid::Uuid::now_v7().to_string(),
        username: new.username,
        display_name: new.display_name,
        roles: roles_column(&sorted(new.roles)),
        organisation: new.organisation,
        password_hash: new.password_hash,
        disabled: false,
        failed_logins: 0,
        locked_until: None,
        version: 1,
        created_at: now,
        updated_at: now,
        token_generation: 0,
        totp_secret: None,
        totp_last_step: None,
        second_factor_required: false,
        federated_subject: new.federated_subject,
    };
    write_transaction(conn, |conn| {
        diesel::insert_into(users::table)
            .values(&row)
            .execute(conn)
            .map_err(|e| {
                PersistenceError::unique_as_conflict(
                    e,
                    "that username is taken, or that federated_subject is another account's",
                )
            })?;
        if let Some(a) = audited {
            append(
                conn,
                &a.chain,
                &[a.about(format!("user:{}", row.id), row.organisation.clone())],
            )?;
        }
        Ok::<_, PersistenceError>(())
    })?;
    User::try_from(row)
}

/// One account's row by id.
fn row(conn: &mut DbConnection, id: &str) -> Result<Option<UserRow>, PersistenceError> {
    // Every authenticated request reads its account: on the concrete connection.
    Ok(crate::on_concrete!(conn, |c| users::table
        .find(id)
        .select(UserRow::as_select())
        .get_result(c)
        .optional())?)
}

/// One account by id.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<User>, PersistenceError> {
    row(conn, id)?.map(User::try_from).transpose()
}

/// One account by username.
pub fn by_username(
    conn: &mut DbConnection,
    username: &str,
) -> Result<Option<User>, PersistenceError> {
    users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .get_result(conn)
        .optional()?
        .map(User::try_from)
        .transpose()
}

/// The account an admin linked to the OpenID provider's subject `subject`.
pub fn by_federated_subject(
    conn: &mut DbConnection,
    subject: &str,
) -> Result<Option<User>, PersistenceError> {
    users::table
        .filter(users::federated_subject.eq(subject))
        .select(UserRow::as_select())
        .get_result(conn)
        .optional()?
        .map(User::try_from)
        .transpose()
}

/// Accounts ordered by username, after a cursor, optionally of one ICB.
pub fn list(
    conn: &mut DbConnection,
    organisation: Option<&str>,
    after_username: Option<&str>,
    limit: i64,
) -> Result<Vec<User>, PersistenceError> {
    let mut q = users::table
        .select(UserRow::as_select())
        .order(users::username.asc())
        .limit(limit)
        .into_boxed();
    if let Some(org) = organisation {
        q = q.filter(users::organisation.eq(org.to_owned()));
    }
    if let Some(after) = after_username {
        q = q.filter(users::username.gt(after.to_owned()));
    }
    q.load(conn)?.into_iter().map(User::try_from).collect()
}

/// Whether any account holds the admin role.
pub fn any_admin(conn: &mut DbConnection) -> Result<bool, PersistenceError> {
    // admin stands alone, so an admin's roles column is exactly the column of [admin] (compared
    // in its stored form: a bare "admin" matched nothing, and every start hashed the bootstrap
    // password again, half of a warm start's instructions).
    let n: i64 = users::table
        .filter(users::roles.eq(roles_column(&[Role::Admin])))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Changes to an account (absent fields stay as they are).
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    /// New display name.
    pub display_name: Option<String>,
    /// New roles (stored sorted, each once).
    pub roles: Option<Vec<Role>>,
    /// New ICB (`Some(None)` clears it).
    pub organisation: Option<Option<String>>,
    /// Disable or enable.
    pub disabled: Option<bool>,
    /// Mark as needing a second factor, or not.
    pub second_factor_required: Option<bool>,
    /// Link to the OpenID provider's subject (`Some(None)` unlinks).
    pub federated_subject: Option<Option<String>>,
}

/// Applies changes if the stored version is `expected_version`; `Ok(None)` when there is no
/// such account, [`PersistenceError::StaleVersion`] when it changed since it was read.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: UserChanges,
    audited: &Audited,
) -> Result<Option<User>, PersistenceError> {
    write_transaction(conn, |conn| {
        // Lock first, so two updates with the same If-Match cannot both pass the check.
        diesel::update(users::table.find(id))
            .set(users::version.eq(users::version))
            .execute(conn)?;
        let Some(mut row) = row(conn, id)? else {
            return Ok(None);
        };
        if row.version != expected_version {
            return Err(PersistenceError::StaleVersion);
        }
        if let Some(v) = changes.display_name {
            row.display_name = v;
        }
        if let Some(v) = changes.roles {
            row.roles = roles_column(&sorted(v));
        }
        if let Some(v) = changes.organisation {
            row.organisation = v;
        }
        if let Some(v) = changes.disabled {
            // Disabling or enabling again spends every token issued before.
            if v != row.disabled {
                row.token_generation += 1;
            }
            row.disabled = v;
        }
        if let Some(v) = changes.second_factor_required {
            row.second_factor_required = v;
        }
        if let Some(v) = changes.federated_subject {
            row.federated_subject = v;
        }
        row.version += 1;
        row.updated_at = now_utc();
        diesel::update(users::table.find(id))
            .set((
                users::display_name.eq(&row.display_name),
                users::roles.eq(&row.roles),
                users::organisation.eq(&row.organisation),
                users::disabled.eq(row.disabled),
                users::token_generation.eq(row.token_generation),
                users::second_factor_required.eq(row.second_factor_required),
                users::federated_subject.eq(&row.federated_subject),
                users::version.eq(row.version),
                users::updated_at.eq(row.updated_at),
            ))
            .execute(conn)
            .map_err(|e| {
                PersistenceError::unique_as_conflict(
                    e,
                    "that federated_subject is linked to another account",
                )
            })?;
        append(
            conn,
            &audited.chain,
            &[audited.about(format!("user:{id}"), row.organisation.clone())],
        )?;
        User::try_from(row).map(Some)
    })
}

/// Sets a new password hash, clears any lockout and spends every token issued before.
pub fn set_password(
    conn: &mut DbConnection,
    id: &str,
    password_hash: &str,
    audited: &Audited,
) -> Result<(), PersistenceError> {
    write_transaction(conn, |conn| {
        let organisation: Option<String> = users::table
            .find(id)
            .select(users::organisation)
            .get_result(conn)?;
        diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(password_hash),
                users::failed_logins.eq(0i64),
                users::locked_until.eq(None::<PrimitiveDateTime>),
                users::token_generation.eq(users::token_generation + 1),
                users::version.eq(users::version + 1),
                users::updated_at.eq(now_utc()),
            ))
            .execute(conn)?;
        append(
            conn,
            &audited.chain,
            &[audited.about(format!("user:{id}"), organisation)],
        )
    })
}

/// Counts a failed sign-in; `lock_until` says, from the failures in a row counted so far, until
/// when the account is locked (`None`: not locked). The count is kept through a lock, so each
/// lock can be longer than the last; a successful sign-in clears it. Returns whether it is now
/// locked.
pub fn record_failed_sign_in(
    conn: &mut DbConnection,
    id: &str,
    lock_until: impl Fn(i64) -> Option<PrimitiveDateTime>,
) -> Result<bool, PersistenceError> {
    write_transaction(conn, |conn| {
        let failures: i64 = users::table
            .find(id)
            .select(users::failed_logins)
            .get_result(conn)?;
        let failures = failures.saturating_add(1);
        let until = lock_until(failures);
        diesel::update(users::table.find(id))
            .set(users::failed_logins.eq(failures))
            .execute(conn)?;
        if let Some(until) = until {
            diesel::update(users::table.find(id))
                .set(users::locked_until.eq(Some(until)))
                .execute(conn)?;
        }
        Ok(until.is_some())
    })
}

/// Clears the failure count after a successful sign-in.
pub fn record_sign_in(conn: &mut DbConnection, id: &str) -> Result<(), PersistenceError> {
    diesel::update(users::table.find(id))
        .filter(
            users::failed_logins
                .ne(0i64)
                .or(users::locked_until.is_not_null()),
        )
        .set((
            users::failed_logins.eq(0i64),
            users::locked_until.eq(None::<PrimitiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}
