//! Signing in: the OAuth 2.0 endpoints (token, authorization with leder's sign-in page,
//! revocation, metadata), a person's sessions and the public keys.

use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::state::AppState;

pub mod authorize;
pub mod federated;
mod form;
pub mod metadata;
pub mod revoke;
pub mod sessions;
mod steps;
pub mod token;

/// Registers the identity routes under `/api/v1`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(token::issue_token)
        .service(authorize::authorize_page)
        .service(authorize::submit_sign_in)
        .service(federated::federated_callback)
        .service(revoke::revoke_token)
        .service(sessions::list_sessions)
        .service(sessions::revoke_session)
        .service(sessions::sign_out);
}

/// Registers the JWKS and metadata routes (at the site root).
pub fn configure_root(cfg: &mut ServiceConfig) {
    cfg.service(jwks).service(metadata::server_metadata);
}

/// The public signing keys (JWK Set)
///
/// Every key that may have signed a live token, by `kid`, so verifiers keep working while keys
/// rotate.
#[utoipa::path(
    tag = "identity",
    operation_id = "jwks",
    responses(
        (status = 200, description = "A JWK Set of Ed25519 public keys", body = Object),
        (status = 500, response = crate::error::InternalError),
    )
)]
#[get("/.well-known/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(state.auth.keys.jwks())
}
