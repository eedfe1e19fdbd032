//! Loading the organisation reference data (the three files of `reference/`).
//!
//! The shipped copy is embedded in the binary and loaded after the migrations whenever its
//! checksum differs from the last shipped load, so a newcomer's first start has every NHS body.
//! `leder organisations import <dir>` loads a newer set of the same three files. A load adds new
//! rows and updates the fields of rows it already has (a name, an end date that the next
//! reorganisation set); it never deletes a row, so history is not touched. The whole load is one
//! transaction: a file with a bad row changes nothing.

use std::collections::HashMap;
use std::path::Path;

use diesel::prelude::*;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::rows::organisations::{OrganisationRow, ParentRow, SuccessorRow};
use crate::schema::{
    organisation_parents, organisation_successors, organisations, reference_imports,
};

const SHIPPED_ORGANISATIONS: &str = include_str!("../../reference/organisations.csv");
const SHIPPED_PARENTS: &str = include_str!("../../reference/organisation-parents.csv");
const SHIPPED_SUCCESSORS: &str = include_str!("../../reference/organisation-successors.csv");

/// The origin recorded for the copy shipped in the binary.
pub const SHIPPED_ORIGIN: &str = "shipped";

/// The three files' contents.
#[derive(Debug, Clone)]
pub struct ReferenceFiles {
    /// `organisations.csv`.
    pub organisations: String,
    /// `organisation-parents.csv`.
    pub parents: String,
    /// `organisation-successors.csv`.
    pub successors: String,
}

impl ReferenceFiles {
    /// The copy shipped in the binary.
    pub fn shipped() -> Self {
        ReferenceFiles {
            organisations: SHIPPED_ORGANISATIONS.to_owned(),
            parents: SHIPPED_PARENTS.to_owned(),
            successors: SHIPPED_SUCCESSORS.to_owned(),
        }
    }

    /// Reads the three files from a folder.
    pub fn read_dir(dir: &Path) -> Result<Self, PersistenceError> {
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name)).map_err(|e| {
                PersistenceError::Reference(format!("{}: {e}", dir.join(name).display()))
            })
        };
        Ok(ReferenceFiles {
            organisations: read("organisations.csv")?,
            parents: read("organisation-parents.csv")?,
            successors: read("organisation-successors.csv")?,
        })
    }

    /// A content checksum (FNV-1a, 64 bits): enough to notice a changed file, not a security
    /// measure.
    pub fn checksum(&self) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for part in [&self.organisations, &self.parents, &self.successors] {
            for byte in part.bytes().chain([0u8]) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    }
}

/// What a load did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Rows that were not there before.
    pub added: i64,
    /// Rows whose fields changed.
    pub updated: i64,
    /// Rows already as given.
    pub unchanged: i64,
}

/// Loads the shipped copy unless the last shipped load had the same checksum.
pub fn ensure_shipped(conn: &mut DbConnection) -> Result<Option<ImportSummary>, PersistenceError> {
    let files = ReferenceFiles::shipped();
    let checksum = files.checksum();
    let last: Option<String> = reference_imports::table
        .filter(reference_imports::origin.eq(SHIPPED_ORIGIN))
        .order(reference_imports::imported_at.desc())
        .select(reference_imports::checksum)
        .first(conn)
        .optional()?;
    if last.as_deref() == Some(checksum.as_str()) {
        return Ok(None);
    }
    import(conn, &files, SHIPPED_ORIGIN).map(Some)
}

/// Parses the three files and loads them in one transaction.
pub fn import(
    conn: &mut DbConnection,
    files: &ReferenceFiles,
    origin: &str,
) -> Result<ImportSummary, PersistenceError> {
    let orgs = parse_organisations(&files.organisations)?;
    let parents = parse_parents(&files.parents)?;
    let successors = parse_successors(&files.successors)?;
    let checksum = files.checksum();
    write_transaction(conn, |conn| {
        let mut summary = ImportSummary::default();
        let existing = organisations::table
            .select(OrganisationRow::as_select())
            .load(conn)?;
        upsert(
            conn,
            &orgs,
            existing,
            &mut summary,
            |r| (r.code.clone(), r.kind.clone()),
            |conn, r| {
                diesel::insert_into(organisations::table)
                    .values(r)
                    .execute(conn)
            },
            |conn, r| {
                diesel::update(organisations::table.find((&r.code, &r.kind)))
                    .set(r)
                    .execute(conn)
            },
        )?;
        let existing = organisation_parents::table
            .select(ParentRow::as_select())
            .load(conn)?;
        upsert(
            conn,
            &parents,
            existing,
            &mut summary,
            |r| (r.child_code.clone(), r.child_kind.clone(), r.valid_from),
            |conn, r| {
                diesel::insert_into(organisation_parents::table)
                    .values(r)
                    .execute(conn)
            },
            |conn, r| {
                diesel::update(organisation_parents::table.find((
                    &r.child_code,
                    &r.child_kind,
                    r.valid_from,
                )))
                .set(r)
                .execute(conn)
            },
        )?;
        let existing = organisation_successors::table
            .select(SuccessorRow::as_select())
            .load(conn)?;
        upsert(
            conn,
            &successors,
            existing,
            &mut summary,
            |r| {
                (
                    r.from_code.clone(),
                    r.from_kind.clone(),
                    r.to_code.clone(),
                    r.to_kind.clone(),
                )
            },
            |conn, r| {
                diesel::insert_into(organisation_successors::table)
                    .values(r)
                    .execute(conn)
            },
            |conn, r| {
                diesel::update(organisation_successors::table.find((
                    &r.from_code,
                    &r.from_kind,
                    &r.to_code,
                    &r.to_kind,
                )))
                .set(r)
                .execute(conn)
            },
        )?;

        diesel::insert_into(reference_imports::table)
            .values((
                reference_imports::id.eq(uuid::Uuid::now_v7().to_string()),
                reference_imports::imported_at.eq(now_utc()),
                reference_imports::origin.eq(origin),
                reference_imports::checksum.eq(&checksum),
                reference_imports::added.eq(summary.added),
                reference_imports::updated.eq(summary.updated),
                reference_imports::unchanged.eq(summary.unchanged),
            ))
            .execute(conn)?;
        Ok::<_, PersistenceError>(summary)
    })
}

/// Adds the rows that are new, updates those whose fields changed and counts the rest; never
/// deletes, so history is kept.
fn upsert<R: PartialEq, K: std::hash::Hash + Eq>(
    conn: &mut DbConnection,
    rows: &[R],
    existing: Vec<R>,
    summary: &mut ImportSummary,
    key: impl Fn(&R) -> K,
    insert: impl Fn(&mut DbConnection, &R) -> QueryResult<usize>,
    update: impl Fn(&mut DbConnection, &R) -> QueryResult<usize>,
) -> Result<(), PersistenceError> {
    let existing: HashMap<K, R> = existing.into_iter().map(|r| (key(&r), r)).collect();
    for row in rows {
        match existing.get(&key(row)) {
            None => {
                insert(conn, row)?;
                summary.added += 1;
            }
            Some(old) if old == row => summary.unchanged += 1,
            Some(_) => {
                update(conn, row)?;
                summary.updated += 1;
            }
        }
    }
    Ok(())
}

/// The current instant in UTC, truncated to microseconds (PostgreSQL keeps no finer).
pub fn now_utc() -> PrimitiveDateTime {
    let now = OffsetDateTime::now_utc();
    let micros = now.microsecond();
    let now = now.replace_microsecond(micros).unwrap_or(now);
    PrimitiveDateTime::new(now.date(), now.time())
}

mod csv;

use csv::{parse_organisations, parse_parents, parse_successors};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_files_parse_with_the_documented_row_counts() {
        let files = ReferenceFiles::shipped();
        assert_eq!(
            parse_organisations(&files.organisations).unwrap().len(),
            268
        );
        assert_eq!(parse_parents(&files.parents).unwrap().len(), 284);
        assert_eq!(parse_successors(&files.successors).unwrap().len(), 128);
    }

    #[test]
    fn a_row_with_a_bad_date_is_refused_with_its_line() {
        let text = "code,name,kind,valid_from,valid_to,ons_code,source\nQOP,X,icb,2022-13-01,,,t\n";
        let err = parse_organisations(text).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn a_file_with_another_header_is_refused() {
        let err = parse_parents("a,b\n1,2\n").unwrap_err().to_string();
        assert!(err.contains("expected the header"), "{err}");
    }

    #[test]
    fn the_checksum_changes_with_the_content() {
        let a = ReferenceFiles::shipped();
        let mut b = a.clone();
        b.parents.push('\n');
        assert_ne!(a.checksum(), b.checksum());
        assert_eq!(a.checksum(), ReferenceFiles::shipped().checksum());
    }
}
