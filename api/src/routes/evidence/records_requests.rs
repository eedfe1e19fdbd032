//! `/reviews/{id}/records-requests`: asking organisations for records.

use actix_web::{HttpResponse, get, patch, post, web};

use super::{dto, request};
use crate::app::evidence::requests::{RequestInput, create, list, set_status};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::dto::utc;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Ask for records
///
/// Asks an involved organisation (`organisation_id`, from `GET /reviews/{id}/organisations`;
/// unknown: 422) for records: what is asked, the mailbox the request goes to and a due date
/// (14 days on by default; before today: 422). Answers the request with its upload link, once:
/// the link (a 256-bit token of which only a hash is kept) works for that request only, for
/// `LEDER_UPLOAD_LINK_DAYS` (14 by default), until it is used or the request closed. By the
/// case's lead or allocated reviewer at an open stage (a QA panel member or a machine client:
/// 403; out of scope: 404; a closed, opted-out or disposed-of case: 409). Writes history, the
/// event `review.records_requested` and an audit entry (`request_records`). A retry with the
/// same `Idempotency-Key` is 409: the link is not kept to be shown again.
#[utoipa::path(
    tag = "evidence",
    operation_id = "request_records",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    request_body = dto::NewRecordsRequest,
    responses(
        (status = 201, description = "Asked; the upload link, shown once", body = dto::CreatedRecordsRequest),
        crate::error::sets::ChangeErrors,
    )
)]
#[post(
    "/reviews/{id}/records-requests",
    wrap = "crate::idempotency::Idempotency::NoReplay"
)]
pub async fn request_records(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
    body: ValidatedJson<dto::NewRecordsRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let input = RequestInput {
        organisation_id: b.organisation_id,
        asked_for: b.asked_for,
        contact_email: b.contact_email,
        due_on: b.due_on,
    };
    let (made, token) = create(&state, &caller, &info, id.into_inner(), input).await?;
    let expires_at = utc(made.state.link_expires_at);
    Ok(HttpResponse::Created().json(dto::CreatedRecordsRequest {
        request: request(made),
        upload_url: format!("/api/v1/uploads/{token}"),
        expires_at,
    }))
}

/// A case's records requests
///
/// Every records request of the case, oldest first, each with where it stands (`expired` once
/// its link expired with nothing received), whether it is overdue and how many documents came
/// through its link. For the case's lead, QA panel and allocated reviewer (a machine client:
/// 403; out of scope: 404). Audited as a read (`read_records_requests`).
#[utoipa::path(
    tag = "evidence",
    operation_id = "list_records_requests",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    responses(
        (status = 200, description = "The requests", body = dto::RecordsRequestList),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/reviews/{id}/records-requests")]
pub async fn list_records_requests(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<web::Json<dto::RecordsRequestList>, ApiError> {
    let found = list(&state, &caller, &info, id.into_inner()).await?;
    Ok(web::Json(dto::RecordsRequestList {
        items: found.into_iter().map(request).collect(),
        next_cursor: None,
    }))
}

/// Close a records request
///
/// Sets an awaited request's status by hand: `received` (the records came another way: emits
/// `review.records_received`), `declined` or `cancelled`; its link is revoked (410 from then
/// on). Another status: 422; a request closed already: 409. By the case's lead or allocated
/// reviewer (a QA panel member or a machine client: 403; out of scope or no such request of
/// the case: 404). Writes history and an audit entry (`change_records_request`).
#[utoipa::path(
    tag = "evidence",
    operation_id = "change_records_request",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Review id"),
        ("request_id" = String, Path, description = "Records request id"),
    ),
    request_body = dto::RecordsRequestStatusChange,
    responses(
        (status = 200, description = "The request as it stands", body = dto::RecordsRequest),
        crate::error::sets::ChangeErrors,
    )
)]
#[patch("/reviews/{id}/records-requests/{request_id}")]
pub async fn change_records_request(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    path: web::Path<(String, String)>,
    body: ValidatedJson<dto::RecordsRequestStatusChange>,
) -> Result<web::Json<dto::RecordsRequest>, ApiError> {
    let (id, request_id) = path.into_inner();
    let changed = set_status(&state, &caller, &info, id, request_id, body.0.status).await?;
    Ok(web::Json(request(changed)))
}
