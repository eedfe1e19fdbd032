//! A review's family record as the rest of leder reads it: contacts with the domain's
//! [`ContactDetails`], entries as the domain's [`FamilyEvent`], each with who recorded it.

use leder_domain::family::{
    AccessibilityNeed, ContactDetails, ContactMethod, FamilyEvent, FamilyEventKind,
};
use time::PrimitiveDateTime;

use crate::error::PersistenceError;
use crate::rows::family::{ContactRow, FamilyEventRow};
use crate::stored::lists::{corrupt, list_from_column, list_to_column};

/// A family contact of a review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyContact {
    /// Id (UUID v7).
    pub id: String,
    /// The review.
    pub review_id: String,
    /// Who they are and how to reach them.
    pub details: ContactDetails,
    /// Who added them.
    pub created_by: String,
    /// When (UTC).
    pub created_at: PrimitiveDateTime,
    /// Last change (UTC).
    pub updated_at: PrimitiveDateTime,
}

/// An entry of a review's family record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyEntry {
    /// The review.
    pub review_id: String,
    /// What happened, as the rules read it.
    pub event: FamilyEvent,
    /// Who recorded it.
    pub recorded_by: String,
    /// Their display name as their account reads now (filled when read).
    pub recorded_by_name: Option<String>,
    /// When (UTC).
    pub recorded_at: PrimitiveDateTime,
}

impl FamilyContact {
    /// The contact's row.
    pub(crate) fn row(&self) -> ContactRow {
        let d = &self.details;
        ContactRow {
            id: self.id.clone(),
            review_id: self.review_id.clone(),
            name: d.name.clone(),
            relationship: d.relationship.clone(),
            phone: d.phone.clone(),
            email: d.email.clone(),
            address: d.address.clone(),
            preferred_contact: d.preferred_contact.map(|m| m.as_str().to_owned()),
            accessibility_needs: list_to_column(d.accessibility_needs.iter().map(|n| n.as_str())),
            interpreter_language: d.interpreter_language.clone(),
            accessibility_note: d.accessibility_note.clone(),
            created_by: self.created_by.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

impl TryFrom<ContactRow> for FamilyContact {
    type Error = PersistenceError;

    fn try_from(row: ContactRow) -> Result<Self, Self::Error> {
        let needs = list_from_column(&row.accessibility_needs, AccessibilityNeed::parse)
            .map_err(corrupt("family_contacts", &row.id, "accessibility_needs"))?;
        let preferred = row
            .preferred_contact
            .as_deref()
            .map(ContactMethod::parse)
            .transpose()
            .map_err(|e| corrupt("family_contacts", &row.id, "preferred_contact")(e.to_string()))?;
        Ok(FamilyContact {
            details: ContactDetails {
                name: row.name,
                relationship: row.relationship,
                phone: row.phone,
                email: row.email,
                address: row.address,
                preferred_contact: preferred,
                accessibility_needs: needs,
                interpreter_language: row.interpreter_language,
                accessibility_note: row.accessibility_note,
            },
            id: row.id,
            review_id: row.review_id,
            created_by: row.created_by,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

impl FamilyEntry {
    /// The entry's row.
    pub(crate) fn row(&self) -> FamilyEventRow {
        let e = &self.event;
        FamilyEventRow {
            id: e.id.clone(),
            review_id: self.review_id.clone(),
            contact_id: e.contact_id.clone(),
            kind: e.kind.as_str().to_owned(),
            occurred_on: e.on,
            note: e.note.clone(),
            recorded_by: self.recorded_by.clone(),
            recorded_at: self.recorded_at,
        }
    }
}

impl TryFrom<FamilyEventRow> for FamilyEntry {
    type Error = PersistenceError;

    fn try_from(row: FamilyEventRow) -> Result<Self, Self::Error> {
        let kind = FamilyEventKind::parse(&row.kind)
            .map_err(|e| corrupt("family_events", &row.id, "kind")(e.to_string()))?;
        Ok(FamilyEntry {
            review_id: row.review_id,
            event: FamilyEvent {
                id: row.id,
                contact_id: row.contact_id,
                kind,
                on: row.occurred_on,
                note: row.note,
            },
            recorded_by: row.recorded_by,
            recorded_by_name: None,
            recorded_at: row.recorded_at,
        })
    }
}
