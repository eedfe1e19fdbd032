//! A review's evidence: who was involved, what was asked of them ([`requests`]) and the
//! documents kept ([`attachments`]). Each change runs inside the review change that records it
//! (the review's row is locked first, as every change does). [`erase_review`] removes all of a
//! review's evidence rows, for an opt-out and for disposal after retention; the objects they
//! named are then removed from storage by the caller, or by the sweep (no row names them).

pub mod attachments;
pub mod requests;

use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::records::evidence::InvolvedOrganisation;
use crate::rows::evidence::InvolvedRow;
use crate::schema::{attachments as attachment_rows, involved_organisations, records_requests};

/// Records an involved organisation.
pub fn add_organisation(
    conn: &mut DbConnection,
    organisation: &InvolvedOrganisation,
) -> Result<(), PersistenceError> {
    diesel::insert_into(involved_organisations::table)
        .values(organisation.row())
        .execute(conn)?;
    Ok(())
}

/// Corrects an involved organisation's code and name.
pub fn correct_organisation(
    conn: &mut DbConnection,
    organisation: &InvolvedOrganisation,
) -> Result<(), PersistenceError> {
    diesel::update(involved_organisations::table.find(&organisation.id))
        .set((
            involved_organisations::ods_code.eq(&organisation.ods_code),
            involved_organisations::name.eq(&organisation.name),
            involved_organisations::updated_at.eq(organisation.updated_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The organisations involved in a review's person's care, in the order recorded.
pub fn organisations_of(
    conn: &mut DbConnection,
    review_id: &str,
) -> Result<Vec<InvolvedOrganisation>, PersistenceError> {
    involved_organisations::table
        .filter(involved_organisations::review_id.eq(review_id))
        .order((
            involved_organisations::created_at.asc(),
            involved_organisations::id.asc(),
        ))
        .select(InvolvedRow::as_select())
        .load(conn)?
        .into_iter()
        .map(InvolvedOrganisation::try_from)
        .collect()
}

/// One involved organisation of the review.
pub fn organisation_of(
    conn: &mut DbConnection,
    review_id: &str,
    id: &str,
) -> Result<Option<InvolvedOrganisation>, PersistenceError> {
    involved_organisations::table
        .find(id)
        .filter(involved_organisations::review_id.eq(review_id))
        .select(InvolvedRow::as_select())
        .get_result(conn)
        .optional()?
        .map(InvolvedOrganisation::try_from)
        .transpose()
}

/// Removes every evidence row of a review (its documents, requests and involved
/// organisations); answers the object keys its documents named.
pub fn erase_review(
    conn: &mut DbConnection,
    review_id: &str,
) -> Result<Vec<String>, PersistenceError> {
    let keys = attachment_rows::table
        .filter(attachment_rows::review_id.eq(review_id))
        .select(attachment_rows::object_key)
        .load::<String>(conn)?;
    diesel::delete(attachment_rows::table.filter(attachment_rows::review_id.eq(review_id)))
        .execute(conn)?;
    diesel::delete(records_requests::table.filter(records_requests::review_id.eq(review_id)))
        .execute(conn)?;
    diesel::delete(
        involved_organisations::table.filter(involved_organisations::review_id.eq(review_id)),
    )
    .execute(conn)?;
    Ok(keys)
}
