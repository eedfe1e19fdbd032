//! A review's family record: contacts and the entries of what happened with each, written
//! inside the review change that records them and read in the order recorded. Entries are
//! never updated or deleted, except that an opt-out erases the whole record ([`erase`]) and
//! retention disposes of its identifiable part ([`dispose`]).

use diesel::prelude::*;
use leder_domain::retention::DISPOSED_TEXT;

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::records::family::{FamilyContact, FamilyEntry};
use crate::repo::reviews::reviewer_names;
use crate::rows::family::{ContactRow, FamilyEventRow};
use crate::schema::{family_contacts, family_events};

/// Adds a contact.
pub fn add_contact(
    conn: &mut DbConnection,
    contact: &FamilyContact,
) -> Result<(), PersistenceError> {
    diesel::insert_into(family_contacts::table)
        .values(contact.row())
        .execute(conn)?;
    Ok(())
}

/// Stores a contact's changed details.
pub fn update_contact(
    conn: &mut DbConnection,
    contact: &FamilyContact,
) -> Result<(), PersistenceError> {
    diesel::update(family_contacts::table.find(&contact.id))
        .set(contact.row())
        .execute(conn)?;
    Ok(())
}

/// One contact of the review, if it is one of its contacts.
pub fn contact_of(
    conn: &mut DbConnection,
    review_id: &str,
    id: &str,
) -> Result<Option<FamilyContact>, PersistenceError> {
    family_contacts::table
        .find(id)
        .filter(family_contacts::review_id.eq(review_id))
        .select(ContactRow::as_select())
        .get_result(conn)
        .optional()?
        .map(FamilyContact::try_from)
        .transpose()
}

/// The review's contacts, in the order added.
pub fn contacts_of(
    conn: &mut DbConnection,
    review_id: &str,
) -> Result<Vec<FamilyContact>, PersistenceError> {
    family_contacts::table
        .filter(family_contacts::review_id.eq(review_id))
        .order((family_contacts::created_at.asc(), family_contacts::id.asc()))
        .select(ContactRow::as_select())
        .load(conn)?
        .into_iter()
        .map(FamilyContact::try_from)
        .collect()
}

/// Appends an entry.
pub fn append_entry(conn: &mut DbConnection, entry: &FamilyEntry) -> Result<(), PersistenceError> {
    diesel::insert_into(family_events::table)
        .values(entry.row())
        .execute(conn)?;
    Ok(())
}

/// The review's entries (of every contact, and `no_family_contact`), in the order recorded,
/// with the display names of who recorded them.
pub fn entries_of(
    conn: &mut DbConnection,
    review_id: &str,
) -> Result<Vec<FamilyEntry>, PersistenceError> {
    let entries: Vec<FamilyEntry> = family_events::table
        .filter(family_events::review_id.eq(review_id))
        .order((family_events::recorded_at.asc(), family_events::id.asc()))
        .select(FamilyEventRow::as_select())
        .load(conn)?
        .into_iter()
        .map(FamilyEntry::try_from)
        .collect::<Result<_, _>>()?;
    let names = reviewer_names(
        conn,
        entries.iter().map(|e| e.recorded_by.clone()).collect(),
    )?;
    Ok(entries
        .into_iter()
        .map(|mut e| {
            e.recorded_by_name = names.get(&e.recorded_by).cloned();
            e
        })
        .collect())
}

/// Erases the review's whole family record (a positive opt-out check: nothing identifiable
/// stays), in the change's transaction.
pub fn erase(conn: &mut DbConnection, review_id: &str) -> Result<(), PersistenceError> {
    diesel::delete(family_events::table.filter(family_events::review_id.eq(review_id)))
        .execute(conn)?;
    diesel::delete(family_contacts::table.filter(family_contacts::review_id.eq(review_id)))
        .execute(conn)?;
    Ok(())
}

/// Disposes of the record's identifiable part after the retention period: every contact's
/// name, relationship, ways of contact and notes go (their accessibility needs, codes, stay),
/// and every entry's note; the entries' kinds and days stay.
pub fn dispose(conn: &mut DbConnection, review_id: &str) -> Result<(), PersistenceError> {
    diesel::update(family_contacts::table.filter(family_contacts::review_id.eq(review_id)))
        .set((
            family_contacts::name.eq(DISPOSED_TEXT),
            family_contacts::relationship.eq(DISPOSED_TEXT),
            family_contacts::phone.eq(None::<String>),
            family_contacts::email.eq(None::<String>),
            family_contacts::address.eq(None::<String>),
            family_contacts::interpreter_language.eq(None::<String>),
            family_contacts::accessibility_note.eq(None::<String>),
        ))
        .execute(conn)?;
    diesel::update(
        family_events::table
            .filter(family_events::review_id.eq(review_id))
            .filter(family_events::note.is_not_null()),
    )
    .set(family_events::note.eq(DISPOSED_TEXT))
    .execute(conn)?;
    Ok(())
}
