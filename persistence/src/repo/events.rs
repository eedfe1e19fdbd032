//! The outbox: each change writes its events in its own transaction. An ICB's sequence number
//! comes from its counter row, updated in that same transaction, so the row lock orders writers
//! and sequence order is commit order on both engines: a client polling "after N" can never
//! skip an event that commits late.

use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::records::webhooks::Event;
use crate::reference::now_utc;
use crate::rows::cases::EventRow;
use crate::schema::{event_counters, events};

/// The payload version of every event today.
pub const PAYLOAD_VERSION: i64 = 1;

/// An event to write.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// The ICB whose feed it goes in.
    pub organisation: String,
    /// `review.created`, ...
    pub event_type: String,
    /// The subject's id.
    pub subject_id: String,
    /// The review's reference.
    pub reference: String,
    /// The subject's new state (JSON).
    pub data: String,
}

/// Appends an event; call inside the change's write transaction. Returns its position.
pub fn append(conn: &mut DbConnection, event: NewEvent) -> Result<i64, PersistenceError> {
    let seq: i64 = match conn {
        // Dialect-specific: two transactions writing an ICB's first event at once must not
        // both insert its counter row, so PostgreSQL takes the row with an atomic upsert.
        // SQLite's IMMEDIATE transactions already run one writer at a time.
        DbConnection::Postgresql(pg) => diesel::insert_into(event_counters::table)
            .values((
                event_counters::organisation.eq(&event.organisation),
                event_counters::last_seq.eq(1i64),
            ))
            .on_conflict(event_counters::organisation)
            .do_update()
            .set(event_counters::last_seq.eq(event_counters::last_seq + 1))
            .returning(event_counters::last_seq)
            .get_result(pg)?,
        DbConnection::Sqlite(_) => {
            let bumped = diesel::update(event_counters::table.find(&event.organisation))
                .set(event_counters::last_seq.eq(event_counters::last_seq + 1))
                .execute(conn)?;
            if bumped == 0 {
                diesel::insert_into(event_counters::table)
                    .values((
                        event_counters::organisation.eq(&event.organisation),
                        event_counters::last_seq.eq(1i64),
                    ))
                    .execute(conn)?;
            }
            event_counters::table
                .find(&event.organisation)
                .select(event_counters::last_seq)
                .get_result(conn)?
        }
    };
    let row = EventRow {
        organisation: event.organisation,
        seq,
        id: uuid::Uuid::now_v7().to_string(),
        event_type: event.event_type,
        subject_id: event.subject_id,
        reference: event.reference,
        occurred_at: now_utc(),
        payload_version: PAYLOAD_VERSION,
        data: event.data,
    };
    crate::on_concrete!(conn, |c| diesel::insert_into(events::table)
        .values(&row)
        .execute(c))?;
    Ok(seq)
}

/// An ICB's events after `after`, in sequence order.
pub fn after(
    conn: &mut DbConnection,
    organisation: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<Event>, PersistenceError> {
    events::table
        .filter(events::organisation.eq(organisation))
        .filter(events::seq.gt(after))
        .order(events::seq.asc())
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Event::try_from)
        .collect()
}
