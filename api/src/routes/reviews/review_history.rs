//! `GET /reviews/{id}/history`: every stage change and edit.

use actix_web::{get, web};
use leder_domain::audit::AuditAction;
use leder_persistence::repo::reviews::{self as repo};

use crate::app::reviews::{audit_reads, load};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::db;
use crate::dto::reviews::{History, HistoryEntry};
use crate::dto::utc;
use crate::error::ApiError;
use crate::state::AppState;

/// A case's history
///
/// Every stage change and edit, who and when, oldest first.
#[utoipa::path(
    tag = "reviews",
    operation_id = "review_history",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    responses(
        (status = 200, description = "The history", body = History),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/reviews/{id}/history")]
pub async fn review_history(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<web::Json<History>, ApiError> {
    let case = load(&state, &caller, id.into_inner()).await?;
    let review_id = case.id.clone();
    let rows = db::run(&state, move |conn| repo::history(conn, &review_id)).await?;
    audit_reads(
        &state,
        &caller,
        &info,
        AuditAction::ReadHistory,
        &[(case.id.clone(), case.organisation.as_str().to_owned())],
    )
    .await?;
    Ok(web::Json(History {
        items: rows
            .into_iter()
            .map(|h| HistoryEntry {
                id: h.id,
                occurred_at: utc(h.occurred_at),
                actor_id: h.actor_id,
                action: h.action,
                from_status: h.from,
                to_status: h.to,
                detail: h.detail,
            })
            .collect(),
    }))
}
