//! Every route, registered once on `utoipa_actix_web` so the router and the OpenAPI document
//! come from the same calls (`.route()` would be invisible to the spec, so it is not used).

pub mod fallback;
pub mod health;
pub mod organisations;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(scope::scope("/api/v1").configure(organisations::configure));
}
