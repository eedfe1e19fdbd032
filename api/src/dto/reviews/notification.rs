//! A notification as the public intake receives it, and its receipt (API.md, "Notifications").

use crate::dto::{iso_date, wire};
use leder_domain::{PlaceOfDeath, Sex};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use validator::Validate;

pub use leder_domain::notifier::Relationship;

/// Who reported the death.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Notifier {
    /// Name.
    #[validate(length(min = 1, max = 200, message = "must have 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Relationship to the person.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<Relationship>)]
    pub relationship: Relationship,
    /// Email, to contact them.
    #[validate(
        email(message = "must be an email address"),
        length(max = 254, message = "must have at most 254 characters")
    )]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    /// Phone.
    #[validate(length(max = 30, message = "must have at most 30 characters"))]
    #[schema(max_length = 30)]
    pub phone: Option<String>,
    /// Their organisation, if any.
    #[validate(length(max = 200, message = "must have at most 200 characters"))]
    #[schema(max_length = 200)]
    pub organisation: Option<String>,
}

/// The person who died, as notified.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifiedPerson {
    /// Given name: at least one letter, and no zero-width (U+200B to U+200D, U+2060, U+FEFF) or
    /// text-direction control (U+202A to U+202E, U+2066 to U+2069) characters.
    #[validate(length(min = 1, max = 100, message = "must have 1 to 100 characters"))]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub given_name: String,
    /// Family name: at least one letter, and no zero-width or text-direction control characters.
    #[validate(length(min = 1, max = 100, message = "must have 1 to 100 characters"))]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub family_name: String,
    /// NHS number (10 digits, spaces allowed, a valid Modulus 11 check digit, not one digit ten
    /// times); absent when unknown.
    #[schema(example = "943 476 5919", pattern = "^ *([0-9] *){10}$")]
    pub nhs_number: Option<String>,
    /// Date of birth: at most 120 years before the date of death.
    #[serde(with = "iso_date")]
    pub date_of_birth: Date,
    /// Date of death: on or after 2015-01-01 (the programme's start), not after today.
    #[serde(with = "iso_date")]
    pub date_of_death: Date,
    /// Sex.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<Sex>)]
    pub sex: Sex,
    /// NHS Data Dictionary ethnic category (A–S, Z not stated, 99 not known).
    #[schema(example = "A", pattern = "^([A-HJ-NPRSZa-hj-nprsz]|99)$")]
    pub ethnic_category: Option<String>,
    /// Had a learning disability.
    pub learning_disability: bool,
    /// Was autistic.
    pub autistic: bool,
    /// Lived in England.
    pub lived_in_england: bool,
    /// Registered a national data opt-out.
    pub national_data_opt_out: bool,
    /// ICB, sub-ICB location or CCG ODS code of where the person lived.
    #[schema(example = "QOP")]
    pub area_code: String,
    /// Where the person died.
    #[serde(default, with = "wire::option")]
    #[schema(schema_with = wire::schema::nullable::<PlaceOfDeath>)]
    pub place_of_death: Option<PlaceOfDeath>,
}

/// A reported death.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "notifier": {"name": "Sam Carer", "relationship": "carer", "email": "sam@example.org"},
    "person": {"given_name": "Alex", "family_name": "Example", "nhs_number": "9434765919",
               "date_of_birth": "1961-03-02", "date_of_death": "2026-10-01", "sex": "female",
               "ethnic_category": "A", "learning_disability": true, "autistic": false,
               "lived_in_england": true, "national_data_opt_out": false, "area_code": "QOP",
               "place_of_death": "hospital"},
    "circumstances": "Died in hospital after a short illness.",
    "family_requests_focused_review": false
}))]
pub struct NewNotification {
    /// Who reports.
    #[validate(nested)]
    pub notifier: Notifier,
    /// Who died.
    #[validate(nested)]
    pub person: NotifiedPerson,
    /// What happened, in the notifier's words.
    #[validate(length(max = 10000, message = "must have at most 10000 characters"))]
    #[schema(max_length = 10000)]
    pub circumstances: Option<String>,
    /// The family asks for a focused review (always granted).
    #[serde(default)]
    pub family_requests_focused_review: bool,
}

/// The answer to a notification: only the reference.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NotificationReceipt {
    /// Quote it in any contact about this death.
    #[schema(example = "LDR-7K3QZ9MA")]
    pub reference: String,
    /// When it was received.
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
}

impl From<&NotifiedPerson> for leder_persistence::records::cases::NotifiedPerson {
    fn from(p: &NotifiedPerson) -> Self {
        Self {
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            nhs_number: p.nhs_number.clone(),
            date_of_birth: p.date_of_birth,
            date_of_death: p.date_of_death,
            sex: p.sex,
            ethnic_category: p.ethnic_category.clone(),
            learning_disability: p.learning_disability,
            autistic: p.autistic,
            lived_in_england: p.lived_in_england,
            national_data_opt_out: p.national_data_opt_out,
            area_code: p.area_code.clone(),
            place_of_death: p.place_of_death,
        }
    }
}

impl From<&Notifier> for leder_persistence::records::cases::Notifier {
    fn from(n: &Notifier) -> Self {
        Self {
            name: n.name.clone(),
            relationship: n.relationship,
            email: n.email.clone(),
            phone: n.phone.clone(),
            organisation: n.organisation.clone(),
        }
    }
}
