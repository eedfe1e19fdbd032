//! Bodies of sign-in: sessions, revocation, the authorization endpoint and the server's
//! metadata.

use leder_domain::sign_in::SignInMethod;
use leder_persistence::records::sessions as records;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::{utc, wire};

/// A session: one sign-in and the refresh tokens that carry it on.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// Session id.
    pub id: String,
    /// The account.
    pub user_id: String,
    /// How it began.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<SignInMethod>)]
    pub method: SignInMethod,
    /// The front-end client it is bound to (none for the command line's password grant).
    pub client_id: Option<String>,
    /// When it began.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it was last refreshed (or began).
    #[serde(with = "time::serde::rfc3339")]
    pub last_used_at: OffsetDateTime,
    /// When it ends however often it is refreshed.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// The address it began from.
    pub client_address: Option<String>,
    /// For a sign-in at the OpenID provider (`method` `federated`): the assurance level the
    /// provider reported (`acr`, e.g. CIS2's `AAL3_ANY`).
    pub assurance: Option<String>,
    /// Whether it is the session of the token that asked.
    pub current: bool,
}

impl SessionView {
    /// The view of `s`, marking the asker's own.
    pub fn new(s: records::Session, current: Option<&str>) -> Self {
        SessionView {
            current: current == Some(s.id.as_str()),
            id: s.id,
            user_id: s.user_id,
            method: s.method,
            client_id: s.client_id,
            created_at: utc(s.created_at),
            last_used_at: utc(s.last_used_at),
            expires_at: utc(s.expires_at),
            client_address: s.client_address,
            assurance: s.assurance,
        }
    }
}

/// A page of sessions, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionPage {
    /// The sessions.
    pub items: Vec<SessionView>,
    /// The cursor of the next page, or null.
    pub next_cursor: Option<String>,
}

/// Whose sessions.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SessionFilter {
    /// Another person's account id (admin only; default: the caller's own sessions). An id of
    /// no account lists nothing.
    pub user_id: Option<String>,
}

/// A token revocation request (RFC 7009), form-encoded.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RevokeRequest {
    /// The refresh token or access token to revoke: either ends its session.
    #[schema(min_length = 1)]
    pub token: String,
    /// `refresh_token` or `access_token` (a hint; both are recognised without it).
    pub token_type_hint: Option<String>,
    /// The client the session is bound to (omit for the command line's password-grant sessions).
    pub client_id: Option<String>,
}

/// The authorization request (RFC 6749 section 4.1.1, RFC 7636 section 4.3). Parameters not
/// listed are ignored, as RFC 6749 section 3.1 requires.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuthorizeParams {
    /// Must be `code`.
    #[param(pattern = "^code$")]
    pub response_type: String,
    /// A registered front-end client (`LEDER_OAUTH_CLIENTS`).
    #[param(min_length = 1, max_length = 64)]
    pub client_id: String,
    /// Exactly one of the client's registered redirect URIs (character for character).
    pub redirect_uri: String,
    /// Required: returned unchanged with the code, to tie the answer to the request (at most
    /// 500 characters).
    #[param(min_length = 1, max_length = 500)]
    pub state: String,
    /// The PKCE challenge: base64url SHA-256 of the code verifier, 43 characters.
    #[param(min_length = 43, max_length = 43, pattern = "^[A-Za-z0-9_-]{43}$")]
    pub code_challenge: String,
    /// Must be `S256`.
    #[param(pattern = "^S256$")]
    pub code_challenge_method: String,
}

/// The sign-in form of leder's page (form-encoded), posted by the page itself: the
/// authorization request's parameters again, the CSRF token the page carries, and the
/// credentials.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignInForm {
    /// As in the authorization request.
    pub response_type: String,
    /// As in the authorization request.
    pub client_id: String,
    /// As in the authorization request.
    pub redirect_uri: String,
    /// As in the authorization request.
    pub state: String,
    /// As in the authorization request.
    pub code_challenge: String,
    /// As in the authorization request.
    pub code_challenge_method: String,
    /// The page's CSRF token: it must equal the cookie the page set.
    pub csrf: String,
    /// The username (the first step).
    pub username: Option<String>,
    /// The password (the first step).
    pub password: Option<String>,
    /// The ticket of a step after the password (second factor), as the page carries it.
    pub ticket: Option<String>,
    /// The second step's code: 6 digits from an authenticator app, or a recovery code.
    pub code: Option<String>,
    /// `1`: sign in at the OpenID provider instead (the page's "Sign in with ..." button).
    #[schema(pattern = "^1$")]
    pub federate: Option<String>,
}

/// What the OpenID provider sends back (OpenID Connect Core 1.0 section 3.1.2.5, RFC 9207).
/// Parameters not listed are ignored; a listed one sent twice is refused.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FederatedCallbackParams {
    /// The provider's authorization code.
    pub code: Option<String>,
    /// leder's `state`, echoed by the provider.
    pub state: Option<String>,
    /// The provider's issuer identifier: must be the configured one.
    pub iss: Option<String>,
    /// Set when the sign-in at the provider did not complete (e.g. `access_denied`).
    pub error: Option<String>,
    /// The provider's words about `error`.
    pub error_description: Option<String>,
}

impl FederatedCallbackParams {
    /// Reads the callback's query string.
    pub fn parse(query: &str) -> Result<Self, &'static str> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query).map_err(|_| "it is not form-encoded")?;
        let mut params = FederatedCallbackParams::default();
        for (key, value) in pairs {
            let slot = match key.as_str() {
                "code" => &mut params.code,
                "state" => &mut params.state,
                "iss" => &mut params.iss,
                "error" => &mut params.error,
                "error_description" => &mut params.error_description,
                _ => continue,
            };
            if value.chars().any(char::is_control) {
                return Err("it contains control characters");
            }
            if slot.replace(value).is_some() {
                return Err("a parameter was sent more than once");
            }
        }
        Ok(params)
    }
}

/// Authorization server metadata (RFC 8414).
#[derive(Debug, Serialize, ToSchema)]
pub struct ServerMetadata {
    /// The `iss` of leder's tokens.
    pub issuer: String,
    /// `/api/v1/auth/authorize`.
    pub authorization_endpoint: String,
    /// `/api/v1/auth/token`.
    pub token_endpoint: String,
    /// `/api/v1/auth/revoke`.
    pub revocation_endpoint: String,
    /// `/.well-known/jwks.json`.
    pub jwks_uri: String,
    /// `code`.
    pub response_types_supported: Vec<&'static str>,
    /// The grants the token endpoint takes (with this configuration).
    pub grant_types_supported: Vec<&'static str>,
    /// `S256` only.
    pub code_challenge_methods_supported: Vec<&'static str>,
    /// `none` (public front ends), `client_secret_basic`, `client_secret_post`,
    /// `private_key_jwt` (machine clients registered with public keys, RFC 7523).
    pub token_endpoint_auth_methods_supported: Vec<&'static str>,
    /// The algorithms a `private_key_jwt` assertion may be signed with.
    pub token_endpoint_auth_signing_alg_values_supported: Vec<&'static str>,
    /// `none` and the same.
    pub revocation_endpoint_auth_methods_supported: Vec<&'static str>,
    /// Whether the authorization response carries `iss` (RFC 9207): yes.
    pub authorization_response_iss_parameter_supported: bool,
}
