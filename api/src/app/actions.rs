//! SMART actions: agreeing and changing them, with their links checked against the ICB's
//! learning and the theme taxonomy, history kept, audited and `action.changed` emitted in the
//! change's transaction. The routes extract, call these and render.

use leder_domain::audit::AuditAction;
use leder_persistence::records::action_plan::Action;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::action_plan::{self as repo, UpdateError};
use serde_json::{Value, json};
use time::Date;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::clock::today_in_england;
use crate::db;
use crate::dto::actions::{ActionPatch, ActionStatus, NewAction};
use crate::error::ApiError;
use crate::routes::actions::render;
use crate::state::AppState;

/// Agrees a new action of `organisation` (the caller's ICB, checked by the route).
pub async fn create(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    org: String,
    a: NewAction,
) -> Result<Action, ApiError> {
    let (learning_ids, themes) = checked_links(state, &org, a.learning_ids, a.themes).await?;
    let now = now_utc();
    let row = Action {
        id: uuid::Uuid::now_v7().to_string(),
        organisation: org,
        title: a.title,
        outcome_measure: a.outcome_measure,
        owner: a.owner,
        due_date: a.due_date,
        status: a.status,
        learning_ids,
        themes,
        version: 1,
        created_at: now,
        updated_at: now,
        completed_on: completed_on(a.status, None),
    };
    let who = state.audit.author(caller, info, AuditAction::CreateAction);
    let row = db::run(state, move |conn| {
        repo::create(conn, row, &who, &render_json)
    })
    .await?;
    Ok(row)
}

/// Changes `current` (already scoped to the caller) at version `expected` by a merge patch.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    current: Action,
    expected: i64,
    p: ActionPatch,
) -> Result<Action, ApiError> {
    let links = match (&p.learning_ids, &p.themes) {
        (None, None) => None,
        _ => {
            let ids = match p.learning_ids.clone() {
                Some(v) => v.unwrap_or_default(),
                None => current.learning_ids.clone(),
            };
            let themes = match p.themes.clone() {
                Some(v) => v.unwrap_or_default(),
                None => current.themes.clone(),
            };
            Some(checked_links(state, &current.organisation, ids, themes).await?)
        }
    };
    let who = state.audit.author(caller, info, AuditAction::UpdateAction);
    let (action_id, org) = (current.id.clone(), current.organisation.clone());
    let result = db::run(state, move |conn| {
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
                    row.status = v;
                    row.completed_on = completed_on(v, before.completed_on);
                }
                if let Some((ids, themes)) = links {
                    row.learning_ids = ids;
                    row.themes = themes;
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
                let (from, to) = (before.status.as_str(), row.status.as_str());
                note(&mut d, "status", json!(from), json!(to));
                note(
                    &mut d,
                    "learning_ids",
                    json!(before.learning_ids),
                    json!(row.learning_ids),
                );
                note(&mut d, "themes", json!(before.themes), json!(row.themes));
                Ok::<_, ApiError>(Value::Object(d).to_string())
            },
            &render_json,
        ))
    })
    .await?;
    match result {
        Ok(row) => Ok(row),
        Err(UpdateError::NotFound) => Err(ApiError::NotFound),
        Err(UpdateError::Refused(e)) => Err(e),
        Err(UpdateError::Storage(e)) => Err(e.into()),
    }
}

/// The event data of an action just written.
fn render_json(a: &Action) -> String {
    serde_json::to_string(&render(a, today_in_england())).unwrap_or_else(|_| "{}".into())
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
    let found = db::run(state, move |conn| repo::learning_of(conn, &org, &ids)).await?;
    if let Some(bad) = learning_ids.iter().find(|id| !found.contains(id)) {
        return Err(ApiError::invalid_field(
            "learning_ids",
            "unknown_learning",
            format!("`{bad}` is not a learning point of a review of {organisation}"),
        ));
    }
    crate::app::learning::check_themes(state, "themes", &themes).await?;
    Ok((learning_ids, themes))
}

fn completed_on(status: ActionStatus, before: Option<Date>) -> Option<Date> {
    match status {
        ActionStatus::Done => Some(before.unwrap_or_else(today_in_england)),
        _ => None,
    }
}

/// Records `field` in the history detail when it changes.
fn note(detail: &mut serde_json::Map<String, Value>, field: &str, from: Value, to: Value) {
    if from != to {
        detail.insert(field.to_owned(), json!({"from": from, "to": to}));
    }
}
