//! Refusals on the routes of one thing are audited: a 403 or 404 answered to a signed-in caller
//! for `/api/v1/reviews/{id}/...` (and an action's, a webhook's or a user's route) records who
//! tried which one (outcome `refused`, subject the thing, against its ICB so that the ICB's lead
//! sees who probed it). Recording is limited
//! per caller (a fixed minute window): someone walking through ids fills the trail with their
//! first [`REFUSALS_PER_MINUTE`] attempts a minute, not with every one.

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{FromRequest, web};
use leder_persistence::repo::audit::subject_organisation;

use crate::audit::RequestInfo;
use crate::auth::caller::{authenticate, bearer};
use crate::db;
use crate::rate_limit::RateLimiter;
use crate::state::AppState;

/// The most refusals recorded per caller per minute.
pub const REFUSALS_PER_MINUTE: u32 = 30;

/// The per-caller budget of recorded refusals (app data).
pub struct RefusalBudget(pub RateLimiter);

impl Default for RefusalBudget {
    fn default() -> Self {
        RefusalBudget(RateLimiter::new(REFUSALS_PER_MINUTE))
    }
}

/// The route prefixes whose refusals are recorded, with the kind of subject their `{id}` names.
const AUDITED_ROUTES: [(&str, &str); 4] = [
    ("/api/v1/reviews/{id}", "review"),
    ("/api/v1/actions/{id}", "action"),
    ("/api/v1/webhooks/{id}", "webhook"),
    ("/api/v1/users/{id}", "user"),
];

/// Records a refusal of a review's route, after the answer is made and before it is sent. A
/// refusal that cannot be recorded is logged; the answer stays the refusal it was.
pub async fn audit_refusals(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let res = next.call(req).await?;
    if !matches!(res.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) {
        return Ok(res);
    }
    let http = res.request().clone();
    let kind = http.match_pattern().and_then(|p| {
        AUDITED_ROUTES
            .iter()
            .find(|(prefix, _)| p == *prefix || p.starts_with(&format!("{prefix}/")))
            .map(|(_, kind)| *kind)
    });
    let (Some(kind), Some(id), Some(state), Some(budget)) = (
        kind,
        http.match_info().get("id").map(str::to_owned),
        http.app_data::<web::Data<AppState>>().cloned(),
        http.app_data::<web::Data<RefusalBudget>>().cloned(),
    ) else {
        return Ok(res);
    };
    // Only a signed-in caller is an actor to record; an anonymous 404 tells nobody anything.
    let Ok(caller) = authenticate(&state, bearer(&http)).await else {
        return Ok(res);
    };
    if budget.0.check(&caller.id).is_err() {
        return Ok(res);
    }
    let Ok(info) = RequestInfo::from_request(&http, &mut Payload::None).await else {
        return Ok(res);
    };
    let subject = format!("{kind}:{id}");
    let s = subject.clone();
    let owner = db::run(&state, move |conn| subject_organisation(conn, &s)).await;
    let mut entry = caller.audit_entry(&info, "refused", "refused");
    entry.subject = Some(subject);
    entry.subject_organisation = owner.ok().flatten().flatten();
    if let Err(e) = state.audit.record(entry).await {
        log::error!(
            "a refusal of {kind} {id} to {} went unrecorded: {e}",
            caller.id
        );
    }
    Ok(res)
}
