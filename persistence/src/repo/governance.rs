//! An ICB's Local Area Contacts and governance meetings. Every change writes its audit entry in
//! the same transaction.

use diesel::prelude::*;
use leder_domain::action_plan::{ContactKind, MeetingKind};
use time::Date;

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::records::action_plan::{Contacts, Meeting};
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

/// An ICB's contacts.
pub fn contacts(conn: &mut DbConnection, organisation: &str) -> Result<Contacts, PersistenceError> {
    let rows = local_area_contacts::table
        .filter(local_area_contacts::organisation.eq(organisation))
        .select(ContactRow::as_select())
        .load(conn)?;
    Contacts::from_rows(organisation, rows)
}

/// Replaces an ICB's contacts if their version is still `expected_version` (when given); every
/// stored row takes the next version, so the set has one ETag.
pub fn replace_contacts(
    conn: &mut DbConnection,
    organisation: &str,
    new: Contacts,
    expected_version: Option<i64>,
    audited: &Audited,
) -> Result<Contacts, PersistenceError> {
    write_transaction(conn, |conn| {
        // The set has no row to lock before its first write, so lock the ICB's own row: two
        // replacements then run one after the other on PostgreSQL too, and neither trips over
        // the other's rows (a duplicate key) or passes a version check the other made stale.
        // `name = name` takes the row lock without touching the key other tables refer to.
        diesel::update(organisations::table.filter(organisations::code.eq(organisation)))
            .set(organisations::name.eq(organisations::name))
            .execute(conn)?;
        let current = contacts(conn, organisation)?.version;
        if expected_version.is_some_and(|v| v != current) {
            return Err(PersistenceError::StaleVersion);
        }
        diesel::delete(
            local_area_contacts::table.filter(local_area_contacts::organisation.eq(organisation)),
        )
        .execute(conn)?;
        let now = crate::reference::now_utc();
        let kinds = [
            (ContactKind::Primary, new.primary),
            (ContactKind::Secondary, new.secondary),
        ];
        let rows: Vec<ContactRow> = kinds
            .into_iter()
            .filter_map(|(kind, contact)| contact.map(|c| (kind, c)))
            .map(|(kind, c)| ContactRow {
                organisation: organisation.to_owned(),
                kind: kind.as_str().to_owned(),
                role_title: c.role_title,
                mailbox: c.mailbox,
                phone: c.phone,
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
        Contacts::from_rows(organisation, rows)
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
    meeting: Meeting,
    audited: &Audited,
) -> Result<Meeting, PersistenceError> {
    write_transaction(conn, |conn| {
        diesel::insert_into(meetings::table)
            .values(MeetingRow::from(&meeting))
            .execute(conn)?;
        let entry = entry_about(
            audited,
            format!("meeting:{}", meeting.id),
            &meeting.organisation,
        );
        append(conn, &audited.chain, &[entry])?;
        Ok(meeting)
    })
}

/// An ICB's meetings, most recent first, after a `(held_on, id)` cursor.
pub fn meetings(
    conn: &mut DbConnection,
    organisation: &str,
    after: Option<(Date, String)>,
    limit: i64,
) -> Result<Vec<Meeting>, PersistenceError> {
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
    q.order((meetings::held_on.desc(), meetings::id.desc()))
        .limit(limit)
        .select(MeetingRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Meeting::try_from)
        .collect()
}

/// The date an ICB's group of this kind last met, if ever.
pub fn last_held(
    conn: &mut DbConnection,
    organisation: &str,
    kind: MeetingKind,
) -> Result<Option<Date>, PersistenceError> {
    Ok(meetings::table
        .filter(meetings::organisation.eq(organisation))
        .filter(meetings::kind.eq(kind.as_str()))
        .order(meetings::held_on.desc())
        .select(meetings::held_on)
        .first(conn)
        .optional()?)
}
