//! Reviews: every read of case data goes through a [`CaseScope`], and every change through
//! [`modify`], which reads the case inside its write transaction, lets the caller's rule decide,
//! and writes the row, its holds, learning, history, events and audit entry together.

use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::reference::now_utc;
use crate::repo::audit::{NewAuditEntry, append as append_audit};
use crate::repo::events::{self, NewEvent};
use crate::rows::cases::{HistoryRow, HoldRow, LearningRow, ReviewRow, ThemeRow};
use crate::schema::{learning_points, review_history, review_holds, reviews, themes};

/// Which cases a caller may see. There is no scope for admins and national analysts: they
/// see no case rows at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseScope {
    /// Every case of an ICB (lead, QA panel, integration client).
    Icb(String),
    /// Only the cases of an ICB allocated to one reviewer.
    Reviewer {
        /// The reviewer's ICB.
        organisation: String,
        /// The reviewer's user id.
        user_id: String,
    },
}

type Boxed<'a> = reviews::BoxedQuery<'a, crate::connection::MultiBackend>;

fn scoped<'a>(scope: &CaseScope) -> Boxed<'a> {
    let q = reviews::table.into_boxed();
    match scope {
        CaseScope::Icb(org) => q.filter(reviews::organisation.eq(org.clone())),
        CaseScope::Reviewer {
            organisation,
            user_id,
        } => q
            .filter(reviews::organisation.eq(organisation.clone()))
            .filter(reviews::reviewer_id.eq(user_id.clone())),
    }
}

/// A review with what its derived fields need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewState {
    /// The row.
    pub row: ReviewRow,
    /// Every hold interval, oldest first.
    pub holds: Vec<HoldRow>,
    /// Learning points of kind `learning`.
    pub learning_points: i64,
}

/// One review, if it exists and is within scope.
pub fn get_scoped(
    conn: &mut DbConnection,
    id: &str,
    scope: &CaseScope,
) -> Result<Option<ReviewState>, PersistenceError> {
    let row: Option<ReviewRow> = scoped(scope)
        .filter(reviews::id.eq(id.to_owned()))
        .select(ReviewRow::as_select())
        .first(conn)
        .optional()?;
    row.map(|row| load_state(conn, row)).transpose()
}

fn load_state(conn: &mut DbConnection, row: ReviewRow) -> Result<ReviewState, PersistenceError> {
    let holds = holds_of(conn, std::slice::from_ref(&row.id))?;
    let learning_points = learning_points::table
        .filter(learning_points::review_id.eq(&row.id))
        .filter(learning_points::kind.eq("learning"))
        .count()
        .get_result(conn)?;
    Ok(ReviewState {
        row,
        holds,
        learning_points,
    })
}

/// The holds of these reviews, oldest first.
pub fn holds_of(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<HoldRow>, PersistenceError> {
    Ok(review_holds::table
        .filter(review_holds::review_id.eq_any(ids))
        .order((
            review_holds::review_id.asc(),
            review_holds::started_at.asc(),
        ))
        .select(HoldRow::as_select())
        .load(conn)?)
}

/// Filters of the review list.
#[derive(Debug, Clone, Default)]
pub struct ReviewFilter {
    /// A notification's reference (a duplicate's reference finds the review it was linked to).
    pub reference: Option<String>,
    /// Stage.
    pub status: Option<String>,
    /// ICB (within the scope).
    pub organisation: Option<String>,
    /// Allocated reviewer.
    pub reviewer_id: Option<String>,
    /// `initial` or `focused`.
    pub review_type: Option<String>,
    /// Notified on or after.
    pub notified_from: Option<Date>,
    /// Notified on or before.
    pub notified_to: Option<Date>,
    /// Keyset cursor: after this `(notified_at, id)`.
    pub after: Option<(PrimitiveDateTime, String)>,
}

/// Reviews in scope, by notification time, at most `limit`.
pub fn list(
    conn: &mut DbConnection,
    scope: &CaseScope,
    filter: &ReviewFilter,
    limit: i64,
) -> Result<Vec<ReviewRow>, PersistenceError> {
    let mut q = scoped(scope);
    if let Some(reference) = &filter.reference {
        use crate::schema::notifications;
        let linked: Vec<String> = notifications::table
            .filter(notifications::reference.eq(reference))
            .select(notifications::review_id)
            .load(conn)?;
        q = q.filter(
            reviews::reference
                .eq(reference.clone())
                .or(reviews::id.eq_any(linked)),
        );
    }
    if let Some(v) = &filter.status {
        q = q.filter(reviews::status.eq(v.clone()));
    }
    if let Some(v) = &filter.organisation {
        q = q.filter(reviews::organisation.eq(v.clone()));
    }
    if let Some(v) = &filter.reviewer_id {
        q = q.filter(reviews::reviewer_id.eq(v.clone()));
    }
    if let Some(v) = &filter.review_type {
        q = q.filter(reviews::review_type.eq(v.clone()));
    }
    if let Some(v) = filter.notified_from {
        q = q.filter(reviews::notified_on.ge(v));
    }
    if let Some(v) = filter.notified_to {
        q = q.filter(reviews::notified_on.le(v));
    }
    if let Some((at, id)) = &filter.after {
        q = q.filter(
            reviews::notified_at
                .gt(*at)
                .or(reviews::notified_at.eq(*at).and(reviews::id.gt(id.clone()))),
        );
    }
    Ok(q.order((reviews::notified_at.asc(), reviews::id.asc()))
        .limit(limit)
        .select(ReviewRow::as_select())
        .load(conn)?)
}

/// What a change writes besides the row itself.
#[derive(Debug, Clone, Default)]
pub struct Change {
    /// History entries: (action, detail JSON).
    pub history: Vec<(String, String)>,
    /// Event types to emit into the case's ICB feed (and, for a transfer, the old ICB's).
    pub events: Vec<String>,
    /// Extra ICB feeds to emit the same events into (a transfer's old ICB).
    pub also_notify: Vec<String>,
    /// A hold to start.
    pub start_hold: Option<HoldRow>,
    /// End the open hold on this day.
    pub end_hold: Option<Date>,
    /// A learning point to add.
    pub learning: Option<LearningRow>,
}

/// Who is changing the case, for history and audit.
#[derive(Debug, Clone)]
pub struct ChangeActor {
    /// User id.
    pub id: Option<String>,
    /// Roles, comma-separated.
    pub roles: String,
    /// The audit chain and entry (the subject is filled in here).
    pub chain_id: String,
    /// The audit entry.
    pub audit: NewAuditEntry,
}

/// Why a change did not happen, beyond the caller's own rule.
#[derive(Debug, thiserror::Error)]
pub enum ModifyError<E> {
    /// No such case in scope.
    #[error("not found")]
    NotFound,
    /// The caller's rule refused.
    #[error("refused")]
    Refused(E),
    /// Storage failed (including a stale version).
    #[error(transparent)]
    Storage(#[from] PersistenceError),
}

impl<E> From<diesel::result::Error> for ModifyError<E> {
    fn from(e: diesel::result::Error) -> Self {
        ModifyError::Storage(PersistenceError::Query(e))
    }
}

/// Reads the case in scope inside a write transaction, checks `expected_version`, lets
/// `decide` change the state (or refuse), then writes everything the change needs. `render`
/// gives the case's state as events carry it.
pub fn modify<E>(
    conn: &mut DbConnection,
    id: &str,
    scope: &CaseScope,
    expected_version: Option<i64>,
    actor: &ChangeActor,
    decide: impl FnOnce(&mut ReviewState) -> Result<Change, E>,
    render: &dyn Fn(&ReviewState) -> String,
) -> Result<ReviewState, ModifyError<E>> {
    write_transaction(conn, |conn| {
        // Take the row's lock before reading it: on PostgreSQL a concurrent change waits here
        // and then reads the committed row, so two changes never both act on the same
        // version (SQLite's IMMEDIATE transaction holds the write lock already).
        lock_row(conn, id)?;
        let mut state = get_scoped(conn, id, scope)?.ok_or(ModifyError::NotFound)?;
        if expected_version.is_some_and(|v| v != state.row.version) {
            return Err(ModifyError::Storage(PersistenceError::StaleVersion));
        }
        let before = state.row.status.clone();
        let change = decide(&mut state).map_err(ModifyError::Refused)?;
        let now = now_utc();
        state.row.version += 1;
        state.row.updated_at = now;
        diesel::update(reviews::table.find(id))
            .set(&state.row)
            .execute(conn)?;
        if let Some(day) = change.end_hold {
            diesel::update(review_holds::table)
                .filter(review_holds::review_id.eq(id))
                .filter(review_holds::ended_on.is_null())
                .set((
                    review_holds::ended_on.eq(Some(day)),
                    review_holds::ended_at.eq(Some(now)),
                ))
                .execute(conn)?;
            for h in state.holds.iter_mut().filter(|h| h.ended_on.is_none()) {
                h.ended_on = Some(day);
                h.ended_at = Some(now);
            }
        }
        if let Some(hold) = change.start_hold {
            diesel::insert_into(review_holds::table)
                .values(&hold)
                .execute(conn)?;
            state.holds.push(hold);
        }
        if let Some(learning) = change.learning {
            if learning.kind == "learning" {
                state.learning_points += 1;
            }
            diesel::insert_into(learning_points::table)
                .values(&learning)
                .execute(conn)?;
        }
        for (action, detail) in &change.history {
            let row = HistoryRow {
                id: uuid::Uuid::now_v7().to_string(),
                review_id: id.to_owned(),
                occurred_at: now,
                actor_id: actor.id.clone(),
                actor_roles: actor.roles.clone(),
                action: action.clone(),
                from_status: Some(before.clone()),
                to_status: Some(state.row.status.clone()),
                detail: detail.clone(),
            };
            diesel::insert_into(review_history::table)
                .values(&row)
                .execute(conn)?;
        }
        if !change.events.is_empty() {
            let data = render(&state);
            let feeds = std::iter::once(state.row.organisation.clone()).chain(change.also_notify);
            for organisation in feeds {
                for event_type in &change.events {
                    events::append(
                        conn,
                        NewEvent {
                            organisation: organisation.clone(),
                            event_type: event_type.clone(),
                            subject_id: id.to_owned(),
                            reference: state.row.reference.clone(),
                            data: data.clone(),
                        },
                    )?;
                }
            }
        }
        let mut entry = actor.audit.clone();
        entry.subject = Some(format!("review:{id}"));
        entry.subject_organisation = Some(state.row.organisation.clone());
        append_audit(conn, &actor.chain_id, &[entry])?;
        Ok(state)
    })
}

/// Takes a review row's write lock for the rest of the transaction (a no-op update).
pub fn lock_row(conn: &mut DbConnection, id: &str) -> Result<(), PersistenceError> {
    diesel::update(reviews::table.find(id))
        .set(reviews::version.eq(reviews::version))
        .execute(conn)?;
    Ok(())
}

/// A review's history, oldest first.
pub fn history(conn: &mut DbConnection, id: &str) -> Result<Vec<HistoryRow>, PersistenceError> {
    Ok(review_history::table
        .filter(review_history::review_id.eq(id))
        .order((review_history::occurred_at.asc(), review_history::id.asc()))
        .select(HistoryRow::as_select())
        .load(conn)?)
}

/// A review's learning points, oldest first.
pub fn learning(conn: &mut DbConnection, id: &str) -> Result<Vec<LearningRow>, PersistenceError> {
    Ok(learning_points::table
        .filter(learning_points::review_id.eq(id))
        .order((learning_points::created_at.asc(), learning_points::id.asc()))
        .select(LearningRow::as_select())
        .load(conn)?)
}

/// One learning point.
pub fn learning_point(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<LearningRow>, PersistenceError> {
    Ok(learning_points::table
        .find(id)
        .select(LearningRow::as_select())
        .first(conn)
        .optional()?)
}

/// The theme taxonomy, in display order.
pub fn themes(conn: &mut DbConnection) -> Result<Vec<ThemeRow>, PersistenceError> {
    Ok(themes::table
        .order(themes::position.asc())
        .select(ThemeRow::as_select())
        .load(conn)?)
}

/// Ids of the open reviews of an ICB (for a transfer), with their sub-ICB locations.
pub fn open_of(
    conn: &mut DbConnection,
    organisation: &str,
) -> Result<Vec<(String, Option<String>)>, PersistenceError> {
    const CLOSED: [&str; 3] = ["completed", "not_eligible", "opted_out"];
    Ok(reviews::table
        .filter(reviews::organisation.eq(organisation))
        .filter(reviews::status.ne_all(CLOSED))
        .order(reviews::notified_at.asc())
        .select((reviews::id, reviews::sub_icb_location))
        .load(conn)?)
}
