//! Attachments: the row that commits an object already written, the lists of a review, the
//! withdrawal, and what the storage sweep asks (which of these keys does a row name).

use std::collections::HashSet;

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::records::evidence::Attachment;
use crate::repo::reviews::reviewer_names;
use crate::rows::evidence::AttachmentRow;
use crate::schema::attachments;

/// Commits a stored object as a document of its review.
pub fn insert(conn: &mut DbConnection, attachment: &Attachment) -> Result<(), PersistenceError> {
    diesel::insert_into(attachments::table)
        .values(attachment.row())
        .execute(conn)?;
    Ok(())
}

/// A review's documents, oldest first, with their uploaders' display names.
pub fn of_review(
    conn: &mut DbConnection,
    review_id: &str,
) -> Result<Vec<Attachment>, PersistenceError> {
    let found: Vec<Attachment> = attachments::table
        .filter(attachments::review_id.eq(review_id))
        .order((attachments::uploaded_at.asc(), attachments::id.asc()))
        .select(AttachmentRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Attachment::try_from)
        .collect::<Result<_, _>>()?;
    let names = reviewer_names(
        conn,
        found.iter().filter_map(|a| a.uploaded_by.clone()).collect(),
    )?;
    Ok(found
        .into_iter()
        .map(|mut a| {
            a.uploaded_by_name = a.uploaded_by.as_ref().and_then(|u| names.get(u)).cloned();
            a
        })
        .collect())
}

/// One document.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<Attachment>, PersistenceError> {
    attachments::table
        .find(id)
        .select(AttachmentRow::as_select())
        .get_result(conn)
        .optional()?
        .map(Attachment::try_from)
        .transpose()
}

/// Withdraws a document (it stays stored until the review's retention ends); answers whether
/// it was not withdrawn already.
pub fn withdraw(
    conn: &mut DbConnection,
    id: &str,
    by: &str,
    reason: &str,
    at: PrimitiveDateTime,
) -> Result<bool, PersistenceError> {
    let changed = diesel::update(
        attachments::table
            .find(id)
            .filter(attachments::withdrawn_at.is_null()),
    )
    .set((
        attachments::withdrawn_at.eq(Some(at)),
        attachments::withdrawn_by.eq(Some(by)),
        attachments::withdrawn_reason.eq(Some(reason)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Which of `keys` a document row names.
pub fn named(
    conn: &mut DbConnection,
    keys: &[String],
) -> Result<HashSet<String>, PersistenceError> {
    let mut found = HashSet::new();
    for chunk in keys.chunks(500) {
        found.extend(
            attachments::table
                .filter(attachments::object_key.eq_any(chunk))
                .select(attachments::object_key)
                .load::<String>(conn)?,
        );
    }
    Ok(found)
}
