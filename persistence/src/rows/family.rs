//! The rows of a review's family record: its contacts and their entries.

use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};

use crate::schema::{family_contacts, family_events};

/// A family contact.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = family_contacts, treat_none_as_null = true)]
pub struct ContactRow {
    /// Id (UUID v7).
    pub id: String,
    /// The review.
    pub review_id: String,
    /// Their name.
    pub name: String,
    /// Their relationship to the person.
    pub relationship: String,
    /// Telephone number.
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// The preferred way's wire name.
    pub preferred_contact: Option<String>,
    /// The accessibility needs' wire names (JSON list).
    pub accessibility_needs: String,
    /// The language to interpret into.
    pub interpreter_language: Option<String>,
    /// Anything else about their needs.
    pub accessibility_note: Option<String>,
    /// Who added them.
    pub created_by: String,
    /// When (UTC).
    pub created_at: PrimitiveDateTime,
    /// Last change (UTC).
    pub updated_at: PrimitiveDateTime,
}

/// An entry of the family record.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = family_events)]
pub struct FamilyEventRow {
    /// Id (UUID v7).
    pub id: String,
    /// The review.
    pub review_id: String,
    /// The contact (none for `no_family_contact`).
    pub contact_id: Option<String>,
    /// Its kind's wire name.
    pub kind: String,
    /// The day it happened.
    pub occurred_on: Date,
    /// What else was said (why, for `not_reachable` and `no_family_contact`).
    pub note: Option<String>,
    /// Who recorded it.
    pub recorded_by: String,
    /// When (UTC).
    pub recorded_at: PrimitiveDateTime,
}
