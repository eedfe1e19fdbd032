//! Rows of `sessions`, `refresh_tokens` and `authorization_codes`.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::schema::{authorization_codes, refresh_tokens, sessions};

/// A sign-in session: the family of its refresh tokens.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    /// UUID v7.
    pub id: String,
    /// The account.
    pub user_id: String,
    /// The front-end client it is bound to (none for the password grant).
    pub client_id: Option<String>,
    /// How it began (`SignInMethod`'s wire name).
    pub method: String,
    /// The account's token generation when it began.
    pub token_generation: i64,
    /// When it began.
    pub created_at: PrimitiveDateTime,
    /// When its refresh token was last used.
    pub last_used_at: PrimitiveDateTime,
    /// When it ends however often it is refreshed.
    pub expires_at: PrimitiveDateTime,
    /// When it was ended, if it was.
    pub revoked_at: Option<PrimitiveDateTime>,
    /// Why (`SessionEnd`'s wire name).
    pub revoked_reason: Option<String>,
    /// The address it began from.
    pub client_address: Option<String>,
    /// The OpenID provider's `acr` of a federated sign-in.
    pub assurance: Option<String>,
}

/// A refresh token, by the hash of its value.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// Its session.
    pub session_id: String,
    /// When issued.
    pub created_at: PrimitiveDateTime,
    /// When it stops working unused.
    pub expires_at: PrimitiveDateTime,
    /// When it was spent (exchanged for its successor).
    pub used_at: Option<PrimitiveDateTime>,
}

/// An authorization code, by the hash of its value.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = authorization_codes)]
pub struct AuthorizationCodeRow {
    /// SHA-256 of the code, hex.
    pub code_hash: String,
    /// The client it was issued to.
    pub client_id: String,
    /// The exact redirect URI of the request.
    pub redirect_uri: String,
    /// The PKCE S256 challenge.
    pub code_challenge: String,
    /// Who signed in.
    pub user_id: String,
    /// When issued.
    pub created_at: PrimitiveDateTime,
    /// When it stops working.
    pub expires_at: PrimitiveDateTime,
    /// When it was redeemed (or burnt by a failed attempt).
    pub used_at: Option<PrimitiveDateTime>,
    /// The session it was exchanged for.
    pub session_id: Option<String>,
    /// How the person signed in (`SignInMethod`'s wire name).
    pub method: String,
    /// The OpenID provider's `acr` of a federated sign-in.
    pub assurance: Option<String>,
}
