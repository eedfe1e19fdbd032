//! Sessions and authorization codes as the rest of leder reads them.

use leder_domain::sign_in::{SessionEnd, SignInMethod};
use time::PrimitiveDateTime;

use crate::error::PersistenceError;
use crate::rows::sessions::{AuthorizationCodeRow, SessionRow};
use crate::stored::lists::corrupt;

/// A sign-in session: one sign-in and the refresh tokens that carry it on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Session id (access tokens carry it as `sid`).
    pub id: String,
    /// The account.
    pub user_id: String,
    /// The front-end client it is bound to (none for the password grant).
    pub client_id: Option<String>,
    /// How it began.
    pub method: SignInMethod,
    /// The account's token generation when it began: once the account's moves on (a password
    /// change, a disable, an enable), the session cannot be refreshed.
    pub token_generation: i64,
    /// When it began.
    pub created_at: PrimitiveDateTime,
    /// When it was last refreshed (or began).
    pub last_used_at: PrimitiveDateTime,
    /// When it ends however often it is refreshed.
    pub expires_at: PrimitiveDateTime,
    /// When it was ended early, and why.
    pub ended: Option<(PrimitiveDateTime, SessionEnd)>,
    /// The address it began from.
    pub client_address: Option<String>,
    /// The OpenID provider's `acr` (assurance level) of a federated sign-in.
    pub assurance: Option<String>,
}

impl Session {
    /// Whether it still carries a person's tokens at `now`.
    pub fn is_active(&self, now: PrimitiveDateTime) -> bool {
        self.ended.is_none() && self.expires_at > now
    }
}

impl TryFrom<SessionRow> for Session {
    type Error = PersistenceError;

    fn try_from(row: SessionRow) -> Result<Self, PersistenceError> {
        let method = SignInMethod::parse(&row.method)
            .map_err(|e| corrupt("sessions", &row.id, "method")(e.to_string()))?;
        let ended = match (row.revoked_at, row.revoked_reason.as_deref()) {
            (None, _) => None,
            (Some(at), Some(reason)) => Some((
                at,
                SessionEnd::parse(reason)
                    .map_err(|e| corrupt("sessions", &row.id, "revoked_reason")(e.to_string()))?,
            )),
            (Some(_), None) => {
                return Err(PersistenceError::Corrupt {
                    table: "sessions",
                    id: row.id,
                    field: "revoked_reason",
                    detail: "revoked without a reason".into(),
                });
            }
        };
        Ok(Session {
            id: row.id,
            user_id: row.user_id,
            client_id: row.client_id,
            method,
            token_generation: row.token_generation,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            expires_at: row.expires_at,
            ended,
            client_address: row.client_address,
            assurance: row.assurance,
        })
    }
}

/// An authorization code as issued (its value is never stored, only its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationCode {
    /// The client it was issued to.
    pub client_id: String,
    /// The exact redirect URI of the request.
    pub redirect_uri: String,
    /// The PKCE S256 challenge.
    pub code_challenge: String,
    /// Who signed in.
    pub user_id: String,
    /// When it stops working.
    pub expires_at: PrimitiveDateTime,
    /// How the person signed in.
    pub method: SignInMethod,
    /// The OpenID provider's `acr` of a federated sign-in.
    pub assurance: Option<String>,
}

impl TryFrom<AuthorizationCodeRow> for AuthorizationCode {
    type Error = PersistenceError;

    fn try_from(row: AuthorizationCodeRow) -> Result<Self, PersistenceError> {
        Ok(AuthorizationCode {
            method: SignInMethod::parse(&row.method).map_err(|e| {
                corrupt("authorization_codes", &row.code_hash, "method")(e.to_string())
            })?,
            client_id: row.client_id,
            redirect_uri: row.redirect_uri,
            code_challenge: row.code_challenge,
            user_id: row.user_id,
            expires_at: row.expires_at,
            assurance: row.assurance,
        })
    }
}
