//! Bodies of identity, users, clients and the audit trail.

use leder_domain::workflow::Role;
use leder_persistence::records::identity as records;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use super::{patch_field, utc};

/// A successful token answer (RFC 6749 section 5.1).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJFZERTQSIs...", "token_type": "Bearer", "expires_in": 900}))]
pub struct TokenResponse {
    /// The JWT.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until it expires.
    pub expires_in: u64,
    /// A refresh token (people's sessions; not for client credentials): single-use, bound to the
    /// client the session began with; using it again revokes the whole session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// An OAuth 2.0 error answer (RFC 6749 section 5.2).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"error": "invalid_grant", "error_description": "the username or password is wrong, or the account is locked for a while"}))]
pub struct OAuthError {
    /// `invalid_request`, `invalid_client`, `invalid_grant` or `unsupported_grant_type`.
    pub error: &'static str,
    /// A sentence for a person.
    pub error_description: String,
}

/// The token request (form-encoded). Which fields a grant needs:
/// `authorization_code`: `code`, `redirect_uri`, `client_id`, `code_verifier`;
/// `refresh_token`: `refresh_token` (and `client_id` when the session began with one);
/// `client_credentials`: `client_id` and `client_secret` (or HTTP Basic);
/// `password` (only when `LEDER_ALLOW_PASSWORD_GRANT=true`): `username`, `password`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// `authorization_code`, `refresh_token`, `client_credentials` or `password`.
    #[schema(example = "authorization_code")]
    pub grant_type: String,
    /// For `password`.
    pub username: Option<String>,
    /// For `password`.
    pub password: Option<String>,
    /// The client: a registered front end (public, no secret) or a machine client.
    pub client_id: Option<String>,
    /// For `client_credentials` (or HTTP Basic).
    pub client_secret: Option<String>,
    /// Ignored (scopes follow from roles).
    pub scope: Option<String>,
    /// For `authorization_code`: the code from the redirect.
    pub code: Option<String>,
    /// For `authorization_code`: exactly the `redirect_uri` of the authorization request.
    pub redirect_uri: Option<String>,
    /// For `authorization_code`: the PKCE verifier (43 to 128 characters of `A-Z a-z 0-9 - . _ ~`).
    #[schema(
        min_length = 43,
        max_length = 128,
        pattern = "^[A-Za-z0-9._~-]{43,128}$"
    )]
    pub code_verifier: Option<String>,
    /// For `refresh_token`: the refresh token.
    pub refresh_token: Option<String>,
    /// For `password`, when the account has set up its second factor: a current 6-digit TOTP
    /// code or a recovery code.
    pub otp: Option<String>,
    /// For `client_credentials` with `private_key_jwt` (RFC 7523):
    /// `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`.
    #[schema(example = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")]
    pub client_assertion_type: Option<String>,
    /// For `client_credentials` with `private_key_jwt`: the signed JWT (`iss` = `sub` = the
    /// client id, `aud` = this token endpoint, `exp` within 5 minutes, a single-use `jti`).
    pub client_assertion: Option<String>,
}

/// The caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// User or client id.
    pub id: String,
    /// `user` or `client`.
    pub kind: &'static str,
    /// Username, or the client's name.
    pub username: String,
    /// Display name (users).
    pub display_name: Option<String>,
    /// Current roles.
    pub roles: Vec<String>,
    /// ICB, if any.
    pub organisation: Option<String>,
    /// The session the token belongs to (people signed in since sessions began; `DELETE
    /// /api/v1/auth/sessions/{id}` or `POST /api/v1/auth/sign-out` ends it).
    pub session_id: Option<String>,
}

/// A password change.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    /// The current password.
    pub current_password: String,
    /// The new password (12 to 128 characters, not the username).
    #[schema(min_length = 12, max_length = 128)]
    pub new_password: String,
}

/// A new user.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "lead.qop", "display_name": "Lead (Greater Manchester)",
    "roles": ["ics_lead"], "organisation": "QOP", "password": "a long passphrase"}))]
pub struct NewUserRequest {
    /// Sign-in name: 3 to 64 letters, digits, `.`, `_`, `-` or `@`.
    #[validate(
        length(min = 3, max = 64, message = "must have 3 to 64 characters"),
        custom(function = "username_chars")
    )]
    #[schema(min_length = 3, max_length = 64, pattern = "^[A-Za-z0-9._@-]+$")]
    pub username: String,
    /// Name shown to others.
    #[validate(length(min = 1, max = 200, message = "must have 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub display_name: String,
    /// Roles: one of `admin` or `national_analyst` alone, `regional_coordinator` alone with a
    /// region, or any of `ics_lead`, `qa_panel`, `reviewer` with an ICB.
    #[serde(with = "super::wire::list")]
    #[schema(schema_with = account_roles)]
    pub roles: Vec<Role>,
    /// The ICB (ODS code), for case roles; the NHS England region (Y56, Y58 to Y63) for a
    /// regional coordinator.
    #[schema(pattern = "^[A-Za-z0-9]{3,6}$")]
    pub organisation: Option<String>,
    /// Initial password (12 to 128 characters, not the username).
    #[schema(min_length = 12, max_length = 128)]
    pub password: String,
    /// The person's subject (`sub`) at the configured OpenID Connect provider (NHS CIS2's UUID):
    /// they may then sign in there (`Sign in with ...` on leder's sign-in page), reaching this
    /// account and its roles only. 1 to 255 visible ASCII characters; one account per subject.
    #[validate(custom(function = "subject_chars"))]
    #[schema(min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$")]
    pub federated_subject: Option<String>,
}

/// An OpenID Connect subject: 1 to 255 visible ASCII characters (OpenID Connect Core 1.0
/// section 2).
fn subject_chars(s: &str) -> Result<(), validator::ValidationError> {
    if (1..=255).contains(&s.len()) && s.chars().all(|c| c.is_ascii_graphic()) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("invalid_subject")
            .with_message("must be 1 to 255 visible ASCII characters".into()))
    }
}

/// The roles a person's account may hold: every role but `integration` (machine clients only),
/// at least one.
fn account_roles() -> utoipa::openapi::schema::Array {
    let names = Role::ALL
        .iter()
        .filter(|r| **r != Role::Integration)
        .map(|r| r.as_str());
    let mut roles = utoipa::openapi::schema::Array::new(super::names_schema(names));
    roles.min_items = Some(1);
    roles.description = Some(
        "Roles: one of `admin` or `national_analyst` alone, `regional_coordinator` alone with a \
region, or any of `ics_lead`, `qa_panel`, `reviewer` with an ICB."
            .to_owned(),
    );
    roles
}

/// [`account_roles`] in a merge patch (`null`: unchanged).
fn account_roles_patch() -> utoipa::openapi::schema::Array {
    let mut roles = account_roles();
    roles.schema_type = utoipa::openapi::schema::SchemaType::from_iter([
        utoipa::openapi::Type::Array,
        utoipa::openapi::Type::Null,
    ]);
    roles.description = Some("New roles (as for a new user).".to_owned());
    roles
}

fn username_chars(u: &str) -> Result<(), validator::ValidationError> {
    if u.chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
    {
        Ok(())
    } else {
        Err(validator::ValidationError::new("invalid_characters")
            .with_message("use letters, digits, '.', '_', '-' or '@'".into()))
    }
}

/// Changes to a user (JSON Merge Patch: absent unchanged, `null` clears).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"disabled": true}))]
pub struct UserPatch {
    /// New display name.
    #[validate(length(min = 1, max = 200, message = "must have 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub display_name: Option<String>,
    /// New roles.
    #[serde(default, with = "super::wire::list::option")]
    #[schema(schema_with = account_roles_patch)]
    pub roles: Option<Vec<Role>>,
    /// New ICB (ODS code); `null` removes it.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>, pattern = "^[A-Za-z0-9]{3,6}$")]
    pub organisation: Option<Option<String>>,
    /// Disable (its tokens stop working at once) or enable.
    pub disabled: Option<bool>,
    /// Require a second factor (TOTP) at sign-in: the person sets it up on leder's sign-in page
    /// the next time they sign in there. Admins always need one.
    pub second_factor_required: Option<bool>,
    /// Link the account to this subject at the OpenID Connect provider (as for a new user);
    /// `null` unlinks it.
    #[serde(default, deserialize_with = "patch_field")]
    #[validate(custom(function = "subject_chars"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$")]
    pub federated_subject: Option<Option<String>>,
}

/// A user (never the password).
#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    /// Id.
    pub id: String,
    /// Sign-in name.
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// Roles.
    #[serde(with = "super::wire::list")]
    #[schema(schema_with = super::wire::schema::list::<Role>)]
    pub roles: Vec<Role>,
    /// ICB, if any.
    pub organisation: Option<String>,
    /// Disabled accounts cannot sign in and their tokens are refused.
    pub disabled: bool,
    /// Locked for a while after repeated failed sign-ins.
    pub locked: bool,
    /// Whether the account must sign in with a second factor (admins always; others when an
    /// admin marked them).
    pub second_factor_required: bool,
    /// Whether the person has set up their second factor (TOTP).
    pub second_factor_enrolled: bool,
    /// The person's subject at the OpenID Connect provider, when an admin linked one.
    pub federated_subject: Option<String>,
    /// The ETag value.
    pub version: i64,
    /// Created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<records::User> for User {
    fn from(u: records::User) -> Self {
        User {
            locked: u.locked_at(leder_persistence::reference::now_utc()),
            second_factor_required: u.needs_second_factor(),
            second_factor_enrolled: u.totp_secret.is_some(),
            federated_subject: u.federated_subject,
            roles: u.roles,
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            organisation: u.organisation,
            disabled: u.disabled,
            version: u.version,
            created_at: utc(u.created_at),
            updated_at: utc(u.updated_at),
        }
    }
}

/// A page of users.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    /// Users, by username.
    pub items: Vec<User>,
    /// The next page's cursor, or null.
    pub next_cursor: Option<String>,
}

/// One audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    /// The replica's chain.
    pub chain_id: String,
    /// Position in the chain.
    pub seq: i64,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    /// Who acted: a name of the `ActorKind` schema (`webhook`: a delivery, `actor_id` is the
    /// subscription). Text, not an enum: an entry keeps the names it was written with.
    pub actor_kind: String,
    /// Who.
    pub actor_id: Option<String>,
    /// Their roles then.
    pub actor_roles: Vec<String>,
    /// Their ICB then.
    pub actor_organisation: Option<String>,
    /// HTTP method.
    pub method: String,
    /// Through which endpoint (for a webhook delivery, the target's origin).
    pub route: String,
    /// What was done: a name of the `AuditAction` schema, or `transition:<action>` for a
    /// workflow transition. Text, not an enum: an entry keeps the names it was written with.
    pub action: String,
    /// What.
    pub subject: Option<String>,
    /// How it ended: a name of the `AuditOutcome` schema (`attempted`: a webhook delivery,
    /// recorded before it is sent). Text, not an enum: an entry keeps the names it was written
    /// with.
    pub outcome: String,
    /// From where.
    pub client_address: Option<String>,
}

impl From<records::AuditEntry> for AuditEntry {
    fn from(a: records::AuditEntry) -> Self {
        AuditEntry {
            chain_id: a.chain_id,
            seq: a.seq,
            occurred_at: utc(a.occurred_at),
            actor_kind: a.actor_kind,
            actor_id: a.actor_id,
            actor_roles: a.actor_roles,
            actor_organisation: a.actor_organisation,
            method: a.method,
            route: a.route,
            action: a.action,
            subject: a.subject,
            outcome: a.outcome,
            client_address: a.client_address,
        }
    }
}

/// A page of audit entries.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// Entries, oldest first.
    pub items: Vec<AuditEntry>,
    /// The next page's cursor, or null.
    pub next_cursor: Option<String>,
}
