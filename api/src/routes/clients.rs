//! Machine clients (admin only): created with a secret shown once, revoked at once.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_domain::workflow::Role;
use leder_persistence::repo::clients;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::accounts;
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::db;
use crate::dto::clients::{Client, ClientCreated, ClientPage, NewClientRequest, auth_method_name};
use crate::error::ApiError;
use crate::extract::{Page, Query, ValidatedJson};
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_client)
        .service(list_clients)
        .service(revoke_client);
}

/// Create a machine client
///
/// Admin only. The client gets role `integration` in one ICB and authenticates with the
/// `client_credentials` grant. The secret is in this answer only: it is not kept, so a retry
/// with the same `Idempotency-Key` cannot replay it. A client created with `jwks` (its public
/// keys) gets no secret and authenticates with `private_key_jwt` (RFC 7523) only; keys that
/// are not a usable public JWK Set are refused (422 naming `jwks`).
#[utoipa::path(
    tag = "clients",
    operation_id = "create_client",
    security(("bearer" = [])),
    request_body = NewClientRequest,
    responses(
        (status = 201, description = "Created; the secret is shown this once", body = ClientCreated),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 422, response = crate::error::Unprocessable),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[post("/clients", wrap = "crate::idempotency::Idempotency::NoReplay")]
pub async fn create_client(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    body: ValidatedJson<NewClientRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin])?;
    let (row, shown) = accounts::create_client(&state, &caller, &info, body.0).await?;
    let organisation = row.organisation.clone();
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/clients/{}", row.id)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ClientCreated {
            token_endpoint_auth_method: auth_method_name(&row.auth),
            client_id: row.id,
            client_secret: shown,
            name: row.name,
            organisation,
        }))
}

/// List machine clients
///
/// Admin only; oldest first. Secrets are never shown.
#[utoipa::path(
    tag = "clients",
    operation_id = "list_clients",
    security(("bearer" = [])),
    params(Page),
    responses(
        (status = 200, description = "A page of clients", body = ClientPage),
        crate::error::sets::ListErrors,
    )
)]
#[get("/clients")]
pub async fn list_clients(
    state: web::Data<AppState>,
    caller: Caller,
    Query(page): Query<Page>,
) -> Result<web::Json<ClientPage>, ApiError> {
    caller.require(&[Role::Admin])?;
    let after: Option<String> = page.after()?;
    let fetch = page.fetch();
    let mut rows = db::run(&state, move |conn| {
        clients::list(conn, after.as_deref(), fetch)
    })
    .await?;
    let next_cursor = page.finish(&mut rows, |c| c.id.clone());
    Ok(web::Json(ClientPage {
        items: rows.into_iter().map(Client::from).collect(),
        next_cursor,
    }))
}

/// Revoke a machine client
///
/// Admin only. Its tokens stop working at once. Revoking twice is harmless.
#[utoipa::path(
    tag = "clients",
    operation_id = "revoke_client",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Client id")),
    responses(
        (status = 204, description = "Revoked"),
        crate::error::sets::ReadErrors,
    )
)]
#[delete("/clients/{id}")]
pub async fn revoke_client(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    _req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin])?;
    let id = id.into_inner();
    let audited =
        state
            .audit
            .audited(caller.audit_entry(&info, AuditAction::Revoke, AuditOutcome::Success));
    let target = id.clone();
    db::run(&state, move |conn| clients::revoke(conn, &target, &audited))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::NoContent().finish())
}
