//! Rows of `users`, `clients`, `audit_chains` and `audit_log`.

use diesel::prelude::*;
use leder_domain::workflow::Role;
use time::PrimitiveDateTime;

use crate::error::PersistenceError;
use crate::stored::lists::{corrupt, list_from_column, list_to_column};

use crate::schema::{audit_log, clients, users};

/// A person's account.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = users)]
pub struct UserRow {
    /// UUID v7.
    pub id: String,
    /// Unique sign-in name.
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// Role names, sorted, as a JSON array: read with [`UserRow::role_list`].
    pub roles: String,
    /// The user's ICB (none for admin and national_analyst).
    pub organisation: Option<String>,
    /// argon2id PHC string.
    pub password_hash: String,
    /// A disabled user's tokens stop working at once (and stay spent when enabled again).
    pub disabled: bool,
    /// Consecutive failed sign-ins.
    pub failed_logins: i64,
    /// Sign-in refused until then.
    pub locked_until: Option<PrimitiveDateTime>,
    /// Optimistic-concurrency version (the ETag).
    pub version: i64,
    /// When created (UTC).
    pub created_at: PrimitiveDateTime,
    /// When last changed (UTC).
    pub updated_at: PrimitiveDateTime,
    /// Tokens carry the generation they were issued under; a password change, a disable and an
    /// enable each move it on, and a token of another generation is refused.
    pub token_generation: i64,
    /// The TOTP secret (base32) once enrolment is confirmed.
    pub totp_secret: Option<String>,
    /// The last TOTP step accepted (a code is never accepted twice).
    pub totp_last_step: Option<i64>,
    /// An admin marked the account as needing a second factor.
    pub second_factor_required: bool,
    /// The OpenID provider's `sub` of the person, set by an admin.
    pub federated_subject: Option<String>,
}

impl UserRow {
    /// The account's roles.
    pub fn role_list(&self) -> Result<Vec<Role>, PersistenceError> {
        list_from_column(&self.roles, Role::parse).map_err(corrupt("users", &self.id, "roles"))
    }
}

/// The `roles` column's text for these roles.
pub fn roles_column(roles: &[Role]) -> String {
    list_to_column(roles.iter().map(|r| r.as_str()))
}

/// A machine client.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = clients)]
pub struct ClientRow {
    /// The client id (UUID v7).
    pub id: String,
    /// What the client is (e.g. the ICB's case system).
    pub name: String,
    /// The ICB it belongs to.
    pub organisation: String,
    /// SHA-256 of the secret, hex.
    pub secret_hash: String,
    /// When created (UTC).
    pub created_at: PrimitiveDateTime,
    /// When revoked, if it has been.
    pub revoked_at: Option<PrimitiveDateTime>,
    /// How it authenticates (`ClientAuthMethod`'s wire name).
    pub auth_method: String,
    /// Its public keys (a JWK Set, JSON) for `private_key_jwt`.
    pub public_jwks: Option<String>,
}

/// One audit entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    /// The chain (one per replica).
    pub chain_id: String,
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When it happened (UTC).
    pub occurred_at: PrimitiveDateTime,
    /// `user`, `client` or `anonymous`.
    pub actor_kind: String,
    /// User or client id.
    pub actor_id: Option<String>,
    /// The actor's roles, comma-separated.
    pub actor_roles: String,
    /// The actor's ICB.
    pub actor_organisation: Option<String>,
    /// HTTP method (or `CLI`).
    pub method: String,
    /// Route pattern.
    pub route: String,
    /// What was done: `read`, `create`, `update`, `sign_in`, ...
    pub action: String,
    /// What it was done to, e.g. `user:<id>`, `review:<id>`.
    pub subject: Option<String>,
    /// The ICB the subject belongs to, if any.
    pub subject_organisation: Option<String>,
    /// `success`, `failure`, `denied`, ...
    pub outcome: String,
    /// The client's address (behind a trusted proxy, the forwarded one).
    pub client_address: Option<String>,
    /// Hash of the previous entry of the chain.
    pub prev_hash: String,
    /// SHA-256 over this entry's fields and `prev_hash`.
    pub hash: String,
    /// Whether `hash` is keyed (HMAC-SHA256 with the audit key); false only for entries
    /// written before the trail was keyed.
    pub keyed: bool,
}
