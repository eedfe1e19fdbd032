//! The case team's documents: kept (the lead or allocated reviewer, streamed in by
//! [`super::receive`] and committed by a review change), listed and downloaded by the case
//! team (each read audited), withdrawn by the lead (kept in storage until the review's
//! retention ends).

use actix_multipart::Multipart;
use leder_domain::audit::AuditAction;
use leder_domain::review::Review;
use leder_persistence::records::evidence::Attachment;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::evidence::attachments as repo;

use super::receive::{forget, receive};
use super::{crash_point, evidence_refused};
use crate::app::reviews::{Along, ReviewChange, audit_reads, change_along, load};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::{actor_of, refusal};
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// Keeps the one document of `form` with the review `id`.
pub async fn add(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    form: Multipart,
) -> Result<Attachment, ApiError> {
    let review = load(state, caller, id).await?;
    let actor = actor_of(caller)?;
    review
        .may_add_document(&actor)
        .map_err(|e| evidence_refused(&e))?;
    let received = receive(state, form, &review.id, 1).await?;
    let Some(file) = received.files.first().cloned() else {
        return Err(ApiError::internal("a form without its file"));
    };
    let attachment = Attachment {
        id: file.id.clone(),
        review_id: review.id.clone(),
        records_request_id: None,
        object_key: file.key.clone(),
        file_name: file.file_name.as_str().to_owned(),
        document_type: file.document_type,
        size_bytes: i64::try_from(file.size).map_err(ApiError::internal)?,
        sha256: file.sha256.clone(),
        description: received.description.clone(),
        uploaded_by: Some(caller.id.clone()),
        uploaded_by_name: None,
        uploaded_at: now_utc(),
        withdrawn_at: None,
        withdrawn_by: None,
        withdrawn_reason: None,
    };
    crash_point(state);
    let stored = attachment.clone();
    let change = ReviewChange::new(
        state,
        caller,
        info,
        AuditAction::AddAttachment,
        review.id.clone(),
        None,
    );
    let along = Along::new(
        |_, _| Ok(()),
        move |review: &mut Review, ()| {
            review
                .add_document(&actor, file.id.clone(), file.document_type)
                .map_err(|e| evidence_refused(&e))
        },
        move |conn, _, ()| Ok(repo::insert(conn, &stored)?),
    );
    if let Err(e) = change_along(state, caller, change, false, along).await {
        forget(state, &received.files).await;
        return Err(e);
    }
    Ok(attachment)
}

/// The review's documents, for its case team; the read is audited.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
) -> Result<Vec<Attachment>, ApiError> {
    let review = readable(state, caller, id).await?;
    let of = review.id.clone();
    let found = db::run(state, move |conn| repo::of_review(conn, &of)).await?;
    let read = [(review.id.clone(), review.organisation.as_str().to_owned())];
    audit_reads(state, caller, info, AuditAction::ReadAttachments, &read).await?;
    Ok(found)
}

/// A document for download, when the caller is of its review's case team (404 otherwise:
/// another ICB's, or a reviewer not allocated); the download is audited before a byte leaves.
pub async fn for_download(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
) -> Result<Attachment, ApiError> {
    let attachment = find(state, caller, id).await?;
    let review = readable(state, caller, attachment.review_id.clone()).await?;
    let read = [(review.id.clone(), review.organisation.as_str().to_owned())];
    audit_reads(state, caller, info, AuditAction::DownloadAttachment, &read).await?;
    Ok(attachment)
}

/// The lead withdraws a document (409 when it is withdrawn already).
pub async fn withdraw(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    reason: String,
) -> Result<Attachment, ApiError> {
    let attachment = find(state, caller, id).await?;
    let actor = actor_of(caller)?;
    let doc = attachment.id.clone();
    let me = caller.id.clone();
    let change = ReviewChange::new(
        state,
        caller,
        info,
        AuditAction::WithdrawAttachment,
        attachment.review_id.clone(),
        None,
    );
    let along = Along::new(
        |_, _| Ok(()),
        {
            let doc = doc.clone();
            move |review: &mut Review, ()| {
                review
                    .withdraw_document(&actor, doc)
                    .map_err(|e| evidence_refused(&e))
            }
        },
        {
            let doc = doc.clone();
            move |conn, _, ()| {
                if repo::withdraw(conn, &doc, &me, &reason, now_utc())? {
                    Ok(())
                } else {
                    Err(ApiError::Conflict(
                        "this document is withdrawn already".into(),
                    ))
                }
            }
        },
    );
    change_along(state, caller, change, false, along).await?;
    db::run(state, move |conn| repo::get(conn, &doc))
        .await?
        .ok_or(ApiError::NotFound)
}

/// The document, if any (its scope is checked through its review; a role that sees no case
/// at all is 403 first).
async fn find(state: &AppState, caller: &Caller, id: String) -> Result<Attachment, ApiError> {
    crate::cases::scope_of(caller)?;
    db::run(state, move |conn| repo::get(conn, &id))
        .await?
        .ok_or(ApiError::NotFound)
}

/// The review in the caller's scope, when the caller may read its evidence.
pub(super) async fn readable(
    state: &AppState,
    caller: &Caller,
    id: String,
) -> Result<Review, ApiError> {
    let review = load(state, caller, id).await?;
    let actor = actor_of(caller)?;
    review.may_read_evidence(&actor).map_err(|r| refusal(&r))?;
    Ok(review)
}
