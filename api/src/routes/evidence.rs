//! Evidence (issue 16): who was involved, records requests and their upload link, documents.
//! Handlers extract, call `app::evidence`, and render.

mod attachments;
mod organisations;
mod records_requests;
mod uploads;

use leder_persistence::records::evidence as records;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::dto::evidence as dto;
use crate::dto::utc;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(organisations::record_organisation)
        .service(organisations::list_organisations)
        .service(organisations::correct_organisation)
        .service(records_requests::request_records)
        .service(records_requests::list_records_requests)
        .service(records_requests::change_records_request)
        .service(uploads::upload_records)
        .service(attachments::add_attachment)
        .service(attachments::list_attachments)
        .service(attachments::download_attachment)
        .service(attachments::withdraw_attachment);
}

/// An involved organisation as the API shows it.
fn organisation(o: records::InvolvedOrganisation) -> dto::InvolvedOrganisation {
    dto::InvolvedOrganisation {
        id: o.id,
        kind: o.kind,
        ods_code: o.ods_code,
        name: o.name,
        from_notification: o.recorded_by.is_none(),
        updated_at: utc(o.updated_at),
    }
}

/// A records request as the API shows it now.
fn request(r: records::RecordsRequest) -> dto::RecordsRequest {
    let now = leder_persistence::reference::now_utc();
    let today = crate::clock::today_in_england();
    dto::RecordsRequest {
        status: r.state.status_at(now),
        overdue: r.state.is_overdue(today),
        link_revoked: r.state.link_revoked_at.is_some(),
        link_expires_at: utc(r.state.link_expires_at),
        due_on: r.state.due_on,
        id: r.id,
        review_id: r.review_id,
        organisation: organisation(r.organisation),
        asked_for: r.asked_for,
        contact_email: r.contact_email,
        requested_by: r.requested_by,
        requested_at: utc(r.requested_at),
        closed_at: r.closed_at.map(utc),
        documents: r.documents,
    }
}

/// A document as the API shows it.
fn attachment(a: records::Attachment) -> dto::Attachment {
    dto::Attachment {
        media_type: a.document_type.media_type().to_owned(),
        uploaded_by: a.uploaded_by.map(|id| dto::Uploader {
            id,
            display_name: a.uploaded_by_name,
        }),
        id: a.id,
        review_id: a.review_id,
        records_request_id: a.records_request_id,
        file_name: a.file_name,
        document_type: a.document_type,
        size_bytes: a.size_bytes,
        sha256: a.sha256,
        description: a.description,
        uploaded_at: utc(a.uploaded_at),
        withdrawn_at: a.withdrawn_at.map(utc),
        withdrawn_reason: a.withdrawn_reason,
    }
}
