//! SMART actions of an ICB's service-improvement plan. The ICB's lead agrees and updates them;
//! the lead and QA panel read them. `overdue` is derived (open and due before today in
//! England); every change keeps history, is audited and emits `action.changed`, all in the
//! change's transaction.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, patch, post, web};
use leder_domain::workflow::Role;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::action_plan::{self as repo, ActionActor, UpdateError};
use leder_persistence::repo::reviews as reviews_repo;
use leder_persistence::rows::action_plan::ActionRow;
use leder_persistence::stored::lists::texts_to_column;
use serde_json::{Value, json};
use time::Date;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::clock::today_in_england;
use crate::db;
use crate::dto::actions::{
    Action, ActionChange, ActionHistory, ActionPatch, ActionStatus, NewAction,
};
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

/// Open (`planned` or `in_progress`) and due before `today`.
pub fn is_overdue(status: &str, due_date: Date, today: Date) -> bool {
    matches!(status, "planned" | "in_progress") && due_date < today
}

/// An action as the API shows it on `today`.
pub fn render(a: &ActionRow, today: Date) -> Result<Action, ApiError> {
    Ok(Action {
        id: a.id.clone(),
        organisation: a.organisation.clone(),
        title: a.title.clone(),
        outcome_measure: a.outcome_measure.clone(),
        owner: a.owner.clone(),
        due_date: a.due_date,
        status: a.status.clone(),
        learning_ids: a.learning_id_list()?,
        themes: a.theme_list()?,
        overdue: is_overdue(&a.status, a.due_date, today),
        completed_on: a.completed_on,
        version: a.version,
        created_at: utc(a.created_at),
        updated_at: utc(a.updated_at),
    })
}

/// The event data of an action just written (its lists were encoded a moment ago; the update
/// decodes them before it gets here, so a corrupt row never reaches an event).
fn render_json(a: &ActionRow) -> String {
    match render(a, today_in_england()) {
        Ok(action) => serde_json::to_string(&action).unwrap_or_else(|_| "{}".into()),
        Err(e) => {
            log::error!("action {}: {e}", a.id);
            "{}".into()
        }
    }
}

/// Sorted, deduplicated learning ids and themes, each checked: themes against the taxonomy,
/// learning against the ICB's reviews (422 naming the field).
async fn checked_links(
    state: &AppState,
    organisation: &str,
    learning_ids: Vec<String>,
    themes: Vec<String>,
) -> Result<(Vec<String>, Vec<String>), ApiError> {
    let mut learning_ids = learning_ids;
    learning_ids.sort();
    learning_ids.dedup();
    let mut themes = themes;
    themes.sort();
    themes.dedup();
    let (org, ids) = (organisation.to_owned(), learning_ids.clone());
    let (found, known) = db::run(state, move |conn| {
        let found = repo::learning_of(conn, &org, &ids)?;
        let known: Vec<String> = reviews_repo::themes(conn)?
            .into_iter()
            .map(|t| t.code)
            .collect();
        Ok((found, known))
    })
    .await?;
    if let Some(bad) = learning_ids.iter().find(|id| !found.contains(id)) {
        return Err(ApiError::invalid_field(
            "learning_ids",
            "unknown_learning",
            format!("`{bad}` is not a learning point of a review of {organisation}"),
        ));
    }
    if let Some(bad) = themes.iter().find(|t| !known.contains(t)) {
        return Err(ApiError::invalid_field(
            "themes",
            "unknown_theme",
            format!("`{bad}` is not a theme of GET /api/v1/themes"),
        ));
    }
    Ok((learning_ids, themes))
}

fn actor(state: &AppState, caller: &Caller, info: &RequestInfo, action: &str) -> ActionActor {
    ActionActor {
        id: Some(caller.id.clone()),
        roles: caller.roles_text(),
        audited: state
            .audit
            .audited(caller.audit_entry(info, action, "success")),
    }
}

fn completed_on(status: ActionStatus, before: Option<Date>) -> Option<Date> {
    match status {
        ActionStatus::Done => Some(before.unwrap_or_else(today_in_england)),
        _ => None,
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
    let a = body.0;
    let (learning_ids, themes) = checked_links(&state, &org, a.learning_ids, a.themes).await?;
    let now = now_utc();
    let row = ActionRow {
        id: uuid::Uuid::now_v7().to_string(),
        organisation: org,
        title: a.title,
        outcome_measure: a.outcome_measure,
        owner: a.owner,
        due_date: a.due_date,
        status: a.status.as_str().to_owned(),
        learning_ids: texts_to_column(&learning_ids),
        themes: texts_to_column(&themes),
        version: 1,
        created_at: now,
        updated_at: now,
        completed_on: completed_on(a.status, None),
    };
    let who = actor(&state, &caller, &info, "create_action");
    let row = db::run(&state, move |conn| {
        repo::create(conn, row, &who, &render_json)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(row.version)))
        .insert_header((header::LOCATION, format!("/api/v1/actions/{}", row.id)))
        .json(render(&row, today_in_england())?))
}

/// Records `field` in the history detail when it changes.
fn note(detail: &mut serde_json::Map<String, Value>, field: &str, from: Value, to: Value) {
    if from != to {
        detail.insert(field.to_owned(), json!({"from": from, "to": to}));
    }
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
    let p = body.0;
    let links = match (&p.learning_ids, &p.themes) {
        (None, None) => None,
        _ => {
            let ids = match p.learning_ids.clone() {
                Some(v) => v.unwrap_or_default(),
                None => current.learning_id_list()?,
            };
            let themes = match p.themes.clone() {
                Some(v) => v.unwrap_or_default(),
                None => current.theme_list()?,
            };
            Some(checked_links(&state, &current.organisation, ids, themes).await?)
        }
    };
    let who = actor(&state, &caller, &info, "update_action");
    let (action_id, org) = (current.id.clone(), current.organisation.clone());
    let result = db::run(&state, move |conn| {
        Ok(repo::update(
            conn,
            &action_id,
            &org,
            expected,
            &who,
            move |row| {
                let before = row.clone();
                if let Some(v) = p.title {
                    row.title = v;
                }
                if let Some(v) = p.outcome_measure {
                    row.outcome_measure = v;
                }
                if let Some(v) = p.owner {
                    row.owner = v;
                }
                if let Some(v) = p.due_date {
                    row.due_date = v;
                }
                if let Some(v) = p.status {
                    row.status = v.as_str().to_owned();
                    row.completed_on = completed_on(v, before.completed_on);
                }
                if let Some((ids, themes)) = links {
                    row.learning_ids = texts_to_column(&ids);
                    row.themes = texts_to_column(&themes);
                }
                let mut d = serde_json::Map::new();
                note(&mut d, "title", json!(before.title), json!(row.title));
                note(
                    &mut d,
                    "outcome_measure",
                    json!(before.outcome_measure),
                    json!(row.outcome_measure),
                );
                note(&mut d, "owner", json!(before.owner), json!(row.owner));
                let (from, to) = (
                    crate::dto::reports::ymd(before.due_date),
                    crate::dto::reports::ymd(row.due_date),
                );
                note(&mut d, "due_date", json!(from), json!(to));
                note(&mut d, "status", json!(before.status), json!(row.status));
                note(
                    &mut d,
                    "learning_ids",
                    json!(before.learning_id_list()?),
                    json!(row.learning_id_list()?),
                );
                note(
                    &mut d,
                    "themes",
                    json!(before.theme_list()?),
                    json!(row.theme_list()?),
                );
                Ok::<_, ApiError>(Value::Object(d).to_string())
            },
            &render_json,
        ))
    })
    .await?;
    let row = match result {
        Ok(row) => row,
        Err(UpdateError::NotFound) => return Err(ApiError::NotFound),
        Err(UpdateError::Refused(e)) => return Err(e),
        Err(UpdateError::Storage(e)) => return Err(e.into()),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(row.version)))
        .json(render(&row, today_in_england())?))
}

/// History entries as the API shows them.
fn history_of(rows: Vec<leder_persistence::rows::action_plan::ActionHistoryRow>) -> ActionHistory {
    ActionHistory {
        items: rows
            .into_iter()
            .map(|h| ActionChange {
                id: h.id,
                occurred_at: utc(h.occurred_at),
                actor_id: h.actor_id,
                change: h.change,
                version: h.version,
                detail: serde_json::from_str(&h.detail).unwrap_or(Value::Null),
            })
            .collect(),
    }
}
