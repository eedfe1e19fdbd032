//! A notification as the public intake receives it, and its receipt (API.md, "Notifications").

use crate::dto::{iso_date, wire};
use leder_domain::review::OptOutAnswer;
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
    /// Registered a national data opt-out: `yes`, `no` or `not_known` (the default; the case
    /// is then checked before allocation). `true` and `false`, as the first release took them,
    /// still mean `yes` and `no`.
    #[serde(
        default = "not_known",
        deserialize_with = "opt_out_answer",
        serialize_with = "wire::serialize"
    )]
    #[schema(schema_with = opt_out_answer_schema)]
    pub national_data_opt_out: OptOutAnswer,
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
    /// Where the case comes from, for a lead's or an ICS system's notification (a token of the
    /// ICB's lead or machine client is required; 422 otherwise). A repeat of the same system
    /// and id by the same ICB answers the case the first made (200), however often it is sent.
    #[validate(nested)]
    pub source: Option<NotificationSource>,
    /// The notifying professional's organisation, an ODS code (lead or ICS system only).
    #[schema(example = "RRK", pattern = "^[A-Za-z0-9]{3,6}$")]
    pub notifying_organisation: Option<String>,
    /// The person's GP practice, an ODS practice code: a letter and five digits (lead or ICS
    /// system only).
    #[schema(example = "M85001", pattern = "^[A-Za-z][0-9]{5}$")]
    pub gp_practice: Option<String>,
}

/// The sending system and its own id for the case.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSource {
    /// The system's name, for example `emis-ics-hub`.
    #[validate(length(min = 1, max = 100, message = "must have 1 to 100 characters"))]
    #[schema(min_length = 1, max_length = 100, pattern = "^[A-Za-z0-9._:-]+$")]
    pub system: String,
    /// The system's id for the case.
    #[validate(length(min = 1, max = 200, message = "must have 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200, pattern = "^[A-Za-z0-9._:/-]+$")]
    pub id: String,
}

fn not_known() -> OptOutAnswer {
    OptOutAnswer::NotKnown
}

/// Reads an opt-out answer: a wire name, or `true`/`false` as the first release took it.
fn opt_out_answer<'de, D: serde::Deserializer<'de>>(d: D) -> Result<OptOutAnswer, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        Flag(bool),
        Name(String),
    }
    match Given::deserialize(d)? {
        Given::Flag(true) => Ok(OptOutAnswer::Yes),
        Given::Flag(false) => Ok(OptOutAnswer::No),
        Given::Name(name) => name.parse().map_err(serde::de::Error::custom),
    }
}

/// `national_data_opt_out` in the contract: an answer, or the first release's boolean.
fn opt_out_answer_schema() -> utoipa::openapi::schema::Schema {
    let mut one_of = utoipa::openapi::schema::OneOf::new();
    one_of
        .items
        .push(wire::schema::named::<OptOutAnswer>().into());
    one_of
        .items
        .push(utoipa::openapi::Object::with_type(utoipa::openapi::Type::Boolean).into());
    one_of.default = Some(serde_json::json!("not_known"));
    one_of.description = Some(
        "`yes`, `no` or `not_known` (the default: the case is checked before allocation); `true` and `false` mean `yes` and `no`.".into(),
    );
    utoipa::openapi::schema::Schema::OneOf(one_of)
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
