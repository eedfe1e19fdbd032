//! Importing existing reviews from another system (admin): the same import as `leder import`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use leder_domain::workflow::Role;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::imports::{Format, serve};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::dto::imports::{ImportReport, ImportRow};
use crate::error::{ApiError, FieldError};
use crate::extract::Query;
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(import_reviews);
}

/// Query parameters of an import.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportParams {
    /// Check the file and report what would be imported, writing nothing (default false).
    dry_run: Option<bool>,
}

/// Import existing reviews
///
/// Admin only. The body is a file of reviews another system held, one per row: NDJSON
/// (`application/x-ndjson`, one `ImportRow` a line) or CSV (`text/csv`, a header line naming
/// each column by its field's path; see the README, "Importing existing reviews", and
/// `examples/`). Each row is checked by the rules of live intake (the person, the area code on
/// the day of notification, the codes) and of the workflow, as the case is taken along the
/// stages it reached on their own days (a reviewer of the ICB, complete findings before QA, a
/// learning point before sign-off, holds from the list). A row whose source (ICB, system and
/// id) is already stored is skipped, so sending the same file again changes nothing; an
/// `Idempotency-Key` is therefore not needed (one that is not well-formed is still a 400).
///
/// All or nothing: when any row breaks a rule, nothing is imported (422, each error naming
/// `rows[N].<field>`, N counting the file's reviews from 1). Otherwise every case is stored
/// with its original dates (its due date and `overdue` follow), one `imported` history entry
/// naming the source, one `review.imported` event and one audit entry. With `dry_run=true`
/// nothing is written and the report (200) lists the counts per stage and ICB and every row
/// that fails. A body over the import limit (`LEDER_IMPORT_BODY_LIMIT`, 256 MiB by default;
/// larger files go through `leder import`) is a 413; a CSV column that is not a field of the
/// format is a 400 naming it.
#[utoipa::path(
    tag = "imports",
    operation_id = "import_reviews",
    security(("bearer" = [])),
    params(
        ImportParams,
        ("Idempotency-Key" = Option<String>, Header, description = "Not needed: an import is idempotent by its rows' sources, so a retry imports nothing twice and answers what it found. A key that is not well-formed is a 400."),
    ),
    request_body(
        description = "One review per row",
        content(
            (ImportRow = "application/x-ndjson"),
            (String = "text/csv"),
        ),
    ),
    responses(
        (status = 200, description = "Imported, or on a dry run what would be", body = ImportReport),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 413, response = crate::error::PayloadTooLarge),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 422, response = crate::error::Unprocessable),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[post("/imports", wrap = "crate::idempotency::Idempotency::OwnTransaction")]
pub async fn import_reviews(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    req: HttpRequest,
    Query(params): Query<ImportParams>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin])?;
    crate::idempotency::key_of(req.headers())?;
    let format = format_of(&req)?;
    let file = serve::spool(
        payload,
        declared_length(&req),
        state.config.import_body_limit,
    )
    .await?;
    let dry_run = params.dry_run.unwrap_or(false);
    let report = serve::import(&state, &caller, &info, format, file, dry_run).await?;
    if report.failed > 0 && !dry_run {
        return Err(nothing_imported(&report));
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(report))
}

/// The file's format, by its declared media type (415 for any other).
fn format_of(req: &HttpRequest) -> Result<Format, ApiError> {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(Format::of_media_type)
        .ok_or_else(|| {
            ApiError::UnsupportedMediaType(
                "send the file as application/x-ndjson or text/csv".into(),
            )
        })
}

/// The body's declared length, when it has one.
fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
}

/// The 422 of an import refused because rows break a rule: each row's field named.
fn nothing_imported(report: &ImportReport) -> ApiError {
    let errors = report
        .errors
        .iter()
        .map(|e| FieldError::new(format!("rows[{}].{}", e.row, e.field), &e.code, &e.message))
        .collect();
    let mut extensions = serde_json::Map::new();
    extensions.insert("rows".into(), report.rows.into());
    extensions.insert("failed".into(), report.failed.into());
    extensions.insert("errors_truncated".into(), report.errors_truncated.into());
    ApiError::UnprocessableWith {
        detail: format!(
            "{} of {} rows break a rule; nothing was imported",
            report.failed, report.rows
        ),
        errors,
        extensions,
    }
}
