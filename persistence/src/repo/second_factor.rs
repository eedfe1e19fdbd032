//! A person's second factor: TOTP enrolment, the step each accepted code spends, and recovery
//! codes. Each code is spent by one conditional update, so two sign-ins with one code cannot
//! both pass on either engine; every change is audited in its transaction.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::repo::audit::{Audited, append};
use crate::schema::{recovery_codes, users};

fn organisation_of(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Option<String>, PersistenceError> {
    Ok(users::table
        .find(user_id)
        .select(users::organisation)
        .get_result::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// Enrols the account with `secret` (base32), whose first code spent `step`, and recovery codes
/// (by hash); `false` when it is enrolled already (two enrolments at once: one wins).
pub fn enrol(
    conn: &mut DbConnection,
    user_id: &str,
    secret: &str,
    step: i64,
    recovery_hashes: &[String],
    now: PrimitiveDateTime,
    audited: &Audited,
) -> Result<bool, PersistenceError> {
    write_transaction(conn, |conn| {
        let changed = diesel::update(users::table.find(user_id))
            .filter(users::totp_secret.is_null())
            .set((
                users::totp_secret.eq(Some(secret)),
                users::totp_last_step.eq(Some(step)),
            ))
            .execute(conn)?;
        if changed == 0 {
            return Ok(false);
        }
        diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
            .execute(conn)?;
        for hash in recovery_hashes {
            diesel::insert_into(recovery_codes::table)
                .values((
                    recovery_codes::code_hash.eq(hash),
                    recovery_codes::user_id.eq(user_id),
                    recovery_codes::created_at.eq(now),
                    recovery_codes::used_at.eq(None::<PrimitiveDateTime>),
                ))
                .execute(conn)?;
        }
        let organisation = organisation_of(conn, user_id)?;
        append(
            conn,
            &audited.chain,
            &[audited.about(format!("user:{user_id}"), organisation)],
        )?;
        Ok(true)
    })
}

/// Spends TOTP `step` for the account if it is later than the last one spent; `false` when it
/// is not (a replayed code). Audited when spent.
pub fn spend_step(
    conn: &mut DbConnection,
    user_id: &str,
    step: i64,
    audited: &Audited,
) -> Result<bool, PersistenceError> {
    write_transaction(conn, |conn| {
        let spent = diesel::update(users::table.find(user_id))
            .filter(users::totp_secret.is_not_null())
            .filter(
                users::totp_last_step
                    .is_null()
                    .or(users::totp_last_step.lt(step)),
            )
            .set(users::totp_last_step.eq(Some(step)))
            .execute(conn)?;
        if spent == 0 {
            return Ok(false);
        }
        let organisation = organisation_of(conn, user_id)?;
        append(
            conn,
            &audited.chain,
            &[audited.about(format!("user:{user_id}"), organisation)],
        )?;
        Ok(true)
    })
}

/// Spends the recovery code `code_hash` of the account; `false` when it is not one of its
/// unspent codes. Audited when spent.
pub fn spend_recovery_code(
    conn: &mut DbConnection,
    user_id: &str,
    code_hash: &str,
    now: PrimitiveDateTime,
    audited: &Audited,
) -> Result<bool, PersistenceError> {
    write_transaction(conn, |conn| {
        let spent = diesel::update(recovery_codes::table.find(code_hash))
            .filter(recovery_codes::user_id.eq(user_id))
            .filter(recovery_codes::used_at.is_null())
            .set(recovery_codes::used_at.eq(Some(now)))
            .execute(conn)?;
        if spent == 0 {
            return Ok(false);
        }
        let organisation = organisation_of(conn, user_id)?;
        append(
            conn,
            &audited.chain,
            &[audited.about(format!("user:{user_id}"), organisation)],
        )?;
        Ok(true)
    })
}
