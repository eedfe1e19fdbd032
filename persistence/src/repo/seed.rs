//! Batch inserts of synthetic demo data (`leder seed-demo`).
//!
//! Rules: only cases marked `synthetic = true` come through here; nothing is written to the
//! event outbox (so no webhook ever fires for demo data); every batch is one write transaction,
//! and each table is inserted with multi-row statements sized to stay under the engine's limit
//! on bound parameters (SQLite 32766, PostgreSQL 65535).

use diesel::prelude::*;

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::repo::bulk::insert_chunked;
use leder_domain::review::{Hold, Review};

use crate::records::cases::{HistoryEntry, LearningPoint, Notification};
use crate::rows::cases::{
    HistoryRow, HoldRow, LearningRow, LearningThemeRow, NotificationRow, ReviewRow,
};
use crate::schema::{
    learning_point_themes, learning_points, notifications, review_history, review_holds, reviews,
};
use crate::stored::review::{hold_row, row_from_review};

/// Synthetic references are `LDR-` and 8 Crockford base32 characters like real ones, and all
/// start `LDR-ZZ`, followed by a 6-character sequence number.
pub const SYNTHETIC_REFERENCE_PREFIX: &str = "LDR-ZZ";

/// One batch of synthetic cases.
#[derive(Debug, Clone, Default)]
pub struct SeedBatch {
    /// Reviews (each with `synthetic = true`).
    pub reviews: Vec<Review>,
    /// Their notifications.
    pub notifications: Vec<Notification>,
    /// Hold intervals, each with its review's id.
    pub holds: Vec<(String, Hold)>,
    /// Learning points with their themes.
    pub learning: Vec<LearningPoint>,
    /// History entries.
    pub history: Vec<HistoryEntry>,
}

/// Columns per row of each table (checked against the schema by a test below).
pub(crate) const REVIEW_COLUMNS: usize = 60;
pub(crate) const NOTIFICATION_COLUMNS: usize = 18;
pub(crate) const HOLD_COLUMNS: usize = 9;
pub(crate) const LEARNING_COLUMNS: usize = 7;
pub(crate) const LEARNING_THEME_COLUMNS: usize = 2;
pub(crate) const HISTORY_COLUMNS: usize = 9;

/// One batch as the rows it is stored as: built apart from the write (`leder seed-demo` builds
/// the next batch's rows on another thread while this one is written).
#[derive(Debug, Clone, Default)]
pub struct SeedRows {
    reviews: Vec<ReviewRow>,
    notifications: Vec<NotificationRow>,
    holds: Vec<HoldRow>,
    learning: Vec<LearningRow>,
    learning_themes: Vec<LearningThemeRow>,
    history: Vec<HistoryRow>,
}

impl SeedRows {
    /// The rows of `batch`; refused when a review is not marked synthetic.
    pub fn of(batch: &SeedBatch) -> Result<Self, PersistenceError> {
        if let Some(real) = batch.reviews.iter().find(|r| !r.synthetic) {
            return Err(PersistenceError::Conflict(format!(
                "review {} is not marked synthetic",
                real.id
            )));
        }
        Ok(Self {
            reviews: batch.reviews.iter().map(row_from_review).collect(),
            notifications: batch
                .notifications
                .iter()
                .map(NotificationRow::from)
                .collect(),
            holds: batch
                .holds
                .iter()
                .map(|(review_id, hold)| hold_row(review_id, hold))
                .collect(),
            learning: batch.learning.iter().map(LearningPoint::row).collect(),
            learning_themes: batch
                .learning
                .iter()
                .flat_map(LearningPoint::theme_rows)
                .collect(),
            history: batch.history.iter().map(HistoryRow::from).collect(),
        })
    }

    /// How many reviews.
    pub fn reviews(&self) -> usize {
        self.reviews.len()
    }
}

/// Inserts one batch in one write transaction. Reviews come first (the other rows refer to
/// them). No events are written.
pub fn insert_batch(conn: &mut DbConnection, batch: &SeedBatch) -> Result<(), PersistenceError> {
    insert_rows(conn, &SeedRows::of(batch)?)
}

/// Inserts the rows of one batch in one write transaction, as [`insert_batch`] does.
pub fn insert_rows(conn: &mut DbConnection, rows: &SeedRows) -> Result<(), PersistenceError> {
    let SeedRows {
        reviews,
        notifications,
        holds,
        learning,
        learning_themes,
        history,
    } = rows;
    write_transaction(conn, |conn| -> Result<(), PersistenceError> {
        insert_chunked!(conn, reviews::table, reviews, REVIEW_COLUMNS);
        insert_chunked!(
            conn,
            notifications::table,
            notifications,
            NOTIFICATION_COLUMNS
        );
        insert_chunked!(conn, review_holds::table, holds, HOLD_COLUMNS);
        insert_chunked!(conn, learning_points::table, learning, LEARNING_COLUMNS);
        insert_chunked!(
            conn,
            learning_point_themes::table,
            learning_themes,
            LEARNING_THEME_COLUMNS
        );
        insert_chunked!(conn, review_history::table, history, HISTORY_COLUMNS);
        Ok(())
    })
}

/// Sets the connection up for a bulk load, or back to normal. Dialect-specific: on SQLite a
/// page cache of 2 MB (the default) makes every batch read back index pages through the
/// kernel, and a checkpoint every 1000 pages rewrites them again and again; a large cache and
/// rarer checkpoints make the load several times faster. PostgreSQL needs nothing here.
pub fn bulk_load_mode(conn: &mut DbConnection, on: bool) -> Result<(), PersistenceError> {
    if let DbConnection::Sqlite(sqlite) = conn {
        let (cache_kib, checkpoint_pages) = if on {
            (512 * 1024, 100_000)
        } else {
            (2_000, 1_000)
        };
        diesel::sql_query(format!("PRAGMA cache_size = -{cache_kib}")).execute(sqlite)?;
        diesel::sql_query(format!("PRAGMA wal_autocheckpoint = {checkpoint_pages}"))
            .execute(sqlite)?;
    }
    Ok(())
}

/// Whether any review is real (`synthetic = false`).
pub fn has_real_cases(conn: &mut DbConnection) -> Result<bool, PersistenceError> {
    let found: Option<String> = reviews::table
        .filter(reviews::synthetic.eq(false))
        .select(reviews::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// The highest reference in the synthetic range stored so far, if any (Crockford characters
/// sort in ASCII order, so the greatest string is the greatest number). Every reference of the
/// range counts, even one a test has since marked real: a reference is never given twice.
pub fn last_synthetic_reference(
    conn: &mut DbConnection,
) -> Result<Option<String>, PersistenceError> {
    let low = format!("{SYNTHETIC_REFERENCE_PREFIX}000000");
    let high = format!("{SYNTHETIC_REFERENCE_PREFIX}ZZZZZZ");
    Ok(reviews::table
        .filter(reviews::reference.ge(low))
        .filter(reviews::reference.le(high))
        .select(diesel::dsl::max(reviews::reference))
        .first::<Option<String>>(conn)?)
}

/// The NHS numbers already stored that start with `prefix` (to keep test-range numbers unique
/// across seedings).
pub fn nhs_numbers_starting(
    conn: &mut DbConnection,
    prefix: &str,
) -> Result<Vec<String>, PersistenceError> {
    let low = format!("{prefix}0000000000");
    let high = format!("{prefix}9999999999");
    Ok(reviews::table
        .filter(reviews::nhs_number.ge(low))
        .filter(reviews::nhs_number.le(high))
        .select(reviews::nhs_number.assume_not_null())
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use diesel::debug_query;
    use diesel::sqlite::Sqlite;

    use super::*;

    /// The number of columns a `SELECT` of every column names.
    macro_rules! columns {
        ($table:ident) => {{
            let sql =
                debug_query::<Sqlite, _>(&$table::table.select($table::all_columns)).to_string();
            sql.split(" FROM ")
                .next()
                .unwrap_or_default()
                .matches(", ")
                .count()
                + 1
        }};
    }

    #[test]
    fn the_column_counts_match_the_schema() {
        assert_eq!(columns!(reviews), REVIEW_COLUMNS);
        assert_eq!(columns!(notifications), NOTIFICATION_COLUMNS);
        assert_eq!(columns!(review_holds), HOLD_COLUMNS);
        assert_eq!(columns!(learning_points), LEARNING_COLUMNS);
        assert_eq!(columns!(learning_point_themes), LEARNING_THEME_COLUMNS);
        assert_eq!(columns!(review_history), HISTORY_COLUMNS);
    }
}
