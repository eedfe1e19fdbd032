//! Documents kept with a case: `/reviews/{id}/attachments`, `/attachments/{id}/...`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use leder_domain::evidence::file_name::FileName;

use super::{attachment, dto};
use crate::app::evidence::attachments::{add, for_download, list, withdraw};
use crate::app::evidence::receive::{finish, form_of, require_multipart, unavailable};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Keep a document
///
/// Keeps one document with the case: `multipart/form-data` with one part named `file` (PDF,
/// Word, Excel, JPEG, PNG, TIFF or UTF-8 text, checked by its bytes, never its name: 415
/// otherwise; at most `LEDER_ATTACHMENT_MAX_BYTES`, 25 MB by default: 413; empty: 422) and an
/// optional `description`. Streamed to storage; its SHA-256 is recorded and its file name kept
/// as text only. By the case's lead or allocated reviewer (a QA panel member or a machine
/// client: 403; out of scope: 404; an opted-out or disposed-of case: 409). Writes history and
/// an audit entry (`add_attachment`). The body is streamed, not kept, so it takes no
/// `Idempotency-Key`: a retry after a lost answer keeps a second copy (same SHA-256).
#[utoipa::path(
    tag = "evidence",
    operation_id = "add_attachment",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    request_body(content = dto::DocumentForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Kept", body = dto::Attachment),
        (status = 413, response = crate::error::PayloadTooLarge),
        crate::error::sets::ChangeErrors,
    )
)]
#[post("/reviews/{id}/attachments")]
pub async fn add_attachment(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    req: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require_multipart(req.headers())?;
    let (form, body) = form_of(req.headers(), payload);
    let kept = add(&state, &caller, &info, id.into_inner(), form).await;
    finish(body).await;
    let kept = kept?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/attachments/{}/content", kept.id),
        ))
        .json(attachment(kept)))
}

/// A case's documents
///
/// Every document of the case, oldest first, withdrawn ones included (with when and why). For
/// the case's lead, QA panel and allocated reviewer (a machine client: 403; out of scope: 404).
/// Audited as a read (`read_attachments`).
#[utoipa::path(
    tag = "evidence",
    operation_id = "list_attachments",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    responses(
        (status = 200, description = "The documents", body = dto::AttachmentList),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/reviews/{id}/attachments")]
pub async fn list_attachments(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<web::Json<dto::AttachmentList>, ApiError> {
    let found = list(&state, &caller, &info, id.into_inner()).await?;
    Ok(web::Json(dto::AttachmentList {
        items: found.into_iter().map(attachment).collect(),
        next_cursor: None,
    }))
}

/// Download a document
///
/// The document's bytes, streamed, as `Content-Disposition: attachment` (the file name RFC 6266
/// encoded) with `X-Content-Type-Options: nosniff` and the media type its bytes showed. For
/// the case's lead, QA panel and allocated reviewer (another ICB's, or a reviewer not
/// allocated: 404; a machine client: 403). Audited before a byte leaves
/// (`download_attachment`).
#[utoipa::path(
    tag = "evidence",
    operation_id = "download_attachment",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Document id")),
    responses(
        (status = 200, description = "The document's bytes, served as the type its bytes were found to be", content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/msword"),
            (Vec<u8> = "application/vnd.ms-excel"),
            (Vec<u8> = "image/jpeg"),
            (Vec<u8> = "image/png"),
            (Vec<u8> = "image/tiff"),
            (String = "text/plain; charset=utf-8"),
        ),
            headers(("Content-Disposition" = String, description = "attachment, with the file name"))),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/attachments/{id}/content")]
pub async fn download_attachment(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let found = for_download(&state, &caller, &info, id.into_inner()).await?;
    let stream = state
        .storage
        .read(&found.object_key)
        .await
        .map_err(unavailable)?;
    let disposition = FileName::parse(&found.file_name)
        .map(|n| n.content_disposition())
        .unwrap_or_else(|_| "attachment".to_owned());
    let size = u64::try_from(found.size_bytes).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, found.document_type.media_type()))
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .no_chunking(size)
        .streaming(stream))
}

/// Withdraw a document
///
/// The lead withdraws a document kept with the case, with a reason: it stays listed (with when
/// and why) and stored until the review's retention ends, and is no longer evidence. Another
/// role: 403; out of scope: 404; withdrawn already: 409. Writes history and an audit entry
/// (`withdraw_attachment`).
#[utoipa::path(
    tag = "evidence",
    operation_id = "withdraw_attachment",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Document id")),
    request_body = dto::WithdrawAttachment,
    responses(
        (status = 200, description = "Withdrawn", body = dto::Attachment),
        crate::error::sets::ChangeErrors,
    )
)]
#[post(
    "/attachments/{id}/withdraw",
    wrap = "crate::idempotency::Idempotency::Replay"
)]
pub async fn withdraw_attachment(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
    body: ValidatedJson<dto::WithdrawAttachment>,
) -> Result<web::Json<dto::Attachment>, ApiError> {
    let done = withdraw(&state, &caller, &info, id.into_inner(), body.0.reason).await?;
    Ok(web::Json(attachment(done)))
}
