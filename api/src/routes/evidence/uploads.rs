//! `POST /uploads/{token}`: an organisation uploads the records asked of it.

use actix_web::{HttpRequest, HttpResponse, post, web};

use super::dto;
use crate::app::evidence::link::upload;
use crate::app::evidence::receive::{finish, form_of, require_multipart};
use crate::audit::RequestInfo;
use crate::error::ApiError;
use crate::state::AppState;

/// Upload records through a link
///
/// No token: the link is the capability. Takes `multipart/form-data` with up to 20 parts named
/// `file` (PDF, Word, Excel, JPEG, PNG, TIFF or UTF-8 text, checked by their bytes: 415
/// otherwise; each at most `LEDER_ATTACHMENT_MAX_BYTES`, 25 MB by default: 413) and an optional
/// `description`; the request is then received and the link works no more. A link that names
/// nothing answers 404; one revoked, expired, used, or whose request is closed answers 410, and
/// nothing says more. Rate-limited per address (429). Every use is audited with the client's
/// address (`upload_through_link`). Answers what was received, nothing about the case; a retry
/// after a lost answer is 410 (the first upload counted).
#[utoipa::path(
    tag = "evidence",
    operation_id = "upload_records",
    params(("token" = String, Path, description = "The upload link's token")),
    request_body(content = dto::DocumentForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Received", body = dto::UploadReceipt),
        (status = 400, response = crate::error::BadRequest),
        (status = 404, response = crate::error::NotFound),
        (status = 410, response = crate::error::Gone),
        (status = 413, response = crate::error::PayloadTooLarge),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 422, response = crate::error::Unprocessable),
        (status = 429, response = crate::error::TooManyRequests),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[post("/uploads/{token}")]
pub async fn upload_records(
    state: web::Data<AppState>,
    req: HttpRequest,
    info: RequestInfo,
    token: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require_multipart(req.headers())?;
    let (form, body) = form_of(req.headers(), payload);
    let files = upload(&state, &info, &token.into_inner(), form).await;
    finish(body).await;
    let files = files?;
    Ok(HttpResponse::Created().json(dto::UploadReceipt {
        received: files
            .into_iter()
            .map(|f| dto::ReceivedFile {
                file_name: f.file_name.as_str().to_owned(),
                size_bytes: f.size,
                sha256: f.sha256,
            })
            .collect(),
    }))
}
