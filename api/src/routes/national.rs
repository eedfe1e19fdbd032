//! The national outputs (API.md, "National (anonymised)"): `national_analyst` only. Both are
//! audited: who took which extract or figures, and when.

use leder_domain::audit::{AuditAction, AuditOutcome};
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, get, web};
use leder_domain::Cohort;
use leder_domain::workflow::Role;
use leder_persistence::repo::national::{self as repo, Selection};
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::db;
use crate::dto::national::Statistics;
use crate::dto::wire;
use crate::error::ApiError;
use crate::extract::{Query, Year};
use crate::national::extract::{Plan, plan};
use crate::national::statistics::{By, Request, compute};
use crate::national::stream::{Format, stream, summary_headers};
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(national_records).service(national_statistics);
}

/// Query parameters of the extract.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RecordsParams {
    /// Deaths in this calendar year only (every year when absent).
    #[param(value_type = Option<i32>, example = 2025, minimum = 2015, maximum = 2100)]
    year: Option<Year>,
    /// Every eligible review, open ones too (default: completed reviews only).
    include_open: Option<bool>,
}

/// Query parameters of the statistics.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatisticsParams {
    /// The calendar year of death.
    #[param(value_type = i32, example = 2025, minimum = 2015, maximum = 2100)]
    year: Year,
    /// The breakdown.
    #[param(schema_with = wire::schema::named::<By>, example = "sex")]
    #[serde(default, with = "wire::option")]
    by: Option<By>,
    /// The cohort counted: `adults_ld` (adults with a learning disability, the default, as the
    /// national reports lead with), `children_ld` (children through the Child Death Review) or
    /// `autistic_adults` (autistic adults without a learning disability). With `by=cohort` and
    /// no `cohort`, every cohort is counted.
    #[param(schema_with = wire::schema::named::<Cohort>, example = "adults_ld")]
    #[serde(default, with = "wire::option")]
    cohort: Option<Cohort>,
    /// Open reviews as well as completed ones (default false).
    include_open: Option<bool>,
}

/// The extract's format from `Accept` (406 when it names neither).
fn format_asked(req: &HttpRequest) -> Result<Format, ApiError> {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    Format::from_accept(accept).ok_or_else(|| {
        ApiError::NotAcceptable(
            "the extract is application/x-ndjson or text/csv; ask for one of them in Accept".into(),
        )
    })
}

/// The extract's answer before its body: content type, the summary headers and, for CSV, a
/// file name naming the years.
fn extract_response(format: Format, plan: &Plan, years: &str) -> HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response.content_type(format.content_type());
    for (name, value) in summary_headers(&plan.summary) {
        response.insert_header((name, value));
    }
    if format == Format::Csv {
        let name = format!("leder-national-records-{years}.csv");
        response.insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ));
    }
    response
}

/// The anonymised row-level extract
///
/// One row per completed review (with `include_open=true`, per eligible review) in the
/// anonymised shape of DOMAIN.md: a keyed pseudonym, never a name, NHS number, address, exact
/// date, free text or reviewer. k-anonymous (k = 5 unless configured) on age band, sex, ethnic
/// group, ICB and quarter of death: small classes lose the quarter, then the ICB (region kept),
/// then the fine age band; rows still in a class under k are withheld. NDJSON
/// (`application/x-ndjson`, the default) ends with a `{"summary": ...}` line; CSV (`text/csv`)
/// has a header line. The counts are in the `Leder-*` headers of both. Streamed: memory does not
/// grow with the number of rows. A stream cut short by an error has no summary line.
#[utoipa::path(
    tag = "national",
    operation_id = "national_records",
    security(("bearer" = [])),
    params(RecordsParams),
    responses(
        (status = 200, description = "The rows, streamed",
            content(
                (crate::dto::national::ExtractRecord = "application/x-ndjson"),
                (String = "text/csv"),
            ),
            headers(
                ("Leder-Rows-Selected" = u64, description = "Reviews selected"),
                ("Leder-Rows-Published" = u64, description = "Rows in the body"),
                ("Leder-Rows-Withheld" = u64, description = "Rows withheld (class under k)"),
                ("Leder-Generalised-Quarter-To-Year" = u64, description = "Rows whose quarter became the year"),
                ("Leder-Generalised-Icb-To-Region" = u64, description = "Rows whose ICB became the region"),
                ("Leder-Generalised-Age-Band-To-Broad" = u64, description = "Rows whose age band became 4-17, 18-64 or 65+"),
                ("Leder-K-Anonymity" = u64, description = "The k applied"),
                ("Leder-Extracted-At" = String, description = "When the extract started (RFC 3339, UTC)"),
            )
        ),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 406, response = crate::error::NotAcceptable),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/national/records")]
pub async fn national_records(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    req: HttpRequest,
    Query(query): Query<RecordsParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::NationalAnalyst])?;
    let (year, include_open) = (query.year.map(|y| y.0), query.include_open.unwrap_or(false));
    let format = format_asked(&req)?;
    let extracted_at = OffsetDateTime::now_utc();
    let (selection, classes) = db::run(&state, move |conn| {
        let selection = Selection::counting(conn, year, include_open, None)?;
        Ok((selection, repo::class_sizes(conn, &selection)?))
    })
    .await?;
    let hierarchy = crate::app::organisations::hierarchy(&state).await?;
    let plan = Arc::new(plan(
        &classes,
        &hierarchy,
        state.config.k_anonymity,
        &selection,
        extracted_at,
    ));
    let years = selection.year.map_or("all".to_owned(), |y| y.to_string());
    let mut entry = caller.audit_entry(&info, AuditAction::NationalExtract, AuditOutcome::Success);
    entry.subject = Some(format!("national:records:{years}"));
    state.audit.record(entry).await?;
    Ok(extract_response(format, &plan, &years).streaming(stream(
        state.pool.clone(),
        plan,
        state.pseudonym_key.clone(),
        selection,
        format,
    )))
}

/// National statistics for a year of death
///
/// Over completed reviews of deaths in the calendar year (`include_open=true` adds open ones)
/// of one cohort (`adults_ld` unless `cohort` says otherwise; every cohort with `by=cohort`),
/// broken down `by` sex, ethnic group, age band, ICB, region, cohort or level of learning
/// disability (`not_recorded` where the form does not say): deaths, median age at death,
/// avoidable, preventable and treatable deaths and the avoidable share (ONS 2020 definition),
/// reviews by care grade, the 10 leading underlying causes (3-character ICD-10 with their WHO
/// titles; a cause under a placeholder category such as U07 by its 4-character code, so
/// COVID-19 is U07.1 or U07.2) and the shares completed within 6 months of notification, as
/// such and net of holds, over LeDeR-reviewed cases only (a Child Death Review case is not
/// timed). Synthetic (demonstration) reviews are left out whenever a real review exists.
/// `total` is national and
/// shown as counted; every group follows NHS England's disclosure rule (1–7 null, 8 and over
/// rounded to 5; medians and shares of groups under 8 deaths null), naming what it withheld in
/// `suppressed`. Every response names its definition versions and `extracted_at`.
#[utoipa::path(
    tag = "national",
    operation_id = "national_statistics",
    security(("bearer" = [])),
    params(StatisticsParams),
    responses(
        (status = 200, description = "The figures", body = Statistics),
        crate::error::sets::ListErrors,
    )
)]
#[get("/national/statistics")]
pub async fn national_statistics(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    Query(query): Query<StatisticsParams>,
) -> Result<web::Json<Statistics>, ApiError> {
    caller.require(&[Role::NationalAnalyst])?;
    let (year, by, include_open) = (query.year.0, query.by, query.include_open.unwrap_or(false));
    let cohort = match (query.cohort, by) {
        (None, Some(By::Cohort)) => None,
        (asked, _) => Some(asked.unwrap_or(Cohort::AdultsLd)),
    };
    let extracted_at = OffsetDateTime::now_utc();
    let counts = db::run(&state, move |conn| {
        let selection = Selection::counting(conn, Some(year), include_open, cohort)?;
        repo::statistics_counts(conn, &selection, by)
    })
    .await?;
    let hierarchy = crate::app::organisations::hierarchy(&state).await?;
    let mut entry = caller.audit_entry(
        &info,
        AuditAction::NationalStatistics,
        AuditOutcome::Success,
    );
    entry.subject = Some(format!("national:statistics:{year}"));
    state.audit.record(entry).await?;
    let statistics = compute(
        &Request {
            year,
            by,
            cohort,
            include_open,
            extracted_at,
        },
        &counts,
        &hierarchy,
    )
    .map_err(ApiError::internal)?;
    Ok(web::Json(statistics))
}
