//! The error sets of the contract, each declared once and named in `#[utoipa::path]` beside a
//! handler's success response (the types are never built: they only describe responses).

use utoipa::IntoResponses;

use super::{
    BadRequest, Conflict, Forbidden, NotFound, PreconditionFailed, PreconditionRequired,
    ServiceUnavailable, Unauthorized, Unprocessable, UnsupportedMediaType,
};

/// Reading one resource in the caller's scope: 401, 403, 404, 503.
#[derive(IntoResponses)]
pub enum ReadErrors {
    /// No or bad token.
    #[response(status = 401)]
    Unauthorized(#[ref_response] Unauthorized),
    /// The role may not.
    #[response(status = 403)]
    Forbidden(#[ref_response] Forbidden),
    /// Not found, or not yours.
    #[response(status = 404)]
    NotFound(#[ref_response] NotFound),
    /// The database is not answering.
    #[response(status = 503)]
    Unavailable(#[ref_response] ServiceUnavailable),
}

/// Reading a list with query parameters: 400, 401, 403, 503.
#[derive(IntoResponses)]
pub enum ListErrors {
    /// A malformed parameter.
    #[response(status = 400)]
    BadRequest(#[ref_response] BadRequest),
    /// No or bad token.
    #[response(status = 401)]
    Unauthorized(#[ref_response] Unauthorized),
    /// The role may not.
    #[response(status = 403)]
    Forbidden(#[ref_response] Forbidden),
    /// The database is not answering.
    #[response(status = 503)]
    Unavailable(#[ref_response] ServiceUnavailable),
}

/// A change to a resource in the caller's scope: 400, 401, 403, 404, 409, 415, 422, 503.
#[derive(IntoResponses)]
pub enum ChangeErrors {
    /// A malformed body or parameter.
    #[response(status = 400)]
    BadRequest(#[ref_response] BadRequest),
    /// No or bad token.
    #[response(status = 401)]
    Unauthorized(#[ref_response] Unauthorized),
    /// The role may not.
    #[response(status = 403)]
    Forbidden(#[ref_response] Forbidden),
    /// Not found, or not yours.
    #[response(status = 404)]
    NotFound(#[ref_response] NotFound),
    /// The current state does not allow it.
    #[response(status = 409)]
    Conflict(#[ref_response] Conflict),
    /// The body is not JSON.
    #[response(status = 415)]
    UnsupportedMediaType(#[ref_response] UnsupportedMediaType),
    /// A rule is broken.
    #[response(status = 422)]
    Unprocessable(#[ref_response] Unprocessable),
    /// The database is not answering.
    #[response(status = 503)]
    Unavailable(#[ref_response] ServiceUnavailable),
}

/// A versioned edit (`If-Match`): the change errors and 412, 428.
#[derive(IntoResponses)]
pub enum EditErrors {
    /// A malformed body or parameter.
    #[response(status = 400)]
    BadRequest(#[ref_response] BadRequest),
    /// No or bad token.
    #[response(status = 401)]
    Unauthorized(#[ref_response] Unauthorized),
    /// The role may not.
    #[response(status = 403)]
    Forbidden(#[ref_response] Forbidden),
    /// Not found, or not yours.
    #[response(status = 404)]
    NotFound(#[ref_response] NotFound),
    /// The current state does not allow it.
    #[response(status = 409)]
    Conflict(#[ref_response] Conflict),
    /// `If-Match` is stale.
    #[response(status = 412)]
    PreconditionFailed(#[ref_response] PreconditionFailed),
    /// The body is not JSON.
    #[response(status = 415)]
    UnsupportedMediaType(#[ref_response] UnsupportedMediaType),
    /// A rule is broken.
    #[response(status = 422)]
    Unprocessable(#[ref_response] Unprocessable),
    /// `If-Match` is missing.
    #[response(status = 428)]
    PreconditionRequired(#[ref_response] PreconditionRequired),
    /// The database is not answering.
    #[response(status = 503)]
    Unavailable(#[ref_response] ServiceUnavailable),
}
