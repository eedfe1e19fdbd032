//! Bodies of machine clients: created with a secret shown once, or with public keys for
//! `private_key_jwt` (RFC 7523).

use leder_persistence::records::identity as records;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use super::utc;

/// A new machine client.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Greater Manchester case system", "organisation": "QOP"}))]
pub struct NewClientRequest {
    /// What the client is.
    #[validate(length(min = 1, max = 200, message = "must have 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Its ICB (ODS code).
    #[schema(pattern = "^[A-Za-z0-9]{3,6}$")]
    pub organisation: String,
    /// For a client that holds a key rather than a secret: its public keys as a JWK Set
    /// (RFC 7517, `{"keys": [...]}`; 1 to 10 public keys of type `OKP` Ed25519, `EC` P-256 or
    /// `RSA` of at least 2048 bits, never private parts). The client then authenticates with
    /// `private_key_jwt` (RFC 7523) only, and is given no secret.
    #[schema(value_type = Option<Object>)]
    pub jwks: Option<serde_json::Value>,
}

/// A client just created: the secret is shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientCreated {
    /// Use as `client_id`.
    pub client_id: String,
    /// Use as `client_secret`; it is not kept and cannot be shown again. Absent for a
    /// `private_key_jwt` client.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// `client_secret_basic` (a secret, in HTTP Basic or the form) or `private_key_jwt`.
    pub token_endpoint_auth_method: &'static str,
    /// Name.
    pub name: String,
    /// ICB.
    pub organisation: String,
}

/// A machine client.
#[derive(Debug, Serialize, ToSchema)]
pub struct Client {
    /// Client id.
    pub client_id: String,
    /// Name.
    pub name: String,
    /// ICB.
    pub organisation: String,
    /// Created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When revoked, if it has been.
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    /// `client_secret_basic` or `private_key_jwt`.
    pub token_endpoint_auth_method: &'static str,
}

/// The OAuth name of how `auth` authenticates at the token endpoint.
pub fn auth_method_name(auth: &records::ClientAuth) -> &'static str {
    match auth {
        records::ClientAuth::Secret => "client_secret_basic",
        records::ClientAuth::PrivateKeyJwt(_) => "private_key_jwt",
    }
}

impl From<records::Client> for Client {
    fn from(c: records::Client) -> Self {
        Client {
            token_endpoint_auth_method: auth_method_name(&c.auth),
            client_id: c.id,
            name: c.name,
            organisation: c.organisation,
            created_at: utc(c.created_at),
            revoked_at: c.revoked_at.map(utc),
        }
    }
}

/// A page of clients.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientPage {
    /// Clients, oldest first.
    pub items: Vec<Client>,
    /// The next page's cursor, or null.
    pub next_cursor: Option<String>,
}
