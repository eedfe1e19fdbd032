//! SMART actions of an ICB's service-improvement plan. The ICB's lead agrees and updates them;
//! the lead and QA panel read them. `overdue` is derived (open and due before today in
//! England); every change keeps history, is audited and emits `action.changed`, all in the
//! change's transaction.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, patch, post, web};
use leder_domain::workflow::Role;
use leder_persistence::records::action_plan::{self as records, ActionChange as Change};
use time::Date;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::clock::today_in_england;
use crate::dto::actions::{Action, ActionChange, ActionHistory, ActionPatch, NewAction};
use crate::dto::{etag, if_match, utc};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::icb_scope::within_icb;
use crate::state::AppState;

mod read;

pub use read::{action_history, get_action, list_actions};

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_actions)
        .service(create_action)
        .service(get_action)
        .service(update_action)
        .service(action_history);
}

/// An action as the API shows it on `today`.
pub fn render(a: &records::Action, today: Date) -> Action {
    Action {
        id: a.id.clone(),
        organisation: a.organisation.clone(),
        title: a.title.clone(),
        outcome_measure: a.outcome_measure.clone(),
        owner: a.owner.clone(),
        due_date: a.due_date,
        status: a.status,
        learning_ids: a.learning_ids.clone(),
        themes: a.themes.clone(),
        overdue: a.is_overdue(today),
        completed_on: a.completed_on,
        version: a.version,
        created_at: utc(a.created_at),
        updated_at: utc(a.updated_at),
    }
}

/// Agree a SMART action
///
/// The ICB's lead adds an action to the service-improvement plan: what will be done, how
/// success is measured, who owns it (a role or team), when it is due, and the learning points
/// (of the ICB's reviews) and themes it answers.
#[utoipa::path(
    tag = "actions",
    operation_id = "create_action",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The ICB's ODS code", example = "QOP")),
    request_body = NewAction,
    responses(
        (status = 201, description = "Agreed", body = Action, headers(("ETag" = String), ("Location" = String))),
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
    "/organisations/{code}/actions",
    wrap = "crate::idempotency::Idempotency::Replay"
)]
pub async fn create_action(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    code: web::Path<String>,
    body: ValidatedJson<NewAction>,
) -> Result<HttpResponse, ApiError> {
    let org = within_icb(&caller, &code, &[Role::IcsLead])?;
    let row = crate::app::actions::create(&state, &caller, &info, org, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(row.version)))
        .insert_header((header::LOCATION, format!("/api/v1/actions/{}", row.id)))
        .json(render(&row, today_in_england())))
}

/// Change a SMART action
///
/// The ICB's lead; JSON Merge Patch with `If-Match` (428 without it, 412 when stale). Setting
/// `done` records today as `completed_on`; leaving `done` clears it.
#[utoipa::path(
    tag = "actions",
    operation_id = "update_action",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Action id"),
        ("If-Match" = String, Header, description = "The ETag from the last read"),
    ),
    request_body(content = ActionPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed action", body = Action, headers(("ETag" = String))),
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
#[patch("/actions/{id}")]
pub async fn update_action(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    req: HttpRequest,
    id: web::Path<String>,
    body: ValidatedJson<ActionPatch>,
) -> Result<HttpResponse, ApiError> {
    let current = read::load(&state, &caller, id.into_inner(), &[Role::IcsLead]).await?;
    let expected = if_match(&req)?;
    let row =
        crate::app::actions::update(&state, &caller, &info, current, expected, body.0).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(row.version)))
        .json(render(&row, today_in_england())))
}

/// History entries as the API shows them.
fn history_of(rows: Vec<Change>) -> ActionHistory {
    ActionHistory {
        items: rows
            .into_iter()
            .map(|h| ActionChange {
                id: h.id,
                occurred_at: utc(h.occurred_at),
                actor_id: h.actor_id,
                change: h.change,
                version: h.version,
                detail: h.detail,
            })
            .collect(),
    }
}
