//! A review's evidence as the rest of leder reads it, with domain types.

use leder_domain::evidence::OrganisationKind;
use leder_domain::evidence::file_type::DocumentType;
use leder_domain::evidence::records_request::{RequestState, RequestStatus};
use time::{Date, PrimitiveDateTime};

use crate::error::PersistenceError;
use crate::rows::evidence::{AttachmentRow, InvolvedRow, RequestRow};

fn corrupt(
    table: &'static str,
    id: &str,
    field: &'static str,
    e: impl ToString,
) -> PersistenceError {
    PersistenceError::Corrupt {
        table,
        id: id.to_owned(),
        field,
        detail: e.to_string(),
    }
}

/// An organisation involved in the person's care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvolvedOrganisation {
    /// Id (UUID v7).
    pub id: String,
    /// The review.
    pub review_id: String,
    /// Its kind.
    pub kind: OrganisationKind,
    /// Its ODS code.
    pub ods_code: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Who recorded it (none: the notification).
    pub recorded_by: Option<String>,
    /// When recorded (UTC).
    pub created_at: PrimitiveDateTime,
    /// When last corrected (UTC).
    pub updated_at: PrimitiveDateTime,
}

impl InvolvedOrganisation {
    pub(crate) fn row(&self) -> InvolvedRow {
        InvolvedRow {
            id: self.id.clone(),
            review_id: self.review_id.clone(),
            kind: self.kind.as_str().to_owned(),
            ods_code: self.ods_code.clone(),
            name: self.name.clone(),
            recorded_by: self.recorded_by.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

impl TryFrom<InvolvedRow> for InvolvedOrganisation {
    type Error = PersistenceError;

    fn try_from(row: InvolvedRow) -> Result<Self, Self::Error> {
        let kind = OrganisationKind::parse(&row.kind)
            .map_err(|e| corrupt("involved_organisations", &row.id, "kind", e))?;
        Ok(Self {
            id: row.id,
            review_id: row.review_id,
            kind,
            ods_code: row.ods_code,
            name: row.name,
            recorded_by: row.recorded_by,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// A records request (its link's token is never read back: only its hash is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordsRequest {
    /// Id (UUID v7).
    pub id: String,
    /// The review.
    pub review_id: String,
    /// The organisation asked.
    pub organisation: InvolvedOrganisation,
    /// What is asked for.
    pub asked_for: String,
    /// The mailbox the request went to.
    pub contact_email: String,
    /// Who asked.
    pub requested_by: String,
    /// When asked (UTC).
    pub requested_at: PrimitiveDateTime,
    /// When closed (UTC).
    pub closed_at: Option<PrimitiveDateTime>,
    /// Who closed it (none: through the link).
    pub closed_by: Option<String>,
    /// Its status, due date and link, as the rules read them.
    pub state: RequestState,
    /// How many documents came through its link.
    pub documents: i64,
}

/// A request to store, with the hash of its link's token.
#[derive(Debug, Clone)]
pub struct NewRecordsRequest {
    /// Id (UUID v7).
    pub id: String,
    /// The review.
    pub review_id: String,
    /// The involved organisation asked.
    pub organisation_id: String,
    /// What is asked for.
    pub asked_for: String,
    /// The mailbox.
    pub contact_email: String,
    /// The due date.
    pub due_on: Date,
    /// Who asked.
    pub requested_by: String,
    /// When (UTC).
    pub requested_at: PrimitiveDateTime,
    /// SHA-256 (hex) of the link's token.
    pub link_hash: String,
    /// When the link stops working (UTC).
    pub link_expires_at: PrimitiveDateTime,
}

impl NewRecordsRequest {
    pub(crate) fn row(&self) -> RequestRow {
        RequestRow {
            id: self.id.clone(),
            review_id: self.review_id.clone(),
            organisation_id: self.organisation_id.clone(),
            asked_for: self.asked_for.clone(),
            contact_email: self.contact_email.clone(),
            due_on: self.due_on,
            status: RequestStatus::Requested.as_str().to_owned(),
            requested_by: self.requested_by.clone(),
            requested_at: self.requested_at,
            closed_at: None,
            closed_by: None,
            link_hash: self.link_hash.clone(),
            link_expires_at: self.link_expires_at,
            link_revoked_at: None,
        }
    }
}

impl RecordsRequest {
    pub(crate) fn from_rows(
        row: RequestRow,
        organisation: InvolvedRow,
        documents: i64,
    ) -> Result<Self, PersistenceError> {
        let status = RequestStatus::parse(&row.status)
            .ok()
            .filter(|s| *s != RequestStatus::Expired)
            .ok_or_else(|| corrupt("records_requests", &row.id, "status", &row.status))?;
        Ok(Self {
            id: row.id,
            review_id: row.review_id,
            organisation: organisation.try_into()?,
            asked_for: row.asked_for,
            contact_email: row.contact_email,
            requested_by: row.requested_by,
            requested_at: row.requested_at,
            closed_at: row.closed_at,
            closed_by: row.closed_by,
            state: RequestState {
                status,
                due_on: row.due_on,
                link_expires_at: row.link_expires_at,
                link_revoked_at: row.link_revoked_at,
            },
            documents,
        })
    }
}

/// A document kept with a review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Id (UUID v7).
    pub id: String,
    /// The review.
    pub review_id: String,
    /// The records request it answered.
    pub records_request_id: Option<String>,
    /// Where the object is stored.
    pub object_key: String,
    /// The file name as sent (text only).
    pub file_name: String,
    /// The type its bytes showed.
    pub document_type: DocumentType,
    /// Its size in bytes.
    pub size_bytes: i64,
    /// SHA-256 of its bytes (hex).
    pub sha256: String,
    /// What it is.
    pub description: Option<String>,
    /// Who uploaded it (none: through an upload link).
    pub uploaded_by: Option<String>,
    /// Their display name as their account reads now (filled when listed).
    pub uploaded_by_name: Option<String>,
    /// When (UTC).
    pub uploaded_at: PrimitiveDateTime,
    /// When withdrawn (UTC).
    pub withdrawn_at: Option<PrimitiveDateTime>,
    /// Who withdrew it.
    pub withdrawn_by: Option<String>,
    /// Why.
    pub withdrawn_reason: Option<String>,
}

impl Attachment {
    pub(crate) fn row(&self) -> AttachmentRow {
        AttachmentRow {
            id: self.id.clone(),
            review_id: self.review_id.clone(),
            records_request_id: self.records_request_id.clone(),
            object_key: self.object_key.clone(),
            file_name: self.file_name.clone(),
            document_type: self.document_type.as_str().to_owned(),
            size_bytes: self.size_bytes,
            sha256: self.sha256.clone(),
            description: self.description.clone(),
            uploaded_by: self.uploaded_by.clone(),
            uploaded_at: self.uploaded_at,
            withdrawn_at: self.withdrawn_at,
            withdrawn_by: self.withdrawn_by.clone(),
            withdrawn_reason: self.withdrawn_reason.clone(),
        }
    }
}

impl TryFrom<AttachmentRow> for Attachment {
    type Error = PersistenceError;

    fn try_from(row: AttachmentRow) -> Result<Self, Self::Error> {
        let document_type = DocumentType::parse(&row.document_type)
            .map_err(|e| corrupt("attachments", &row.id, "document_type", e))?;
        Ok(Self {
            id: row.id,
            review_id: row.review_id,
            records_request_id: row.records_request_id,
            object_key: row.object_key,
            file_name: row.file_name,
            document_type,
            size_bytes: row.size_bytes,
            sha256: row.sha256,
            description: row.description,
            uploaded_by: row.uploaded_by,
            uploaded_by_name: None,
            uploaded_at: row.uploaded_at,
            withdrawn_at: row.withdrawn_at,
            withdrawn_by: row.withdrawn_by,
            withdrawn_reason: row.withdrawn_reason,
        })
    }
}
