//! The rows of a review's evidence: involved organisations, records requests, attachments.

use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};

use crate::schema::{attachments, involved_organisations, records_requests};

/// An organisation involved in the person's care.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = involved_organisations)]
pub struct InvolvedRow {
    /// Id (UUID v7).
    pub id: String,
    /// The review.
    pub review_id: String,
    /// Its kind's wire name.
    pub kind: String,
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

/// A records request.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = records_requests)]
pub struct RequestRow {
    /// Id (UUID v7).
    pub id: String,
    /// The review.
    pub review_id: String,
    /// The involved organisation asked.
    pub organisation_id: String,
    /// What is asked for.
    pub asked_for: String,
    /// The mailbox the request went to.
    pub contact_email: String,
    /// The due date.
    pub due_on: Date,
    /// The stored status's wire name (never `expired`).
    pub status: String,
    /// Who asked.
    pub requested_by: String,
    /// When asked (UTC).
    pub requested_at: PrimitiveDateTime,
    /// When closed (UTC).
    pub closed_at: Option<PrimitiveDateTime>,
    /// Who closed it (none: through the link).
    pub closed_by: Option<String>,
    /// SHA-256 (hex) of the link's token.
    pub link_hash: String,
    /// When the link stops working (UTC).
    pub link_expires_at: PrimitiveDateTime,
    /// When the link was revoked (UTC).
    pub link_revoked_at: Option<PrimitiveDateTime>,
}

/// A document kept with a review.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = attachments)]
pub struct AttachmentRow {
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
    /// The type its bytes showed (wire name).
    pub document_type: String,
    /// Its size.
    pub size_bytes: i64,
    /// SHA-256 of its bytes (hex).
    pub sha256: String,
    /// What it is.
    pub description: Option<String>,
    /// Who uploaded it (none: through an upload link).
    pub uploaded_by: Option<String>,
    /// When (UTC).
    pub uploaded_at: PrimitiveDateTime,
    /// When withdrawn (UTC).
    pub withdrawn_at: Option<PrimitiveDateTime>,
    /// Who withdrew it.
    pub withdrawn_by: Option<String>,
    /// Why.
    pub withdrawn_reason: Option<String>,
}
