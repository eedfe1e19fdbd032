//! `/reviews/{id}/escalations`: a regional coordinator's escalations of a review.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use leder_persistence::repo::escalations::Escalation as Stored;

use crate::app::escalations;
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::dto::escalations::{Escalation, EscalationList, NewEscalation};
use crate::dto::{etag, utc};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

fn render(e: Stored) -> Escalation {
    Escalation {
        id: e.id,
        review_id: e.review_id,
        organisation: e.organisation,
        region: e.region,
        reason: e.reason,
        agreed: e.agreed,
        by_when: e.by_when,
        created_by: e.created_by,
        created_at: utc(e.created_at),
    }
}

/// Escalate a review to its region
///
/// The coordinator of the NHS England region the review's ICB belongs to today records why the
/// review is escalated (stuck, overdue), what was agreed with the ICB and by when (today or
/// later). Only on an open review; it changes no stage. Written with a history entry
/// (`regional_escalation`), a `review.escalated` event in the ICB's feed and an audit entry;
/// the review gets a new version (its `ETag`). 404 outside the coordinator's region, 403 for
/// any other role, 409 on a closed review, 422 for a blank `reason` or `agreed` or a past
/// `by_when`.
#[utoipa::path(
    tag = "reviews",
    operation_id = "record_escalation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    request_body = NewEscalation,
    responses(
        (status = 201, description = "Recorded", body = Escalation, headers(("ETag" = String, description = "The review's new version"))),
        crate::error::sets::ChangeErrors,
    )
)]
#[post(
    "/reviews/{id}/escalations",
    wrap = "crate::idempotency::Idempotency::Replay"
)]
pub async fn record_escalation(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
    body: ValidatedJson<NewEscalation>,
) -> Result<HttpResponse, ApiError> {
    let (review, escalation) =
        escalations::record(&state, &caller, &info, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(review.version)))
        .json(render(escalation)))
}

/// A review's escalations
///
/// Every regional escalation of the review, oldest first: for its case team (lead, QA panel,
/// allocated reviewer, the ICB's machine client) and the coordinator of its region. Audited.
#[utoipa::path(
    tag = "reviews",
    operation_id = "list_escalations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    responses(
        (status = 200, description = "The escalations", body = EscalationList),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/reviews/{id}/escalations")]
pub async fn list_escalations(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<web::Json<EscalationList>, ApiError> {
    let items = escalations::list(&state, &caller, &info, id.into_inner()).await?;
    Ok(web::Json(EscalationList {
        items: items.into_iter().map(render).collect(),
    }))
}
