//! An ICB's Local Area Contacts: public to read, so a front end can tell a family whom to
//! contact; replaced by an admin or that ICB's lead, audited in the same transaction.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, put, web};
use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_domain::organisations::OrgKind;
use leder_domain::workflow::Role;
use leder_persistence::records::action_plan as records;
use leder_persistence::repo::governance as repo;
use leder_persistence::repo::organisations as orgs;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::clock::today_in_england;
use crate::db;
use crate::dto::governance::{Contact, ContactInput, Contacts, ContactsRequest};
use crate::dto::{etag, utc};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_contacts).service(replace_contacts);
}

/// 404 unless `code` names an ICB (now or in the past); returns it upper-cased.
async fn icb(state: &AppState, code: &str) -> Result<String, ApiError> {
    let code = code.to_ascii_uppercase();
    let lookup = code.clone();
    let today = today_in_england();
    db::run(state, move |conn| {
        orgs::get(conn, &lookup, Some(OrgKind::Icb), today)
    })
    .await?
    .ok_or(ApiError::NotFound)?;
    Ok(code)
}

fn contacts_of(organisation: String, set: records::Contacts) -> Contacts {
    let shown = |c: records::Contact| Contact {
        role_title: c.role_title,
        mailbox: c.mailbox,
        phone: c.phone,
    };
    Contacts {
        primary: set.primary.map(shown),
        secondary: set.secondary.map(shown),
        updated_at: set.updated_at.map(utc),
        version: set.version,
        organisation,
    }
}

/// An ICB's Local Area Contacts
///
/// Public: the primary and secondary contact (a role title and a shared mailbox) whom the
/// public can reach about LeDeR in this ICB. Null until the ICB sets them.
#[utoipa::path(
    tag = "governance",
    operation_id = "get_contacts",
    params(("code" = String, Path, description = "The ICB's ODS code", example = "QOP")),
    responses(
        (status = 200, description = "The contacts", body = Contacts, headers(("ETag" = String))),
        (status = 404, response = crate::error::NotFound),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/organisations/{code}/contacts")]
pub async fn get_contacts(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = icb(&state, &code).await?;
    let lookup = code.clone();
    let rows = db::run(&state, move |conn| repo::contacts(conn, &lookup)).await?;
    let body = contacts_of(code, rows);
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(body.version)))
        .json(body))
}

/// Set an ICB's Local Area Contacts
///
/// Replaces both contacts. An admin, or the lead of this ICB (another ICB's lead: 403).
/// `If-Match` is optional here (the first set has nothing to match); when sent, a stale one
/// answers 412.
#[utoipa::path(
    tag = "governance",
    operation_id = "replace_contacts",
    security(("bearer" = [])),
    params(
        ("code" = String, Path, description = "The ICB's ODS code", example = "QOP"),
        ("If-Match" = Option<String>, Header, description = "The ETag from the last read"),
    ),
    request_body = ContactsRequest,
    responses(
        (status = 200, description = "The contacts", body = Contacts, headers(("ETag" = String))),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 404, response = crate::error::NotFound),
        (status = 412, response = crate::error::PreconditionFailed),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 422, response = crate::error::Unprocessable),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[put("/organisations/{code}/contacts")]
pub async fn replace_contacts(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    req: HttpRequest,
    code: web::Path<String>,
    body: ValidatedJson<ContactsRequest>,
) -> Result<HttpResponse, ApiError> {
    let wanted = code.to_ascii_uppercase();
    let own_lead = caller.has(Role::IcsLead) && caller.organisation.as_deref() == Some(&wanted);
    if !caller.has(Role::Admin) && !own_lead {
        return Err(ApiError::Forbidden(
            "only an admin or this ICB's lead sets its contacts".into(),
        ));
    }
    let code = icb(&state, &wanted).await?;
    let expected = match req.headers().contains_key(header::IF_MATCH) {
        true => Some(crate::dto::if_match(&req)?),
        false => None,
    };
    let new = stored(body.0);
    let audited = state.audit.audited(caller.audit_entry(
        &info,
        AuditAction::ReplaceContacts,
        AuditOutcome::Success,
    ));
    let org = code.clone();
    let rows = db::run(&state, move |conn| {
        repo::replace_contacts(conn, &org, new, expected, &audited)
    })
    .await?;
    let body = contacts_of(code, rows);
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(body.version)))
        .json(body))
}

/// The contacts to store from a request.
fn stored(request: ContactsRequest) -> records::Contacts {
    let contact = |c: ContactInput| records::Contact {
        role_title: c.role_title,
        mailbox: c.mailbox,
        phone: c.phone,
    };
    records::Contacts {
        primary: Some(contact(request.primary)),
        secondary: request.secondary.map(contact),
        ..records::Contacts::default()
    }
}
