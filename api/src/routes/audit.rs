//! Reading the audit trail: who read or changed identifiable data, when, and through which
//! endpoint. Admins see any subject; an ICB lead sees subjects of their own ICB only.

use actix_web::{get, web};
use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_domain::workflow::Role;
use leder_persistence::repo::audit;
use serde::Deserialize;
use time::PrimitiveDateTime;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::db;
use crate::dto::identity::{AuditEntry, AuditPage};
use crate::error::ApiError;
use crate::extract::{Listed, Page};
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_audit);
}

/// The filter of the audit list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditFilter {
    /// The subject, e.g. `review:<id>` or `user:<id>`.
    #[param(example = "user:0194f1c2-7a4e-7b1a-9f00-000000000000")]
    subject: String,
}

/// The audit trail of a subject
///
/// Every recorded read, change and sign-in about `subject`, oldest first. Admins and the ICB
/// lead of the subject's ICB; the read itself is audited.
#[utoipa::path(
    tag = "audit",
    operation_id = "list_audit",
    security(("bearer" = [])),
    params(AuditFilter, Page),
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
    query: Listed<AuditFilter>,
) -> Result<web::Json<AuditPage>, ApiError> {
    caller.require(&[Role::Admin, Role::IcsLead])?;
    let Listed { filter, page } = query;
    let subject = filter.subject;
    let after: Option<(PrimitiveDateTime, String, i64)> = page.after()?;
    let fetch = page.fetch();
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
        audit::by_subject(conn, &s, org_filter.as_deref(), after, fetch)
    })
    .await?;
    let next_cursor = page.finish(&mut rows, |r| (r.occurred_at, r.chain_id.clone(), r.seq));
    let mut entry = caller.audit_entry(&info, AuditAction::ReadAudit, AuditOutcome::Success);
    entry.subject = Some(subject);
    entry.subject_organisation = owner;
    state.audit.record(entry).await?;
    Ok(web::Json(AuditPage {
        items: rows.into_iter().map(AuditEntry::from).collect(),
        next_cursor,
    }))
}
