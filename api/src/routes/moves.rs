//! `GET /organisations/{code}/moves`: the moves to and from an ICB, so that its lead finds the
//! proposals awaiting an answer.

use actix_web::{get, web};
use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_domain::workflow::Role;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::dto::moves::{MoveList, MoveParams};
use crate::error::ApiError;
use crate::extract::Query;
use crate::icb_scope::within_icb;
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_moves);
}

/// Moves to and from an ICB
///
/// Every move of a case to or from the ICB, newest first (`status=pending`: the proposals
/// awaiting an answer). A move says which case (id and reference), between which ICBs, why
/// and where it stands; nothing of the person (the receiving lead reads the case once they
/// accept it). For the ICB's lead and admins; another ICB's: 404; any other role: 403.
/// Audited (`read_moves`).
#[utoipa::path(
    tag = "organisations",
    operation_id = "list_moves",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The ICB's ODS code", example = "QOP"), MoveParams),
    responses(
        (status = 200, description = "The moves", body = MoveList),
        (status = 400, response = crate::error::BadRequest),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/organisations/{code}/moves")]
pub async fn list_moves(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    code: web::Path<String>,
    Query(query): Query<MoveParams>,
) -> Result<web::Json<MoveList>, ApiError> {
    let code = if caller.has(Role::Admin) {
        code.to_ascii_uppercase()
    } else {
        within_icb(&caller, &code, &[Role::IcsLead])?
    };
    let found = crate::app::moves::of_organisation(&state, code.clone(), query.status).await?;
    let mut entry = caller.audit_entry(&info, AuditAction::ReadMoves, AuditOutcome::Success);
    entry.subject = Some(format!("organisation:{code}"));
    entry.subject_organisation = Some(code);
    state.audit.record(entry).await?;
    Ok(web::Json(MoveList {
        items: found
            .into_iter()
            .map(|(m, reference)| crate::routes::reviews::shown_move(m, reference))
            .collect(),
        next_cursor: None,
    }))
}
