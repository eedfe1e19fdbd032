//! Case actions taken through the transitions endpoint that move no stage: a family's request
//! for a focused review, the confirmation that an ethnic category stays `Z` or `99`, and the
//! family record's entry saying why there is no family contact. Each is a review change
//! (history, event, audit entry: one transaction).

use leder_domain::family::FamilyEventKind;
use leder_domain::review::{CaseAction, CaseActionError, Review};

use crate::app::family::EntryInput;

use crate::app::reviews::{self, ReviewChange};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::{actor_of, refusal};
use crate::clock::today_in_england;
use crate::dto::reviews::TransitionRequest;
use crate::error::ApiError;
use crate::state::AppState;

/// Takes `action` on the review `id` with the transition body's fields.
pub async fn take(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    action: CaseAction,
    t: TransitionRequest,
) -> Result<Review, ApiError> {
    let today = today_in_england();
    if action == CaseAction::NoFamilyContact {
        let input = EntryInput {
            contact: None,
            kind: FamilyEventKind::NoFamilyContact,
            on: today,
            note: t.reason,
        };
        let (review, _) =
            crate::app::family::record_entry(state, caller, info, id, action, input, "reason")
                .await?;
        return Ok(review);
    }
    let actor = actor_of(caller)?;
    let change = ReviewChange::new(state, caller, info, action, id, None);
    reviews::change(state, caller, change, move |review| {
        match action {
            CaseAction::FamilyRequest => review.record_family_request(
                &actor,
                t.requested_by.as_deref(),
                t.requested_on,
                today,
            ),
            CaseAction::ConfirmEthnicity => review.confirm_ethnicity(&actor, t.reason.as_deref()),
            CaseAction::NoFamilyContact => {
                return Err(ApiError::internal(
                    "no_family_contact is the family record's",
                ));
            }
        }
        .map_err(|e| refused(&e))
    })
    .await
}

/// A refused case action as the API answers it.
fn refused(e: &CaseActionError) -> ApiError {
    match e {
        CaseActionError::Refused(r) => refusal(r),
        CaseActionError::Required(field) => ApiError::invalid_field(field, e.code(), e.to_string()),
        CaseActionError::InTheFuture => {
            ApiError::invalid_field("requested_on", e.code(), e.to_string())
        }
        CaseActionError::NoFlag | CaseActionError::NotZOr99 => ApiError::Conflict(e.to_string()),
    }
}
