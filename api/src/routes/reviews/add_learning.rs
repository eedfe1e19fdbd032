//! `POST /reviews/{id}/learning`: a learning point.

use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use leder_domain::review::LearningKind;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::reviews as repo;
use leder_persistence::rows::cases::{Learning, LearningRow};

use crate::app::reviews;
use crate::app::reviews::ReviewChange;
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::learning_point;
use crate::cases::{actor_of, refusal, wire};
use crate::db;
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
    let l = body.0;
    let known: Vec<String> = db::run(&state, repo::themes)
        .await?
        .into_iter()
        .map(|t| t.code)
        .collect();
    if let Some(bad) = l.themes.iter().find(|t| !known.contains(t)) {
        return Err(ApiError::invalid_field(
            "themes",
            "unknown_theme",
            format!("`{bad}` is not a theme of GET /api/v1/themes"),
        ));
    }
    let actor = actor_of(&caller)?;
    let kind = wire::<LearningKind>(l.kind.as_str())
        .ok_or_else(|| ApiError::internal("learning kind without a domain name"))?;
    let review_id = id.into_inner();
    let point_id = uuid::Uuid::now_v7().to_string();
    let mut change = ReviewChange::new(
        &state,
        &caller,
        &info,
        "add_learning",
        review_id.clone(),
        None,
    );
    // A case in the caller's scope is of the caller's ICB.
    let point = LearningRow {
        id: point_id.clone(),
        review_id,
        organisation: caller.organisation.clone().unwrap_or_default(),
        kind: kind.as_str().to_owned(),
        text: l.text.clone(),
        created_by: caller.id.clone(),
        created_at: now_utc(),
    };
    change.learning = Some(Learning::new(point, l.themes.clone()));
    let pid = point_id.clone();
    let review = reviews::change(&state, &caller, change, move |review| {
        review
            .add_learning(&actor, pid, kind)
            .map_err(|r| refusal(&r))
    })
    .await?;
    // Answer the point itself (the case's new version is in its ETag).
    let point = db::run(&state, move |conn| repo::learning_point(conn, &point_id))
        .await?
        .ok_or_else(|| ApiError::internal("learning point vanished"))?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(review.version)))
        .json(learning_point(point)))
}
