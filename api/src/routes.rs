//! Every route, registered once on `utoipa_actix_web` so the router and the OpenAPI document
//! come from the same calls (`.route()` would be invisible to the spec, so it is not used).

pub mod audit;
pub mod auth;
pub mod clients;
pub mod events;
pub mod fallback;
pub mod health;
pub mod me;
pub mod notifications;
pub mod organisations;
pub mod review_changes;
pub mod reviews;
pub mod transfers;
pub mod users;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .configure(auth::configure_root)
        .service(
            scope::scope("/api/v1")
                .configure(auth::configure)
                .configure(me::configure)
                .configure(users::configure)
                .configure(clients::configure)
                .configure(audit::configure)
                .configure(organisations::configure)
                .configure(transfers::configure)
                .configure(notifications::configure)
                .configure(reviews::configure)
                .configure(review_changes::configure)
                .configure(events::configure),
        );
}
