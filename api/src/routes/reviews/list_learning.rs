//! `GET /reviews/{id}/learning`: a case's learning points.

use actix_web::{get, web};
use leder_domain::audit::AuditAction;
use leder_persistence::repo::reviews::{self as repo};

use crate::app::reviews::{audit_reads, load};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::learning_point;
use crate::db;
use crate::dto::reviews::LearningList;
use crate::error::ApiError;
use crate::state::AppState;

/// A case's learning points
#[utoipa::path(
    tag = "reviews",
    operation_id = "list_learning",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    responses(
        (status = 200, description = "Learning points, oldest first", body = LearningList),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/reviews/{id}/learning")]
pub async fn list_learning(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<web::Json<LearningList>, ApiError> {
    let case = load(&state, &caller, id.into_inner()).await?;
    let review_id = case.id.clone();
    let rows = db::run(&state, move |conn| repo::learning(conn, &review_id)).await?;
    audit_reads(
        &state,
        &caller,
        &info,
        AuditAction::ReadLearning,
        &[(case.id.clone(), case.organisation.as_str().to_owned())],
    )
    .await?;
    Ok(web::Json(LearningList {
        items: rows.into_iter().map(learning_point).collect(),
    }))
}
