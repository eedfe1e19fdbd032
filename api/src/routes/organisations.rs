//! Organisations: the dated NHS hierarchy (public reference data).

use actix_web::{get, post, web};
use leder_domain::organisations::OrgKind;
use leder_persistence::repo::organisations::{self as repo, OrganisationFilter};
use serde::Deserialize;
use time::Date;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::clock::today_in_england;
use crate::db;
use crate::dto::organisations::{
    NamedOrganisation, Organisation, OrganisationDetails, OrganisationPage, Resolution,
    ResolveRequest,
};
use crate::dto::wire;
use crate::error::ApiError;
use crate::extract::{Listed, Page, Query, ValidatedJson};
use crate::state::AppState;

/// Registers the organisation routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_organisations)
        .service(resolve_area_code)
        .service(get_organisation);
}

/// The filters of the organisation list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrganisationFilters {
    /// Only this kind.
    #[param(schema_with = wire::schema::named::<OrgKind>)]
    #[serde(default, with = "wire::option")]
    kind: Option<OrgKind>,
    /// Only organisations valid on this date (`YYYY-MM-DD`, today in England by default); the
    /// parent shown is the one in force that day.
    #[param(value_type = Option<String>, format = Date, example = "2025-01-01")]
    #[serde(default, deserialize_with = "crate::extract::query::date")]
    valid_on: Option<Date>,
    /// Only children of this parent on `valid_on` (e.g. the sub-ICB locations of `QOP`).
    #[param(example = "QOP")]
    parent_code: Option<String>,
}

/// List organisations valid on a date
///
/// ICBs, sub-ICB locations, CCGs and regions valid on `valid_on` (today in England by default),
/// each with the parent in force that day, ordered by code. 42 ICBs were valid on 2025-01-01 and
/// 36 from 2026-04-01.
#[utoipa::path(
    tag = "organisations",
    operation_id = "list_organisations",
    params(OrganisationFilters, Page),
    responses(
        (status = 200, description = "One page of organisations", body = OrganisationPage),
        (status = 400, response = crate::error::BadRequest),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/organisations")]
pub async fn list_organisations(
    state: web::Data<AppState>,
    query: Listed<OrganisationFilters>,
) -> Result<web::Json<OrganisationPage>, ApiError> {
    let Listed { filter: f, page } = query;
    let filter = OrganisationFilter {
        kind: f.kind,
        valid_on: f.valid_on.unwrap_or_else(today_in_england),
        parent_code: f.parent_code.map(|c| c.to_ascii_uppercase()),
        after: page.after()?,
        limit: page.fetch(),
    };
    let mut rows = db::run(&state, move |conn| repo::list(conn, &filter)).await?;
    let next_cursor = page.finish(&mut rows, |r| (r.code.clone(), r.kind.as_str().to_owned()));
    Ok(web::Json(OrganisationPage {
        items: rows.into_iter().map(Organisation::from).collect(),
        next_cursor,
    }))
}

/// The parameters of one organisation.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct GetParams {
    /// Which kind, for a code that has been a CCG and a sub-ICB location.
    #[param(schema_with = wire::schema::named::<OrgKind>)]
    #[serde(default, with = "wire::option")]
    kind: Option<OrgKind>,
    /// The date for `parent_code` and for choosing between kinds (today by default).
    #[param(value_type = Option<String>, format = Date, example = "2026-05-01")]
    #[serde(default, deserialize_with = "crate::extract::query::date")]
    valid_on: Option<Date>,
}

/// Get one organisation with its history
///
/// The organisation with this ODS code valid on `valid_on` (or of `kind`), with every parent
/// link over time and its successors and predecessors. A dissolved body is still found.
#[utoipa::path(
    tag = "organisations",
    operation_id = "get_organisation",
    params(("code" = String, Path, description = "ODS code", example = "QOP"), GetParams),
    responses(
        (status = 200, description = "The organisation", body = OrganisationDetails),
        (status = 400, response = crate::error::BadRequest),
        (status = 404, response = crate::error::NotFound),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/organisations/{code}")]
pub async fn get_organisation(
    state: web::Data<AppState>,
    code: web::Path<String>,
    Query(query): Query<GetParams>,
) -> Result<web::Json<OrganisationDetails>, ApiError> {
    let (kind, valid_on) = (query.kind, query.valid_on.unwrap_or_else(today_in_england));
    let code = code.into_inner().to_ascii_uppercase();
    let detail = db::run(&state, move |conn| repo::get(conn, &code, kind, valid_on)).await?;
    let detail = detail.ok_or(ApiError::NotFound)?;
    Ok(web::Json(detail.into()))
}

/// Find the ICB responsible for an area code on a date
///
/// Applies the responsible-body rule that routes notifications: a CCG code used after
/// 2022-06-30 means its sub-ICB location; a sub-ICB location resolves to its parent on the date;
/// a dissolved ICB follows its successor, and a split one needs the sub-ICB location (422).
#[utoipa::path(
    tag = "organisations",
    operation_id = "resolve_area_code",
    request_body = ResolveRequest,
    responses(
        (status = 200, description = "The responsible ICB", body = Resolution),
        (status = 400, response = crate::error::BadRequest),
        (status = 413, response = crate::error::PayloadTooLarge),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 422, response = crate::error::Unprocessable),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[post(
    "/organisations/resolve",
    wrap = "crate::idempotency::Idempotency::Replay"
)]
pub async fn resolve_area_code(
    state: web::Data<AppState>,
    body: ValidatedJson<ResolveRequest>,
) -> Result<web::Json<Resolution>, ApiError> {
    let request = body.0;
    let on = request.date.unwrap_or_else(today_in_england);
    let area_code = request.area_code.trim().to_ascii_uppercase();
    let hierarchy = crate::app::organisations::hierarchy(&state).await?;
    let resolved = hierarchy
        .resolve(&area_code, on)
        .map_err(|e| ApiError::invalid_field("area_code", e.code(), e.to_string()))?;
    let mut codes = vec![resolved.icb.clone()];
    codes.extend(resolved.sub_icb_location.clone());
    let names = db::run(&state, move |conn| repo::names(conn, &codes)).await?;
    let named = |code: &str| NamedOrganisation {
        code: code.to_owned(),
        name: names.get(code).cloned().unwrap_or_default(),
    };
    Ok(web::Json(Resolution {
        area_code,
        date: on,
        icb: named(&resolved.icb),
        sub_icb_location: resolved.sub_icb_location.as_deref().map(named),
    }))
}
