//! Rows of `organisations`, `organisation_parents` and `organisation_successors`.

use diesel::prelude::*;
use leder_domain::organisations as dom;
use time::Date;

use crate::schema::{organisation_parents, organisation_successors, organisations};

/// One organisation row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = organisations)]
pub struct OrganisationRow {
    /// ODS code.
    pub code: String,
    /// `region`, `icb`, `ccg` or `sub_icb_location`.
    pub kind: String,
    /// Name in force at the end of the row's validity.
    pub name: String,
    /// First valid day.
    pub valid_from: Date,
    /// Last valid day, if ended.
    pub valid_to: Option<Date>,
    /// ONS (GSS) code, when known.
    pub ons_code: Option<String>,
    /// Source tags (see reference/SOURCES.md).
    pub source: String,
}

/// One dated parent link.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = organisation_parents)]
pub struct ParentRow {
    /// Child ODS code.
    pub child_code: String,
    /// Child kind.
    pub child_kind: String,
    /// Parent ODS code.
    pub parent_code: String,
    /// First day of the link.
    pub valid_from: Date,
    /// Last day of the link, if ended.
    pub valid_to: Option<Date>,
    /// Source tags.
    pub source: String,
}

/// One succession.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = organisation_successors)]
pub struct SuccessorRow {
    /// Predecessor ODS code.
    pub from_code: String,
    /// Predecessor kind.
    pub from_kind: String,
    /// Successor ODS code.
    pub to_code: String,
    /// Successor kind.
    pub to_kind: String,
    /// First day of the successor's responsibility.
    pub effective: Date,
    /// `whole` or `part`.
    pub share: String,
    /// Source tags.
    pub source: String,
}

fn kind(s: &str) -> Option<dom::OrgKind> {
    s.parse().ok()
}

impl OrganisationRow {
    /// The domain view of the row (`None` for a kind the domain does not know).
    pub fn to_domain(&self) -> Option<dom::Organisation> {
        Some(dom::Organisation {
            code: self.code.clone(),
            kind: kind(&self.kind)?,
            name: self.name.clone(),
            valid: dom::Period {
                from: self.valid_from,
                to: self.valid_to,
            },
        })
    }
}

impl ParentRow {
    /// The domain view of the row.
    pub fn to_domain(&self) -> Option<dom::ParentLink> {
        Some(dom::ParentLink {
            child_code: self.child_code.clone(),
            child_kind: kind(&self.child_kind)?,
            parent_code: self.parent_code.clone(),
            valid: dom::Period {
                from: self.valid_from,
                to: self.valid_to,
            },
        })
    }
}

impl SuccessorRow {
    /// The domain view of the row.
    pub fn to_domain(&self) -> Option<dom::Succession> {
        Some(dom::Succession {
            from_code: self.from_code.clone(),
            from_kind: kind(&self.from_kind)?,
            to_code: self.to_code.clone(),
            to_kind: kind(&self.to_kind)?,
            effective: self.effective,
            share: self.share.parse().ok()?,
        })
    }
}
