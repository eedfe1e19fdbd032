//! `/reviews/{id}/family-contacts`: a review's family contacts (POST, GET, PATCH one) and the
//! dated record of what happened with each (`/family-contacts/{cid}/events`, POST and GET).
//! Entries are never changed or removed: there is no PATCH or DELETE of an entry.

use actix_web::http::header::ETAG;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use leder_domain::audit::AuditAction;
use leder_domain::family::ContactDetails;
use leder_persistence::records::family::{FamilyContact, FamilyEntry};

use crate::app::family::{self, ContactPatch, EntryInput};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::findings_doc;
use crate::dto::reviews::{
    FamilyContactDto, FamilyContactPatch, FamilyEventDto, FamilyEventList, FamilyRecord,
    NewFamilyContact, NewFamilyEvent, RecordedBy,
};
use crate::dto::{etag, if_match, utc};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// An entry as the API shows it.
fn entry(e: FamilyEntry) -> FamilyEventDto {
    FamilyEventDto {
        id: e.event.id,
        contact_id: e.event.contact_id,
        kind: e.event.kind,
        on: e.event.on,
        note: e.event.note,
        recorded_by: RecordedBy {
            id: e.recorded_by,
            display_name: e.recorded_by_name,
        },
        recorded_at: utc(e.recorded_at),
    }
}

/// A contact as the API shows it, with its entries.
fn contact(c: FamilyContact, events: Vec<FamilyEventDto>) -> FamilyContactDto {
    let d = c.details;
    FamilyContactDto {
        id: c.id,
        review_id: c.review_id,
        name: d.name,
        relationship: d.relationship,
        phone: d.phone,
        email: d.email,
        address: d.address,
        preferred_contact: d.preferred_contact,
        accessibility_needs: d.accessibility_needs,
        interpreter_language: d.interpreter_language,
        accessibility_note: d.accessibility_note,
        created_by: c.created_by,
        created_at: utc(c.created_at),
        updated_at: utc(c.updated_at),
        events,
    }
}

/// Add a family contact
///
/// Someone of the family, or close to the person, whom the review keeps in touch with: their
/// name and relationship, how to reach them (phone, email, address) and the way they prefer
/// (its detail must be recorded), and what they need to take part (`easy_read`,
/// `interpreter` with `interpreter_language`, `british_sign_language`, `large_print`,
/// `braille`, `audio`, `other` with `accessibility_note`). By the case's lead or allocated
/// reviewer at any stage while the review keeps identifiable data (opted out, or disposed of
/// after retention: 409); 404 out of scope, 403 for anyone else. Writes history, the event
/// `review.family_updated` (the case, not the contact) and an audit entry
/// (`add_family_contact`). Answers the contact, with the review's new `ETag`.
#[utoipa::path(
    tag = "reviews",
    operation_id = "add_family_contact",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    request_body = NewFamilyContact,
    responses(
        (status = 201, description = "The contact", body = FamilyContactDto, headers(("ETag" = String, description = "The review's new version"))),
        crate::error::sets::ChangeErrors,
    )
)]
#[post(
    "/reviews/{id}/family-contacts",
    wrap = "crate::idempotency::Idempotency::Replay"
)]
pub async fn add_family_contact(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
    body: ValidatedJson<NewFamilyContact>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let details = ContactDetails {
        name: b.name,
        relationship: b.relationship,
        phone: b.phone,
        email: b.email,
        address: b.address,
        preferred_contact: b.preferred_contact,
        accessibility_needs: b.accessibility_needs.unwrap_or_default(),
        interpreter_language: b.interpreter_language,
        accessibility_note: b.accessibility_note,
    };
    let (review, added) =
        family::add_contact(&state, &caller, &info, id.into_inner(), details).await?;
    Ok(HttpResponse::Created()
        .insert_header((ETAG, etag(review.version)))
        .json(contact(added, Vec::new())))
}

/// A review's family record
///
/// Every family contact in the order added, each with what happened with them (oldest first),
/// the entries saying why there is no family contact, and the review form's family answers
/// as the record derives them. For the case's lead, QA panel and allocated reviewer (404 out of
/// scope, 403 for anyone else). Audited as a read (`read_family`). The `ETag` is the review's
/// version, for `If-Match` on a contact's change.
#[utoipa::path(
    tag = "reviews",
    operation_id = "list_family_contacts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    responses(
        (status = 200, description = "The family record", body = FamilyRecord, headers(("ETag" = String, description = "The review's version"))),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/reviews/{id}/family-contacts")]
pub async fn list_family_contacts(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let record = family::read(&state, &caller, &info, id.into_inner()).await?;
    let mut entries: Vec<FamilyEntry> = record.entries;
    let items = record
        .contacts
        .into_iter()
        .map(|c| {
            let (mine, rest): (Vec<FamilyEntry>, Vec<FamilyEntry>) = std::mem::take(&mut entries)
                .into_iter()
                .partition(|e| e.event.contact_id.as_deref() == Some(c.id.as_str()));
            entries = rest;
            contact(c, mine.into_iter().map(entry).collect())
        })
        .collect();
    let involvement = findings_doc(&record.review.findings).family_involvement;
    Ok(HttpResponse::Ok()
        .insert_header((ETAG, etag(record.review.version)))
        .json(FamilyRecord {
            items,
            no_family_contact: entries
                .into_iter()
                .filter(|e| e.event.contact_id.is_none())
                .map(entry)
                .collect(),
            involvement,
            next_cursor: None,
        }))
}

/// Change a family contact
///
/// JSON Merge Patch of the contact's details with `If-Match` (the review's `ETag`, from the
/// family record or the review): the same rules as adding one, by the case's lead or
/// allocated reviewer. 404 for a contact of no such review. Writes history
/// (`family_contact_changed`, naming the fields), the event `review.family_updated` and an
/// audit entry (`update_family_contact`). Answers the contact (without its entries), with the
/// review's new `ETag`.
#[utoipa::path(
    tag = "reviews",
    operation_id = "update_family_contact",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Review id"),
        ("cid" = String, Path, description = "Family contact id"),
        ("If-Match" = String, Header, description = "The review's ETag from the last read"),
    ),
    request_body(content = FamilyContactPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The contact", body = FamilyContactDto, headers(("ETag" = String, description = "The review's new version"))),
        crate::error::sets::EditErrors,
    )
)]
#[patch("/reviews/{id}/family-contacts/{cid}")]
pub async fn update_family_contact(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: ValidatedJson<FamilyContactPatch>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let (id, cid) = path.into_inner();
    let patch = patch_of(body.0);
    let (review, changed) =
        family::change_contact(&state, &caller, &info, id, cid, patch, expected).await?;
    Ok(HttpResponse::Ok()
        .insert_header((ETAG, etag(review.version)))
        .json(contact(changed, Vec::new())))
}

/// Record what happened with a family contact
///
/// Appends a dated entry to the family record: `informed` (told about the review), `invited`
/// (to contribute), `contributed`, `declined`, `not_reachable` (a `note` saying why is
/// required), `draft_shared`, `comments_received`, and, once the review is completed,
/// `copy_offered` and `copy_sent` (before: 409). The day (`on`) is not after today (422). By
/// the case's lead or allocated reviewer (404 out of scope or for a contact of no such review,
/// 403 for anyone else). The review form's family answers are derived again from the whole
/// record (`findings.family_involvement`, `recorded: true`). Writes history
/// (`family_event_recorded`), the event `review.family_updated` and an audit entry
/// (`record_family_event`). Answers the entry, with the review's new `ETag`.
#[utoipa::path(
    tag = "reviews",
    operation_id = "record_family_event",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Review id"),
        ("cid" = String, Path, description = "Family contact id"),
    ),
    request_body = NewFamilyEvent,
    responses(
        (status = 201, description = "The entry", body = FamilyEventDto, headers(("ETag" = String, description = "The review's new version"))),
        crate::error::sets::ChangeErrors,
    )
)]
#[post(
    "/reviews/{id}/family-contacts/{cid}/events",
    wrap = "crate::idempotency::Idempotency::Replay"
)]
pub async fn record_family_event(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    path: web::Path<(String, String)>,
    body: ValidatedJson<NewFamilyEvent>,
) -> Result<HttpResponse, ApiError> {
    let (id, cid) = path.into_inner();
    let b = body.0;
    let input = EntryInput {
        contact: Some(cid),
        kind: b.kind,
        on: b.on,
        note: b.note,
    };
    let (review, recorded) = family::record_entry(
        &state,
        &caller,
        &info,
        id,
        AuditAction::RecordFamilyEvent,
        input,
        "note",
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((ETAG, etag(review.version)))
        .json(entry(recorded)))
}

/// What happened with a family contact
///
/// The contact's entries in the order recorded. For the case's lead, QA panel and allocated
/// reviewer (404 out of scope or for a contact of no such review, 403 for anyone else).
/// Audited as a read (`read_family`).
#[utoipa::path(
    tag = "reviews",
    operation_id = "list_family_events",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Review id"),
        ("cid" = String, Path, description = "Family contact id"),
    ),
    responses(
        (status = 200, description = "The contact's entries", body = FamilyEventList),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/reviews/{id}/family-contacts/{cid}/events")]
pub async fn list_family_events(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    path: web::Path<(String, String)>,
) -> Result<web::Json<FamilyEventList>, ApiError> {
    let (id, cid) = path.into_inner();
    let entries = family::entries_of_contact(&state, &caller, &info, id, cid).await?;
    Ok(web::Json(FamilyEventList {
        items: entries.into_iter().map(entry).collect(),
        next_cursor: None,
    }))
}

/// The fields a patch names, and their values, as the application takes them.
fn patch_of(p: FamilyContactPatch) -> ContactPatch {
    let named = [
        ("name", p.name.is_some()),
        ("relationship", p.relationship.is_some()),
        ("phone", p.phone.is_some()),
        ("email", p.email.is_some()),
        ("address", p.address.is_some()),
        ("preferred_contact", p.preferred_contact.is_some()),
        ("accessibility_needs", p.accessibility_needs.is_some()),
        ("interpreter_language", p.interpreter_language.is_some()),
        ("accessibility_note", p.accessibility_note.is_some()),
    ];
    ContactPatch {
        fields: named
            .iter()
            .filter(|(_, given)| *given)
            .map(|(name, _)| (*name).to_owned())
            .collect(),
        name: p.name,
        relationship: p.relationship,
        phone: p.phone,
        email: p.email,
        address: p.address,
        preferred_contact: p.preferred_contact,
        accessibility_needs: p.accessibility_needs,
        interpreter_language: p.interpreter_language,
        accessibility_note: p.accessibility_note,
    }
}
