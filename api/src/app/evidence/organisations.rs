//! Who was involved in the person's care: the GP practice (from the notification, or recorded
//! here) and every other organisation, recorded and corrected by the lead or allocated
//! reviewer, read by the case team. Recording and correcting are audited; so are reads.

use leder_domain::audit::AuditAction;
use leder_domain::evidence::{Involved, InvolvedError, OrganisationKind};
use leder_domain::review::Review;
use leder_persistence::records::evidence::InvolvedOrganisation;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::evidence as repo;
use leder_persistence::{DbConnection, PersistenceError};

use super::attachments::readable;
use super::evidence_refused;
use crate::app::reviews::{audit_reads, load};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::actor_of;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

fn invalid(e: &InvolvedError) -> ApiError {
    ApiError::invalid_field(e.field(), e.code(), e.to_string())
}

/// Records an organisation involved in the review `id`'s person's care.
pub async fn add(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    kind: OrganisationKind,
    ods_code: Option<String>,
    name: Option<String>,
) -> Result<InvolvedOrganisation, ApiError> {
    let review = load(state, caller, id).await?;
    review
        .may_record_organisation(&actor_of(caller)?)
        .map_err(|e| evidence_refused(&e))?;
    let given =
        Involved::parse(kind, ods_code.as_deref(), name.as_deref()).map_err(|e| invalid(&e))?;
    let now = now_utc();
    let organisation = InvolvedOrganisation {
        id: uuid::Uuid::now_v7().to_string(),
        review_id: review.id.clone(),
        kind: given.kind,
        ods_code: given.ods_code,
        name: given.name,
        recorded_by: Some(caller.id.clone()),
        created_at: now,
        updated_at: now,
    };
    write(
        state,
        caller,
        info,
        AuditAction::RecordOrganisation,
        &review,
        &organisation,
        repo::add_organisation,
    )
    .await?;
    Ok(organisation)
}

/// Corrects an involved organisation's code or name (its kind stays).
pub async fn correct(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    organisation_id: String,
    ods_code: Option<String>,
    name: Option<String>,
) -> Result<InvolvedOrganisation, ApiError> {
    let review = load(state, caller, id).await?;
    review
        .may_record_organisation(&actor_of(caller)?)
        .map_err(|e| evidence_refused(&e))?;
    let of = review.id.clone();
    let mut organisation = db::run(state, move |conn| {
        repo::organisation_of(conn, &of, &organisation_id)
    })
    .await?
    .ok_or(ApiError::NotFound)?;
    let ods_code = ods_code.or_else(|| organisation.ods_code.clone());
    let name = name.or_else(|| organisation.name.clone());
    let given = Involved::parse(organisation.kind, ods_code.as_deref(), name.as_deref())
        .map_err(|e| invalid(&e))?;
    organisation.ods_code = given.ods_code;
    organisation.name = given.name;
    organisation.updated_at = now_utc();
    write(
        state,
        caller,
        info,
        AuditAction::CorrectOrganisation,
        &review,
        &organisation,
        repo::correct_organisation,
    )
    .await?;
    Ok(organisation)
}

/// Writes `organisation` with `write` and the change's audit entry, in one transaction.
async fn write(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    action: AuditAction,
    review: &Review,
    organisation: &InvolvedOrganisation,
    write: fn(&mut DbConnection, &InvolvedOrganisation) -> Result<(), PersistenceError>,
) -> Result<(), ApiError> {
    let stored = organisation.clone();
    let entry = audited(state, caller, info, action, review);
    db::run(state, move |conn| {
        leder_persistence::connection::write_transaction(conn, |conn| {
            write(conn, &stored)?;
            leder_persistence::repo::audit::append(
                conn,
                &entry.chain,
                std::slice::from_ref(&entry.entry),
            )
        })
    })
    .await
}

/// The organisations involved, for the case team; the read is audited.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
) -> Result<Vec<InvolvedOrganisation>, ApiError> {
    let review = readable(state, caller, id).await?;
    let of = review.id.clone();
    let found = db::run(state, move |conn| repo::organisations_of(conn, &of)).await?;
    let read = [(review.id.clone(), review.organisation.as_str().to_owned())];
    audit_reads(state, caller, info, AuditAction::ReadOrganisations, &read).await?;
    Ok(found)
}

/// The audit entry of a change to the review's evidence, to append in its transaction.
fn audited(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    action: AuditAction,
    review: &leder_domain::review::Review,
) -> leder_persistence::repo::audit::Audited {
    let mut entry = caller.audit_entry(info, action, leder_domain::audit::AuditOutcome::Success);
    entry.subject = Some(format!("review:{}", review.id));
    entry.subject_organisation = Some(review.organisation.as_str().to_owned());
    state.audit.audited(entry)
}
