//! Operations endpoints: liveness, readiness and metrics.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db;
use crate::error::ApiError;
use crate::metrics::PoolGauges;
use crate::state::AppState;

/// A health answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` (alive) or `ready` (the database answers).
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness: the process answers. No I/O, so it cannot fail while the process runs.
#[utoipa::path(
    tag = "operations",
    summary = "Liveness",
    operation_id = "healthz",
    responses((status = 200, description = "The process is alive", body = Health))
)]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// Readiness: 200 when the database answers a query, else 503 (take the replica out of the
/// load balancer).
#[utoipa::path(
    tag = "operations",
    summary = "Readiness",
    operation_id = "readyz",
    responses(
        (status = 200, description = "The database answers", body = Health),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<web::Json<Health>, ApiError> {
    if !state.database_url.still_present() {
        log::error!("readiness: the database file is gone");
        return Err(ApiError::Unavailable(
            "the database is not answering".into(),
        ));
    }
    db::run(&state, leder_persistence::repo::health::ping).await?;
    Ok(web::Json(Health { status: "ready" }))
}

/// Prometheus metrics: request counts and latency by route and status, and the pool's state.
/// Open on the internal `LEDER_ADMIN_BIND` address; elsewhere any valid token is needed.
#[utoipa::path(
    tag = "operations",
    summary = "Prometheus metrics",
    operation_id = "metrics",
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Prometheus text exposition format", body = String, content_type = "text/plain; version=0.0.4"),
        (status = 401, response = crate::error::Unauthorized),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/metrics")]
pub async fn metrics(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let on_admin_bind = state
        .config
        .admin_bind
        .is_some_and(|a| a == req.app_config().local_addr());
    if !on_admin_bind {
        crate::auth::caller::authenticate(&state, crate::auth::caller::bearer(&req)).await?;
    }
    let pool = state.pool.state();
    let gauges = PoolGauges {
        connections: pool.connections,
        idle: pool.idle_connections,
        max_size: state.pool.max_size(),
    };
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render(gauges)))
}
