//! An ICB's Local Area Contacts and governance meetings. Every change writes its audit entry in
//! the same transaction.

use diesel::prelude::*;
use time::Date;

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::repo::audit::Audited;
use crate::repo::audit::{NewAuditEntry, append};
use crate::rows::action_plan::{ContactRow, MeetingRow};
use crate::schema::{local_area_contacts, meetings, organisations, reviews};

/// The entry of `audited` about one subject of an ICB.
pub fn entry_about(audited: &Audited, subject: String, organisation: &str) -> NewAuditEntry {
    NewAuditEntry {
        subject: Some(subject),
        subject_organisation: Some(organisation.to_owned()),
        ..audited.entry.clone()
    }
}

/// An ICB's contacts, `primary` first.
pub fn contacts(
    conn: &mut DbConnection,
    organisation: &str,
) -> Result<Vec<ContactRow>, PersistenceError> {
    Ok(local_area_contacts::table
        .filter(local_area_contacts::organisation.eq(organisation))
        .order(local_area_contacts::kind.asc())
        .select(ContactRow::as_select())
        .load(conn)?)
}

/// One contact to store: `(kind, role_title, mailbox, phone)`.
pub type NewContact = (String, String, String, Option<String>);

/// Replaces an ICB's contacts if their version is still `expected_version` (when given); every
/// stored row takes the next version, so the set has one ETag.
pub fn replace_contacts(
    conn: &mut DbConnection,
    organisation: &str,
    new: Vec<NewContact>,
    expected_version: Option<i64>,
    audited: &Audited,
) -> Result<Vec<ContactRow>, PersistenceError> {
    write_transaction(conn, |conn| {
        // The set has no row to lock before its first write, so lock the ICB's own row: two
        // replacements then run one after the other on PostgreSQL too, and neither trips over
        // the other's rows (a duplicate key) or passes a version check the other made stale.
        // `name = name` takes the row lock without touching the key other tables refer to.
        diesel::update(organisations::table.filter(organisations::code.eq(organisation)))
            .set(organisations::name.eq(organisations::name))
            .execute(conn)?;
        let current = contacts(conn, organisation)?
            .iter()
            .map(|c| c.version)
            .max()
            .unwrap_or(0);
        if expected_version.is_some_and(|v| v != current) {
            return Err(PersistenceError::StaleVersion);
        }
        diesel::delete(
            local_area_contacts::table.filter(local_area_contacts::organisation.eq(organisation)),
        )
        .execute(conn)?;
        let now = crate::reference::now_utc();
        let rows: Vec<ContactRow> = new
            .into_iter()
            .map(|(kind, role_title, mailbox, phone)| ContactRow {
                organisation: organisation.to_owned(),
                kind,
                role_title,
                mailbox,
                phone,
                updated_at: now,
                version: current + 1,
            })
            .collect();
        // One statement per row: the multi-backend connection has no batch insert.
        for row in &rows {
            diesel::insert_into(local_area_contacts::table)
                .values(row)
                .execute(conn)?;
        }
        let entry = entry_about(audited, format!("contacts:{organisation}"), organisation);
        append(conn, &audited.chain, &[entry])?;
        let mut rows = rows;
        rows.sort_by(|a, b| a.kind.cmp(&b.kind));
        Ok(rows)
    })
}

/// Which of these review ids are reviews of the ICB.
pub fn reviews_of(
    conn: &mut DbConnection,
    organisation: &str,
    ids: &[String],
) -> Result<Vec<String>, PersistenceError> {
    Ok(reviews::table
        .filter(reviews::organisation.eq(organisation))
        .filter(reviews::id.eq_any(ids))
        .select(reviews::id)
        .load(conn)?)
}

/// Records a meeting and its audit entry.
pub fn create_meeting(
    conn: &mut DbConnection,
    row: MeetingRow,
    audited: &Audited,
) -> Result<MeetingRow, PersistenceError> {
    write_transaction(conn, |conn| {
        diesel::insert_into(meetings::table)
            .values(&row)
            .execute(conn)?;
        let entry = entry_about(audited, format!("meeting:{}", row.id), &row.organisation);
        append(conn, &audited.chain, &[entry])?;
        Ok(row)
    })
}

/// An ICB's meetings, most recent first, after a `(held_on, id)` cursor.
pub fn meetings(
    conn: &mut DbConnection,
    organisation: &str,
    after: Option<(Date, String)>,
    limit: i64,
) -> Result<Vec<MeetingRow>, PersistenceError> {
    let mut q = meetings::table
        .filter(meetings::organisation.eq(organisation.to_owned()))
        .into_boxed();
    if let Some((day, id)) = after {
        q = q.filter(
            meetings::held_on
                .lt(day)
                .or(meetings::held_on.eq(day).and(meetings::id.lt(id))),
        );
    }
    Ok(q.order((meetings::held_on.desc(), meetings::id.desc()))
        .limit(limit)
        .select(MeetingRow::as_select())
        .load(conn)?)
}

/// The date an ICB's group of this kind last met, if ever.
pub fn last_held(
    conn: &mut DbConnection,
    organisation: &str,
    kind: &str,
) -> Result<Option<Date>, PersistenceError> {
    Ok(meetings::table
        .filter(meetings::organisation.eq(organisation))
        .filter(meetings::kind.eq(kind))
        .order(meetings::held_on.desc())
        .select(meetings::held_on)
        .first(conn)
        .optional()?)
}
