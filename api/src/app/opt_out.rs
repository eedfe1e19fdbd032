//! The national data opt-out check of a case whose opt-out was not known at notification: the
//! lead or the ICB's case system records its outcome before allocation; a positive one erases
//! the person (and the case's documents) as at intake.

use leder_domain::audit::AuditAction;
use leder_domain::review::{OptOutCheckResult, Review};
use leder_persistence::reference::now_utc;

use crate::app::reviews::{self, ReviewChange};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::{actor_of, refusal};
use crate::clock::today_in_england;
use crate::dto::reviews::OptOutCheckRequest;
use crate::error::ApiError;
use crate::state::AppState;

/// Records the check's outcome on the review `id` (422 for a check dated after today).
pub async fn record_check(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    check: OptOutCheckRequest,
) -> Result<Review, ApiError> {
    let today = today_in_england();
    if check.checked_on > today {
        return Err(ApiError::invalid_field(
            "checked_on",
            "in_the_future",
            "the check cannot be dated after today",
        ));
    }
    let actor = actor_of(caller)?;
    let result = OptOutCheckResult {
        opted_out: check.opted_out,
        checked_on: check.checked_on,
        source: check.source.trim().to_owned(),
    };
    let change = ReviewChange::new(state, caller, info, AuditAction::OptOutCheck, id, None);
    let review = reviews::change(state, caller, change, move |review| {
        review
            .record_opt_out_check(&actor, result, today, now_utc())
            .map_err(|r| refusal(&r))
    })
    .await?;
    if review.person.is_none() {
        // The change erased the case's documents' rows; their objects go now (or, if this
        // fails, with the sweep: no row names them).
        crate::app::retention::remove_documents(&state.storage, std::slice::from_ref(&review.id))
            .await;
    }
    Ok(review)
}
