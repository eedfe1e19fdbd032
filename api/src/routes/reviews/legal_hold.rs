//! `PUT` and `DELETE /reviews/{id}/legal-hold` (admin): a review under legal hold is never
//! disposed of after its retention period (DOMAIN.md, "Retention"). Setting and lifting are
//! audited; the admin needs no case data to do either, and is shown none.

use actix_web::{HttpResponse, delete, put, web};
use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_domain::retention::LegalHoldReason;
use leder_domain::workflow::Role;
use leder_persistence::repo::retention::{self, HoldChange};

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::db;
use crate::dto::retention::{LegalHold, LegalHoldRequest};
use crate::dto::utc;
use crate::error::{ApiError, FieldError};
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Put a review under legal hold
///
/// Keeps the review's identifiable data past its retention period until the hold is lifted.
/// A new reason replaces the old one and keeps the hold's start. Admin only; audited. 409 when
/// the review's identifiable data has already been disposed of.
#[utoipa::path(
    tag = "reviews",
    operation_id = "set_legal_hold",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    request_body = LegalHoldRequest,
    responses(
        (status = 200, description = "The review is under legal hold", body = LegalHold),
        crate::error::sets::ChangeErrors,
    )
)]
#[put("/reviews/{id}/legal-hold")]
pub async fn set_legal_hold(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
    body: ValidatedJson<LegalHoldRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin])?;
    let reason = LegalHoldReason::parse(&body.0.reason).map_err(|e| ApiError::Unprocessable {
        detail: e.to_string(),
        errors: vec![FieldError::new("reason", e.code(), e.to_string())],
    })?;
    let audited = state.audit.audited(caller.audit_entry(
        &info,
        AuditAction::LegalHold,
        AuditOutcome::Success,
    ));
    let review_id = id.into_inner();
    let target = review_id.clone();
    let change = db::run(&state, move |conn| {
        retention::set_legal_hold(conn, &target, reason.as_str(), &audited)
    })
    .await?;
    match change {
        HoldChange::NotFound => Err(ApiError::NotFound),
        HoldChange::AlreadyDisposed => Err(ApiError::Conflict(
            "the review's identifiable data was disposed of after its retention period".into(),
        )),
        HoldChange::Done(None) => Err(ApiError::Internal("a hold was set but not kept".into())),
        HoldChange::Done(Some(hold)) => Ok(HttpResponse::Ok().json(LegalHold {
            review_id,
            reason: hold.reason,
            since: utc(hold.since),
        })),
    }
}

/// Lift a review's legal hold
///
/// The review is disposed of at the next daily run if its retention period has passed. Admin
/// only; audited. Lifting a review that has no hold answers 204 as well.
#[utoipa::path(
    tag = "reviews",
    operation_id = "lift_legal_hold",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    responses(
        (status = 204, description = "The review has no legal hold"),
        crate::error::sets::ReadErrors,
    )
)]
#[delete("/reviews/{id}/legal-hold")]
pub async fn lift_legal_hold(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin])?;
    let audited = state.audit.audited(caller.audit_entry(
        &info,
        AuditAction::LegalHoldLifted,
        AuditOutcome::Success,
    ));
    let target = id.into_inner();
    match db::run(&state, move |conn| {
        retention::lift_legal_hold(conn, &target, &audited)
    })
    .await?
    {
        HoldChange::NotFound => Err(ApiError::NotFound),
        _ => Ok(HttpResponse::NoContent().finish()),
    }
}
