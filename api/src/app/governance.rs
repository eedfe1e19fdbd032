//! Governance records: an ICB's steering and health group meetings, checked and kept with
//! their audit entry in one transaction. The routes extract, call these and render.

use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_persistence::records::action_plan::Meeting;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::governance as repo;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::clock::today_in_england;
use crate::db;
use crate::dto::governance::NewMeeting;
use crate::error::ApiError;
use crate::state::AppState;

/// Records a meeting of `org` (the caller's ICB, checked by the route): held already, each
/// attendee role one line, every review discussed one of the ICB's.
pub async fn record_meeting(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    org: String,
    m: NewMeeting,
) -> Result<Meeting, ApiError> {
    if m.held_on > today_in_england() {
        return Err(ApiError::invalid_field(
            "held_on",
            "in_the_future",
            "a meeting is recorded once it has been held",
        ));
    }
    if m.attendee_roles
        .iter()
        .any(|r| r.trim().is_empty() || r.contains('\n'))
    {
        return Err(ApiError::invalid_field(
            "attendee_roles",
            "invalid_role",
            "each role is one line of text",
        ));
    }
    let mut discussed = m.reviews_discussed.clone();
    discussed.sort();
    discussed.dedup();
    let (lookup, wanted) = (org.clone(), discussed.clone());
    let found = db::run(state, move |conn| repo::reviews_of(conn, &lookup, &wanted)).await?;
    if let Some(bad) = discussed.iter().find(|id| !found.contains(id)) {
        return Err(ApiError::invalid_field(
            "reviews_discussed",
            "unknown_review",
            format!("`{bad}` is not a review of {org}"),
        ));
    }
    let row = Meeting {
        id: uuid::Uuid::now_v7().to_string(),
        organisation: org,
        kind: m.kind,
        held_on: m.held_on,
        attendee_roles: m
            .attendee_roles
            .iter()
            .map(|r| r.trim().to_owned())
            .collect(),
        reviews_discussed: discussed,
        decisions: m.decisions,
        created_by: caller.id.clone(),
        created_at: now_utc(),
    };
    let audited = state.audit.audited(caller.audit_entry(
        info,
        AuditAction::RecordMeeting,
        AuditOutcome::Success,
    ));
    db::run(state, move |conn| repo::create_meeting(conn, row, &audited)).await
}
