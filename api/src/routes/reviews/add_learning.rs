//! `POST /reviews/{id}/learning`: a learning point.

use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use crate::app::learning;
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::learning_point;
use crate::dto::etag;
use crate::dto::reviews::NewLearning;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Add a learning point
///
/// Learning, good practice or a concern, tagged with themes from `GET /api/v1/themes`. Written
/// by the allocated reviewer while `in_review`, and by the lead at any open stage.
#[utoipa::path(
    tag = "reviews",
    operation_id = "add_learning",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    request_body = NewLearning,
    responses(
        (status = 201, description = "Added", body = crate::dto::reviews::LearningPoint),
        crate::error::sets::ChangeErrors,
    )
)]
#[post(
    "/reviews/{id}/learning",
    wrap = "crate::idempotency::Idempotency::Replay"
)]
pub async fn add_learning(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
    body: ValidatedJson<NewLearning>,
) -> Result<HttpResponse, ApiError> {
    let (review, point) = learning::add(&state, &caller, &info, id.into_inner(), body.0).await?;
    // Answer the point itself (the case's new version is in its ETag).
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(review.version)))
        .json(learning_point(point)))
}
