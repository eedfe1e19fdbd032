//! The one place that knows HTTP statuses: every error leaves as RFC 9457
//! `application/problem+json` with a stable `type`.
//!
//! Which error to use where:
//! - [`ApiError::BadRequest`] (400): the request cannot be read: malformed JSON, a value of the
//!   wrong type, a missing field, an unparseable parameter. Name each field.
//! - [`ApiError::Unprocessable`] (422): well-formed, but it breaks a rule (a domain or validator
//!   check). Name each field.
//! - [`ApiError::NotFound`] (404): missing *or not yours*; the body never says which.
//! - [`ApiError::Forbidden`] (403) / [`ApiError::Conflict`] (409): the role may not do this / the
//!   current state does not allow it.
//! - [`ApiError::Unavailable`] (503): the database is away or the pool is exhausted.
//! - [`ApiError::StorageFull`] (503, `/problems/storage-full`): the database's disk is full;
//!   nothing was written. What needs no write still works; a read of identifiable data does not,
//!   since its audit entry is a write and nothing is served unaudited.
//! - [`ApiError::Internal`] (500): a bug. The body is generic; the cause goes to the log only.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use leder_persistence::PersistenceError;
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// How long a client waits before writing again after `/problems/storage-full`: space comes
/// back when an operator frees or adds it, not within a second.
pub const STORAGE_FULL_RETRY_AFTER_SECONDS: u64 = 60;

/// One field that is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field in the request, e.g. `person.nhs_number`, or a parameter name.
    #[schema(example = "valid_on")]
    pub field: String,
    /// Stable machine-readable code, e.g. `invalid_date`.
    #[schema(example = "invalid_date")]
    pub code: String,
    /// A sentence for a person.
    #[schema(example = "must be a date as YYYY-MM-DD")]
    pub message: String,
}

impl FieldError {
    /// A field error.
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 problem details body.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "/problems/validation-error",
    "title": "The request breaks a rule",
    "status": 422,
    "detail": "1 field is not valid",
    "errors": [{"field": "area_code", "code": "unknown_area_code", "message": "`ZZZ` is not a known ICB, CCG or sub-ICB location code"}]
}))]
pub struct Problem {
    /// A URI reference naming the kind of problem; stable, so clients can switch on it.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong this time.
    pub detail: String,
    /// For validation problems: each field that is wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// Extension members of this problem type (RFC 9457 section 3.2), e.g. `needs_target`.
    #[serde(flatten, skip_serializing_if = "serde_json::Map::is_empty")]
    #[schema(value_type = Object)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

/// Every error the API answers with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request cannot be read.
    #[error("{detail}")]
    BadRequest {
        /// What is wrong.
        detail: String,
        /// The fields concerned.
        errors: Vec<FieldError>,
    },
    /// 401: no token, or a bad one.
    #[error("authentication required")]
    Unauthorized,
    /// 403: the caller's role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 404: not found, or not the caller's.
    #[error("not found")]
    NotFound,
    /// 410: it worked once and works no more (an upload link revoked, expired or used).
    #[error("{0}")]
    Gone(String),
    /// 405: the path exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed {
        /// The methods the path has.
        allow: Vec<String>,
    },
    /// 409: the current state does not allow it.
    #[error("{0}")]
    Conflict(String),
    /// 409: another request with this `Idempotency-Key` is still running.
    #[error("a request with this Idempotency-Key is still running; retry once it has answered")]
    IdempotencyKeyInUse,
    /// 412: `If-Match` does not match the stored version.
    #[error("the resource changed since you read it; read it again and retry")]
    PreconditionFailed,
    /// 428: an update without `If-Match`.
    #[error("send If-Match with the ETag from your last read")]
    PreconditionRequired,
    /// 413: the body is larger than the limit.
    #[error("the body is larger than {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// 415: the body is not of a type the endpoint takes.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 406: `Accept` names no type the endpoint can answer with.
    #[error("{0}")]
    NotAcceptable(String),
    /// 422: well-formed, but breaks a rule.
    #[error("{detail}")]
    Unprocessable {
        /// What is wrong.
        detail: String,
        /// The fields concerned.
        errors: Vec<FieldError>,
    },
    /// 429: too many requests from this address.
    #[error("too many requests; retry after {retry_after} seconds")]
    TooManyRequests {
        /// Seconds until a retry is welcome.
        retry_after: u64,
    },
    /// 422 with extension members (e.g. a transfer's `needs_target`).
    #[error("{detail}")]
    UnprocessableWith {
        /// What is wrong.
        detail: String,
        /// The fields concerned.
        errors: Vec<FieldError>,
        /// Extension members.
        extensions: serde_json::Map<String, serde_json::Value>,
    },
    /// 503: the database is away or busy.
    #[error("{0}")]
    Unavailable(String),
    /// 503: the database's storage is full, so nothing can be written (a change, or the audit
    /// entry a read of identifiable data needs). It clears by itself when space returns.
    #[error(
        "the database has no space left to write to, so nothing was changed; what needs no write still works. Retry after Retry-After seconds"
    )]
    StorageFull,
    /// 500: a bug; the cause is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A 400 naming one field.
    pub fn bad_field(field: &str, code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::BadRequest {
            detail: format!("`{field}`: {message}"),
            errors: vec![FieldError::new(field, code, message)],
        }
    }

    /// A 422 naming every field that breaks a rule.
    pub fn unprocessable(errors: Vec<FieldError>) -> Self {
        ApiError::Unprocessable {
            detail: format!("{} field(s) break a rule", errors.len()),
            errors,
        }
    }

    /// A 422 naming one field.
    pub fn invalid_field(field: &str, code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::Unprocessable {
            detail: format!("`{field}`: {message}"),
            errors: vec![FieldError::new(field, code, message)],
        }
    }

    /// A 500 whose cause is logged.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError::Internal(cause.to_string())
    }

    fn slug_and_title(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::BadRequest { .. } => ("bad-request", "The request is malformed"),
            ApiError::Unauthorized => ("unauthorized", "Authentication required"),
            ApiError::Forbidden(_) => ("forbidden", "Not allowed for your role"),
            ApiError::NotFound => ("not-found", "Not found"),
            ApiError::Gone(_) => ("gone", "Gone"),
            ApiError::MethodNotAllowed { .. } => ("method-not-allowed", "Method not allowed"),
            ApiError::Conflict(_) => ("conflict", "Conflicts with the current state"),
            ApiError::IdempotencyKeyInUse => {
                ("idempotency-key-in-use", "The Idempotency-Key is in use")
            }
            ApiError::PayloadTooLarge { .. } => ("payload-too-large", "The body is too large"),
            ApiError::PreconditionFailed => ("precondition-failed", "Stale If-Match"),
            ApiError::PreconditionRequired => ("precondition-required", "If-Match required"),
            ApiError::UnsupportedMediaType(_) => {
                ("unsupported-media-type", "Unsupported content type")
            }
            ApiError::NotAcceptable(_) => ("not-acceptable", "No acceptable representation"),
            ApiError::Unprocessable { .. } | ApiError::UnprocessableWith { .. } => {
                ("validation-error", "The request breaks a rule")
            }
            ApiError::TooManyRequests { .. } => ("too-many-requests", "Too many requests"),
            ApiError::Unavailable(_) => ("service-unavailable", "Service unavailable"),
            ApiError::StorageFull => ("storage-full", "The database's storage is full"),
            ApiError::Internal(_) => ("internal-error", "Internal error"),
        }
    }

    /// The problem body for this error.
    pub fn problem(&self) -> Problem {
        let (slug, title) = self.slug_and_title();
        let (detail, errors) = match self {
            ApiError::BadRequest { detail, errors }
            | ApiError::Unprocessable { detail, errors }
            | ApiError::UnprocessableWith { detail, errors, .. } => {
                (detail.clone(), Some(errors.clone()))
            }
            ApiError::Unauthorized => (
                "send a valid bearer token in the Authorization header".to_owned(),
                None,
            ),
            ApiError::NotFound => (
                "there is nothing here, or it is not yours to see".to_owned(),
                None,
            ),
            ApiError::MethodNotAllowed { allow } => {
                (format!("this path answers {}", allow.join(", ")), None)
            }
            ApiError::Internal(_) => (
                "something went wrong on our side; it has been logged".to_owned(),
                None,
            ),
            other => (other.to_string(), None),
        };
        Problem {
            problem_type: format!("/problems/{slug}"),
            title: title.to_owned(),
            status: self.status_code().as_u16(),
            detail,
            errors,
            extensions: match self {
                ApiError::UnprocessableWith { extensions, .. } => extensions.clone(),
                _ => serde_json::Map::new(),
            },
        }
    }
}

impl From<PersistenceError> for ApiError {
    fn from(e: PersistenceError) -> Self {
        match e {
            PersistenceError::PoolExhausted => {
                ApiError::Unavailable("the service is busy; try again shortly".into())
            }
            PersistenceError::Unavailable(cause) => {
                log::error!("database unavailable: {cause}");
                ApiError::Unavailable("the database is not answering".into())
            }
            PersistenceError::StorageFull(cause) => {
                log::error!("database storage full: {cause}");
                ApiError::StorageFull
            }
            PersistenceError::Conflict(message) => ApiError::Conflict(message),
            PersistenceError::StaleVersion => ApiError::PreconditionFailed,
            other => ApiError::internal(other),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Gone(_) => StatusCode::GONE,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) | ApiError::IdempotencyKeyInUse => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            ApiError::Unprocessable { .. } | ApiError::UnprocessableWith { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::StorageFull => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            log::error!("internal error: {cause}");
        }
        let mut builder = HttpResponse::build(self.status_code());
        builder.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        match self {
            ApiError::Unavailable(_) => {
                builder.insert_header((header::RETRY_AFTER, "1"));
            }
            ApiError::StorageFull => {
                builder.insert_header((
                    header::RETRY_AFTER,
                    STORAGE_FULL_RETRY_AFTER_SECONDS.to_string(),
                ));
            }
            ApiError::Unauthorized => {
                builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::TooManyRequests { retry_after } => {
                builder.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            ApiError::MethodNotAllowed { allow } => {
                builder.insert_header((header::ALLOW, allow.join(", ")));
            }
            _ => {}
        }
        builder.body(problem_bytes(&self.problem()))
    }
}

/// Serialises a problem; a failure (impossible for this plain struct) degrades to a fixed body.
pub fn problem_bytes(problem: &Problem) -> Vec<u8> {
    serde_json::to_vec(problem).unwrap_or_else(|_| {
        br#"{"type":"/problems/internal-error","title":"Internal error","status":500,"detail":"error"}"#
            .to_vec()
    })
}

/// The problem body for a bare status (used where a response left the app without one).
pub fn problem_for_status(status: StatusCode) -> Problem {
    let slug = status
        .canonical_reason()
        .unwrap_or("error")
        .to_ascii_lowercase()
        .replace(' ', "-");
    Problem {
        problem_type: format!("/problems/{slug}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail: status.canonical_reason().unwrap_or("Error").to_owned(),
        errors: None,
        extensions: serde_json::Map::new(),
    }
}

mod responses;
pub use responses::*;

/// The error sets of the contract, each declared once.
pub mod sets;
