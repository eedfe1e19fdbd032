//! `GET /organisations/{code}/staff`: the ICB's active accounts with each reviewer's open
//! reviews by stage, so that its lead can offer a reviewer to allocate.

use actix_web::{get, web};
use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_domain::organisations::OrgKind;
use leder_domain::workflow::{Role, Stage};
use leder_persistence::records::identity::User;
use leder_persistence::repo::evidence::requests::open_by_reviewer;
use leder_persistence::repo::organisations as orgs;
use leder_persistence::repo::staff::{self, Caseload};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::clock::today_in_england;
use crate::db;
use crate::dto::staff::{OpenReviews, StaffMember, StaffPage, StageCount};
use crate::error::ApiError;
use crate::icb_scope::within_icb;
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_staff);
}

/// The staff of an ICB
///
/// Every active (not disabled) account of the ICB: id, display name and roles, and for each
/// reviewer their open reviews counted by stage and the records requests still awaited on
/// them; with the ICB's open records requests in all. For the ICB's lead and QA panel, and admins.
/// A reviewer or machine client of the ICB: 403; another ICB's staff: 404, as if it did not
/// exist (audited as a refused attempt); a national analyst: 403.
#[utoipa::path(
    tag = "organisations",
    operation_id = "list_staff",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The ICB's ODS code", example = "QOP")),
    responses(
        (status = 200, description = "The ICB's staff", body = StaffPage),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/organisations/{code}/staff")]
pub async fn list_staff(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    code: web::Path<String>,
) -> Result<web::Json<StaffPage>, ApiError> {
    let code = if caller.has(Role::Admin) {
        code.to_ascii_uppercase()
    } else {
        within_icb(&caller, &code, &[Role::IcsLead, Role::QaPanel])?
    };
    let org = code.clone();
    let today = today_in_england();
    let now = leder_persistence::reference::now_utc();
    let (people, loads, requests) = db::run(&state, move |conn| {
        if orgs::get(conn, &org, Some(OrgKind::Icb), today)?.is_none() {
            return Ok(None);
        }
        Ok(Some((
            staff::active_of(conn, &org)?,
            staff::caseloads(conn, &org)?,
            open_by_reviewer(conn, &org, now)?,
        )))
    })
    .await?
    .ok_or(ApiError::NotFound)?;
    let mut entry = caller.audit_entry(&info, AuditAction::ReadStaff, AuditOutcome::Success);
    entry.subject = Some(format!("organisation:{code}"));
    entry.subject_organisation = Some(code);
    state.audit.record(entry).await?;
    let items = people
        .into_iter()
        .map(|u| member(u, &loads, &requests))
        .collect();
    Ok(web::Json(StaffPage {
        items,
        open_records_requests: requests.values().sum(),
        next_cursor: None,
    }))
}

/// One account as the staff list shows it, with a reviewer's open reviews by stage.
fn member(
    u: User,
    loads: &[Caseload],
    requests: &std::collections::HashMap<Option<String>, i64>,
) -> StaffMember {
    let open_reviews = u.roles.contains(&Role::Reviewer).then(|| {
        let mut by_stage: Vec<StageCount> = loads
            .iter()
            .filter(|l| l.reviewer_id == u.id)
            .map(|l| StageCount {
                stage: l.stage,
                count: l.count,
            })
            .collect();
        by_stage.sort_by_key(|c| Stage::ALL.iter().position(|s| *s == c.stage));
        OpenReviews {
            total: by_stage.iter().map(|c| c.count).sum(),
            by_stage,
            open_records_requests: requests.get(&Some(u.id.clone())).copied().unwrap_or(0),
        }
    });
    StaffMember {
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        roles: u.roles,
        open_reviews,
    }
}
