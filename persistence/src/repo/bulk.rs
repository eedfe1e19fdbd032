//! Multi-row inserts for bulk loads (`leder seed-demo`, `leder import`): each table is written
//! with statements of as many rows as the engine's limit on bound parameters allows (SQLite
//! 32766, PostgreSQL 65535).

use crate::connection::DbConnection;

/// Rows per statement so that rows × columns stays under the engine's bound-parameter limit.
pub(crate) fn rows_per_statement(conn: &DbConnection, columns: usize) -> usize {
    let limit = match conn {
        DbConnection::Sqlite(_) => 32_766,
        DbConnection::Postgresql(_) => 65_535,
    };
    (limit / columns).max(1)
}

/// Inserts rows in chunks. Dialect-specific: a multi-row INSERT needs the concrete connection
/// (the derived MultiConnection does not offer batch inserts).
macro_rules! insert_chunked {
    ($conn:expr, $table:expr, $rows:expr, $columns:expr) => {{
        let per = $crate::repo::bulk::rows_per_statement($conn, $columns);
        for chunk in $rows.chunks(per) {
            match &mut *$conn {
                $crate::connection::DbConnection::Postgresql(pg) => {
                    diesel::insert_into($table).values(chunk).execute(pg)?;
                }
                $crate::connection::DbConnection::Sqlite(sqlite) => {
                    diesel::insert_into($table).values(chunk).execute(sqlite)?;
                }
            }
        }
    }};
}

pub(crate) use insert_chunked;
