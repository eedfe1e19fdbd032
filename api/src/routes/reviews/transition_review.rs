//! `POST /reviews/{id}/transitions`: a case moves through its stages.

use actix_web::{HttpResponse, post, web};
use leder_domain::OdsCode;
use leder_domain::review::{CaseAction, Review};
use leder_domain::workflow::{self, Action, Missing, Request};
use leder_persistence::reference::now_utc;
use leder_persistence::repo::users;

use crate::app::reviews::ReviewChange;
use crate::app::{case_actions, reviews};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::answer;
use crate::cases::{actor_of, refusal, wire};
use crate::clock::today_in_england;
use crate::db;
use crate::dto::reviews::TransitionRequest;
use crate::error::{ApiError, FieldError};
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// A refusal, with one error per missing field when the findings are incomplete.
fn incomplete_or(r: &workflow::Refusal, review: &Review) -> ApiError {
    match (r.code(), review.review_type) {
        ("findings_incomplete", Some(review_type)) => {
            let errors: Vec<FieldError> = review
                .findings
                .missing_for(review_type)
                .iter()
                .map(|m| {
                    let field = format!("findings.{}", m.as_str());
                    match m {
                        Missing::FamilyInvolvement => FieldError::new(
                            field,
                            r.code(),
                            "record the family's involvement: a family contact and what happened \
                             (/reviews/{id}/family-contacts), or why there is no family contact \
                             (the action no_family_contact); the form's own answers do not count",
                        ),
                        _ => FieldError::new(field, r.code(), r.to_string()),
                    }
                })
                .collect();
            ApiError::Unprocessable {
                detail: format!(
                    "the findings are not complete: {} field(s) missing",
                    errors.len()
                ),
                errors,
            }
        }
        _ => refusal(r),
    }
}

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
    let reviewer = match (&t.reviewer_id, action) {
        (Some(rid), Action::Allocate) => Some(reviewer_to_allocate(&state, rid.clone()).await?),
        _ => None,
    };
    let actor = actor_of(&caller)?;
    let today = today_in_england();
    let change = ReviewChange::new(&state, &caller, &info, action, id.into_inner(), None);
    let review = reviews::change(&state, &caller, change, move |review| {
        let request = Request {
            action,
            reviewer: reviewer.as_ref(),
            reason: t.reason.as_deref(),
            comment: t.comment.as_deref(),
        };
        let before = review.clone();
        review
            .transition(&request, &actor, today, now_utc())
            .map_err(|r| incomplete_or(&r, &before))
    })
    .await?;
    Ok(answer(&review))
}

/// The reviewer to allocate, as an actor with their roles and ICB (422 for no active user).
async fn reviewer_to_allocate(state: &AppState, id: String) -> Result<workflow::Actor, ApiError> {
    let user = db::run(state, move |conn| users::get(conn, &id)).await?;
    let Some(u) = user.filter(|u| !u.disabled) else {
        return Err(ApiError::invalid_field(
            "reviewer_id",
            "unknown_reviewer",
            "no active user has this id",
        ));
    };
    let roles: Vec<workflow::Role> = u.roles;
    let org = u
        .organisation
        .as_deref()
        .map(OdsCode::parse)
        .transpose()
        .map_err(ApiError::internal)?;
    workflow::Actor::new(u.id.clone(), &roles, org).map_err(ApiError::internal)
}
