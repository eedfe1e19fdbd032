//! People's accounts (admin only).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_domain::workflow::Role;
use leder_persistence::repo::users;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::accounts;
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::db;
use crate::dto::identity::{NewUserRequest, User, UserPage, UserPatch};
use crate::dto::{etag, if_match};
use crate::error::ApiError;
use crate::extract::{Listed, Page, ValidatedJson};
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_user)
        .service(list_users)
        .service(get_user)
        .service(update_user);
}

/// Create a user
///
/// Admin only. Roles: `admin` or `national_analyst` alone (no organisation), or any of
/// `ics_lead`, `qa_panel`, `reviewer` in one ICB.
#[utoipa::path(
    tag = "users",
    operation_id = "create_user",
    security(("bearer" = [])),
    request_body = NewUserRequest,
    responses(
        (status = 201, description = "Created", body = User, headers(("ETag" = String), ("Location" = String))),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 409, response = crate::error::Conflict),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 422, response = crate::error::Unprocessable),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[post("/users", wrap = "crate::idempotency::Idempotency::Replay")]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    body: ValidatedJson<NewUserRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin])?;
    let row = accounts::create_user(&state, &caller, &info, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(row.version)))
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", row.id)))
        .json(User::from(row)))
}

/// The filter of the user list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UserFilter {
    /// Only users of this ICB.
    organisation: Option<String>,
}

/// List users
///
/// Admin only; ordered by username.
#[utoipa::path(
    tag = "users",
    operation_id = "list_users",
    security(("bearer" = [])),
    params(UserFilter, Page),
    responses(
        (status = 200, description = "A page of users", body = UserPage),
        crate::error::sets::ListErrors,
    )
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    query: Listed<UserFilter>,
) -> Result<web::Json<UserPage>, ApiError> {
    caller.require(&[Role::Admin])?;
    let Listed { filter, page } = query;
    let after: Option<String> = page.after()?;
    let org = filter.organisation.map(|o| o.to_ascii_uppercase());
    let fetch = page.fetch();
    let mut rows = db::run(&state, move |conn| {
        users::list(conn, org.as_deref(), after.as_deref(), fetch)
    })
    .await?;
    let next_cursor = page.finish(&mut rows, |u| u.username.clone());
    state
        .audit
        .record(caller.audit_entry(&info, AuditAction::List, AuditOutcome::Success))
        .await?;
    Ok(web::Json(UserPage {
        items: rows.into_iter().map(User::from).collect(),
        next_cursor,
    }))
}

/// Get a user
///
/// Admin only, with its `ETag`.
#[utoipa::path(
    tag = "users",
    operation_id = "get_user",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = User, headers(("ETag" = String))),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin])?;
    let id = id.into_inner();
    let row = db::run(&state, move |conn| users::get(conn, &id))
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut entry = caller.audit_entry(&info, AuditAction::Read, AuditOutcome::Success);
    entry.subject = Some(format!("user:{}", row.id));
    entry.subject_organisation = row.organisation.clone();
    state.audit.record(entry).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(row.version)))
        .json(User::from(row)))
}

/// Change a user
///
/// Admin only; JSON Merge Patch with `If-Match` (428 without it, 412 when stale). Disabling a
/// user stops their tokens at once.
#[utoipa::path(
    tag = "users",
    operation_id = "update_user",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "User id"),
        ("If-Match" = String, Header, description = "The ETag from the last read"),
    ),
    request_body(content = UserPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed user", body = User, headers(("ETag" = String))),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 404, response = crate::error::NotFound),
        (status = 412, response = crate::error::PreconditionFailed),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 422, response = crate::error::Unprocessable),
        (status = 428, response = crate::error::PreconditionRequired),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    req: HttpRequest,
    id: web::Path<String>,
    body: ValidatedJson<UserPatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin])?;
    let expected = if_match(&req)?;
    let audited =
        state
            .audit
            .audited(caller.audit_entry(&info, AuditAction::Update, AuditOutcome::Success));
    let user =
        crate::app::accounts::update(&state, audited, id.into_inner(), expected, body.0).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(user.version)))
        .json(User::from(user)))
}
