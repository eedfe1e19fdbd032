//! Records requests: the lead or allocated reviewer asks an involved organisation for records
//! (a review change: history, `review.records_requested`, audit, the request), lists them, and
//! closes one by hand (received otherwise, declined, cancelled: its link is revoked with it).
//! The link's token is made here, shown once, and only its SHA-256 is stored.

use leder_domain::audit::AuditAction;
use leder_domain::evidence::records_request::{
    NewRequestError, RequestStatus, StatusChangeError, due_date,
};
use leder_domain::review::Review;
use leder_persistence::records::evidence::{
    InvolvedOrganisation, NewRecordsRequest, RecordsRequest,
};
use leder_persistence::reference::now_utc;
use leder_persistence::repo::evidence::{self as evidence_repo, requests as repo};
use time::Date;

use super::attachments::readable;
use super::evidence_refused;
use crate::app::reviews::{Along, ReviewChange, audit_reads, change_along};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::actor_of;
use crate::clock::today_in_england;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// A request to make.
pub struct RequestInput {
    /// The involved organisation asked.
    pub organisation_id: String,
    /// What is asked for.
    pub asked_for: String,
    /// The mailbox the request goes to.
    pub contact_email: String,
    /// The due date (14 days on when absent).
    pub due_on: Option<Date>,
}

/// Asks for records; answers the request and its link's token (shown this once).
pub async fn create(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    input: RequestInput,
) -> Result<(RecordsRequest, String), ApiError> {
    let actor = actor_of(caller)?;
    let today = today_in_england();
    let due_on = due_date(today, input.due_on).map_err(|e| match e {
        NewRequestError::DueInThePast => {
            ApiError::invalid_field("due_on", "in_the_past", e.to_string())
        }
    })?;
    let token = crate::app::sessions::new_token("");
    let now = now_utc();
    let days = i64::from(state.config.evidence.upload_link_days);
    let new = NewRecordsRequest {
        id: uuid::Uuid::now_v7().to_string(),
        review_id: id.clone(),
        organisation_id: input.organisation_id,
        asked_for: input.asked_for,
        contact_email: input.contact_email,
        due_on,
        requested_by: caller.id.clone(),
        requested_at: now,
        link_hash: crate::idempotency::sha256_hex(token.as_bytes()),
        link_expires_at: now + time::Duration::days(days),
    };
    let change = ReviewChange::new(state, caller, info, AuditAction::RequestRecords, id, None);
    let made = new.clone();
    let made_id = new.id.clone();
    let along = Along::new(
        move |conn, review: &Review| {
            evidence_repo::organisation_of(conn, &review.id, &made.organisation_id)?.ok_or_else(
                || {
                    ApiError::invalid_field(
                        "organisation_id",
                        "unknown_organisation",
                        "no organisation recorded as involved in this case has this id",
                    )
                },
            )
        },
        {
            let request_id = new.id.clone();
            move |review: &mut Review, organisation: &mut InvolvedOrganisation| {
                review
                    .request_records(&actor, request_id, organisation.kind)
                    .map_err(|e| evidence_refused(&e))
            }
        },
        move |conn, _, _| Ok(repo::insert(conn, &new)?),
    );
    let review = change_along(state, caller, change, false, along).await?;
    let of = review.id.clone();
    db::run(state, move |conn| repo::of_review(conn, &of))
        .await?
        .into_iter()
        .find(|r| r.id == made_id)
        .map(|r| (r, token))
        .ok_or_else(|| ApiError::internal("a request not found after it was made"))
}

/// The review's requests, for its case team; the read is audited.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
) -> Result<Vec<RecordsRequest>, ApiError> {
    let review = readable(state, caller, id).await?;
    let of = review.id.clone();
    let found = db::run(state, move |conn| repo::of_review(conn, &of)).await?;
    let read = [(review.id.clone(), review.organisation.as_str().to_owned())];
    audit_reads(state, caller, info, AuditAction::ReadRecordsRequests, &read).await?;
    Ok(found)
}

/// Closes a request by hand: `received`, `declined` or `cancelled` (its link is revoked).
pub async fn set_status(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    request_id: String,
    status: RequestStatus,
) -> Result<RecordsRequest, ApiError> {
    let actor = actor_of(caller)?;
    let me = caller.id.clone();
    let change = ReviewChange::new(
        state,
        caller,
        info,
        AuditAction::ChangeRecordsRequest,
        id.clone(),
        None,
    );
    let wanted = request_id.clone();
    let along = Along::new(
        move |conn, review: &Review| {
            let mut request =
                repo::lock_of_review(conn, &review.id, &wanted)?.ok_or(ApiError::NotFound)?;
            request.state.set_status(status).map_err(|e| match e {
                StatusChangeError::NotSettable => {
                    ApiError::invalid_field("status", "not_settable", e.to_string())
                }
                StatusChangeError::Closed(_) => ApiError::Conflict(e.to_string()),
            })?;
            Ok(request)
        },
        move |review: &mut Review, request: &mut RecordsRequest| {
            review
                .close_records_request(&actor, request.id.clone(), status)
                .map_err(|e| evidence_refused(&e))
        },
        move |conn, _, request| {
            Ok(repo::close(
                conn,
                &request.id,
                status,
                Some(&me),
                now_utc(),
            )?)
        },
    );
    let review = change_along(state, caller, change, false, along).await?;
    let of = review.id.clone();
    db::run(state, move |conn| repo::of_review(conn, &of))
        .await?
        .into_iter()
        .find(|r| r.id == request_id)
        .ok_or(ApiError::NotFound)
}
