//! Authorization codes: issued after a person signs in (on leder's page or at the OpenID
//! provider), redeemed once for a session.
//!
//! Rules: a code is stored only as the SHA-256 of its value and spent by one conditional update
//! (`used_at IS NULL`), so of two concurrent redemptions exactly one wins on either engine; a
//! spent code presented again revokes the session it began. How the person signed in (and the
//! provider's assurance) travels with the code to that session. Every change appends its audit
//! entry in its transaction.

use diesel::prelude::*;
use leder_domain::sign_in::{SessionEnd, SignInMethod};
use time::PrimitiveDateTime;

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::records::sessions::{AuthorizationCode, Session};
use crate::repo::audit::{Audited, append};
use crate::repo::sessions::{NewSession, end, insert_session, organisation_of};
use crate::rows::sessions::AuthorizationCodeRow;
use crate::schema::{authorization_codes, users};

/// A code about to be issued.
#[derive(Debug, Clone)]
pub struct NewCode {
    /// SHA-256 of the code, hex.
    pub code_hash: String,
    /// The client it is issued to.
    pub client_id: String,
    /// The exact redirect URI of the request.
    pub redirect_uri: String,
    /// The PKCE S256 challenge.
    pub code_challenge: String,
    /// Who signed in.
    pub user_id: String,
    /// When issued.
    pub now: PrimitiveDateTime,
    /// When it stops working.
    pub expires_at: PrimitiveDateTime,
    /// How the person signed in.
    pub method: SignInMethod,
    /// The OpenID provider's `acr` of a federated sign-in.
    pub assurance: Option<String>,
}

/// Issues an authorization code, audited (about the account) in its transaction.
pub fn issue_code(
    conn: &mut DbConnection,
    new: NewCode,
    audited: &Audited,
) -> Result<(), PersistenceError> {
    write_transaction(conn, |conn| {
        let organisation = organisation_of(conn, &new.user_id)?;
        let subject = format!("user:{}", new.user_id);
        diesel::insert_into(authorization_codes::table)
            .values(&AuthorizationCodeRow {
                code_hash: new.code_hash,
                client_id: new.client_id,
                redirect_uri: new.redirect_uri,
                code_challenge: new.code_challenge,
                user_id: new.user_id,
                created_at: new.now,
                expires_at: new.expires_at,
                used_at: None,
                session_id: None,
                method: new.method.as_str().to_owned(),
                assurance: new.assurance,
            })
            .execute(conn)?;
        append(
            conn,
            &audited.chain,
            &[audited.about(subject, organisation)],
        )
    })
}

/// What redeeming a code came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    /// The code was good: the session it began.
    Started(Session),
    /// The code had been redeemed already: the session it began is now revoked (audited).
    Reused,
    /// No such code, or it had run out, or `accept` refused it (wrong client, redirect URI or
    /// verifier), or its account no longer works. A code that was found is spent all the same.
    Refused,
}

/// Redeems code `code_hash` at `now`: spends it, asks `accept` whether the request matches it,
/// and begins `session(code)` if so. `started` is audited with the session, `reused` when a
/// spent code comes back, each in its transaction.
pub fn redeem_code(
    conn: &mut DbConnection,
    code_hash: &str,
    now: PrimitiveDateTime,
    accept: impl FnOnce(&AuthorizationCode) -> bool,
    session: impl FnOnce(&AuthorizationCode) -> NewSession,
    started: &Audited,
    reused: &Audited,
) -> Result<Redeemed, PersistenceError> {
    write_transaction(conn, |conn| {
        let spent = diesel::update(authorization_codes::table.find(code_hash))
            .filter(authorization_codes::used_at.is_null())
            .set(authorization_codes::used_at.eq(Some(now)))
            .execute(conn)?;
        let row: Option<AuthorizationCodeRow> = authorization_codes::table
            .find(code_hash)
            .select(AuthorizationCodeRow::as_select())
            .get_result(conn)
            .optional()?;
        let Some(row) = row else {
            return Ok(Redeemed::Refused);
        };
        if spent == 0 {
            if let Some(session_id) = row.session_id.as_deref() {
                if let Some(ended) = end(conn, session_id, SessionEnd::CodeReused, now)? {
                    let organisation = organisation_of(conn, &ended.user_id)?;
                    append(
                        conn,
                        &reused.chain,
                        &[reused.about(format!("session:{session_id}"), organisation)],
                    )?;
                }
                return Ok(Redeemed::Reused);
            }
            return Ok(Redeemed::Refused);
        }
        let code = AuthorizationCode::try_from(row)?;
        let account_works = users::table
            .find(&code.user_id)
            .select(users::disabled)
            .get_result::<bool>(conn)
            .optional()?
            .is_some_and(|disabled| !disabled);
        if code.expires_at <= now || !account_works || !accept(&code) {
            return Ok(Redeemed::Refused);
        }
        let begun = insert_session(conn, session(&code), started)?;
        diesel::update(authorization_codes::table.find(code_hash))
            .set(authorization_codes::session_id.eq(Some(&begun.id)))
            .execute(conn)?;
        Ok(Redeemed::Started(begun))
    })
}

/// The account an authorization code (by its hash) was issued for, used or not.
pub fn code_user_id(
    conn: &mut DbConnection,
    code_hash: &str,
) -> Result<Option<String>, PersistenceError> {
    Ok(authorization_codes::table
        .find(code_hash)
        .select(authorization_codes::user_id)
        .get_result(conn)
        .optional()?)
}
