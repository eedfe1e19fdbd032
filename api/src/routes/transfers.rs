//! Reorganisations: moving the open reviews of a dissolved ICB to its successor.

use actix_web::{post, web};
use leder_domain::OdsCode;
use leder_domain::organisations::OrgKind;
use leder_domain::workflow::Role;
use leder_persistence::PersistenceError;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::review_store;
use leder_persistence::repo::reviews::{self as repo, CaseScope, ChangeActor};
use serde_json::json;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::render_json;
use crate::clock::today_in_england;
use crate::db;
use crate::dto::reviews::{TransferRequest, TransferResult, Transferred};
use crate::error::{ApiError, FieldError};
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
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 404, response = crate::error::NotFound),
        (status = 409, response = crate::error::Conflict),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 422, response = crate::error::Unprocessable),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[post("/organisations/{code}/transfers")]
pub async fn transfer_reviews(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    code: web::Path<String>,
    body: ValidatedJson<TransferRequest>,
) -> Result<web::Json<TransferResult>, ApiError> {
    caller.require(&[Role::Admin])?;
    let from = code.into_inner().to_ascii_uppercase();
    let today = today_in_england();
    let hierarchy = crate::app::organisations::hierarchy(&state).await?;
    let icb = hierarchy
        .entries(&from)
        .iter()
        .find(|o| o.kind == OrgKind::Icb)
        .cloned()
        .ok_or(ApiError::NotFound)?;
    if icb.valid.contains(today) {
        return Err(ApiError::Conflict(format!(
            "{from} still exists today; only a dissolved ICB's reviews move"
        )));
    }
    let targets = body.0.targets;
    let f = from.clone();
    let open = db::run(&state, move |conn| repo::open_of(conn, &f)).await?;
    let mut plan = Vec::new();
    let mut errors = Vec::new();
    for (review_id, sub_icb) in open {
        let explicit = targets.get(&review_id).map(|t| t.to_ascii_uppercase());
        let to = match explicit {
            Some(t) => match hierarchy.resolve(&t, today) {
                Ok(r) if r.icb == t => Some(t),
                _ => {
                    errors.push(FieldError::new(
                        format!("targets.{review_id}"),
                        "not_a_current_icb",
                        "must be an ICB that exists today",
                    ));
                    None
                }
            },
            None => {
                let through_sub = sub_icb
                    .as_deref()
                    .and_then(|s| hierarchy.resolve(s, today).ok());
                let whole = hierarchy.resolve(&from, today).ok();
                match (through_sub, whole) {
                    (Some(r), _) => Some(r.icb),
                    (None, Some(r)) => Some(r.icb),
                    _ => {
                        errors.push(FieldError::new(
                            format!("targets.{review_id}"),
                            "target_required",
                            format!("{from} was split and review {review_id} has no sub-ICB location: name its ICB in targets"),
                        ));
                        None
                    }
                }
            }
        };
        if let Some(to) = to {
            plan.push((review_id, to));
        }
    }
    if !errors.is_empty() {
        let needs: Vec<serde_json::Value> = errors
            .iter()
            .filter(|e| e.code == "target_required")
            .map(|e| json!(e.field.trim_start_matches("targets.")))
            .collect();
        let mut extensions = serde_json::Map::new();
        extensions.insert("needs_target".into(), serde_json::Value::Array(needs));
        return Err(ApiError::UnprocessableWith {
            detail: format!(
                "{} review(s) need an explicit target; nothing was moved",
                errors.len()
            ),
            errors,
            extensions,
        });
    }
    let actor = ChangeActor {
        id: Some(caller.id.clone()),
        roles: caller.roles_text(),
        chain_id: state.audit.chain_id().to_owned(),
        audit: caller.audit_entry(&info, "transfer", "success"),
    };
    let from_icb = from.clone();
    let moved = db::run(&state, move |conn| {
        leder_persistence::connection::write_transaction(conn, |conn| {
            let mut moved = Vec::new();
            for (review_id, to) in &plan {
                let target = OdsCode::parse(to).map_err(|e| {
                    PersistenceError::Reference(format!("transfer target {to}: {e}"))
                })?;
                let Some(mut review) = review_store::load_for_change(
                    conn,
                    review_id,
                    &CaseScope::Icb(from_icb.clone()),
                )?
                else {
                    continue;
                };
                let from_stage = review.stage.as_str();
                let happened = review.transfer_to(target);
                review.touch(now_utc());
                let stored =
                    review_store::store_change(conn, review, from_stage, &happened, &actor, None)?;
                review_store::emit(conn, &stored, &happened, &render_json(&stored))?;
                moved.push(Transferred {
                    review_id: review_id.clone(),
                    from: from_icb.clone(),
                    to: to.clone(),
                });
            }
            Ok(moved)
        })
    })
    .await?;
    Ok(web::Json(TransferResult { transferred: moved }))
}
