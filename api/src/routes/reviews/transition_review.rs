//! `POST /reviews/{id}/transitions`: a case moves through its stages.

use actix_web::{HttpResponse, post, web};
use leder_domain::review::CaseAction;
use leder_domain::workflow::Action;

use crate::app::{case_actions, transitions};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::{answer, wire};
use crate::dto::reviews::TransitionRequest;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Move a case through its stages
///
/// `allocate` (lead; `reviewer_id`; a reallocation from in_review needs `reason`), `start`,
/// `escalate` (`reason`), `submit`, `return` (`comment`), `approve`, `sign_off`, `hold` (`reason`
/// from the hold list; `comment` for `other`; before allocation the lead only) and `resume`.
/// Two case actions move no stage: `family_request` (the lead records that the family asked
/// for a focused review, with `requested_by` and `requested_on`, at any open stage of a LeDeR
/// review before sign-off; always granted: the review becomes focused for `family_request`)
/// and `confirm_ethnicity` (the lead or allocated reviewer confirms with `reason` that an ethnic
/// category of `Z` or `99` stays so after asking: the data-quality flag is resolved and no
/// focused review follows; 409 when no flag is open or the category is missing), and
/// `no_family_contact` (the lead or allocated reviewer records, with `reason`, that no family
/// member or anyone close can be contacted: an entry of the family record, which submission
/// needs when there is no contact). 404 out of
/// scope, 403 when the role may not, 409 when the stage does not allow it, 422 when a rule is
/// broken.
#[utoipa::path(
    tag = "reviews",
    operation_id = "transition_review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "The case at its new stage", body = crate::dto::reviews::Review, headers(("ETag" = String))),
        crate::error::sets::ChangeErrors,
    )
)]
#[post(
    "/reviews/{id}/transitions",
    wrap = "crate::idempotency::Idempotency::ReplayCase"
)]
pub async fn transition_review(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
    body: ValidatedJson<TransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let t = body.0;
    if let Some(case_action) = wire::<CaseAction>(&t.action) {
        let id = id.into_inner();
        let review = case_actions::take(&state, &caller, &info, id, case_action, t).await?;
        return Ok(answer(&review));
    }
    let action = wire::<Action>(&t.action)
        .filter(|a| *a != Action::RecordChildDeathReviewOutcome)
        .ok_or_else(|| {
            ApiError::bad_field(
                "action",
                "unknown_value",
                "must be allocate, start, escalate, submit, return, approve, sign_off, hold, \
                 resume, family_request, confirm_ethnicity or no_family_contact",
            )
        })?;
    let review = transitions::take(&state, &caller, &info, id.into_inner(), action, t).await?;
    Ok(answer(&review))
}
