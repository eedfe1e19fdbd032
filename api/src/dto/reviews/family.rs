//! A review's family record (API.md: `/reviews/{id}/family-contacts` and
//! `/reviews/{id}/family-contacts/{cid}/events`).

use leder_domain::family::{AccessibilityNeed, ContactMethod, FamilyEventKind};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use validator::Validate;

use super::FamilyInvolvementDoc;
use crate::dto::{iso_date, patch_field, wire};

/// A new family contact.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Mary Evans", "relationship": "sister", "phone": "07700 900123",
    "preferred_contact": "phone", "accessibility_needs": ["easy_read"]}))]
pub struct NewFamilyContact {
    /// Their name (not blank).
    #[validate(length(min = 1, max = 200, message = "must have 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Their relationship to the person: mother, brother, friend, advocate (not blank).
    #[validate(length(min = 1, max = 100, message = "must have 1 to 100 characters"))]
    #[schema(min_length = 1, max_length = 100)]
    pub relationship: String,
    /// Telephone number.
    #[validate(length(max = 30, message = "must have at most 30 characters"))]
    #[schema(max_length = 30)]
    pub phone: Option<String>,
    /// Email address.
    #[validate(
        email(message = "must be an email address"),
        length(max = 254, message = "must have at most 254 characters")
    )]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    /// Postal address.
    #[validate(length(max = 1000, message = "must have at most 1000 characters"))]
    #[schema(max_length = 1000)]
    pub address: Option<String>,
    /// How they prefer to be reached; its detail must be recorded (a phone number for `phone`
    /// and `text_message`, an email for `email`, an address for `letter`; 422 otherwise).
    #[serde(default, with = "wire::option")]
    #[schema(schema_with = wire::schema::nullable::<ContactMethod>)]
    pub preferred_contact: Option<ContactMethod>,
    /// What they need to take part (`interpreter` needs `interpreter_language`, `other` needs
    /// `accessibility_note`; 422 otherwise).
    #[serde(default, with = "wire::list::option")]
    #[schema(schema_with = wire::schema::list::<AccessibilityNeed>)]
    pub accessibility_needs: Option<Vec<AccessibilityNeed>>,
    /// The language to interpret into.
    #[validate(length(max = 100, message = "must have at most 100 characters"))]
    #[schema(max_length = 100)]
    pub interpreter_language: Option<String>,
    /// Anything else about their needs.
    #[validate(length(max = 2000, message = "must have at most 2000 characters"))]
    #[schema(max_length = 2000)]
    pub accessibility_note: Option<String>,
}

/// Changes to a family contact (JSON Merge Patch: an absent field is unchanged, `null` clears
/// an optional one).
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FamilyContactPatch {
    /// Their name.
    #[validate(length(min = 1, max = 200, message = "must have 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// Their relationship to the person.
    #[validate(length(min = 1, max = 100, message = "must have 1 to 100 characters"))]
    #[schema(min_length = 1, max_length = 100)]
    pub relationship: Option<String>,
    /// Telephone number.
    #[serde(default, deserialize_with = "patch_field")]
    #[validate(length(max = 30, message = "must have at most 30 characters"))]
    #[schema(value_type = Option<String>, max_length = 30)]
    pub phone: Option<Option<String>>,
    /// Email address.
    #[serde(default, deserialize_with = "patch_field")]
    #[validate(
        email(message = "must be an email address"),
        length(max = 254, message = "must have at most 254 characters")
    )]
    #[schema(value_type = Option<String>, format = Email, max_length = 254)]
    pub email: Option<Option<String>>,
    /// Postal address.
    #[serde(default, deserialize_with = "patch_field")]
    #[validate(length(max = 1000, message = "must have at most 1000 characters"))]
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub address: Option<Option<String>>,
    /// How they prefer to be reached.
    #[serde(default, deserialize_with = "wire::patch")]
    #[schema(schema_with = wire::schema::nullable::<ContactMethod>)]
    pub preferred_contact: Option<Option<ContactMethod>>,
    /// What they need to take part (the whole list).
    #[serde(default, with = "wire::list::option")]
    #[schema(schema_with = wire::schema::list::<AccessibilityNeed>)]
    pub accessibility_needs: Option<Vec<AccessibilityNeed>>,
    /// The language to interpret into.
    #[serde(default, deserialize_with = "patch_field")]
    #[validate(length(max = 100, message = "must have at most 100 characters"))]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub interpreter_language: Option<Option<String>>,
    /// Anything else about their needs.
    #[serde(default, deserialize_with = "patch_field")]
    #[validate(length(max = 2000, message = "must have at most 2000 characters"))]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub accessibility_note: Option<Option<String>>,
}

/// The contract's kinds of a contact's entry: every kind but `no_family_contact`, which is
/// recorded for the review (the transition `no_family_contact`).
fn contact_event_kinds() -> utoipa::openapi::Object {
    let mut schema = crate::dto::names_schema(FamilyEventKind::of_a_contact().map(|k| k.as_str()));
    schema.description = Some(
        "informed, invited, contributed, declined, not_reachable, draft_shared, \
         comments_received, copy_offered or copy_sent."
            .to_owned(),
    );
    schema
}

/// A new entry of what happened with a family contact.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "informed", "on": "2026-11-02", "note": "Told by phone; an easy read letter followed."}))]
pub struct NewFamilyEvent {
    /// What happened. `copy_offered` and `copy_sent` only once the review is completed (409).
    #[serde(with = "wire")]
    #[schema(schema_with = contact_event_kinds)]
    pub kind: FamilyEventKind,
    /// The day it happened (YYYY-MM-DD, not after today).
    #[serde(with = "iso_date")]
    #[schema(value_type = String, format = Date, example = "2026-11-02")]
    pub on: Date,
    /// What else to say; required (not blank) for `not_reachable`: why.
    #[validate(length(max = 2000, message = "must have at most 2000 characters"))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// Who recorded an entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordedBy {
    /// Their account's id.
    pub id: String,
    /// Their display name as their account reads now.
    pub display_name: Option<String>,
}

/// One entry of the family record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FamilyEventDto {
    /// Id.
    pub id: String,
    /// The contact it is about (null for `no_family_contact`).
    pub contact_id: Option<String>,
    /// What happened.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<FamilyEventKind>)]
    pub kind: FamilyEventKind,
    /// The day it happened.
    #[serde(with = "iso_date")]
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    /// What else was said (why, for `not_reachable` and `no_family_contact`).
    pub note: Option<String>,
    /// Who recorded it.
    pub recorded_by: RecordedBy,
    /// When it was recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

/// A family contact, with what happened with them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FamilyContactDto {
    /// Id.
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
    /// How they prefer to be reached.
    #[serde(with = "wire::option")]
    #[schema(schema_with = wire::schema::nullable::<ContactMethod>)]
    pub preferred_contact: Option<ContactMethod>,
    /// What they need to take part.
    #[serde(with = "wire::list")]
    #[schema(schema_with = wire::schema::list::<AccessibilityNeed>)]
    pub accessibility_needs: Vec<AccessibilityNeed>,
    /// The language to interpret into.
    pub interpreter_language: Option<String>,
    /// Anything else about their needs.
    pub accessibility_note: Option<String>,
    /// Who added them.
    pub created_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last change.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// What happened with them, in the order recorded.
    pub events: Vec<FamilyEventDto>,
}

/// A review's family record.
#[derive(Debug, Serialize, ToSchema)]
pub struct FamilyRecord {
    /// The contacts, in the order added, each with its entries (the list comes whole).
    pub items: Vec<FamilyContactDto>,
    /// The entries saying why there is no family contact (`no_family_contact`), oldest first.
    pub no_family_contact: Vec<FamilyEventDto>,
    /// The review form's family answers as the record derives them (null while it is empty).
    pub involvement: Option<FamilyInvolvementDoc>,
    /// Always null.
    pub next_cursor: Option<String>,
}

/// The entries of one family contact.
#[derive(Debug, Serialize, ToSchema)]
pub struct FamilyEventList {
    /// In the order recorded (the list comes whole).
    pub items: Vec<FamilyEventDto>,
    /// Always null.
    pub next_cursor: Option<String>,
}
