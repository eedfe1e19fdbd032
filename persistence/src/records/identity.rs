//! Accounts, machine clients and audit entries as the rest of leder reads them.

use leder_domain::sign_in::ClientAuthMethod;
use leder_domain::workflow::Role;
use time::PrimitiveDateTime;

use crate::error::PersistenceError;
use crate::rows::identity::{AuditRow, ClientRow, UserRow};
use crate::stored::lists::corrupt;

/// A person's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Account id.
    pub id: String,
    /// Unique sign-in name.
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// Roles, in wire-name order, each once.
    pub roles: Vec<Role>,
    /// The ICB (ODS code), if the roles need one.
    pub organisation: Option<String>,
    /// argon2id hash of the password.
    pub password_hash: String,
    /// Whether the account may not sign in.
    pub disabled: bool,
    /// Failed sign-ins since the last success.
    pub failed_logins: i64,
    /// Locked until then (UTC), after too many failures.
    pub locked_until: Option<PrimitiveDateTime>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Created (UTC).
    pub created_at: PrimitiveDateTime,
    /// Last changed (UTC).
    pub updated_at: PrimitiveDateTime,
    /// Bumped when every token issued so far must stop working.
    pub token_generation: i64,
    /// The second factor: the TOTP secret (base32) once enrolled.
    pub totp_secret: Option<String>,
    /// The last TOTP step accepted.
    pub totp_last_step: Option<i64>,
    /// An admin marked the account as needing a second factor.
    pub second_factor_required: bool,
    /// The OpenID provider's `sub` an admin linked the account to.
    pub federated_subject: Option<String>,
}

impl User {
    /// Whether the account must sign in with a second factor: every admin, and every account an
    /// admin marked.
    pub fn needs_second_factor(&self) -> bool {
        self.second_factor_required || self.roles.contains(&Role::Admin)
    }

    /// Whether the account is locked at `now`.
    pub fn locked_at(&self, now: PrimitiveDateTime) -> bool {
        self.locked_until.is_some_and(|t| t > now)
    }
}

impl TryFrom<UserRow> for User {
    type Error = PersistenceError;

    fn try_from(row: UserRow) -> Result<Self, Self::Error> {
        Ok(User {
            roles: row.role_list()?,
            id: row.id,
            username: row.username,
            display_name: row.display_name,
            organisation: row.organisation,
            password_hash: row.password_hash,
            disabled: row.disabled,
            failed_logins: row.failed_logins,
            locked_until: row.locked_until,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
            token_generation: row.token_generation,
            totp_secret: row.totp_secret,
            totp_last_step: row.totp_last_step,
            second_factor_required: row.second_factor_required,
            federated_subject: row.federated_subject,
        })
    }
}

/// A machine client (role `integration`, one ICB).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// Client id (`client_id`).
    pub id: String,
    /// What the client is.
    pub name: String,
    /// Its ICB (ODS code).
    pub organisation: String,
    /// SHA-256 of the secret, hex.
    pub secret_hash: String,
    /// Created (UTC).
    pub created_at: PrimitiveDateTime,
    /// When revoked (UTC), if it has been.
    pub revoked_at: Option<PrimitiveDateTime>,
    /// How it authenticates, and with `PrivateKeyJwt` its public keys (a JWK Set, JSON).
    pub auth: ClientAuth,
}

/// How a machine client authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientAuth {
    /// With its secret (checked against `secret_hash`).
    Secret,
    /// With a JWT signed by a key of this JWK Set (JSON text), RFC 7523.
    PrivateKeyJwt(String),
}

impl TryFrom<ClientRow> for Client {
    type Error = PersistenceError;

    fn try_from(row: ClientRow) -> Result<Self, PersistenceError> {
        let method = ClientAuthMethod::parse(&row.auth_method)
            .map_err(|e| corrupt("clients", &row.id, "auth_method")(e.to_string()))?;
        let auth = match (method, row.public_jwks) {
            (ClientAuthMethod::ClientSecret, _) => ClientAuth::Secret,
            (ClientAuthMethod::PrivateKeyJwt, Some(jwks)) => ClientAuth::PrivateKeyJwt(jwks),
            (ClientAuthMethod::PrivateKeyJwt, None) => {
                return Err(corrupt("clients", &row.id, "public_jwks")(
                    "private_key_jwt without keys".into(),
                ));
            }
        };
        Ok(Client {
            id: row.id,
            name: row.name,
            organisation: row.organisation,
            secret_hash: row.secret_hash,
            created_at: row.created_at,
            revoked_at: row.revoked_at,
            auth,
        })
    }
}

/// One entry of the audit trail, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The replica's chain.
    pub chain_id: String,
    /// Position in the chain.
    pub seq: i64,
    /// When (UTC).
    pub occurred_at: PrimitiveDateTime,
    /// `user`, `client`, `anonymous`, `cli` or `webhook`.
    pub actor_kind: String,
    /// Who.
    pub actor_id: Option<String>,
    /// Their roles then (as recorded: the entry is hashed in that form).
    pub actor_roles: Vec<String>,
    /// Their ICB then.
    pub actor_organisation: Option<String>,
    /// HTTP method.
    pub method: String,
    /// Through which endpoint.
    pub route: String,
    /// `read`, `create`, `update`, `sign_in`, ...
    pub action: String,
    /// What.
    pub subject: Option<String>,
    /// The subject's ICB.
    pub subject_organisation: Option<String>,
    /// `success`, `failure`, `attempted`, ...
    pub outcome: String,
    /// From where.
    pub client_address: Option<String>,
}

impl From<AuditRow> for AuditEntry {
    fn from(row: AuditRow) -> Self {
        AuditEntry {
            chain_id: row.chain_id,
            seq: row.seq,
            occurred_at: row.occurred_at,
            actor_kind: row.actor_kind,
            actor_id: row.actor_id,
            actor_roles: row
                .actor_roles
                .split(',')
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect(),
            actor_organisation: row.actor_organisation,
            method: row.method,
            route: row.route,
            action: row.action,
            subject: row.subject,
            subject_organisation: row.subject_organisation,
            outcome: row.outcome,
            client_address: row.client_address,
        }
    }
}
