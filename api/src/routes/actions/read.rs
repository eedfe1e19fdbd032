//! Reading actions: the ICB's list, one action, and its history.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use leder_domain::workflow::Role;
use leder_persistence::records::action_plan::Action;
use leder_persistence::repo::action_plan::{self as repo, ActionFilter};
use serde::Deserialize;
use time::Date;
use utoipa::IntoParams;

use super::{history_of, render};
use crate::auth::Caller;
use crate::clock::today_in_england;
use crate::db;
use crate::dto::actions::{ActionHistory, ActionPage, ActionStatus};
use crate::dto::{etag, wire};
use crate::error::ApiError;
use crate::extract::{Listed, Page};
use crate::icb_scope::within_icb;
use crate::state::AppState;

/// One action, if it is of the caller's ICB and their role is one of `may` (else 404/403).
pub async fn load(
    state: &AppState,
    caller: &Caller,
    id: String,
    may: &[Role],
) -> Result<Action, ApiError> {
    let row = db::run(state, move |conn| repo::get(conn, &id)).await?;
    // Scope first: an action of another ICB answers exactly like a missing one.
    let org = match &row {
        Some(r) => r.organisation.clone(),
        None => String::new(),
    };
    let scoped = within_icb(caller, &org, may);
    match (row, scoped) {
        (_, Err(ApiError::NotFound)) | (None, _) => Err(ApiError::NotFound),
        (_, Err(e)) => Err(e),
        (Some(row), Ok(_)) => Ok(row),
    }
}

/// The filters of the action list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ActionFilters {
    /// Only actions in this status.
    #[param(schema_with = wire::schema::named::<ActionStatus>)]
    #[serde(default, with = "wire::option")]
    status: Option<ActionStatus>,
    /// Only overdue (true) or not overdue (false) actions.
    overdue: Option<bool>,
    /// Due on or after (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, deserialize_with = "crate::extract::query::date")]
    due_from: Option<Date>,
    /// Due on or before (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, deserialize_with = "crate::extract::query::date")]
    due_to: Option<Date>,
}

/// An ICB's SMART actions
///
/// The service-improvement plan by due date, each with its derived `overdue`. The ICB's lead
/// and QA panel.
#[utoipa::path(
    tag = "actions",
    operation_id = "list_actions",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The ICB's ODS code", example = "QOP"), ActionFilters, Page),
    responses(
        (status = 200, description = "A page of actions", body = ActionPage),
        (status = 400, response = crate::error::BadRequest),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/organisations/{code}/actions")]
pub async fn list_actions(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    query: Listed<ActionFilters>,
) -> Result<web::Json<ActionPage>, ApiError> {
    let org = within_icb(&caller, &code, &[Role::IcsLead, Role::QaPanel])?;
    let Listed { filter: f, page } = query;
    let filter = ActionFilter {
        status: f.status,
        due_from: f.due_from,
        due_to: f.due_to,
    };
    let after: Option<(Date, String)> = page.after()?;
    let today = today_in_england();
    // A plan holds tens of actions, and `overdue` depends on today: filter and page here.
    let rows = db::run(&state, move |conn| repo::list(conn, &org, &filter)).await?;
    let mut items: Vec<Action> = rows
        .into_iter()
        .filter(|a| f.overdue.is_none_or(|want| a.is_overdue(today) == want))
        .filter(|a| {
            after
                .as_ref()
                .is_none_or(|(due, id)| (a.due_date, &a.id) > (*due, id))
        })
        .collect();
    let next_cursor = page.finish(&mut items, |a| (a.due_date, a.id.clone()));
    Ok(web::Json(ActionPage {
        items: items.iter().map(|a| render(a, today)).collect(),
        next_cursor,
    }))
}

/// Get a SMART action
///
/// With its `ETag` for updates. The ICB's lead and QA panel.
#[utoipa::path(
    tag = "actions",
    operation_id = "get_action",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Action id")),
    responses(
        (status = 200, description = "The action", body = crate::dto::actions::Action, headers(("ETag" = String))),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/actions/{id}")]
pub async fn get_action(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = load(
        &state,
        &caller,
        id.into_inner(),
        &[Role::IcsLead, Role::QaPanel],
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(row.version)))
        .json(render(&row, today_in_england())))
}

/// A SMART action's history
///
/// Every change, who and when, with each changed field before and after; oldest first.
#[utoipa::path(
    tag = "actions",
    operation_id = "action_history",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Action id")),
    responses(
        (status = 200, description = "The history", body = ActionHistory),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 404, response = crate::error::NotFound),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/actions/{id}/history")]
pub async fn action_history(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<ActionHistory>, ApiError> {
    let row = load(
        &state,
        &caller,
        id.into_inner(),
        &[Role::IcsLead, Role::QaPanel],
    )
    .await?;
    let rows = db::run(&state, move |conn| repo::history(conn, &row.id)).await?;
    Ok(web::Json(history_of(rows)))
}
