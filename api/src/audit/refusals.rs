//! Refused attempts are audited, a bounded number per caller. What counts as refused, for a
//! signed-in caller on an `/api/v1` route:
//!
//! - every 403: the caller's role may not do this (listing cases as an admin, say);
//! - a 404 on the route of one thing or of one ICB (`/reviews/{id}/...`, `/actions/{id}`,
//!   `/webhooks/{id}`, `/users/{id}`, `/clients/{id}`, `/organisations/{code}/actions`,
//!   `/meetings`, `/reports/annual`, `/transfers`) or for the audit trail of one subject
//!   (`/audit?subject=`): it is missing or not the caller's, and the answer does not say which;
//! - a list whose filter reached outside the caller's scope (`/reviews?organisation=` another
//!   ICB, or a reviewer asking for another reviewer's cases): the answer holds none of it, and
//!   the handler marks it with [`OutOfScope`].
//!
//! The entry (action and outcome `refused`) names the thing tried as its subject, recorded
//! against that thing's ICB, so that the ICB's lead sees who probed it; `organisation:<code>`
//! for an ICB's own routes. Recording is limited per caller in a one-minute window: someone
//! walking through ids fills the trail with their first [`REFUSALS_PER_MINUTE`] attempts a
//! minute, then one entry (outcome `rate_limited`) saying that their further refusals that
//! minute go unrecorded, and nothing more until the window ends. The budget is per process:
//! N replicas record at most N times as many.

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_persistence::repo::audit::subject_organisation;

use crate::audit::RequestInfo;
use crate::auth::caller::{authenticate, bearer};
use crate::db;
use crate::rate_limit::{Admission, RateLimiter};
use crate::state::AppState;

/// The most refusals recorded per caller per minute (then one `rate_limited` entry).
pub const REFUSALS_PER_MINUTE: u32 = 30;

/// The per-caller budget of recorded refusals (app data).
pub struct RefusalBudget(pub RateLimiter);

impl Default for RefusalBudget {
    fn default() -> Self {
        RefusalBudget(RateLimiter::new(REFUSALS_PER_MINUTE))
    }
}

/// Set on a request by a list handler whose filter reached outside the caller's scope: the
/// subject tried (e.g. `organisation:QE1`). The answer stays what it was (a page without it).
#[derive(Debug, Clone)]
pub struct OutOfScope(pub String);

impl OutOfScope {
    /// Marks `req` as having tried `subject`.
    pub fn mark(req: &HttpRequest, subject: String) {
        req.extensions_mut().insert(OutOfScope(subject));
    }
}

/// Where a route's subject comes from.
#[derive(Debug, Clone, Copy)]
enum Subject {
    /// The `{id}` of the path, a thing of this kind.
    Id(&'static str),
    /// The `{code}` of the path: an ICB.
    Icb,
    /// A query parameter naming a subject (`kind:id`).
    Query(&'static str),
}

/// A route whose refusals name a subject: its pattern (or the prefix of its sub-routes), where
/// the subject comes from, and whether a 404 there is a refusal (on the public routes of an
/// organisation it is only "no such code").
const AUDITED_ROUTES: [(&str, Subject, bool); 13] = [
    ("/api/v1/reviews/{id}", Subject::Id("review"), true),
    ("/api/v1/attachments/{id}", Subject::Id("attachment"), true),
    ("/api/v1/actions/{id}", Subject::Id("action"), true),
    ("/api/v1/webhooks/{id}", Subject::Id("webhook"), true),
    ("/api/v1/users/{id}", Subject::Id("user"), true),
    ("/api/v1/clients/{id}", Subject::Id("client"), true),
    ("/api/v1/organisations/{code}/actions", Subject::Icb, true),
    ("/api/v1/organisations/{code}/meetings", Subject::Icb, true),
    ("/api/v1/organisations/{code}/reports", Subject::Icb, true),
    ("/api/v1/organisations/{code}/transfers", Subject::Icb, true),
    ("/api/v1/organisations/{code}/staff", Subject::Icb, true),
    ("/api/v1/organisations/{code}/contacts", Subject::Icb, false),
    ("/api/v1/audit", Subject::Query("subject"), true),
];

/// The subject a refusal on `http` tried, and whether a 404 there is a refusal.
fn subject_of(http: &HttpRequest, pattern: &str) -> (Option<String>, bool) {
    let Some((_, from, not_found)) = AUDITED_ROUTES
        .iter()
        .find(|(prefix, _, _)| pattern == *prefix || pattern.starts_with(&format!("{prefix}/")))
    else {
        return (None, false);
    };
    let subject = match from {
        Subject::Id(kind) => http.match_info().get("id").map(|id| format!("{kind}:{id}")),
        Subject::Icb => http
            .match_info()
            .get("code")
            .map(|code| format!("organisation:{}", code.to_ascii_uppercase())),
        Subject::Query(name) => form_urlencoded::parse(http.query_string().as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned()),
    };
    (subject, *not_found)
}

/// Records a refused attempt, after the answer is made and before it is sent. A refusal that
/// cannot be recorded is logged; the answer stays the one it was.
pub async fn audit_refusals(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let res = next.call(req).await?;
    let http = res.request().clone();
    let Some(pattern) = http.match_pattern().filter(|p| p.starts_with("/api/v1/")) else {
        return Ok(res);
    };
    let out_of_scope = http.extensions().get::<OutOfScope>().map(|o| o.0.clone());
    let (route_subject, not_found_refused) = subject_of(&http, &pattern);
    let refused = match res.status() {
        StatusCode::FORBIDDEN => true,
        StatusCode::NOT_FOUND => not_found_refused,
        _ => out_of_scope.is_some(),
    };
    let (true, Some(state), Some(budget)) = (
        refused,
        http.app_data::<web::Data<AppState>>().cloned(),
        http.app_data::<web::Data<RefusalBudget>>().cloned(),
    ) else {
        return Ok(res);
    };
    // Only a signed-in caller is an actor to record; an anonymous 404 tells nobody anything.
    let Ok(caller) = authenticate(&state, bearer(&http)).await else {
        return Ok(res);
    };
    let outcome = match budget.0.admit(&caller.id) {
        Admission::Within => AuditOutcome::Refused,
        Admission::FirstOver => AuditOutcome::RateLimited,
        Admission::Over => return Ok(res),
    };
    let Ok(info) = RequestInfo::from_request(&http, &mut Payload::None).await else {
        return Ok(res);
    };
    let subject = out_of_scope.or(route_subject);
    let owner = match subject.as_deref() {
        Some(s) => {
            let s = s.to_owned();
            db::run(&state, move |conn| subject_organisation(conn, &s))
                .await
                .ok()
                .flatten()
                .flatten()
        }
        None => None,
    };
    let mut entry = caller.audit_entry(&info, AuditAction::Refused, outcome);
    entry.subject = subject.clone();
    entry.subject_organisation = owner;
    if let Err(e) = state.audit.record(entry).await {
        log::error!(
            "a refusal of {} on {pattern} to {} went unrecorded: {e}",
            subject.as_deref().unwrap_or("-"),
            caller.id
        );
    }
    Ok(res)
}
