//! `/reviews/{id}/organisations`: who was involved in the person's care.

use actix_web::{HttpResponse, get, patch, post, web};

use super::{dto, organisation};
use crate::app::evidence::organisations::{add, correct, list};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Record an organisation involved
///
/// Records an organisation involved in the person's care: the GP practice (by its ODS practice
/// code, a letter and five digits: 422 `invalid_practice_code` otherwise) or any other kind (an
/// ODS code, a name or both). The GP practice a professional's notification named is recorded
/// at intake. By the case's lead or allocated reviewer (a QA panel member or a machine client:
/// 403; out of scope: 404; an opted-out or disposed-of case: 409). Audited
/// (`record_organisation`).
#[utoipa::path(
    tag = "evidence",
    operation_id = "record_involved_organisation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    request_body = dto::NewInvolvedOrganisation,
    responses(
        (status = 201, description = "Recorded", body = dto::InvolvedOrganisation),
        crate::error::sets::ChangeErrors,
    )
)]
#[post(
    "/reviews/{id}/organisations",
    wrap = "crate::idempotency::Idempotency::Replay"
)]
pub async fn record_organisation(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
    body: ValidatedJson<dto::NewInvolvedOrganisation>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let o = add(
        &state,
        &caller,
        &info,
        id.into_inner(),
        b.kind,
        b.ods_code,
        b.name,
    )
    .await?;
    Ok(HttpResponse::Created().json(organisation(o)))
}

/// Organisations involved in a case
///
/// Every organisation recorded as involved in the person's care, in the order recorded. For the
/// case's lead, QA panel and allocated reviewer (a machine client: 403; out of scope: 404).
/// Audited as a read (`read_organisations`).
#[utoipa::path(
    tag = "evidence",
    operation_id = "list_involved_organisations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    responses(
        (status = 200, description = "The organisations", body = dto::InvolvedOrganisationList),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/reviews/{id}/organisations")]
pub async fn list_organisations(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<web::Json<dto::InvolvedOrganisationList>, ApiError> {
    let found = list(&state, &caller, &info, id.into_inner()).await?;
    Ok(web::Json(dto::InvolvedOrganisationList {
        items: found.into_iter().map(organisation).collect(),
        next_cursor: None,
    }))
}

/// Correct an involved organisation
///
/// Corrects an involved organisation's ODS code or name (its kind stays; a GP practice keeps a
/// practice code). By the case's lead or allocated reviewer, as recording is. Audited
/// (`correct_organisation`).
#[utoipa::path(
    tag = "evidence",
    operation_id = "correct_involved_organisation",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Review id"),
        ("organisation_id" = String, Path, description = "Involved organisation id"),
    ),
    request_body = dto::InvolvedOrganisationCorrection,
    responses(
        (status = 200, description = "Corrected", body = dto::InvolvedOrganisation),
        crate::error::sets::ChangeErrors,
    )
)]
#[patch("/reviews/{id}/organisations/{organisation_id}")]
pub async fn correct_organisation(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    path: web::Path<(String, String)>,
    body: ValidatedJson<dto::InvolvedOrganisationCorrection>,
) -> Result<web::Json<dto::InvolvedOrganisation>, ApiError> {
    let (id, organisation_id) = path.into_inner();
    let b = body.0;
    let o = correct(
        &state,
        &caller,
        &info,
        id,
        organisation_id,
        b.ods_code,
        b.name,
    )
    .await?;
    Ok(web::Json(organisation(o)))
}
