//! `POST /reviews/{id}/child-death-review-outcome`: completes a child's case.

use actix_web::{HttpResponse, post, web};
use leder_domain::audit::AuditAction;
use leder_domain::review::OutcomeError;
use leder_persistence::reference::now_utc;

use crate::app::reviews;
use crate::app::reviews::ReviewChange;
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::answer;
use crate::cases::{actor_of, refusal};
use crate::clock::today_in_england;
use crate::dto::reviews::ChildDeathReviewOutcomeRequest;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Record the Child Death Review outcome
///
/// The lead records the outcome of the statutory Child Death Review for a child's death that
/// LeDeR referred; the case is then completed.
#[utoipa::path(
    tag = "reviews",
    operation_id = "record_child_death_review_outcome",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    request_body = ChildDeathReviewOutcomeRequest,
    responses(
        (status = 200, description = "The completed case", body = crate::dto::reviews::Review, headers(("ETag" = String))),
        crate::error::sets::ChangeErrors,
    )
)]
#[post(
    "/reviews/{id}/child-death-review-outcome",
    wrap = "crate::idempotency::Idempotency::ReplayCase"
)]
pub async fn record_child_death_review_outcome(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
    body: ValidatedJson<ChildDeathReviewOutcomeRequest>,
) -> Result<HttpResponse, ApiError> {
    let outcome = body
        .0
        .to_domain()
        .map_err(|e| ApiError::unprocessable(vec![e]))?;
    let actor = actor_of(&caller)?;
    let today = today_in_england();
    let change = ReviewChange::new(
        &state,
        &caller,
        &info,
        AuditAction::RecordChildDeathReviewOutcome,
        id.into_inner(),
        None,
    );
    let review = reviews::change(&state, &caller, change, move |review| {
        review
            .record_child_death_review_outcome(&actor, outcome, today, now_utc())
            .map_err(|e| match e {
                OutcomeError::Refused(r) => refusal(&r),
                OutcomeError::Invalid(e) => {
                    ApiError::invalid_field(e.field(), e.code(), e.to_string())
                }
            })
    })
    .await?;
    Ok(answer(&review))
}
