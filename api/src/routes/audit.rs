//! Reading the audit trail: who read or changed identifiable data, when, and through which
//! endpoint. Admins see any subject; an ICB lead sees subjects of their own ICB only.

use actix_web::{get, web};
use leder_domain::workflow::Role;
use leder_persistence::repo::audit;
use time::PrimitiveDateTime;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::db;
use crate::dto::identity::{AuditEntry, AuditPage};
use crate::error::ApiError;
use crate::extract::{Cursor, INSTANT_MICROS, QueryParams};
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_audit);
}

/// Query parameters of the audit list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "documents the parameters; QueryParams parses them field by field"
)]
struct AuditParams {
    /// The subject, e.g. `review:<id>` or `user:<id>`.
    #[param(example = "user:0194f1c2-7a4e-7b1a-9f00-000000000000")]
    subject: String,
    /// Page size, 1 to 200 (default 50).
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The audit trail of a subject
///
/// Every recorded read, change and sign-in about `subject`, oldest first. Admins and the ICB
/// lead of the subject's ICB; the read itself is audited.
#[utoipa::path(
    tag = "audit",
    operation_id = "list_audit",
    security(("bearer" = [])),
    params(AuditParams),
    responses(
        (status = 200, description = "A page of audit entries", body = AuditPage),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 404, response = crate::error::NotFound),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    query: QueryParams,
) -> Result<web::Json<AuditPage>, ApiError> {
    caller.require(&[Role::Admin, Role::IcsLead])?;
    query.allow_only(&["subject", "limit", "cursor"])?;
    let subject = query
        .text("subject")
        .ok_or_else(|| {
            ApiError::bad_field("subject", "required", "name the subject, e.g. review:<id>")
        })?
        .to_owned();
    let limit = query.limit()?;
    let after = match query.text("cursor") {
        None => None,
        Some(c) => {
            let parts = Cursor::decode(c, 3)?;
            let bad = || {
                ApiError::bad_field(
                    "cursor",
                    "invalid_cursor",
                    "not a cursor this list gave out",
                )
            };
            let at = PrimitiveDateTime::parse(&parts[0], INSTANT_MICROS).map_err(|_| bad())?;
            let seq = parts[2].parse::<i64>().map_err(|_| bad())?;
            Some((at, parts[1].clone(), seq))
        }
    };
    // A subject outside the caller's scope answers as if it did not exist. A lead sees only
    // subjects of their own ICB, and of those only the entries recorded against that ICB.
    let s = subject.clone();
    let owner = db::run(&state, move |conn| audit::subject_organisation(conn, &s))
        .await?
        .ok_or(ApiError::NotFound)?;
    let org_filter = if caller.has(Role::Admin) {
        None
    } else if owner.is_some() && owner == caller.organisation {
        owner.clone()
    } else {
        return Err(ApiError::NotFound);
    };
    let s = subject.clone();
    let mut rows = db::run(&state, move |conn| {
        audit::by_subject(conn, &s, org_filter.as_deref(), after, limit + 1)
    })
    .await?;
    let next_cursor = Cursor::next_page(&mut rows, limit, |r| {
        let at = r.occurred_at.format(INSTANT_MICROS).unwrap_or_default();
        Cursor::encode(&[&at, &r.chain_id, &r.seq.to_string()])
    });
    let mut entry = caller.audit_entry(&info, "read_audit", "success");
    entry.subject = Some(subject);
    entry.subject_organisation = owner;
    state.audit.record(entry).await?;
    Ok(web::Json(AuditPage {
        items: rows.into_iter().map(AuditEntry::from).collect(),
        next_cursor,
    }))
}
