//! SMART actions of an ICB's service-improvement plan. Every change writes the row, a history
//! entry, an `action.changed` event in the ICB's feed and an audit entry in one transaction, so
//! the feed and the trail never miss or invent a change.

use diesel::prelude::*;
use time::Date;

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::records::action_plan::{Action, ActionChange};
use crate::reference::now_utc;
use crate::repo::audit::Author;
use crate::repo::audit::append;
use crate::repo::events::{self, NewEvent};
use crate::repo::governance::entry_about;
use crate::rows::action_plan::{ActionHistoryRow, ActionRow};
use crate::schema::{action_history, actions, learning_points, reviews};

/// The event type of every change of an action.
pub const ACTION_CHANGED: &str = leder_domain::review::EventType::ActionChanged.as_str();

fn record(
    conn: &mut DbConnection,
    row: &Action,
    change: &str,
    detail: String,
    actor: &Author,
    render: &dyn Fn(&Action) -> String,
) -> Result<(), PersistenceError> {
    let history = ActionHistoryRow {
        id: uuid::Uuid::now_v7().to_string(),
        action_id: row.id.clone(),
        occurred_at: now_utc(),
        actor_id: actor.id.clone(),
        actor_roles: actor.roles.clone(),
        change: change.to_owned(),
        version: row.version,
        detail,
    };
    diesel::insert_into(action_history::table)
        .values(&history)
        .execute(conn)?;
    // An action belongs to no review, so its event carries no review reference.
    events::append(
        conn,
        NewEvent {
            organisation: row.organisation.clone(),
            event_type: ACTION_CHANGED.to_owned(),
            subject_id: row.id.clone(),
            reference: String::new(),
            data: render(row),
        },
    )?;
    let entry = entry_about(
        &actor.audited,
        format!("action:{}", row.id),
        &row.organisation,
    );
    append(conn, &actor.audited.chain, &[entry])
}

/// Stores a new action with its history, event and audit entry.
pub fn create(
    conn: &mut DbConnection,
    action: Action,
    actor: &Author,
    render: &dyn Fn(&Action) -> String,
) -> Result<Action, PersistenceError> {
    write_transaction(conn, |conn| {
        diesel::insert_into(actions::table)
            .values(ActionRow::from(&action))
            .execute(conn)?;
        record(conn, &action, "created", "{}".to_owned(), actor, render)?;
        Ok(action)
    })
}

/// One action.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<Action>, PersistenceError> {
    actions::table
        .find(id)
        .select(ActionRow::as_select())
        .get_result(conn)
        .optional()?
        .map(Action::try_from)
        .transpose()
}

/// Why an update did not happen.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError<E> {
    /// No such action in the ICB.
    #[error("not found")]
    NotFound,
    /// The caller's rule refused.
    #[error("refused")]
    Refused(E),
    /// Storage failed (including a stale version).
    #[error(transparent)]
    Storage(#[from] PersistenceError),
}

impl<E> From<diesel::result::Error> for UpdateError<E> {
    fn from(e: diesel::result::Error) -> Self {
        UpdateError::Storage(PersistenceError::from(e))
    }
}

/// Reads the action of `organisation` inside a write transaction, checks the version, lets
/// `change` edit it (returning the history detail, or refusing), and writes it with its
/// history, event and audit entry.
pub fn update<E>(
    conn: &mut DbConnection,
    id: &str,
    organisation: &str,
    expected_version: i64,
    actor: &Author,
    change: impl FnOnce(&mut Action) -> Result<String, E>,
    render: &dyn Fn(&Action) -> String,
) -> Result<Action, UpdateError<E>> {
    write_transaction(conn, |conn| {
        // Lock the row before reading it, so that two updates with the same If-Match cannot both
        // pass the check on PostgreSQL (SQLite's BEGIN IMMEDIATE already lets one writer in).
        diesel::update(actions::table.find(id))
            .set(actions::version.eq(actions::version))
            .execute(conn)?;
        let mut row = get(conn, id)?
            .filter(|r| r.organisation == organisation)
            .ok_or(UpdateError::NotFound)?;
        if row.version != expected_version {
            return Err(UpdateError::Storage(PersistenceError::StaleVersion));
        }
        let detail = change(&mut row).map_err(UpdateError::Refused)?;
        row.version += 1;
        row.updated_at = now_utc();
        diesel::update(actions::table.find(id))
            .set(ActionRow::from(&row))
            .execute(conn)?;
        record(conn, &row, "updated", detail, actor, render)?;
        Ok(row)
    })
}

/// Filters of the action list.
#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    /// Only this status.
    pub status: Option<leder_domain::action_plan::ActionStatus>,
    /// Due on or after.
    pub due_from: Option<Date>,
    /// Due on or before.
    pub due_to: Option<Date>,
}

/// An ICB's actions by due date.
pub fn list(
    conn: &mut DbConnection,
    organisation: &str,
    filter: &ActionFilter,
) -> Result<Vec<Action>, PersistenceError> {
    let mut q = actions::table
        .filter(actions::organisation.eq(organisation.to_owned()))
        .into_boxed();
    if let Some(s) = filter.status {
        q = q.filter(actions::status.eq(s.as_str()));
    }
    if let Some(d) = filter.due_from {
        q = q.filter(actions::due_date.ge(d));
    }
    if let Some(d) = filter.due_to {
        q = q.filter(actions::due_date.le(d));
    }
    q.order((actions::due_date.asc(), actions::id.asc()))
        .select(ActionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Action::try_from)
        .collect()
}

/// An action's history, oldest first.
pub fn history(conn: &mut DbConnection, id: &str) -> Result<Vec<ActionChange>, PersistenceError> {
    action_history::table
        .filter(action_history::action_id.eq(id))
        .order((action_history::occurred_at.asc(), action_history::id.asc()))
        .select(ActionHistoryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(ActionChange::try_from)
        .collect()
}

/// Which of these learning point ids belong to reviews that are now the ICB's.
pub fn learning_of(
    conn: &mut DbConnection,
    organisation: &str,
    ids: &[String],
) -> Result<Vec<String>, PersistenceError> {
    Ok(learning_points::table
        .inner_join(reviews::table.on(reviews::id.eq(learning_points::review_id)))
        .filter(reviews::organisation.eq(organisation))
        .filter(learning_points::id.eq_any(ids))
        .select(learning_points::id)
        .load(conn)?)
}
