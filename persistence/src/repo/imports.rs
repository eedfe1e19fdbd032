//! Bringing existing reviews in from another system (`leder import`, `POST /imports`): the
//! look-ups that make an import idempotent (a source already stored) and refuse a person who
//! already has a review, and the batch inserts of imported cases, all inside the one write
//! transaction the caller holds for the whole file ([`crate::connection::commit_if_ok`]).
//!
//! Rules: a case is its review (with its holds), its notification (carrying the source), its
//! learning points, one `imported` history entry, one `review.imported` event and one audit
//! entry, written together. Events are written with provisional sequence numbers (negative,
//! counting down per ICB) and numbered in each ICB's feed by [`number_events`] only when the
//! import ends, just before it commits: the feed's counter row, which every change to a case
//! of that ICB updates, is then held for a moment rather than for the whole import, and no
//! reader ever sees a provisional number (it is never committed).

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use leder_domain::review::Review;

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::records::cases::{HistoryEntry, LearningPoint, Notification, Source};
use crate::reference::now_utc;
use crate::repo::audit::{AuditChain, NewAuditEntry, append as append_audit};
use crate::repo::bulk::insert_chunked;
use crate::repo::events::{NewEvent, PAYLOAD_VERSION};
use crate::repo::seed::{
    HISTORY_COLUMNS, HOLD_COLUMNS, LEARNING_COLUMNS, LEARNING_THEME_COLUMNS, NOTIFICATION_COLUMNS,
    REVIEW_COLUMNS,
};
use crate::rows::cases::{
    EventRow, HistoryRow, HoldRow, LearningRow, LearningThemeRow, NotificationRow, ReviewRow,
};
use crate::schema::{
    event_counters, events, learning_point_themes, learning_points, notifications, review_history,
    review_holds, reviews,
};
use crate::stored::review::{hold_row, row_from_review};

/// Columns of an event row.
const EVENT_COLUMNS: usize = 9;

/// One imported case, as it is stored.
#[derive(Debug, Clone)]
pub struct ImportedCase {
    /// The review (with its holds).
    pub review: Review,
    /// Its notification, carrying the source.
    pub notification: Notification,
    /// Its learning points.
    pub learning: Vec<LearningPoint>,
    /// Its `imported` history entry.
    pub history: HistoryEntry,
    /// Its `review.imported` event.
    pub event: NewEvent,
    /// Its audit entry.
    pub audit: NewAuditEntry,
}

/// The provisional event numbers given so far, per ICB (the next is one below).
#[derive(Debug, Clone, Default)]
pub struct PendingEvents {
    given: HashMap<String, i64>,
}

/// The sources of `sources` already stored (a case an earlier import or an ICS system's
/// notification brought in), as (organisation, system, id).
pub fn sources_taken(
    conn: &mut DbConnection,
    sources: &[Source],
) -> Result<HashSet<(String, String, String)>, PersistenceError> {
    if sources.is_empty() {
        return Ok(HashSet::new());
    }
    let set = |f: fn(&Source) -> &String| -> Vec<&String> {
        let mut v: Vec<&String> = sources.iter().map(f).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let (orgs, systems, ids) = (set(|s| &s.organisation), set(|s| &s.system), set(|s| &s.id));
    let wanted: HashSet<(&str, &str, &str)> = sources
        .iter()
        .map(|s| (s.organisation.as_str(), s.system.as_str(), s.id.as_str()))
        .collect();
    let found: Vec<(Option<String>, Option<String>, Option<String>)> = notifications::table
        .filter(notifications::source_id.eq_any(ids))
        .filter(notifications::source_system.eq_any(systems))
        .filter(notifications::source_organisation.eq_any(orgs))
        .select((
            notifications::source_organisation,
            notifications::source_system,
            notifications::source_id,
        ))
        .load(conn)?;
    Ok(found
        .into_iter()
        .filter_map(|(organisation, system, id)| Some((organisation?, system?, id?)))
        .filter(|(o, s, i)| wanted.contains(&(o.as_str(), s.as_str(), i.as_str())))
        .collect())
}

/// Of these NHS numbers and identity keys (`PersonKey::identity_key`), those a stored review
/// already has.
pub fn people_taken(
    conn: &mut DbConnection,
    nhs_numbers: &[String],
    identity_keys: &[String],
) -> Result<(HashSet<String>, HashSet<String>), PersistenceError> {
    let numbers: Vec<Option<String>> = if nhs_numbers.is_empty() {
        Vec::new()
    } else {
        reviews::table
            .filter(reviews::nhs_number.eq_any(nhs_numbers))
            .select(reviews::nhs_number)
            .load(conn)?
    };
    let keys: Vec<Option<String>> = if identity_keys.is_empty() {
        Vec::new()
    } else {
        reviews::table
            .filter(reviews::identity_key.eq_any(identity_keys))
            .select(reviews::identity_key)
            .load(conn)?
    };
    Ok((
        numbers.into_iter().flatten().collect(),
        keys.into_iter().flatten().collect(),
    ))
}

/// Of these references, those a stored review or notification already has.
pub fn references_taken(
    conn: &mut DbConnection,
    references: &[String],
) -> Result<HashSet<String>, PersistenceError> {
    if references.is_empty() {
        return Ok(HashSet::new());
    }
    let mut taken: HashSet<String> = reviews::table
        .filter(reviews::reference.eq_any(references))
        .select(reviews::reference)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    taken.extend(
        notifications::table
            .filter(notifications::reference.eq_any(references))
            .select(notifications::reference)
            .load::<String>(conn)?,
    );
    Ok(taken)
}

/// Serialises, on PostgreSQL, imports among themselves (to the end of the transaction), so
/// that two runs of one file at once store it once: the second finds the first's sources.
/// SQLite's IMMEDIATE transaction already runs one writer at a time.
pub fn lock_imports(conn: &mut DbConnection) -> Result<(), PersistenceError> {
    // Dialect-specific: advisory locks exist on PostgreSQL only.
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({IMPORT_LOCK})")).execute(pg)?;
    }
    Ok(())
}

/// The advisory lock key of imports ("leder-import" as ASCII).
const IMPORT_LOCK: i64 = 0x6c65_6465_722d_696d;

/// Inserts a batch of imported cases (inside the caller's transaction): reviews first, as the
/// other rows refer to them; the events with provisional numbers; the audit entries on `chain`.
/// A source or reference stored meanwhile by another request (the unique indexes) is a
/// conflict: the import, run again, skips that case.
pub fn insert(
    conn: &mut DbConnection,
    cases: &[ImportedCase],
    chain: &AuditChain,
    pending: &mut PendingEvents,
) -> Result<(), PersistenceError> {
    insert_rows(conn, cases, chain, pending).map_err(|e| match e {
        PersistenceError::Query(q) => PersistenceError::unique_as_conflict(
            q,
            "a case with a source or reference of this import was stored meanwhile; run the \
             import again (what it stored is skipped)",
        ),
        other => other,
    })
}

fn insert_rows(
    conn: &mut DbConnection,
    cases: &[ImportedCase],
    chain: &AuditChain,
    pending: &mut PendingEvents,
) -> Result<(), PersistenceError> {
    let reviews: Vec<ReviewRow> = cases.iter().map(|c| row_from_review(&c.review)).collect();
    let holds: Vec<HoldRow> = cases
        .iter()
        .flat_map(|c| c.review.holds.iter().map(|h| hold_row(&c.review.id, h)))
        .collect();
    let notifications: Vec<NotificationRow> = cases
        .iter()
        .map(|c| NotificationRow::from(&c.notification))
        .collect();
    let learning: Vec<LearningRow> = cases
        .iter()
        .flat_map(|c| c.learning.iter().map(LearningPoint::row))
        .collect();
    let learning_themes: Vec<LearningThemeRow> = cases
        .iter()
        .flat_map(|c| c.learning.iter().flat_map(LearningPoint::theme_rows))
        .collect();
    let history: Vec<HistoryRow> = cases.iter().map(|c| HistoryRow::from(&c.history)).collect();
    let now = now_utc();
    let events: Vec<EventRow> = cases
        .iter()
        .map(|c| {
            let e = &c.event;
            let seq = pending.given.entry(e.organisation.clone()).or_insert(0);
            *seq -= 1;
            EventRow {
                organisation: e.organisation.clone(),
                seq: *seq,
                id: uuid::Uuid::now_v7().to_string(),
                event_type: e.event_type.clone(),
                subject_id: e.subject_id.clone(),
                reference: e.reference.clone(),
                occurred_at: now,
                payload_version: PAYLOAD_VERSION,
                data: e.data.clone(),
            }
        })
        .collect();
    insert_chunked!(conn, reviews::table, reviews, REVIEW_COLUMNS);
    insert_chunked!(conn, review_holds::table, holds, HOLD_COLUMNS);
    insert_chunked!(
        conn,
        notifications::table,
        notifications,
        NOTIFICATION_COLUMNS
    );
    insert_chunked!(conn, learning_points::table, learning, LEARNING_COLUMNS);
    insert_chunked!(
        conn,
        learning_point_themes::table,
        learning_themes,
        LEARNING_THEME_COLUMNS
    );
    insert_chunked!(conn, review_history::table, history, HISTORY_COLUMNS);
    insert_chunked!(conn, events::table, events, EVENT_COLUMNS);
    let audit: Vec<NewAuditEntry> = cases.iter().map(|c| c.audit.clone()).collect();
    append_audit(conn, chain, &audit)
}

/// Numbers the import's events in each ICB's feed, after every event already there: call last,
/// inside the import's transaction, just before it commits.
pub fn number_events(
    conn: &mut DbConnection,
    pending: PendingEvents,
) -> Result<(), PersistenceError> {
    let mut given: Vec<(String, i64)> = pending.given.into_iter().collect();
    // One order for every import, so that two never wait on each other's counters.
    given.sort();
    for (organisation, lowest) in given {
        let count = -lowest;
        let last: i64 = match conn {
            // Dialect-specific: an ICB's first events must not insert its counter row twice
            // (see `events::append`); SQLite runs one writer at a time.
            DbConnection::Postgresql(pg) => diesel::insert_into(event_counters::table)
                .values((
                    event_counters::organisation.eq(&organisation),
                    event_counters::last_seq.eq(count),
                ))
                .on_conflict(event_counters::organisation)
                .do_update()
                .set(event_counters::last_seq.eq(event_counters::last_seq + count))
                .returning(event_counters::last_seq)
                .get_result(pg)?,
            DbConnection::Sqlite(_) => {
                let bumped = diesel::update(event_counters::table.find(&organisation))
                    .set(event_counters::last_seq.eq(event_counters::last_seq + count))
                    .execute(conn)?;
                if bumped == 0 {
                    diesel::insert_into(event_counters::table)
                        .values((
                            event_counters::organisation.eq(&organisation),
                            event_counters::last_seq.eq(count),
                        ))
                        .execute(conn)?;
                }
                event_counters::table
                    .find(&organisation)
                    .select(event_counters::last_seq)
                    .get_result(conn)?
            }
        };
        // Provisional -1, -2, .. become base + 1, base + 2, .. in the order they were written.
        let base = last - count;
        diesel::update(
            events::table
                .filter(events::organisation.eq(&organisation))
                .filter(events::seq.lt(0)),
        )
        .set(events::seq.eq(events::seq * -1 + base))
        .execute(conn)?;
    }
    Ok(())
}
