//! Receiving documents: a `multipart/form-data` body streamed part by part to storage in
//! bounded memory (one write chunk per upload), each file's type read from its own bytes as
//! they pass ([`Sniffer`]), its SHA-256 taken on the way, its size capped. A refused body
//! leaves nothing stored: the objects already written are removed, the rest of the body is
//! drained (so a client still sending reads the answer), and the refusal names the field.

use actix_multipart::Multipart;
use actix_web::http::header;
use futures_util::StreamExt;
use leder_domain::evidence::file_name::FileName;
use leder_domain::evidence::file_type::{DocumentType, NotAllowed, Sniffer};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;
use crate::storage::Storage;

/// A description's most characters.
pub const DESCRIPTION_MAX: usize = 500;

/// One file stored under its provisional key (no row names it yet).
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// The attachment id it will have.
    pub id: String,
    /// Its key.
    pub key: String,
    /// The name it was sent with.
    pub file_name: FileName,
    /// What its bytes are.
    pub document_type: DocumentType,
    /// Its size.
    pub size: u64,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
}

/// What a form carried.
#[derive(Debug, Default)]
pub struct Received {
    /// The files, in order.
    pub files: Vec<StoredFile>,
    /// The `description` part.
    pub description: Option<String>,
}

/// The request's body, shared between the form parser and what reads the rest after it: the
/// parser stops at the closing boundary, and an unread remainder (a chunked body's end, an
/// epilogue) would cost the client its connection.
#[derive(Clone)]
pub struct Body(std::rc::Rc<std::cell::RefCell<actix_web::web::Payload>>);

impl futures_util::Stream for Body {
    type Item = Result<actix_web::web::Bytes, actix_web::error::PayloadError>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let mut payload = self.0.borrow_mut();
        std::pin::Pin::new(&mut *payload).poll_next(cx)
    }
}

/// The form of a request, and its body to finish reading once the form is read.
pub fn form_of(headers: &header::HeaderMap, payload: actix_web::web::Payload) -> (Multipart, Body) {
    let body = Body(std::rc::Rc::new(std::cell::RefCell::new(payload)));
    (Multipart::new(headers, body.clone()), body)
}

/// Reads what is left of the body after its form (at most a few KiB are expected).
pub async fn finish(mut body: Body) {
    let mut seen = 0usize;
    while let Some(Ok(chunk)) = body.next().await {
        seen += chunk.len();
        if seen > 1024 * 1024 {
            break;
        }
    }
}

/// Whether the request's body is `multipart/form-data` (else 415).
pub fn require_multipart(headers: &header::HeaderMap) -> Result<(), ApiError> {
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("multipart/form-data"));
    if multipart {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType(
            "send the document as multipart/form-data, in a part named `file`".into(),
        ))
    }
}

/// Streams the form's files of the review `review_id` to storage: at most `most_files` parts
/// named `file` (each with a file name) and an optional `description`.
pub async fn receive(
    state: &AppState,
    mut form: Multipart,
    review_id: &str,
    most_files: usize,
) -> Result<Received, ApiError> {
    let max = state.config.evidence.attachment_max_bytes;
    let mut received = Received::default();
    // Set when the form itself failed (a missing boundary, a broken body): it has ended, and
    // actix-multipart panics if polled again, so it is not drained.
    let broken = std::cell::Cell::new(false);
    let unreadable = |e| {
        broken.set(true);
        unreadable(e)
    };
    let outcome = async {
        while let Some(part) = form.next().await {
            let mut part = part.map_err(unreadable)?;
            let name = part.name().unwrap_or_default().to_owned();
            match name.as_str() {
                "file" => {
                    if received.files.len() == most_files {
                        return Err(ApiError::invalid_field(
                            "file",
                            "too_many_files",
                            format!("send at most {most_files} file(s) at once"),
                        ));
                    }
                    let sent_as = part
                        .content_disposition()
                        .and_then(|d| d.get_filename())
                        .unwrap_or_default()
                        .to_owned();
                    let file_name = FileName::parse(&sent_as)
                        .map_err(|e| ApiError::invalid_field("file", e.code(), e.to_string()))?;
                    let id = uuid::Uuid::now_v7().to_string();
                    let key = Storage::key(review_id, &id);
                    let stored = store(state, &mut part, &key, max, &broken).await;
                    let (document_type, size, sha256) = match stored {
                        Ok(s) => s,
                        Err(e) => {
                            let _ = state.storage.delete(&key).await;
                            return Err(e);
                        }
                    };
                    received.files.push(StoredFile {
                        id,
                        key,
                        file_name,
                        document_type,
                        size,
                        sha256,
                    });
                }
                "description" => {
                    let mut text = Vec::new();
                    while let Some(chunk) = part.next().await {
                        text.extend_from_slice(&chunk.map_err(unreadable)?);
                        if text.len() > DESCRIPTION_MAX * 4 {
                            break;
                        }
                    }
                    received.description = Some(description(&text)?);
                }
                other => {
                    return Err(ApiError::bad_field(
                        other,
                        "unknown_field",
                        "this form takes the parts `file` and `description` only",
                    ));
                }
            }
        }
        if received.files.is_empty() {
            return Err(ApiError::invalid_field(
                "file",
                "file_required",
                "send the document in a part named `file`, with its file name",
            ));
        }
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => Ok(received),
        Err(e) => {
            forget(state, &received.files).await;
            if !broken.get() {
                drain(form, max.saturating_mul(2)).await;
            }
            Err(e)
        }
    }
}

/// Reads what is left of a refused form (at most `most` bytes), so that a client still
/// sending it reads the answer instead of a broken connection.
async fn drain(mut form: Multipart, most: u64) {
    let mut seen = 0u64;
    while let Some(Ok(mut part)) = form.next().await {
        while let Some(Ok(chunk)) = part.next().await {
            seen += chunk.len() as u64;
            if seen > most {
                return;
            }
        }
    }
}

/// Removes stored files that no row will name (a refused or failed upload).
pub async fn forget(state: &AppState, files: &[StoredFile]) {
    for f in files {
        if let Err(e) = state.storage.delete(&f.key).await {
            log::warn!("document store: {} stays for the sweep: {e}", f.key);
        }
    }
}

/// Streams one part to `key`; its type, size and SHA-256.
async fn store(
    state: &AppState,
    part: &mut actix_multipart::Field,
    key: &str,
    max: u64,
    broken: &std::cell::Cell<bool>,
) -> Result<(DocumentType, u64, String), ApiError> {
    let mut writer = state.storage.writer(key).await.map_err(unavailable)?;
    let mut sniffer = Sniffer::new();
    let mut hash = Sha256::new();
    let mut size = 0u64;
    let result = async {
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(|e| {
                broken.set(true);
                unreadable(e)
            })?;
            size += chunk.len() as u64;
            if size > max {
                return Err(ApiError::PayloadTooLarge {
                    limit: usize::try_from(max).unwrap_or(usize::MAX),
                });
            }
            sniffer.feed(&chunk).map_err(|e| refused(&e))?;
            hash.update(&chunk);
            writer
                .write(chunk)
                .await
                .map_err(|e| unavailable(e.into()))?;
        }
        let document_type = sniffer.finish().map_err(|e| refused(&e))?;
        Ok(document_type)
    }
    .await;
    match result {
        Ok(document_type) => {
            writer.close().await.map_err(|e| unavailable(e.into()))?;
            Ok((
                document_type,
                size,
                leder_domain::hex::encode(&hash.finalize()),
            ))
        }
        Err(e) => {
            let _ = writer.abort().await;
            Err(e)
        }
    }
}

fn description(bytes: &[u8]) -> Result<String, ApiError> {
    let bad = |code: &str, message: &str| ApiError::invalid_field("description", code, message);
    let text = std::str::from_utf8(bytes).map_err(|_| bad("not_text", "must be UTF-8 text"))?;
    let text = text.trim();
    if text.chars().count() > DESCRIPTION_MAX {
        return Err(bad("too_long", "must have at most 500 characters"));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
    {
        return Err(bad("control_character", "must not hold control characters"));
    }
    Ok(text.to_owned())
}

fn refused(e: &NotAllowed) -> ApiError {
    match e {
        NotAllowed::Empty => ApiError::invalid_field("file", "empty_file", e.to_string()),
        NotAllowed::Type => ApiError::UnsupportedMediaType(e.to_string()),
    }
}

fn unreadable(e: actix_multipart::MultipartError) -> ApiError {
    ApiError::bad_field("body", "unreadable_body", e.to_string())
}

/// The document store failed: 503, the cause logged.
pub fn unavailable(e: crate::storage::StorageError) -> ApiError {
    log::error!("document store: {e}");
    ApiError::Unavailable("the document store is not answering".into())
}
