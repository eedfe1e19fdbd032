//! Evidence: involved organisations, records requests and their upload links, documents.

use leder_domain::evidence::OrganisationKind;
use leder_domain::evidence::file_type::DocumentType;
use leder_domain::evidence::records_request::RequestStatus;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use validator::Validate;

use crate::dto::{iso_date, wire};

/// An organisation involved in the person's care, to record.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvolvedOrganisation {
    /// Its kind.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<OrganisationKind>)]
    pub kind: OrganisationKind,
    /// Its ODS code (for a GP practice, its practice code: a letter and five digits; required).
    #[validate(length(min = 1, max = 10, message = "must have 1 to 10 characters"))]
    #[schema(min_length = 1, max_length = 10, example = "M85001")]
    pub ods_code: Option<String>,
    /// Its name (an ODS code, a name or both).
    #[validate(length(min = 1, max = 200, message = "must have 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
}

/// A correction of an involved organisation's code or name (its kind stays).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvolvedOrganisationCorrection {
    /// Its ODS code.
    #[validate(length(min = 1, max = 10, message = "must have 1 to 10 characters"))]
    #[schema(min_length = 1, max_length = 10)]
    pub ods_code: Option<String>,
    /// Its name.
    #[validate(length(min = 1, max = 200, message = "must have 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
}

/// An organisation involved in the person's care.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvolvedOrganisation {
    /// Id.
    pub id: String,
    /// Its kind.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<OrganisationKind>)]
    pub kind: OrganisationKind,
    /// Its ODS code.
    pub ods_code: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Recorded from the notification (`false`: by the case team).
    pub from_notification: bool,
    /// When last recorded or corrected.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// The organisations involved in a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvolvedOrganisationList {
    /// Every one, in the order recorded (the list comes whole).
    pub items: Vec<InvolvedOrganisation>,
    /// Always null.
    pub next_cursor: Option<String>,
}

/// Records to ask of an involved organisation.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRecordsRequest {
    /// The involved organisation asked (`GET /reviews/{id}/organisations`).
    #[validate(length(min = 1, max = 100, message = "must have 1 to 100 characters"))]
    #[schema(min_length = 1, max_length = 100)]
    pub organisation_id: String,
    /// What is asked for.
    #[validate(length(min = 1, max = 2000, message = "must have 1 to 2000 characters"))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        example = "GP records for the three years before death"
    )]
    pub asked_for: String,
    /// The mailbox the request and its link go to.
    #[validate(
        email(message = "must be an email address"),
        length(max = 254, message = "must have at most 254 characters")
    )]
    #[schema(format = Email, max_length = 254, example = "practice.manager@nhs.net")]
    pub contact_email: String,
    /// The due date (YYYY-MM-DD, not before today); 14 days on when absent.
    #[serde(default, with = "iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<Date>,
}

/// A request closed by hand.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordsRequestStatusChange {
    /// `received` (the records came otherwise), `declined` or `cancelled`; its link is revoked.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<RequestStatus>)]
    pub status: RequestStatus,
}

/// A records request (never its link: that is shown once, when it is made).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordsRequest {
    /// Id.
    pub id: String,
    /// The review.
    pub review_id: String,
    /// The organisation asked.
    pub organisation: InvolvedOrganisation,
    /// What is asked for.
    pub asked_for: String,
    /// The mailbox the request went to.
    pub contact_email: String,
    /// The due date.
    #[serde(with = "iso_date")]
    pub due_on: Date,
    /// Where it stands now (`expired`: its link expired with nothing received).
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<RequestStatus>)]
    pub status: RequestStatus,
    /// Past its due date and still awaited.
    pub overdue: bool,
    /// Who asked.
    pub requested_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub requested_at: OffsetDateTime,
    /// When it was closed.
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    /// When its link stops (or stopped) working.
    #[serde(with = "time::serde::rfc3339")]
    pub link_expires_at: OffsetDateTime,
    /// Whether its link was revoked.
    pub link_revoked: bool,
    /// Documents received through its link.
    pub documents: i64,
}

/// A request just made, with its upload link: shown this once, never again.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedRecordsRequest {
    /// The request.
    pub request: RecordsRequest,
    /// The upload link (relative to this server), for the organisation: the link is the
    /// capability, so send it only to the mailbox named.
    #[schema(example = "/api/v1/uploads/3q2-7wEj1X9z0bQpYk5hV8nRtLmA4sUcDfGiJoKeP6w")]
    pub upload_url: String,
    /// When the link stops working.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// A case's records requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordsRequestList {
    /// Every one, oldest first (the list comes whole).
    pub items: Vec<RecordsRequest>,
    /// Always null.
    pub next_cursor: Option<String>,
}

/// Who uploaded a document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Uploader {
    /// Their account's id.
    pub id: String,
    /// Their display name as their account reads now.
    pub display_name: Option<String>,
}

/// A document kept with a case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Attachment {
    /// Id.
    pub id: String,
    /// The review.
    pub review_id: String,
    /// The records request it answered (through its upload link).
    pub records_request_id: Option<String>,
    /// The name it was sent with (text only: never a path).
    pub file_name: String,
    /// What its bytes are.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<DocumentType>)]
    pub document_type: DocumentType,
    /// The media type it is downloaded as.
    pub media_type: String,
    /// Its size in bytes.
    pub size_bytes: i64,
    /// SHA-256 of its bytes (hex).
    pub sha256: String,
    /// What it is.
    pub description: Option<String>,
    /// Who uploaded it (null: the organisation, through the request's link).
    pub uploaded_by: Option<Uploader>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub uploaded_at: OffsetDateTime,
    /// When the lead withdrew it (it stays stored until the review's retention ends).
    #[serde(with = "time::serde::rfc3339::option")]
    pub withdrawn_at: Option<OffsetDateTime>,
    /// Why.
    pub withdrawn_reason: Option<String>,
}

/// A case's documents.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentList {
    /// Every one, oldest first, withdrawn ones included (the list comes whole).
    pub items: Vec<Attachment>,
    /// Always null.
    pub next_cursor: Option<String>,
}

/// A document to keep: `multipart/form-data`. (Deserialize only for the contract's
/// `additionalProperties: false`: the form is read part by part, refusing any other part.)
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentForm {
    /// The document, with its file name (PDF, Word, Excel, JPEG, PNG, TIFF or UTF-8 text, by
    /// its bytes; at most `LEDER_ATTACHMENT_MAX_BYTES`, 25 MB by default). The upload link
    /// takes up to 20 parts named `file`.
    #[schema(value_type = String, format = Binary, min_length = 1)]
    pub file: Vec<u8>,
    /// What it is (at most 500 characters).
    #[schema(max_length = 500)]
    pub description: Option<String>,
}

/// Withdrawing a document.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawAttachment {
    /// Why (kept with it).
    #[validate(length(min = 1, max = 1000, message = "must have 1 to 1000 characters"))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// One file received through an upload link.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceivedFile {
    /// The name it was sent with.
    pub file_name: String,
    /// Its size in bytes.
    pub size_bytes: u64,
    /// SHA-256 of its bytes (hex), to compare with the sender's copy.
    pub sha256: String,
}

/// What an upload link received: nothing about the case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UploadReceipt {
    /// The files, in the order sent.
    pub received: Vec<ReceivedFile>,
}
