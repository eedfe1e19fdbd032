//! Every route, registered once on `utoipa_actix_web` so the router and the OpenAPI document
//! come from the same calls (`.route()` would be invisible to the spec, so it is not used).

pub mod actions;
pub mod annual_report;
pub mod audit;
pub mod auth;
pub mod case_learning;
pub mod clients;
pub mod contacts;
pub mod dashboard;
pub mod events;
pub mod evidence;
pub mod fallback;
pub mod health;
pub mod imports;
pub mod me;
pub mod meetings;
pub mod moves;
pub mod national;
pub mod notifications;
pub mod organisations;
pub mod reviews;
pub mod staff;
pub mod transfers;
pub mod users;
pub mod webhooks;

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
                .configure(contacts::configure)
                .configure(staff::configure)
                .configure(meetings::configure)
                .configure(actions::configure)
                .configure(case_learning::configure)
                .configure(annual_report::configure)
                .configure(dashboard::configure)
                .configure(transfers::configure)
                .configure(moves::configure)
                .configure(notifications::configure)
                .configure(imports::configure)
                .configure(reviews::configure)
                .configure(evidence::configure)
                .configure(events::configure)
                .configure(webhooks::configure)
                .configure(national::configure),
        );
}
