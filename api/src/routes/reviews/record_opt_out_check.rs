//! `POST /reviews/{id}/opt-out-check`: the national data opt-out check of a case that nobody
//! could answer for at notification.

use actix_web::{HttpResponse, post, web};
use leder_domain::audit::AuditAction;
use leder_domain::review::OptOutCheckResult;
use leder_persistence::reference::now_utc;

use crate::app::reviews::{self, ReviewChange};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::{actor_of, answer, refusal};
use crate::clock::today_in_england;
use crate::dto::reviews::OptOutCheckRequest;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Record the national data opt-out check
///
/// For the ICB's lead and its ICS system (`integration`), while the case awaits allocation (or
/// is on hold before it); a case whose notifier did not know (`opt_out_check.status` `needed`)
/// is allocated only once checked. A positive result closes the case as `opted_out` and keeps
/// nothing identifiable, exactly as an opt-out known at notification: the person, the
/// notifications' person, notifier and circumstances, its evidence (involved organisations,
/// records requests and documents, their stored objects too) and the copies in the change feed. A
/// `checked_on` after today is a 422 naming it; a case past allocation is a 409.
#[utoipa::path(
    tag = "reviews",
    operation_id = "record_opt_out_check",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    request_body = OptOutCheckRequest,
    responses(
        (status = 200, description = "The case as it now stands", body = crate::dto::reviews::Review, headers(("ETag" = String))),
        crate::error::sets::ChangeErrors,
    )
)]
#[post(
    "/reviews/{id}/opt-out-check",
    wrap = "crate::idempotency::Idempotency::ReplayCase"
)]
pub async fn record_opt_out_check(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
    body: ValidatedJson<OptOutCheckRequest>,
) -> Result<HttpResponse, ApiError> {
    let today = today_in_england();
    let check = body.0;
    if check.checked_on > today {
        return Err(ApiError::invalid_field(
            "checked_on",
            "in_the_future",
            "the check cannot be dated after today",
        ));
    }
    let actor = actor_of(&caller)?;
    let result = OptOutCheckResult {
        opted_out: check.opted_out,
        checked_on: check.checked_on,
        source: check.source.trim().to_owned(),
    };
    let change = ReviewChange::new(
        &state,
        &caller,
        &info,
        AuditAction::OptOutCheck,
        id.into_inner(),
        None,
    );
    let review = reviews::change(&state, &caller, change, move |review| {
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
    Ok(answer(&review))
}
