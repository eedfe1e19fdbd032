//! The notifications of a case as its team reads them (the first and every duplicate), and the
//! lead's acknowledgement of a duplicate, written inside the review change that records it.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::records::cases::CaseNotification;
use crate::rows::cases::NotificationRow;
use crate::schema::notifications;

/// Every notification of a review, in the order they came.
pub fn of_review(
    conn: &mut DbConnection,
    review_id: &str,
) -> Result<Vec<CaseNotification>, PersistenceError> {
    notifications::table
        .filter(notifications::review_id.eq(review_id))
        .order((notifications::received_at.asc(), notifications::id.asc()))
        .select(NotificationRow::as_select())
        .load(conn)?
        .into_iter()
        .map(CaseNotification::try_from)
        .collect()
}

/// One notification of a review (none when it belongs to another review).
pub fn one_of_review(
    conn: &mut DbConnection,
    review_id: &str,
    id: &str,
) -> Result<Option<CaseNotification>, PersistenceError> {
    notifications::table
        .find(id)
        .filter(notifications::review_id.eq(review_id))
        .select(NotificationRow::as_select())
        .get_result(conn)
        .optional()?
        .map(CaseNotification::try_from)
        .transpose()
}

/// How many duplicates of a review besides `except` still await the lead's acknowledgement.
pub fn waiting_besides(
    conn: &mut DbConnection,
    review_id: &str,
    except: &str,
) -> Result<i64, PersistenceError> {
    Ok(notifications::table
        .filter(notifications::review_id.eq(review_id))
        .filter(notifications::duplicate.eq(true))
        .filter(notifications::acknowledged_at.is_null())
        .filter(notifications::id.ne(except))
        .count()
        .get_result(conn)?)
}

/// Marks a duplicate acknowledged, unless it already is: whether this call acknowledged it.
pub fn acknowledge(
    conn: &mut DbConnection,
    id: &str,
    by: &str,
    applied: bool,
    at: PrimitiveDateTime,
) -> Result<bool, PersistenceError> {
    let n = diesel::update(notifications::table.find(id))
        .filter(notifications::acknowledged_at.is_null())
        .set((
            notifications::acknowledged_at.eq(Some(at)),
            notifications::acknowledged_by.eq(Some(by)),
            notifications::applied.eq(applied),
        ))
        .execute(conn)?;
    Ok(n == 1)
}
