//! Reorganisations: moving the open reviews of a dissolved ICB to its successor.

use actix_web::{post, web};
use leder_domain::audit::AuditAction;
use leder_domain::workflow::Role;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::dto::reviews::{TransferRequest, TransferResult};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(transfer_reviews);
}

/// Transfer a dissolved ICB's open reviews
///
/// Admin only. Each open review of the dissolved ICB `code` moves to the ICB responsible today:
/// its whole successor, or, for a split ICB, the ICB its sub-ICB location now belongs to.
/// Reviews that cannot be placed so need an explicit target (`targets`: review id → ICB), or
/// nothing moves (422, listing them in `errors`). Closed reviews keep their organisation. Each
/// move is audited and emits `review.transferred` with the case's full state.
#[utoipa::path(
    tag = "reviews",
    operation_id = "transfer_reviews",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The dissolved ICB's ODS code")),
    request_body = TransferRequest,
    responses(
        (status = 200, description = "What moved", body = TransferResult),
        crate::error::sets::ChangeErrors,
    )
)]
#[post(
    "/organisations/{code}/transfers",
    wrap = "crate::idempotency::Idempotency::Replay"
)]
pub async fn transfer_reviews(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    code: web::Path<String>,
    body: ValidatedJson<TransferRequest>,
) -> Result<web::Json<TransferResult>, ApiError> {
    caller.require(&[Role::Admin])?;
    let actor = state.audit.author(&caller, &info, AuditAction::Transfer);
    let moved =
        crate::app::transfers::transfer(&state, code.into_inner(), body.0.targets, actor).await?;
    Ok(web::Json(TransferResult { transferred: moved }))
}
