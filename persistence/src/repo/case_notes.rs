//! Case notes: appended inside the review change that records them, read in the order they
//! were written. There is no update and no delete.

use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::records::case_notes::CaseNote;
use crate::repo::reviews::reviewer_names;
use crate::rows::case_notes::NoteRow;
use crate::schema::case_notes;

/// Appends a note.
pub fn append(conn: &mut DbConnection, note: &CaseNote) -> Result<(), PersistenceError> {
    diesel::insert_into(case_notes::table)
        .values(note.row())
        .execute(conn)?;
    Ok(())
}

/// Whether `id` is a note of the review.
pub fn is_of_review(
    conn: &mut DbConnection,
    review_id: &str,
    id: &str,
) -> Result<bool, PersistenceError> {
    Ok(case_notes::table
        .find(id)
        .filter(case_notes::review_id.eq(review_id))
        .select(case_notes::id)
        .get_result::<String>(conn)
        .optional()?
        .is_some())
}

/// A review's notes, oldest first, with their authors' display names.
pub fn of_review(
    conn: &mut DbConnection,
    review_id: &str,
) -> Result<Vec<CaseNote>, PersistenceError> {
    let notes: Vec<CaseNote> = case_notes::table
        .filter(case_notes::review_id.eq(review_id))
        .order((case_notes::created_at.asc(), case_notes::id.asc()))
        .select(NoteRow::as_select())
        .load(conn)?
        .into_iter()
        .map(CaseNote::try_from)
        .collect::<Result<_, _>>()?;
    let names = reviewer_names(conn, notes.iter().map(|n| n.author_id.clone()).collect())?;
    Ok(notes
        .into_iter()
        .map(|mut n| {
            n.author_name = names.get(&n.author_id).cloned();
            n
        })
        .collect())
}
