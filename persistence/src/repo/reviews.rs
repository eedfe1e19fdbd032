//! Reviews: every read of case data goes through a [`CaseScope`]; every change goes through
//! [`crate::repo::review_store`], which reads the case as the domain's `Review` inside its write
//! transaction and writes the row, its holds, learning, history, events and audit entry
//! together.

use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::records::cases::{HistoryEntry, LearningPoint, Theme};
use crate::repo::learning::with_themes;
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
    /// Every case of the ICBs a regional coordinator oversees (its region's on the date).
    Region {
        /// The region's code.
        region: String,
        /// Its ICBs on the date.
        icbs: Vec<String>,
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
        CaseScope::Region { icbs, .. } => q.filter(reviews::organisation.eq_any(icbs.clone())),
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
    /// The allocated reviewer's display name, as their account reads now.
    pub reviewer_name: Option<String>,
}

impl CaseScope {
    /// Whether a review of this ICB, allocated to this reviewer, is within the scope: the same
    /// rule as the `WHERE` of [`scoped`], for a row read by its key.
    pub fn covers(&self, organisation: &str, reviewer_id: Option<&str>) -> bool {
        match self {
            CaseScope::Icb(org) => org == organisation,
            CaseScope::Reviewer {
                organisation: org,
                user_id,
            } => org == organisation && reviewer_id == Some(user_id.as_str()),
            CaseScope::Region { icbs, .. } => icbs.iter().any(|icb| icb == organisation),
        }
    }
}

/// One review, if it exists and is within scope. Read by its key alone, a statement whose text
/// never changes, so that it is prepared once per connection (a boxed query with the scope in
/// its `WHERE` was built and compiled on every read), then judged against the scope.
pub fn get_scoped(
    conn: &mut DbConnection,
    id: &str,
    scope: &CaseScope,
) -> Result<Option<ReviewState>, PersistenceError> {
    let row: Option<ReviewRow> = crate::on_concrete!(conn, |c| reviews::table
        .find(id)
        .select(ReviewRow::as_select())
        .get_result(c)
        .optional())?;
    row.filter(|r| scope.covers(&r.organisation, r.reviewer_id.as_deref()))
        .map(|row| load_state(conn, row))
        .transpose()
}

fn load_state(conn: &mut DbConnection, row: ReviewRow) -> Result<ReviewState, PersistenceError> {
    let holds = crate::on_concrete!(conn, |c| review_holds::table
        .filter(review_holds::review_id.eq(&row.id))
        .order(review_holds::started_at.asc())
        .select(HoldRow::as_select())
        .load(c))?;
    let learning_points = crate::on_concrete!(conn, |c| learning_points::table
        .filter(learning_points::review_id.eq(&row.id))
        .filter(learning_points::kind.eq("learning"))
        .count()
        .get_result(c))?;
    let reviewer_name = reviewer_names(conn, row.reviewer_id.iter().cloned().collect())?
        .into_values()
        .next();
    Ok(ReviewState {
        row,
        holds,
        learning_points,
        reviewer_name,
    })
}

/// The display names of these accounts (reviewers), by id; an id with no account is left out.
pub fn reviewer_names(
    conn: &mut DbConnection,
    ids: Vec<String>,
) -> Result<std::collections::HashMap<String, String>, PersistenceError> {
    use crate::schema::users;
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
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
    /// The NHS number's ten digits (a search).
    pub nhs_number: Option<String>,
    /// The date of birth (a search by names and date of birth; the names are compared by the
    /// caller, without case).
    pub date_of_birth: Option<Date>,
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
    if let Some(v) = &filter.nhs_number {
        q = q.filter(reviews::nhs_number.eq(v.clone()));
    }
    if let Some(v) = filter.date_of_birth {
        q = q.filter(reviews::date_of_birth.eq(v));
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
        ModifyError::Storage(PersistenceError::from(e))
    }
}

/// Takes a review row's write lock for the rest of the transaction (a no-op update).
pub fn lock_row(conn: &mut DbConnection, id: &str) -> Result<(), PersistenceError> {
    diesel::update(reviews::table.find(id))
        .set(reviews::version.eq(reviews::version))
        .execute(conn)?;
    Ok(())
}

/// Takes a review row's write lock, then answers whether it is still at `version` (a change
/// committed since it was read at that version makes it stale).
pub fn lock_row_at(
    conn: &mut DbConnection,
    id: &str,
    version: i64,
) -> Result<bool, PersistenceError> {
    lock_row(conn, id)?;
    Ok(reviews::table
        .find(id)
        .select(reviews::version)
        .first::<i64>(conn)
        .optional()?
        == Some(version))
}

/// A review's history, oldest first.
pub fn history(conn: &mut DbConnection, id: &str) -> Result<Vec<HistoryEntry>, PersistenceError> {
    review_history::table
        .filter(review_history::review_id.eq(id))
        .order((review_history::occurred_at.asc(), review_history::id.asc()))
        .select(HistoryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(HistoryEntry::try_from)
        .collect()
}

/// A review's learning points with their themes, oldest first.
pub fn learning(conn: &mut DbConnection, id: &str) -> Result<Vec<LearningPoint>, PersistenceError> {
    let rows = learning_points::table
        .filter(learning_points::review_id.eq(id))
        .order((learning_points::created_at.asc(), learning_points::id.asc()))
        .select(LearningRow::as_select())
        .load(conn)?;
    with_themes(conn, rows)
}

/// One learning point with its themes.
pub fn learning_point(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<LearningPoint>, PersistenceError> {
    let row = learning_points::table
        .find(id)
        .select(LearningRow::as_select())
        .get_result(conn)
        .optional()?;
    Ok(with_themes(conn, row.into_iter().collect())?.pop())
}

/// The theme taxonomy, in display order.
pub fn themes(conn: &mut DbConnection) -> Result<Vec<Theme>, PersistenceError> {
    Ok(themes::table
        .order(themes::position.asc())
        .select(ThemeRow::as_select())
        .load::<ThemeRow>(conn)?
        .into_iter()
        .map(Theme::from)
        .collect())
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
