//! Organisations of the reference data as the rest of leder reads them: kinds and shares
//! parsed, links seen from the organisation asked about.

use leder_domain::organisations::{OrgKind, Share};
use time::Date;

use crate::error::PersistenceError;
use crate::rows::organisations::{OrganisationRow, ParentRow, SuccessorRow};
use crate::stored::lists::corrupt;

/// A stored kind or share that does not parse.
fn parsed<T: std::str::FromStr>(
    stored: &str,
    table: &'static str,
    key: &str,
    field: &'static str,
) -> Result<T, PersistenceError>
where
    T::Err: std::fmt::Display,
{
    stored
        .parse()
        .map_err(|e: T::Err| corrupt(table, key, field)(e.to_string()))
}

/// An organisation as it stood on the day asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationOnDate {
    /// ODS code.
    pub code: String,
    /// Kind of body.
    pub kind: OrgKind,
    /// Name (as at the end of its validity).
    pub name: String,
    /// First day it existed.
    pub valid_from: Date,
    /// Last day it existed, if it has ended.
    pub valid_to: Option<Date>,
    /// ONS (GSS) code, when known.
    pub ons_code: Option<String>,
    /// Its parent on the day asked about.
    pub parent_code: Option<String>,
}

impl OrganisationOnDate {
    /// The organisation of `row`, with its parent on the day asked about.
    pub(crate) fn from_row(
        row: OrganisationRow,
        parent_code: Option<String>,
    ) -> Result<Self, PersistenceError> {
        Ok(OrganisationOnDate {
            kind: parsed(&row.kind, "organisations", &row.code, "kind")?,
            code: row.code,
            name: row.name,
            valid_from: row.valid_from,
            valid_to: row.valid_to,
            ons_code: row.ons_code,
            parent_code,
        })
    }
}

/// A dated parent link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentLink {
    /// The parent's ODS code.
    pub code: String,
    /// First day of the link.
    pub valid_from: Date,
    /// Last day of the link, if it has ended.
    pub valid_to: Option<Date>,
}

impl From<ParentRow> for ParentLink {
    fn from(row: ParentRow) -> Self {
        ParentLink {
            code: row.parent_code,
            valid_from: row.valid_from,
            valid_to: row.valid_to,
        }
    }
}

/// A succession, seen from one side: the other organisation, its kind, the share and the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuccessionLink {
    /// The other organisation's ODS code.
    pub code: String,
    /// Its kind.
    pub kind: OrgKind,
    /// How much of the predecessor passed.
    pub share: Share,
    /// The day it took effect.
    pub effective: Date,
}

impl SuccessionLink {
    /// The body that took over, from a succession row.
    pub(crate) fn successor(row: SuccessorRow) -> Result<Self, PersistenceError> {
        Ok(SuccessionLink {
            kind: parsed(
                &row.to_kind,
                "organisation_successors",
                &row.from_code,
                "to_kind",
            )?,
            share: parsed(
                &row.share,
                "organisation_successors",
                &row.from_code,
                "share",
            )?,
            code: row.to_code,
            effective: row.effective,
        })
    }

    /// The body taken over from, from a succession row.
    pub(crate) fn predecessor(row: SuccessorRow) -> Result<Self, PersistenceError> {
        Ok(SuccessionLink {
            kind: parsed(
                &row.from_kind,
                "organisation_successors",
                &row.to_code,
                "from_kind",
            )?,
            share: parsed(&row.share, "organisation_successors", &row.to_code, "share")?,
            code: row.from_code,
            effective: row.effective,
        })
    }
}

/// One organisation with its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationDetail {
    /// The organisation, with its parent on the day asked about.
    pub organisation: OrganisationOnDate,
    /// Every parent link over time, oldest first.
    pub parents: Vec<ParentLink>,
    /// Every body that took over from it.
    pub successors: Vec<SuccessionLink>,
    /// Every body it took over from.
    pub predecessors: Vec<SuccessionLink>,
}
