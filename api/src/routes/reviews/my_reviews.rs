//! `GET /me/reviews`: the signed-in reviewer's open reviews, due soonest first.

use actix_web::{get, web};
use leder_domain::audit::AuditAction;
use leder_domain::workflow::Role;
use leder_persistence::repo::staff;

use crate::app::reviews::audit_reads;
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::render;
use crate::clock::today_in_england;
use crate::db;
use crate::dto::reviews::ReviewPage;
use crate::error::ApiError;
use crate::state::AppState;

/// My work
///
/// The caller's open reviews (allocated to them and not closed: on hold and awaiting QA or
/// sign-off included), the one due soonest first: by `extended_due_date` (the due date moved
/// by the days on hold), then by notification. Only for reviewers (any other role: 403); the list comes whole
/// (`next_cursor` is always null). Each case returned is audited as read.
#[utoipa::path(
    tag = "reviews",
    operation_id = "list_my_reviews",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's open reviews, due soonest first", body = ReviewPage),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/me/reviews")]
pub async fn list_my_reviews(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
) -> Result<web::Json<ReviewPage>, ApiError> {
    caller.require(&[Role::Reviewer])?;
    let (org, me) = (
        caller.organisation.clone().unwrap_or_default(),
        caller.id.clone(),
    );
    let open = db::run(&state, move |conn| {
        staff::open_allocated_to(conn, &org, &me)
    })
    .await?;
    let today = today_in_england();
    let mut items: Vec<_> = open.iter().map(|r| render(r, today)).collect();
    items.sort_by_key(|r| (r.extended_due_date, r.notified_at));
    let read: Vec<(String, String)> = items
        .iter()
        .map(|r| (r.id.clone(), r.organisation.clone()))
        .collect();
    audit_reads(&state, &caller, &info, AuditAction::Read, &read).await?;
    Ok(web::Json(ReviewPage {
        items,
        next_cursor: None,
    }))
}
