//! `GET /organisations/{code}/dashboard`: an ICB's or a region's backlog at a glance.

use actix_web::{get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Caller;
use crate::dto::dashboard::Dashboard;
use crate::error::ApiError;
use crate::state::AppState;

/// Registers the route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(dashboard);
}

/// An ICB's or a region's dashboard
///
/// For an ICB (its lead and QA panel, the coordinator of its region, admins) one row; for an NHS
/// England region (its coordinator, admins) one row per ICB of the region today and their
/// total. Each row: open reviews by stage, reviews awaiting allocation for more than 28 days,
/// open reviews on LeDeR's clock due within 28 days and overdue (6 months from notification
/// extended by the days on hold; on hold and Child Death Review cases are not on the clock),
/// reviews on hold by reason, duplicate notifications awaiting the lead's look, and over the
/// last 12 months the median whole days from notification to first allocation and to
/// completion. Counts are not suppressed: the dashboard is not for publication. 404 for an
/// ICB or region outside the caller's, or an unknown code; 403 for a role that may not.
#[utoipa::path(
    tag = "organisations",
    operation_id = "dashboard",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "An ICB's or a region's ODS code", example = "Y62")),
    responses(
        (status = 200, description = "The dashboard", body = Dashboard),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/organisations/{code}/dashboard")]
pub async fn dashboard(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
) -> Result<web::Json<Dashboard>, ApiError> {
    let body = crate::app::dashboard::dashboard(&state, &caller, code.into_inner()).await?;
    Ok(web::Json(body))
}
