//! `GET /reviews/{id}`: one case, with its ETag.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use leder_domain::audit::AuditAction;

use crate::app::reviews::{audit_reads, load};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::render;
use crate::clock::today_in_england;
use crate::dto::etag;
use crate::error::ApiError;
use crate::state::AppState;

/// Get a case
///
/// With its `ETag` (the stored version) for later updates.
#[utoipa::path(
    tag = "reviews",
    operation_id = "get_review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    responses(
        (status = 200, description = "The case", body = crate::dto::reviews::Review, headers(("ETag" = String))),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/reviews/{id}")]
pub async fn get_review(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let case = load(&state, &caller, id.into_inner()).await?;
    audit_reads(
        &state,
        &caller,
        &info,
        AuditAction::Read,
        &[(case.id.clone(), case.organisation.as_str().to_owned())],
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(case.version)))
        .json(render(&case, today_in_england())))
}
