//! Escalations by a regional coordinator (DOMAIN.md, "Oversight"): recorded on an open review
//! of an ICB the coordinator oversees, in one transaction with the review's history entry, its
//! `review.escalated` event in the ICB's feed and the audit entry; read by the case team and
//! the coordinator (an audited read of identifiable data).

use leder_domain::audit::AuditAction;
use leder_domain::review::{Escalation as Checked, Review};
use leder_persistence::connection::write_transaction;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::escalations::{self as repo, Escalation};
use leder_persistence::repo::review_store;
use leder_persistence::repo::reviews::ModifyError;

use crate::app::reviews::{answered, audit_reads, load, store};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::{actor_of, refusal, scope_of};
use crate::clock::today_in_england;
use crate::db;
use crate::dto::escalations::NewEscalation;
use crate::error::ApiError;
use crate::state::AppState;

/// Records an escalation on review `id`: 404 outside the caller's scope, 403 unless the caller
/// is the coordinator overseeing its ICB, 409 on a closed review, 422 naming the field a rule
/// refuses. Returns the review as stored and the escalation.
pub async fn record(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    body: NewEscalation,
) -> Result<(Review, Escalation), ApiError> {
    let scope = scope_of(caller)?;
    let actor = actor_of(caller)?;
    let author = state
        .audit
        .author(caller, info, AuditAction::RecordEscalation);
    let (created_by, region) = (caller.id.clone(), caller.organisation.clone());
    let today = today_in_england();
    let result = db::run(state, move |conn| {
        Ok(write_transaction(conn, |conn| {
            let mut review =
                review_store::load_for_change(conn, &id, &scope)?.ok_or(ModifyError::NotFound)?;
            review
                .may_escalate(&actor)
                .map_err(|r| ModifyError::Refused(refusal(&r)))?;
            let checked = Checked::new(
                uuid::Uuid::now_v7().to_string(),
                &body.reason,
                &body.agreed,
                body.by_when,
                today,
            )
            .map_err(|e| {
                ModifyError::Refused(ApiError::invalid_field(e.field(), e.code(), e.to_string()))
            })?;
            let from = review.stage.as_str();
            let happened = review
                .record_escalation(&actor, &checked)
                .map_err(|r| ModifyError::Refused(refusal(&r)))?;
            let escalation = Escalation {
                id: checked.id,
                review_id: review.id.clone(),
                organisation: review.organisation.as_str().to_owned(),
                region: region.clone().unwrap_or_default(),
                reason: checked.reason,
                agreed: checked.agreed,
                by_when: checked.by_when,
                created_by: created_by.clone(),
                created_at: now_utc(),
            };
            repo::insert(conn, &escalation)?;
            let stored = store(conn, review, from, &happened, &author, None)?;
            Ok((stored, escalation))
        }))
    })
    .await?;
    answered(result)
}

/// The escalations of review `id`, oldest first, for whoever may read the review (its case team
/// and the coordinator of its region); the read is audited.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
) -> Result<Vec<Escalation>, ApiError> {
    let review = load(state, caller, id).await?;
    let review_id = review.id.clone();
    let items = db::run(state, move |conn| repo::of_review(conn, &review_id)).await?;
    audit_reads(
        state,
        caller,
        info,
        AuditAction::ReadEscalations,
        &[(review.id.clone(), review.organisation.as_str().to_owned())],
    )
    .await?;
    Ok(items)
}
