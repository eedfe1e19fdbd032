//! Sign-in sessions, their refresh tokens and the authorization codes they come from.
//!
//! Rules: a refresh token or a code is stored only as the SHA-256 of its value. Each is spent by
//! one conditional update (`used_at IS NULL`): on PostgreSQL the second of two concurrent
//! updates waits for the first to commit and then matches nothing, on SQLite the write lock
//! orders them, so exactly one of two concurrent uses wins on either engine and the other is a
//! reuse. A reused refresh token revokes its whole session (every refresh token and access
//! token of it), and a reused code revokes the session it was exchanged for, each in the same
//! transaction as its audit entry. Every change appends its audit entry in its transaction.

use diesel::prelude::*;
use leder_domain::sign_in::{SessionEnd, SignInMethod};
use time::PrimitiveDateTime;

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::records::sessions::Session;
use crate::repo::audit::{Audited, append};
use crate::rows::sessions::{RefreshTokenRow, SessionRow};
use crate::schema::{refresh_tokens, sessions, users};

pub use crate::repo::authorization_codes::{
    NewCode, Redeemed, code_user_id, issue_code, redeem_code,
};

/// A session about to begin, with its first refresh token.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The account.
    pub user_id: String,
    /// The front-end client it is bound to (none for the password grant).
    pub client_id: Option<String>,
    /// How it began.
    pub method: SignInMethod,
    /// The address it began from.
    pub client_address: Option<String>,
    /// When it began.
    pub now: PrimitiveDateTime,
    /// When it ends however often it is refreshed.
    pub expires_at: PrimitiveDateTime,
    /// SHA-256 of the first refresh token, hex.
    pub refresh_hash: String,
    /// When the first refresh token stops working unused.
    pub refresh_expires_at: PrimitiveDateTime,
    /// The OpenID provider's `acr` of a federated sign-in.
    pub assurance: Option<String>,
}

pub(crate) fn insert_session(
    conn: &mut DbConnection,
    new: NewSession,
    audited: &Audited,
) -> Result<Session, PersistenceError> {
    let (organisation, token_generation): (Option<String>, i64) = users::table
        .find(&new.user_id)
        .select((users::organisation, users::token_generation))
        .get_result(conn)?;
    let row = SessionRow {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: new.user_id,
        client_id: new.client_id,
        method: new.method.as_str().to_owned(),
        token_generation,
        created_at: new.now,
        last_used_at: new.now,
        expires_at: new.expires_at,
        revoked_at: None,
        revoked_reason: None,
        client_address: new.client_address,
        assurance: new.assurance,
    };
    diesel::insert_into(sessions::table)
        .values(&row)
        .execute(conn)?;
    diesel::insert_into(refresh_tokens::table)
        .values(&RefreshTokenRow {
            token_hash: new.refresh_hash,
            session_id: row.id.clone(),
            created_at: new.now,
            expires_at: new.refresh_expires_at.min(new.expires_at),
            used_at: None,
        })
        .execute(conn)?;
    append(
        conn,
        &audited.chain,
        &[audited.about(format!("session:{}", row.id), organisation)],
    )?;
    Session::try_from(row)
}

/// Begins a session (the password grant), audited in its transaction.
pub fn start(
    conn: &mut DbConnection,
    new: NewSession,
    audited: &Audited,
) -> Result<Session, PersistenceError> {
    write_transaction(conn, |conn| insert_session(conn, new, audited))
}

fn session_row(conn: &mut DbConnection, id: &str) -> Result<Option<SessionRow>, PersistenceError> {
    Ok(sessions::table
        .find(id)
        .select(SessionRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// One session by id.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<Session>, PersistenceError> {
    session_row(conn, id)?.map(Session::try_from).transpose()
}

/// The session a refresh token (by its hash) belongs to, spent or not.
pub fn by_refresh_hash(
    conn: &mut DbConnection,
    refresh_hash: &str,
) -> Result<Option<Session>, PersistenceError> {
    let id: Option<String> = refresh_tokens::table
        .find(refresh_hash)
        .select(refresh_tokens::session_id)
        .get_result(conn)
        .optional()?;
    match id {
        Some(id) => get(conn, &id),
        None => Ok(None),
    }
}

/// Whether session `id` of `user_id` still carries tokens at `now` (one look-up by key, made
/// on every request whose token names a session).
pub fn is_active(
    conn: &mut DbConnection,
    id: &str,
    user_id: &str,
    now: PrimitiveDateTime,
) -> Result<bool, PersistenceError> {
    let n: i64 = crate::on_concrete!(conn, |c| sessions::table
        .filter(sessions::id.eq(id))
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .count()
        .get_result(c))?;
    Ok(n > 0)
}

/// The sessions of `user_id` that are active at `now`, newest first, before a cursor (the id
/// of the last one of the previous page).
pub fn active_of_user(
    conn: &mut DbConnection,
    user_id: &str,
    now: PrimitiveDateTime,
    before_id: Option<&str>,
    limit: i64,
) -> Result<Vec<Session>, PersistenceError> {
    let mut q = sessions::table
        .filter(sessions::user_id.eq(user_id.to_owned()))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .select(SessionRow::as_select())
        .order(sessions::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before_id {
        q = q.filter(sessions::id.lt(before.to_owned()));
    }
    q.load(conn)?.into_iter().map(Session::try_from).collect()
}

/// Ends a session now with `reason` if it is still open; its every refresh token and access
/// token stop working. Answers the session as it now stands (`None`: no such session).
pub(crate) fn end(
    conn: &mut DbConnection,
    id: &str,
    reason: SessionEnd,
    now: PrimitiveDateTime,
) -> Result<Option<Session>, PersistenceError> {
    diesel::update(sessions::table.find(id))
        .filter(sessions::revoked_at.is_null())
        .set((
            sessions::revoked_at.eq(Some(now)),
            sessions::revoked_reason.eq(Some(reason.as_str())),
        ))
        .execute(conn)?;
    get(conn, id)
}

/// The ICB of a session's account, for its audit entries.
pub(crate) fn organisation_of(
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

/// Revokes session `id` (sign-out, RFC 7009 revocation, or from the list of sessions), audited
/// in its transaction; `None` when there is no such session. Revoking an ended session again
/// changes nothing but is audited all the same.
pub fn revoke(
    conn: &mut DbConnection,
    id: &str,
    reason: SessionEnd,
    now: PrimitiveDateTime,
    audited: &Audited,
) -> Result<Option<Session>, PersistenceError> {
    write_transaction(conn, |conn| {
        let Some(session) = end(conn, id, reason, now)? else {
            return Ok(None);
        };
        let organisation = organisation_of(conn, &session.user_id)?;
        append(
            conn,
            &audited.chain,
            &[audited.about(format!("session:{id}"), organisation)],
        )?;
        Ok(Some(session))
    })
}

/// What a refresh came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refreshed {
    /// The token was spent and its successor issued: the session, carried on.
    Rotated(Session),
    /// The token had been spent already: its session is now revoked (audited).
    Reused,
    /// No such token, or it, its session or its account no longer works, or another client
    /// presented it: nothing changed.
    Refused,
}

/// A refresh: the token `old_hash` of the client `client_id` (none for the password grant)
/// for a successor `new_hash`. The successor lives until `new_expires_at` or the session's end,
/// whichever comes first. `rotated` is audited on success, `reused` when a spent token comes
/// back, each in its transaction.
#[expect(
    clippy::too_many_arguments,
    reason = "one refresh needs the old and new token, the client, the time and both audit entries"
)]
pub fn refresh(
    conn: &mut DbConnection,
    old_hash: &str,
    client_id: Option<&str>,
    now: PrimitiveDateTime,
    new_hash: &str,
    new_expires_at: PrimitiveDateTime,
    rotated: &Audited,
    reused: &Audited,
) -> Result<Refreshed, PersistenceError> {
    write_transaction(conn, |conn| {
        let token: Option<RefreshTokenRow> = refresh_tokens::table
            .find(old_hash)
            .select(RefreshTokenRow::as_select())
            .get_result(conn)
            .optional()?;
        let Some(token) = token else {
            return Ok(Refreshed::Refused);
        };
        let Some(session) = get(conn, &token.session_id)? else {
            return Ok(Refreshed::Refused);
        };
        if session.client_id.as_deref() != client_id || !session.is_active(now) {
            return Ok(Refreshed::Refused);
        }
        // A password change, a disable or an enable since the sign-in ends the session too.
        let account_works = users::table
            .find(&session.user_id)
            .select((users::disabled, users::token_generation))
            .get_result::<(bool, i64)>(conn)
            .optional()?
            .is_some_and(|(disabled, generation)| {
                !disabled && generation == session.token_generation
            });
        if !account_works {
            return Ok(Refreshed::Refused);
        }
        let organisation = organisation_of(conn, &session.user_id)?;
        let subject = format!("session:{}", session.id);
        let spent = diesel::update(refresh_tokens::table.find(old_hash))
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::expires_at.gt(now))
            .set(refresh_tokens::used_at.eq(Some(now)))
            .execute(conn)?;
        if spent == 0 {
            // Spent before (perhaps by a concurrent refresh that has just committed), or run out.
            let used: Option<PrimitiveDateTime> = refresh_tokens::table
                .find(old_hash)
                .select(refresh_tokens::used_at)
                .get_result(conn)?;
            if used.is_none() {
                return Ok(Refreshed::Refused);
            }
            end(conn, &session.id, SessionEnd::RefreshReused, now)?;
            append(conn, &reused.chain, &[reused.about(subject, organisation)])?;
            return Ok(Refreshed::Reused);
        }
        diesel::insert_into(refresh_tokens::table)
            .values(&RefreshTokenRow {
                token_hash: new_hash.to_owned(),
                session_id: session.id.clone(),
                created_at: now,
                expires_at: new_expires_at.min(session.expires_at),
                used_at: None,
            })
            .execute(conn)?;
        diesel::update(sessions::table.find(&session.id))
            .set(sessions::last_used_at.eq(now))
            .execute(conn)?;
        append(
            conn,
            &rotated.chain,
            &[rotated.about(subject, organisation)],
        )?;
        Ok(Refreshed::Rotated(Session {
            last_used_at: now,
            ..session
        }))
    })
}
