//! A move of a case through its stages (allocate, start, submit, return, approve, sign off,
//! hold, resume, escalate), decided by the domain's workflow.

use leder_domain::OdsCode;
use leder_domain::review::Review;
use leder_domain::workflow::{self, Action, Missing, Request};
use leder_persistence::reference::now_utc;
use leder_persistence::repo::users;

use crate::app::reviews::{self, ReviewChange};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::{actor_of, refusal};
use crate::clock::today_in_england;
use crate::db;
use crate::dto::reviews::TransitionRequest;
use crate::error::{ApiError, FieldError};
use crate::state::AppState;

/// Takes `action` on the review `id` as `caller`.
pub async fn take(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    action: Action,
    t: TransitionRequest,
) -> Result<Review, ApiError> {
    let reviewer = match (&t.reviewer_id, action) {
        (Some(rid), Action::Allocate) => Some(reviewer_to_allocate(state, rid.clone()).await?),
        _ => None,
    };
    let actor = actor_of(caller)?;
    let today = today_in_england();
    let change = ReviewChange::new(state, caller, info, action, id, None);
    let review = reviews::change(state, caller, change, move |review| {
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
    Ok(review)
}

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
