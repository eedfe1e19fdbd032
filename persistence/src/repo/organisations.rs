//! Reading the organisation hierarchy: lists filtered on a date, one organisation with its
//! history, and the whole hierarchy for the domain's resolution rule.

use diesel::prelude::*;
use leder_domain::organisations::{Hierarchy, OrgKind};
use time::Date;

use crate::connection::DbConnection;
use crate::error::PersistenceError;
pub use crate::records::organisations::{OrganisationDetail, OrganisationOnDate};
use crate::records::organisations::{ParentLink, SuccessionLink};
use crate::rows::organisations::{OrganisationRow, ParentRow, SuccessorRow};
use crate::schema::{organisation_parents, organisation_successors, organisations};

/// Filters of the organisation list.
#[derive(Debug, Clone)]
pub struct OrganisationFilter {
    /// Only this kind.
    pub kind: Option<OrgKind>,
    /// Only organisations valid on this day; the parent shown is the one in force that day.
    pub valid_on: Date,
    /// Only children of this parent on `valid_on`.
    pub parent_code: Option<String>,
    /// Keyset cursor: rows strictly after this `(code, kind)`.
    pub after: Option<(String, String)>,
    /// At most this many rows.
    pub limit: i64,
}

/// Lists organisations valid on a day, ordered by `(code, kind)`.
pub fn list(
    conn: &mut DbConnection,
    filter: &OrganisationFilter,
) -> Result<Vec<OrganisationOnDate>, PersistenceError> {
    let day = filter.valid_on;
    let mut query = organisations::table
        .left_join(
            organisation_parents::table.on(organisation_parents::child_code
                .eq(organisations::code)
                .and(organisation_parents::child_kind.eq(organisations::kind))
                .and(organisation_parents::valid_from.le(day))
                .and(
                    organisation_parents::valid_to
                        .is_null()
                        .or(organisation_parents::valid_to.ge(day)),
                )),
        )
        .filter(organisations::valid_from.le(day))
        .filter(
            organisations::valid_to
                .is_null()
                .or(organisations::valid_to.ge(day)),
        )
        .select((
            OrganisationRow::as_select(),
            organisation_parents::parent_code.nullable(),
        ))
        .order((organisations::code.asc(), organisations::kind.asc()))
        .limit(filter.limit)
        .into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(organisations::kind.eq(kind.as_str()));
    }
    if let Some(parent) = &filter.parent_code {
        query = query.filter(organisation_parents::parent_code.eq(parent.clone()));
    }
    if let Some((code, kind)) = &filter.after {
        query = query.filter(
            organisations::code.gt(code.clone()).or(organisations::code
                .eq(code.clone())
                .and(organisations::kind.gt(kind.clone()))),
        );
    }
    let rows: Vec<(OrganisationRow, Option<String>)> = query.load(conn)?;
    rows.into_iter()
        .map(|(row, parent_code)| OrganisationOnDate::from_row(row, parent_code))
        .collect()
}

/// Finds the organisation with this code: of `kind` when given, else the row valid on
/// `valid_on`, else the row that ended most recently before it (so a dissolved ICB is still found).
pub fn get(
    conn: &mut DbConnection,
    code: &str,
    kind: Option<OrgKind>,
    valid_on: Date,
) -> Result<Option<OrganisationDetail>, PersistenceError> {
    let mut rows: Vec<OrganisationRow> = organisations::table
        .filter(organisations::code.eq(code))
        .select(OrganisationRow::as_select())
        .load(conn)?;
    if let Some(kind) = kind {
        rows.retain(|r| r.kind == kind.as_str());
    }
    let valid = |r: &OrganisationRow| {
        r.valid_from <= valid_on && r.valid_to.is_none_or(|to| valid_on <= to)
    };
    let chosen = match rows.iter().position(valid) {
        Some(i) => rows.swap_remove(i),
        None => match rows
            .into_iter()
            .max_by_key(|r| (r.valid_to.is_none(), r.valid_to, r.valid_from))
        {
            Some(r) => r,
            None => return Ok(None),
        },
    };
    let parents: Vec<ParentRow> = organisation_parents::table
        .filter(organisation_parents::child_code.eq(&chosen.code))
        .filter(organisation_parents::child_kind.eq(&chosen.kind))
        .order(organisation_parents::valid_from.asc())
        .select(ParentRow::as_select())
        .load(conn)?;
    let parent_code = parents
        .iter()
        .find(|p| p.valid_from <= valid_on && p.valid_to.is_none_or(|to| valid_on <= to))
        .map(|p| p.parent_code.clone());
    let successors: Vec<SuccessorRow> = organisation_successors::table
        .filter(organisation_successors::from_code.eq(&chosen.code))
        .filter(organisation_successors::from_kind.eq(&chosen.kind))
        .order((
            organisation_successors::effective.asc(),
            organisation_successors::to_code.asc(),
        ))
        .select(SuccessorRow::as_select())
        .load(conn)?;
    let predecessors: Vec<SuccessorRow> = organisation_successors::table
        .filter(organisation_successors::to_code.eq(&chosen.code))
        .filter(organisation_successors::to_kind.eq(&chosen.kind))
        .order((
            organisation_successors::effective.asc(),
            organisation_successors::from_code.asc(),
        ))
        .select(SuccessorRow::as_select())
        .load(conn)?;
    Ok(Some(OrganisationDetail {
        organisation: OrganisationOnDate::from_row(chosen, parent_code)?,
        parents: parents.into_iter().map(ParentLink::from).collect(),
        successors: successors
            .into_iter()
            .map(SuccessionLink::successor)
            .collect::<Result<_, _>>()?,
        predecessors: predecessors
            .into_iter()
            .map(SuccessionLink::predecessor)
            .collect::<Result<_, _>>()?,
    }))
}

/// The id of the latest load of reference data: the hierarchy changes only when it does.
pub fn latest_import(conn: &mut DbConnection) -> Result<Option<String>, PersistenceError> {
    use crate::schema::reference_imports;
    Ok(reference_imports::table
        .order((
            reference_imports::imported_at.desc(),
            reference_imports::id.desc(),
        ))
        .select(reference_imports::id)
        .first(conn)
        .optional()?)
}

/// Loads the whole hierarchy (a few hundred rows) for the domain's resolution rule.
pub fn load_hierarchy(conn: &mut DbConnection) -> Result<Hierarchy, PersistenceError> {
    let orgs: Vec<OrganisationRow> = organisations::table
        .select(OrganisationRow::as_select())
        .load(conn)?;
    let parents: Vec<ParentRow> = organisation_parents::table
        .select(ParentRow::as_select())
        .load(conn)?;
    let successors: Vec<SuccessorRow> = organisation_successors::table
        .select(SuccessorRow::as_select())
        .load(conn)?;
    Ok(Hierarchy::new(
        orgs.iter().filter_map(OrganisationRow::to_domain),
        parents.iter().filter_map(ParentRow::to_domain),
        successors.iter().filter_map(SuccessorRow::to_domain),
    ))
}

/// The names of these codes (any kind; the most recent row's name wins).
pub fn names(
    conn: &mut DbConnection,
    codes: &[String],
) -> Result<std::collections::HashMap<String, String>, PersistenceError> {
    let rows: Vec<(String, String, Date)> = organisations::table
        .filter(organisations::code.eq_any(codes))
        .select((
            organisations::code,
            organisations::name,
            organisations::valid_from,
        ))
        .order(organisations::valid_from.asc())
        .load(conn)?;
    Ok(rows.into_iter().map(|(c, n, _)| (c, n)).collect())
}
