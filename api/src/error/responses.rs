//! The error responses as the contract declares them: one per status, each a problem+json
//! body (the sets of `super::sets` group them per kind of route).

use utoipa::ToResponse;

use super::Problem;

/// 400: the request cannot be read (malformed JSON, wrong type, bad parameter).
#[derive(ToResponse)]
#[response(
    description = "The request is malformed: each wrong field is named in `errors`",
    content_type = "application/problem+json"
)]
pub struct BadRequest(pub Problem);

/// 401: no bearer token, or a bad one.
#[derive(ToResponse)]
#[response(
    description = "No valid bearer token",
    content_type = "application/problem+json"
)]
pub struct Unauthorized(pub Problem);

/// 403: the caller's role may not do this.
#[derive(ToResponse)]
#[response(
    description = "Your role may not do this",
    content_type = "application/problem+json"
)]
pub struct Forbidden(pub Problem);

/// 404: not found, or not the caller's (identical bodies).
#[derive(ToResponse)]
#[response(
    description = "Not found, or not yours (the body is the same either way)",
    content_type = "application/problem+json"
)]
pub struct NotFound(pub Problem);

/// 410: it was here and is no more (an upload link revoked, expired or used).
#[derive(ToResponse)]
#[response(
    description = "Gone: it worked once and works no more",
    content_type = "application/problem+json"
)]
pub struct Gone(pub Problem);

/// 409: the current state does not allow it.
#[derive(ToResponse)]
#[response(
    description = "Conflicts with the current state",
    content_type = "application/problem+json"
)]
pub struct Conflict(pub Problem);

/// 412: the `If-Match` version is stale.
#[derive(ToResponse)]
#[response(
    description = "The resource changed since it was read (stale If-Match)",
    content_type = "application/problem+json"
)]
pub struct PreconditionFailed(pub Problem);

/// 428: `If-Match` is missing.
#[derive(ToResponse)]
#[response(
    description = "If-Match is required",
    content_type = "application/problem+json"
)]
pub struct PreconditionRequired(pub Problem);

/// 413: the body is larger than the configured limit.
#[derive(ToResponse)]
#[response(
    description = "The body is too large",
    content_type = "application/problem+json"
)]
pub struct PayloadTooLarge(pub Problem);

/// 415: the body is not JSON.
#[derive(ToResponse)]
#[response(
    description = "The body must be application/json",
    content_type = "application/problem+json"
)]
pub struct UnsupportedMediaType(pub Problem);

/// 422: well-formed but breaks a rule.
#[derive(ToResponse)]
#[response(
    description = "Well-formed but breaks a rule: each wrong field is named in `errors`",
    content_type = "application/problem+json"
)]
pub struct Unprocessable(pub Problem);

/// 503: the database is not answering, the service is busy, or the database's storage is full.
#[derive(ToResponse)]
#[response(
    description = "The database is not answering or the service is busy (`/problems/service-unavailable`), or the database's storage is full so nothing could be written (`/problems/storage-full`: reads that need no write still work); retry after `Retry-After` seconds",
    content_type = "application/problem+json"
)]
pub struct ServiceUnavailable(pub Problem);

/// 406: the `Accept` header names no type the endpoint answers with.
#[derive(ToResponse)]
#[response(
    description = "`Accept` names no type this endpoint answers with",
    content_type = "application/problem+json"
)]
pub struct NotAcceptable(pub Problem);

/// 429: too many requests from this address.
#[derive(ToResponse)]
#[response(
    description = "Too many requests from this address; retry after `Retry-After` seconds",
    content_type = "application/problem+json"
)]
pub struct TooManyRequests(pub Problem);

/// 500: an internal error (the body says nothing internal).
#[derive(ToResponse)]
#[response(
    description = "Internal error",
    content_type = "application/problem+json"
)]
pub struct InternalError(pub Problem);
