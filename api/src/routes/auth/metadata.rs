//! Authorization server metadata (RFC 8414).

use actix_web::{HttpRequest, get, web};

use crate::dto::sessions::ServerMetadata;
use crate::state::AppState;

/// Describe the authorization server (RFC 8414)
///
/// Where a front end finds the endpoints and what they take: the authorization code with PKCE
/// (`S256` only), refresh tokens, client credentials, and the password grant only when this
/// server allows it. URLs are absolute, built from the address the request came to.
#[utoipa::path(
    tag = "identity",
    operation_id = "server_metadata",
    responses(
        (status = 200, description = "The metadata", body = ServerMetadata),
        (status = 500, response = crate::error::InternalError),
    )
)]
#[get("/.well-known/oauth-authorization-server")]
pub async fn server_metadata(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> web::Json<ServerMetadata> {
    let info = req.connection_info();
    let base = format!("{}://{}", info.scheme(), info.host());
    let mut grants = vec!["authorization_code", "refresh_token", "client_credentials"];
    if state.config.allow_password_grant {
        grants.push("password");
    }
    let auth_methods = vec!["none", "client_secret_basic", "client_secret_post"];
    let mut token_auth_methods = auth_methods.clone();
    token_auth_methods.push("private_key_jwt");
    web::Json(ServerMetadata {
        issuer: state.auth.issuer.clone(),
        authorization_endpoint: format!("{base}/api/v1/auth/authorize"),
        token_endpoint: format!("{base}/api/v1/auth/token"),
        revocation_endpoint: format!("{base}/api/v1/auth/revoke"),
        jwks_uri: format!("{base}/.well-known/jwks.json"),
        response_types_supported: vec!["code"],
        grant_types_supported: grants,
        code_challenge_methods_supported: vec!["S256"],
        token_endpoint_auth_methods_supported: token_auth_methods,
        token_endpoint_auth_signing_alg_values_supported: crate::auth::client_assertion::ALGORITHMS
            .to_vec(),
        revocation_endpoint_auth_methods_supported: auth_methods,
        authorization_response_iss_parameter_supported: true,
    })
}
