//! Bodies of an ICB's Local Area Contacts and governance meetings (API.md, "Organisations").

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use validator::Validate;

use super::{iso_date, wire};

/// One Local Area Contact as written.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// The role the public reaches (not a person's name).
    #[validate(length(min = 1, max = 200, message = "must have 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    #[schema(example = "LeDeR Local Area Contact")]
    pub role_title: String,
    /// A shared mailbox.
    #[validate(
        email(message = "must be an email address"),
        length(max = 254, message = "must have at most 254 characters")
    )]
    #[schema(format = Email, max_length = 254)]
    #[schema(example = "gmicb.leder@nhs.net")]
    pub mailbox: String,
    /// A phone number, if published.
    #[validate(length(min = 1, max = 30, message = "must have 1 to 30 characters"))]
    #[schema(min_length = 1, max_length = 30)]
    pub phone: Option<String>,
}

/// The contacts of an ICB, replaced as a whole.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactsRequest {
    /// The primary contact.
    #[validate(nested)]
    pub primary: ContactInput,
    /// The secondary contact (absent or null: none).
    #[validate(nested)]
    pub secondary: Option<ContactInput>,
}

/// One Local Area Contact.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Contact {
    /// The role the public reaches.
    pub role_title: String,
    /// A shared mailbox.
    pub mailbox: String,
    /// A phone number, if published.
    pub phone: Option<String>,
}

/// An ICB's Local Area Contacts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Contacts {
    /// The ICB's ODS code.
    pub organisation: String,
    /// The primary contact, or null before one is set.
    pub primary: Option<Contact>,
    /// The secondary contact, or null.
    pub secondary: Option<Contact>,
    /// When they last changed, or null before they are set.
    #[serde(with = "time::serde::rfc3339::option")]
    pub updated_at: Option<OffsetDateTime>,
    /// The stored version (also the ETag).
    pub version: i64,
}

pub use leder_domain::action_plan::MeetingKind;

/// A meeting to record.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMeeting {
    /// Which group met.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<MeetingKind>)]
    pub kind: MeetingKind,
    /// The date it met (not in the future).
    #[serde(with = "iso_date")]
    pub held_on: Date,
    /// Attendees' roles (never names), e.g. "Local Area Contact", "Designated nurse".
    #[validate(length(min = 1, max = 50, message = "must list 1 to 50 roles"))]
    #[schema(schema_with = attendee_roles)]
    pub attendee_roles: Vec<String>,
    /// Ids of the ICB's reviews discussed.
    #[serde(default)]
    pub reviews_discussed: Vec<String>,
    /// What was decided.
    #[validate(length(min = 1, max = 10000, message = "must have 1 to 10000 characters"))]
    #[schema(min_length = 1, max_length = 10000)]
    pub decisions: String,
}

/// A recorded meeting.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Meeting {
    /// Id.
    pub id: String,
    /// The ICB.
    pub organisation: String,
    /// Which group met.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<MeetingKind>)]
    pub kind: MeetingKind,
    /// The date it met.
    #[serde(with = "iso_date")]
    pub held_on: Date,
    /// Attendees' roles.
    pub attendee_roles: Vec<String>,
    /// Ids of the reviews discussed.
    pub reviews_discussed: Vec<String>,
    /// What was decided.
    pub decisions: String,
    /// Who recorded it.
    pub created_by: String,
    /// When it was recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Whether a group meets as often as it should.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CadenceStatus {
    /// The most days allowed between meetings (61 for the steering group, 31 for the health
    /// group).
    pub cadence_days: i64,
    /// The last meeting, or null if it never met.
    #[serde(with = "iso_date::option")]
    pub last_held_on: Option<Date>,
    /// More than `cadence_days` since the last meeting, or never met.
    pub overdue: bool,
}

/// The cadence of both groups.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Cadence {
    /// The LeDeR steering group (bimonthly).
    pub steering_group: CadenceStatus,
    /// The Learning Disability and Autism health group (monthly).
    pub health_group: CadenceStatus,
}

/// A page of meetings, most recent first, with the cadence of each group.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingPage {
    /// Meetings.
    pub items: Vec<Meeting>,
    /// The next page's cursor, or null.
    pub next_cursor: Option<String>,
    /// Whether each group is meeting on time.
    pub cadence: Cadence,
}

/// `attendee_roles` in the contract: 1 to 50 roles, each one line with some text.
fn attendee_roles() -> utoipa::openapi::schema::Array {
    let mut role = utoipa::openapi::Object::with_type(utoipa::openapi::Type::String);
    // One line with some text, and no control character (but a tab or carriage return).
    role.pattern = Some(
        r"^[^\n\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\n\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
            .to_owned(),
    );
    let mut roles = utoipa::openapi::schema::Array::new(role);
    roles.min_items = Some(1);
    roles.max_items = Some(50);
    roles.description = Some(
        "Attendees' roles (never names), e.g. \"Local Area Contact\", \"Designated nurse\"."
            .to_owned(),
    );
    roles
}
