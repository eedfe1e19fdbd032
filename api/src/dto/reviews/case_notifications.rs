//! The notifications of a case (the first and every duplicate) as its team reads them, and the
//! lead's acknowledgement of a duplicate.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use super::{Notifier, PersonDto};

/// The facts a notification can differ in from the case (`differs_in`).
pub const COMPARED_FACTS: [&str; 12] = [
    "given_name",
    "family_name",
    "nhs_number",
    "date_of_birth",
    "date_of_death",
    "sex",
    "ethnic_category",
    "learning_disability",
    "autistic",
    "lived_in_england",
    "place_of_death",
    "area_code",
];

fn facts_schema() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::Array::new(crate::dto::names_schema(COMPARED_FACTS))
}

/// One notification of a case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseNotification {
    /// Id (`nid` in the acknowledgement's path).
    pub id: String,
    /// The reference given to the notifier.
    pub reference: String,
    /// Linked to the case as a later notification of the same person.
    pub duplicate: bool,
    /// When it came.
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// Who notified and how to reach them (null after an opt-out or disposal).
    pub notifier: Option<Notifier>,
    /// The person as notified (null after an opt-out or disposal).
    pub person: Option<PersonDto>,
    /// The area code as notified.
    pub area_code: String,
    /// The circumstances as notified.
    pub circumstances: Option<String>,
    /// The family asked for a focused review in it.
    pub family_requests_focused_review: bool,
    /// Where a lead's or an ICS system's notification came from (null for the public form).
    pub source: Option<crate::dto::reviews::NotificationSource>,
    /// The notifying professional's organisation (ODS code), when a professional notified.
    pub notifying_organisation: Option<String>,
    /// The person's GP practice (ODS code), when a professional gave it.
    pub gp_practice: Option<String>,
    /// The facts in which the person as notified differs from the case as it stands (names
    /// compared exactly, the NHS number by its digits), in the order of `COMPARED_FACTS`.
    #[schema(schema_with = facts_schema)]
    pub differs_in: Vec<&'static str>,
    /// When the lead acknowledged it (duplicates only; null while it awaits them).
    #[serde(with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
    /// Who acknowledged it.
    pub acknowledged_by: Option<String>,
    /// Its facts were applied to the person when it was acknowledged.
    pub applied: bool,
}

/// The notifications of a case, in the order they came.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseNotificationList {
    /// Every notification of the case (a case has a handful: the list comes whole).
    pub items: Vec<CaseNotification>,
    /// Always null.
    pub next_cursor: Option<String>,
}

/// The lead's acknowledgement of a duplicate.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeRequest {
    /// Apply the duplicate's facts to the person as a correction (eligibility, review type and
    /// stage assessed again); false or absent: acknowledge only.
    #[serde(default)]
    pub apply: bool,
}
