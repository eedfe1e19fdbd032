//! Reading and changing reviews. Every change is one read-decide-write: inside one write
//! transaction the review is loaded with its row locked, the domain decides (or refuses), and
//! the review, what happened, its events (rendered here, from the stored review) and the audit
//! entry are written together. A correction of the person ([`change_person`]) may change who
//! the review is of, so it also takes the intake's locks on that person and refuses to make a
//! second review of anyone.

use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_domain::review::{Happened, Review};
use leder_persistence::connection::write_transaction;
use leder_persistence::records::cases::LearningPoint;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::audit::Author;
use leder_persistence::repo::notifications::{PersonKey, lock_people, other_review_of};
use leder_persistence::repo::review_store;
use leder_persistence::repo::reviews::{
    self as reviews_repo, CaseScope, ModifyError, ReviewFilter,
};
use leder_persistence::{DbConnection, PersistenceError};
use time::PrimitiveDateTime;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::{is_overdue, render_json, scope_of};
use crate::clock::today_in_england;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// Reads one case in the caller's scope (404 outside it).
pub async fn load(state: &AppState, caller: &Caller, id: String) -> Result<Review, ApiError> {
    let scope = scope_of(caller)?;
    db::run(state, move |conn| review_store::load(conn, &id, &scope))
        .await?
        .ok_or(ApiError::NotFound)
}

/// Records that the caller read these cases (id, ICB), and waits until it is committed: no
/// identifiable byte leaves before its entry.
pub async fn audit_reads(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    action: AuditAction,
    reviews: &[(String, String)],
) -> Result<(), ApiError> {
    let waits = reviews.iter().map(|(id, org)| {
        let mut entry = caller.audit_entry(info, action, AuditOutcome::Success);
        entry.subject = Some(format!("review:{id}"));
        entry.subject_organisation = Some(org.clone());
        state.audit.record(entry)
    });
    for result in futures_util::future::join_all(waits).await {
        result?;
    }
    Ok(())
}

/// What the list judges here rather than in SQL: whether a case is overdue today (it depends
/// on today and on holds), and its names compared without case in Unicode, the same on both
/// engines (SQL's `lower` is ASCII-only on SQLite); the date of birth, which a search by names
/// needs, narrows the rows first through an index.
#[derive(Debug, Clone, Default)]
pub struct JudgedHere {
    /// Only overdue (true) or not overdue (false) cases.
    pub overdue: Option<bool>,
    /// The family name, compared without case.
    pub family_name: Option<String>,
    /// The given name, compared without case.
    pub given_name: Option<String>,
}

impl JudgedHere {
    fn keeps(&self, review: &Review, today: time::Date) -> bool {
        let same = |wanted: &Option<String>, name: Option<&String>| match wanted {
            None => true,
            Some(w) => name.is_some_and(|n| n.trim().to_lowercase() == w.trim().to_lowercase()),
        };
        let person = review.person.as_ref();
        self.overdue
            .is_none_or(|want| is_overdue(review, today) == want)
            && same(&self.family_name, person.map(|p| &p.family_name))
            && same(&self.given_name, person.map(|p| &p.given_name))
    }
}

/// One page of the cases in `scope` that match `filter` and `judged` (see [`JudgedHere`]), at
/// most `limit`; with the `(notified_at, id)` to continue after when there are more. What is
/// judged here is judged over bounded pages.
pub async fn list(
    state: &AppState,
    scope: CaseScope,
    mut filter: ReviewFilter,
    judged: JudgedHere,
    limit: i64,
) -> Result<(Vec<Review>, Option<(PrimitiveDateTime, String)>), ApiError> {
    let today = today_in_england();
    let mut items = Vec::new();
    loop {
        let f = filter.clone();
        let s = scope.clone();
        let page = db::run(state, move |conn| {
            let rows = reviews_repo::list(conn, &s, &f, limit + 1)?;
            review_store::reviews_of_rows(conn, rows)
        })
        .await?;
        let more = page.len() as i64 > limit;
        let mut last = None;
        for review in page
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
        {
            last = Some((review.notified_at, review.id.clone()));
            if judged.keeps(&review, today) {
                items.push(review);
                if items.len() as i64 == limit {
                    break;
                }
            }
        }
        if items.len() as i64 == limit || !more {
            let next = (more || items.len() as i64 == limit)
                .then_some(last)
                .flatten();
            return Ok((items, next));
        }
        filter.after = last;
    }
}

/// One change to a review.
pub struct ReviewChange {
    /// The review.
    pub id: String,
    /// Who, for history and audit.
    pub actor: Author,
    /// The version the caller read (`If-Match`), when the change requires one.
    pub expected_version: Option<i64>,
    /// A learning point the change adds.
    pub learning: Option<LearningPoint>,
    /// Where to find the review, when not in the caller's own scope (a move answered by the
    /// receiving ICB's lead, or made by an admin: the domain then decides who may).
    pub scope: Option<CaseScope>,
}

impl ReviewChange {
    /// A change named `action` by the caller to the review `id`, checked against the version
    /// the caller read when there is one.
    pub fn new(
        state: &AppState,
        caller: &Caller,
        info: &RequestInfo,
        action: impl Into<leder_domain::audit::Act>,
        id: String,
        expected_version: Option<i64>,
    ) -> Self {
        Self {
            id,
            actor: state.audit.author(caller, info, action),
            expected_version,
            learning: None,
            scope: None,
        }
    }

    /// The same change, finding the review in `scope` instead of the caller's own.
    pub fn in_scope(self, scope: CaseScope) -> Self {
        Self {
            scope: Some(scope),
            ..self
        }
    }
}

/// Runs `decide` on the review in the caller's scope and stores what it did; returns the
/// stored review.
pub async fn change<F>(
    state: &AppState,
    caller: &Caller,
    change: ReviewChange,
    decide: F,
) -> Result<Review, ApiError>
where
    F: FnOnce(&mut Review) -> Result<Happened, ApiError> + Send + 'static,
{
    let along = Along::new(|_, _| Ok(()), move |r, _| decide(r), |_, _, _| Ok(()));
    change_along(state, caller, change, false, along).await
}

/// [`change`] for a correction of the person, which may change who the review is of. On
/// PostgreSQL it takes the intake's advisory locks on the person as read and as corrected
/// (`notifications::lock_people`, before any row lock, as the intake does), so a notification
/// of either person waits for it or it for the notification; then it refuses (409) to make the
/// review a second review of someone who has one. The review is read and decided on before
/// the locks (they depend on the person), and the row is then locked at the version read: a
/// change committed in between answers 412, as a stale `If-Match` does.
pub async fn change_person<F>(
    state: &AppState,
    caller: &Caller,
    change: ReviewChange,
    decide: F,
) -> Result<Review, ApiError>
where
    F: FnOnce(&mut Review) -> Result<Happened, ApiError> + Send + 'static,
{
    let along = Along::new(|_, _| Ok(()), move |r, _| decide(r), |_, _, _| Ok(()));
    change_along(state, caller, change, true, along).await
}

type ReadFn<T> =
    Box<dyn FnOnce(&mut DbConnection, &Review) -> Result<T, ApiError> + Send + 'static>;
type DecideFn<T> =
    Box<dyn FnOnce(&mut Review, &mut T) -> Result<Happened, ApiError> + Send + 'static>;
type WriteFn<T> =
    Box<dyn FnOnce(&mut DbConnection, &Review, T) -> Result<(), ApiError> + Send + 'static>;

/// A change with work of its own on storage, all in the review change's transaction: `read`
/// what the decision needs once the review is loaded in scope, `decide` on the review (and
/// keep in the value read what the decision made, for `write`), and `write` what the change
/// adds beside the review (a note, an acknowledgement, a move) once it is stored. Any refusal
/// rolls everything back.
pub struct Along<T> {
    read: ReadFn<T>,
    decide: DecideFn<T>,
    write: WriteFn<T>,
}

impl<T> Along<T> {
    /// The three steps.
    pub fn new(
        read: impl FnOnce(&mut DbConnection, &Review) -> Result<T, ApiError> + Send + 'static,
        decide: impl FnOnce(&mut Review, &mut T) -> Result<Happened, ApiError> + Send + 'static,
        write: impl FnOnce(&mut DbConnection, &Review, T) -> Result<(), ApiError> + Send + 'static,
    ) -> Self {
        Self {
            read: Box::new(read),
            decide: Box::new(decide),
            write: Box::new(write),
        }
    }
}

/// Runs a change with its own reads and writes ([`Along`]); `person` when it may change who
/// the review is of (the locks of [`change_person`]).
pub async fn change_along<T: Send + 'static>(
    state: &AppState,
    caller: &Caller,
    change: ReviewChange,
    person: bool,
    along: Along<T>,
) -> Result<Review, ApiError> {
    let ReviewChange {
        id,
        actor,
        expected_version,
        learning,
        scope,
    } = change;
    let scope = match scope {
        Some(scope) => scope,
        None => scope_of(caller)?,
    };
    let result = db::run(state, move |conn| {
        Ok(write_transaction(conn, |conn| {
            let refused = ModifyError::Refused;
            let mut review = if person {
                review_store::load(conn, &id, &scope)?
            } else {
                review_store::load_for_change(conn, &id, &scope)?
            }
            .ok_or(ModifyError::NotFound)?;
            let read_at = review.version;
            if expected_version.is_some_and(|v| v != read_at) {
                return Err(ModifyError::Storage(PersistenceError::StaleVersion));
            }
            let before = PersonKey::of(&review);
            let from = review.stage.as_str();
            let mut found = (along.read)(conn, &review).map_err(refused)?;
            let happened = (along.decide)(&mut review, &mut found).map_err(refused)?;
            if person {
                lock_person_change(conn, &id, read_at, before, &review)?;
            }
            let stored = store(conn, review, from, &happened, &actor, learning.as_ref())?;
            (along.write)(conn, &stored, found).map_err(refused)?;
            Ok(stored)
        }))
    })
    .await?;
    answered(result)
}

/// The locks and the one-review-per-person check of [`change_person`], after the decision.
fn lock_person_change(
    conn: &mut DbConnection,
    id: &str,
    read_at: i64,
    before: Option<PersonKey>,
    review: &Review,
) -> Result<(), ModifyError<ApiError>> {
    let after = PersonKey::of(review);
    let people: Vec<&PersonKey> = before.iter().chain(after.iter()).collect();
    lock_people(conn, &people)?;
    if !reviews_repo::lock_row_at(conn, id, read_at)? {
        return Err(ModifyError::Storage(PersistenceError::StaleVersion));
    }
    if let Some(person) = after.as_ref().filter(|p| before.as_ref() != Some(*p))
        && other_review_of(conn, person, id)?.is_some()
    {
        return Err(ModifyError::Refused(ApiError::Conflict(
            "another review is of the person these details name; a correction cannot \
             make a second review of one person"
                .into(),
        )));
    }
    Ok(())
}

/// Stores a decided change with its history, learning point, audit entry and events (rendered
/// from the review as stored), in the caller's transaction.
pub(crate) fn store(
    conn: &mut DbConnection,
    mut review: Review,
    from: &str,
    happened: &Happened,
    actor: &Author,
    learning: Option<&LearningPoint>,
) -> Result<Review, ModifyError<ApiError>> {
    review.touch(now_utc());
    let stored = review_store::store_change(conn, review, from, happened, actor, learning)?;
    review_store::emit(conn, &stored, happened, &render_json(&stored))?;
    Ok(stored)
}

/// What a change's transaction came to, as the API answers it.
pub(crate) fn answered<T>(result: Result<T, ModifyError<ApiError>>) -> Result<T, ApiError> {
    match result {
        Ok(review) => Ok(review),
        Err(ModifyError::NotFound) => Err(ApiError::NotFound),
        Err(ModifyError::Refused(e)) => Err(e),
        Err(ModifyError::Storage(e)) => Err(e.into()),
    }
}
