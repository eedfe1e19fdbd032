//! A notification's source: an ICB's system and its id for the case, which the intake looks up
//! (one at a time per source on PostgreSQL) so a retry finds the case the first made.

use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::records::cases::Source;
use crate::schema::notifications;

/// Serialises, on PostgreSQL, the notifications that name one source (an ICS system retrying
/// the same case, perhaps several at once), so the second finds the first's notification; the
/// unique index `notifications_source` stands behind it. SQLite runs one writer at a time.
pub(super) fn lock_source(
    conn: &mut DbConnection,
    source: &Source,
) -> Result<(), PersistenceError> {
    // Dialect-specific: advisory locks exist on PostgreSQL only.
    if let DbConnection::Postgresql(pg) = conn {
        let key = fnv1a(&format!(
            "source:{}\u{1f}{}\u{1f}{}",
            source.organisation, source.system, source.id
        ));
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({key})")).execute(pg)?;
    }
    Ok(())
}

/// The notification an ICB's system sent with this source id, if any: its reference and when
/// it arrived.
pub fn by_source(
    conn: &mut DbConnection,
    source: &Source,
) -> Result<Option<(String, time::PrimitiveDateTime)>, PersistenceError> {
    Ok(notifications::table
        .filter(notifications::source_organisation.eq(&source.organisation))
        .filter(notifications::source_system.eq(&source.system))
        .filter(notifications::source_id.eq(&source.id))
        .select((notifications::reference, notifications::received_at))
        .first(conn)
        .optional()?)
}

/// FNV-1a over a text, as an advisory lock key: a collision only serialises strangers.
pub(super) fn fnv1a(text: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(h.to_ne_bytes())
}
