//! The upload link: an organisation uploads the records asked of it without an account, the
//! link being the capability. It answers 404 for a token that names nothing and 410 for one
//! that worked once (revoked, expired, used, its request closed, its case opted out), never
//! more. Requests are rate-limited per address across replicas (the intake's shared limit),
//! and every use is audited with the client's address. The link is single-use: the upload
//! that commits marks the request received, in one transaction with the documents, the
//! review's history and `review.records_received`; a second one, even at the same moment,
//! finds the request locked and closed and answers 410.

use actix_multipart::Multipart;
use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_domain::evidence::records_request::{LinkStanding, RequestStatus};
use leder_persistence::connection::write_transaction;
use leder_persistence::records::evidence::Attachment;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::audit::Author;
use leder_persistence::repo::evidence::{attachments, requests};
use leder_persistence::repo::review_store;
use leder_persistence::repo::reviews::{CaseScope, ModifyError};

use super::receive::{StoredFile, forget, receive};
use super::{crash_point, evidence_refused};
use crate::app::reviews::{answered, store};
use crate::audit::RequestInfo;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// The most files one upload carries.
pub const MOST_FILES: usize = 20;

/// Takes the files of `form` through the link `token`; answers what was stored.
pub async fn upload(
    state: &AppState,
    info: &RequestInfo,
    token: &str,
    form: Multipart,
) -> Result<Vec<StoredFile>, ApiError> {
    let address = info.client_address.clone().unwrap_or_default();
    state.upload_limiter.check(state, &address).await?;
    let well_formed = token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !well_formed {
        refused(state, info, None).await?;
        return Err(ApiError::NotFound);
    }
    let hash = crate::idempotency::sha256_hex(token.as_bytes());
    let found = db::run(state, move |conn| requests::by_link(conn, &hash)).await?;
    let Some((request, icb)) = found else {
        refused(state, info, None).await?;
        return Err(ApiError::NotFound);
    };
    let subject = Some((request.review_id.clone(), icb.clone()));
    if request.state.link_at(now_utc()) == LinkStanding::Gone {
        refused(state, info, subject).await?;
        return Err(gone());
    }
    let received = match receive(state, form, &request.review_id, MOST_FILES).await {
        Ok(received) => received,
        Err(e) => {
            // A refused file (too large, of a type not allowed, a malformed form) is a use of
            // the link too.
            refused(state, info, subject).await?;
            return Err(e);
        }
    };
    crash_point(state);
    let files = received.files.clone();
    let description = received.description.clone();
    let author = Author {
        id: None,
        roles: String::new(),
        audited: state
            .audit
            .audited(info.anonymous_entry(AuditAction::UploadThroughLink, AuditOutcome::Success)),
    };
    let request_id = request.id.clone();
    let review_id = request.review_id.clone();
    let committed = db::run(state, move |conn| {
        Ok(write_transaction(conn, |conn| {
            let scope = CaseScope::Icb(icb);
            let mut review = review_store::load_for_change(conn, &review_id, &scope)?
                .ok_or(ModifyError::NotFound)?;
            let open = requests::lock_of_review(conn, &review_id, &request_id)?
                .is_some_and(|r| r.state.link_at(now_utc()) == LinkStanding::Open);
            if !open {
                return Err(ModifyError::Refused(gone()));
            }
            let from = review.stage.as_str();
            let happened = review
                .records_received(request_id.clone(), files.len())
                .map_err(|e| match e {
                    leder_domain::review::EvidenceError::OptedOut
                    | leder_domain::review::EvidenceError::Disposed => gone(),
                    other => evidence_refused(&other),
                })
                .map_err(ModifyError::Refused)?;
            let stored = store(conn, review, from, &happened, &author, None)?;
            let now = now_utc();
            for f in &files {
                attachments::insert(
                    conn,
                    &document(&stored.id, &request_id, f, &description, now)?,
                )?;
            }
            requests::close(conn, &request_id, RequestStatus::Received, None, now)?;
            Ok(stored)
        }))
    })
    .await
    .and_then(answered);
    match committed {
        Ok(_) => Ok(received.files),
        Err(e) => {
            forget(state, &received.files).await;
            if matches!(e, ApiError::Gone(_)) {
                refused(state, info, subject).await?;
            }
            Err(e)
        }
    }
}

fn gone() -> ApiError {
    ApiError::Gone(
        "this upload link no longer works; ask the team that sent it for a new one".into(),
    )
}

/// The row of a file received through the link.
fn document(
    review_id: &str,
    request_id: &str,
    f: &StoredFile,
    description: &Option<String>,
    now: time::PrimitiveDateTime,
) -> Result<Attachment, ModifyError<ApiError>> {
    Ok(Attachment {
        id: f.id.clone(),
        review_id: review_id.to_owned(),
        records_request_id: Some(request_id.to_owned()),
        object_key: f.key.clone(),
        file_name: f.file_name.as_str().to_owned(),
        document_type: f.document_type,
        size_bytes: i64::try_from(f.size)
            .map_err(|e| ModifyError::Refused(ApiError::internal(e)))?,
        sha256: f.sha256.clone(),
        description: description.clone(),
        uploaded_by: None,
        uploaded_by_name: None,
        uploaded_at: now,
        withdrawn_at: None,
        withdrawn_by: None,
        withdrawn_reason: None,
    })
}

/// Audits a refused use of a link, with the case it named when there is one.
async fn refused(
    state: &AppState,
    info: &RequestInfo,
    subject: Option<(String, String)>,
) -> Result<(), ApiError> {
    let mut entry = info.anonymous_entry(AuditAction::UploadThroughLink, AuditOutcome::Refused);
    if let Some((review, icb)) = subject {
        entry.subject = Some(format!("review:{review}"));
        entry.subject_organisation = Some(icb);
    }
    state.audit.record(entry).await
}
