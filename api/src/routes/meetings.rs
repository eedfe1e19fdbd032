//! Governance: an ICB's steering group (bimonthly) and health group (monthly) as meeting
//! records. The ICB's lead records them; the lead and QA panel read them, with each group's
//! cadence: a group is overdue when more days than its cadence allows have passed since it
//! last met (or it never met).

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use leder_domain::workflow::Role;
use leder_persistence::records::action_plan as records;
use leder_persistence::repo::governance as repo;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::clock::today_in_england;
use crate::db;
use crate::dto::governance::{
    Cadence, CadenceStatus, Meeting, MeetingKind, MeetingPage, NewMeeting,
};
use crate::dto::utc;
use crate::error::ApiError;
use crate::extract::{Page, Query, ValidatedJson};
use crate::icb_scope::within_icb;
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_meetings).service(record_meeting);
}

fn meeting(m: records::Meeting) -> Meeting {
    Meeting {
        attendee_roles: m.attendee_roles,
        reviews_discussed: m.reviews_discussed,
        id: m.id,
        organisation: m.organisation,
        kind: m.kind,
        held_on: m.held_on,
        decisions: m.decisions,
        created_by: m.created_by,
        created_at: utc(m.created_at),
    }
}

/// An ICB's governance meetings
///
/// Most recent first, with each group's cadence: the steering group should meet at least
/// every 61 days (bimonthly), the health group every 31 days (monthly). The ICB's lead and QA
/// panel.
#[utoipa::path(
    tag = "governance",
    operation_id = "list_meetings",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The ICB's ODS code", example = "QOP"), Page),
    responses(
        (status = 200, description = "A page of meetings and the cadence", body = MeetingPage),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 404, response = crate::error::NotFound),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/organisations/{code}/meetings")]
pub async fn list_meetings(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    Query(page): Query<Page>,
) -> Result<web::Json<MeetingPage>, ApiError> {
    let org = within_icb(&caller, &code, &[Role::IcsLead, Role::QaPanel])?;
    let after: Option<(time::Date, String)> = page.after()?;
    let fetch = page.fetch();
    let today = today_in_england();
    let (mut rows, last) = db::run(&state, move |conn| {
        let rows = repo::meetings(conn, &org, after, fetch)?;
        let mut last = Vec::new();
        for kind in MeetingKind::ALL {
            last.push(repo::last_held(conn, &org, *kind)?);
        }
        Ok((rows, last))
    })
    .await?;
    let next_cursor = page.finish(&mut rows, |m| (m.held_on, m.id.clone()));
    let status = |kind: MeetingKind, last: Option<time::Date>| CadenceStatus {
        cadence_days: kind.cadence_days(),
        last_held_on: last,
        overdue: last.is_none_or(|d| (today - d).whole_days() > kind.cadence_days()),
    };
    Ok(web::Json(MeetingPage {
        items: rows.into_iter().map(meeting).collect(),
        next_cursor,
        cadence: Cadence {
            steering_group: status(MeetingKind::SteeringGroup, last.first().copied().flatten()),
            health_group: status(MeetingKind::HealthGroup, last.get(1).copied().flatten()),
        },
    }))
}

/// Record a governance meeting
///
/// The ICB's lead records a meeting of the steering group or the health group: the date, the
/// attendees' roles, the ICB's reviews discussed and the decisions.
#[utoipa::path(
    tag = "governance",
    operation_id = "record_meeting",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The ICB's ODS code", example = "QOP")),
    request_body = NewMeeting,
    responses(
        (status = 201, description = "Recorded", body = Meeting, headers(("Location" = String))),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 404, response = crate::error::NotFound),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 422, response = crate::error::Unprocessable),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[post(
    "/organisations/{code}/meetings",
    wrap = "crate::idempotency::Idempotency::Replay"
)]
pub async fn record_meeting(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    code: web::Path<String>,
    body: ValidatedJson<NewMeeting>,
) -> Result<HttpResponse, ApiError> {
    let org = within_icb(&caller, &code, &[Role::IcsLead])?;
    let row = crate::app::governance::record_meeting(&state, &caller, &info, org, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/organisations/{}/meetings", row.organisation),
        ))
        .json(meeting(row)))
}
