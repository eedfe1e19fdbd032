//! The ICB annual report for a financial year and the quarterly report for one quarter of it,
//! as JSON or (with `Accept: text/csv`) as CSV,
//! both written from one computed body ([`crate::annual_report`]). The ICB's lead.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use leder_domain::workflow::Role;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::annual_report::to_csv;
use crate::auth::Caller;
use crate::dto::reports::AnnualReport;
use crate::error::ApiError;
use crate::extract::{Quarter, Query, Year};
use crate::icb_scope::within_icb;
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(annual_report).service(quarterly_report);
}

/// Query parameters of the annual report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportParams {
    /// The financial year, named by the year it starts: 2025 is 1 April 2025 to 31 March 2026.
    #[param(value_type = i32, example = 2025, minimum = 2015, maximum = 2100)]
    year: Year,
    /// Suppress small numbers for publication (NHS England's disclosure rule).
    publishable: Option<bool>,
}

/// Query parameters of the quarterly report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QuarterParams {
    /// The financial year, named by the year it starts: 2025 is 1 April 2025 to 31 March 2026.
    #[param(value_type = i32, example = 2025, minimum = 2015, maximum = 2100)]
    year: Year,
    /// The quarter of that year: 1 is April to June, 2 July to September, 3 October to
    /// December, 4 January to March of the next calendar year.
    #[param(value_type = u8, example = 4, minimum = 1, maximum = 4)]
    quarter: Quarter,
    /// Suppress small numbers for publication (NHS England's disclosure rule).
    publishable: Option<bool>,
}

/// The report as JSON, or as CSV when `Accept` asks for it.
fn answer(req: &HttpRequest, report: &AnnualReport, file: &str) -> HttpResponse {
    if wants_csv(req) {
        return HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}.csv\""),
            ))
            .body(to_csv(report));
    }
    HttpResponse::Ok().json(report)
}

fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',').any(|part| {
                part.split(';')
                    .next()
                    .is_some_and(|m| m.trim() == "text/csv")
            })
        })
}

/// An ICB's annual report
///
/// For a financial year (`year=2025` is 1 April 2025 to 31 March 2026): notifications (by
/// notification date), eligibility outcomes, review types and focused reasons, reviews
/// completed (by completion date), median days to completion, the share completed within 6
/// months as such and net of holds, reviews on hold by reason, the top themes, and actions by
/// status with the overdue ones listed. JSON by default; CSV (`section,item,value,label`) with
/// `Accept: text/csv`. `publishable=true` applies the disclosure rule. The ICB's lead, and the
/// coordinator of the ICB's region.
#[utoipa::path(
    tag = "actions",
    operation_id = "annual_report",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The ICB's ODS code", example = "QOP"), ReportParams),
    responses(
        (status = 200, description = "The report", content(
            (AnnualReport = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 404, response = crate::error::NotFound),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/organisations/{code}/reports/annual")]
pub async fn annual_report(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    code: web::Path<String>,
    Query(query): Query<ReportParams>,
) -> Result<HttpResponse, ApiError> {
    let org = within_icb(&caller, &code, &[Role::IcsLead, Role::RegionalCoordinator])?;
    let (year, publishable) = (query.year.0, query.publishable.unwrap_or(false));
    let report = crate::app::reports::annual(&state, org.clone(), year, None, publishable).await?;
    Ok(answer(
        &req,
        &report,
        &format!("leder-annual-report-{org}-{year}"),
    ))
}

/// An ICB's quarterly report
///
/// The annual report's shape for one quarter of the financial year (`year=2025&quarter=4` is 1
/// January to 31 March 2026; `quarter=1` of 2026 starts on 1 April 2026): notifications by
/// notification date, completions and the deaths section by completion date, holds and
/// actions in the quarter. JSON by default; CSV (`section,item,value,label`) with
/// `Accept: text/csv`. `publishable=true` applies the disclosure rule. The ICB's lead, and the
/// coordinator of the ICB's region.
#[utoipa::path(
    tag = "actions",
    operation_id = "quarterly_report",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The ICB's ODS code", example = "QOP"), QuarterParams),
    responses(
        (status = 200, description = "The report", content(
            (AnnualReport = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 404, response = crate::error::NotFound),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/organisations/{code}/reports/quarterly")]
pub async fn quarterly_report(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    code: web::Path<String>,
    Query(query): Query<QuarterParams>,
) -> Result<HttpResponse, ApiError> {
    let org = within_icb(&caller, &code, &[Role::IcsLead, Role::RegionalCoordinator])?;
    let (year, quarter) = (query.year.0, query.quarter.0);
    let publishable = query.publishable.unwrap_or(false);
    let report =
        crate::app::reports::annual(&state, org.clone(), year, Some(quarter), publishable).await?;
    let file = format!("leder-quarterly-report-{org}-{year}-q{quarter}");
    Ok(answer(&req, &report, &file))
}
