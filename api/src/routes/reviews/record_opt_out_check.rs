//! `POST /reviews/{id}/opt-out-check`: the national data opt-out check of a case that nobody
//! could answer for at notification.

use actix_web::{HttpResponse, post, web};

use crate::app::opt_out;
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::answer;
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
    let review = opt_out::record_check(&state, &caller, &info, id.into_inner(), body.0).await?;
    Ok(answer(&review))
}
