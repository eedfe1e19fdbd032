//! A review's family record (DOMAIN.md, "Families"): contacts and the dated entries of what
//! happened with each, written through a review change (the contact or entry, the review with
//! its derived family answers, history, the event `review.family_updated` and the audit entry:
//! one transaction), and read by the case team with every read audited.

use leder_domain::audit::{Act, AuditAction};
use leder_domain::family::{ContactDetails, FamilyEvent, FamilyEventKind};
use leder_domain::review::{FamilyError, Review};
use leder_persistence::records::family::{FamilyContact, FamilyEntry};
use leder_persistence::reference::now_utc;
use leder_persistence::repo::family as repo;
use leder_persistence::repo::users;
use time::Date;

use crate::app::reviews::{Along, ReviewChange, audit_reads, change_along, load};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::{actor_of, refusal};
use crate::clock::today_in_england;
use crate::db;
use crate::error::{ApiError, FieldError};
use crate::state::AppState;

/// A review's family record as read.
pub struct Record {
    /// The review (its form's derived family answers, its version).
    pub review: Review,
    /// Its contacts, in the order added.
    pub contacts: Vec<FamilyContact>,
    /// Every entry, in the order recorded.
    pub entries: Vec<FamilyEntry>,
}

/// The family record of review `id`, for its lead, QA panel and allocated reviewer (404 out of
/// scope, 403 for anyone else); the read is audited.
pub async fn read(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
) -> Result<Record, ApiError> {
    let review = load(state, caller, id).await?;
    review
        .may_read_family(&actor_of(caller)?)
        .map_err(|r| refusal(&r))?;
    let of = review.id.clone();
    let (contacts, entries) = db::run(state, move |conn| {
        Ok((repo::contacts_of(conn, &of)?, repo::entries_of(conn, &of)?))
    })
    .await?;
    let read = [(review.id.clone(), review.organisation.as_str().to_owned())];
    audit_reads(state, caller, info, AuditAction::ReadFamily, &read).await?;
    Ok(Record {
        review,
        contacts,
        entries,
    })
}

/// A refused family change as the API answers it; `note` names the field that carries the
/// reason (`note` on a contact's entry, `reason` for `no_family_contact`).
fn refused(e: &FamilyError, note: &str) -> ApiError {
    match e {
        FamilyError::Refused(r) => refusal(r),
        FamilyError::NoPerson | FamilyError::NotYetCompleted => ApiError::Conflict(e.to_string()),
        FamilyError::Contact(errors) => ApiError::unprocessable(
            errors
                .iter()
                .map(|c| FieldError::new(c.field(), c.code(), c.to_string()))
                .collect(),
        ),
        FamilyError::NotForAContact => ApiError::invalid_field("kind", e.code(), e.to_string()),
        FamilyError::InTheFuture => ApiError::invalid_field("on", e.code(), e.to_string()),
        FamilyError::NoteRequired => ApiError::invalid_field(note, e.code(), e.to_string()),
    }
}

/// The caller's display name, for what they just recorded.
async fn name_of(state: &AppState, caller: &Caller) -> Result<Option<String>, ApiError> {
    let me = caller.id.clone();
    Ok(db::run(state, move |conn| users::get(conn, &me))
        .await?
        .map(|u| u.display_name))
}

/// The details as the domain keeps them (trimmed), when they hold; as given otherwise, for the
/// domain to refuse in its order (scope, role and stage before the details' rules).
fn kept(details: ContactDetails) -> ContactDetails {
    details.clone().checked().unwrap_or(details)
}

/// Adds a contact to review `id`; returns the review as stored and the contact.
pub async fn add_contact(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    details: ContactDetails,
) -> Result<(Review, FamilyContact), ApiError> {
    let actor = actor_of(caller)?;
    let now = now_utc();
    let contact = FamilyContact {
        id: uuid::Uuid::now_v7().to_string(),
        review_id: id.clone(),
        details: kept(details),
        created_by: caller.id.clone(),
        created_at: now,
        updated_at: now,
    };
    let added = contact.clone();
    let change = ReviewChange::new(state, caller, info, AuditAction::AddFamilyContact, id, None);
    let along = Along::new(
        move |_, _| Ok(contact),
        move |review, contact: &mut FamilyContact| {
            review
                .add_family_contact(&actor, contact.id.clone(), contact.details.clone())
                .map(|(happened, _)| happened)
                .map_err(|e| refused(&e, "note"))
        },
        |conn, _, contact: FamilyContact| Ok(repo::add_contact(conn, &contact)?),
    );
    let review = change_along(state, caller, change, false, along).await?;
    Ok((review, added))
}

/// A patch of a contact's details: `None` leaves a field; for optional ones `Some(None)`
/// clears it.
#[derive(Debug, Clone, Default)]
pub struct ContactPatch {
    /// Their name.
    pub name: Option<String>,
    /// Their relationship.
    pub relationship: Option<String>,
    /// Telephone number.
    pub phone: Option<Option<String>>,
    /// Email address.
    pub email: Option<Option<String>>,
    /// Postal address.
    pub address: Option<Option<String>>,
    /// The preferred way.
    pub preferred_contact: Option<Option<leder_domain::family::ContactMethod>>,
    /// The whole list of needs.
    pub accessibility_needs: Option<Vec<leder_domain::family::AccessibilityNeed>>,
    /// The language to interpret into.
    pub interpreter_language: Option<Option<String>>,
    /// Anything else about their needs.
    pub accessibility_note: Option<Option<String>>,
    /// The fields the patch named, for the history.
    pub fields: Vec<String>,
}

impl ContactPatch {
    fn applied_to(self, d: ContactDetails) -> ContactDetails {
        ContactDetails {
            name: self.name.unwrap_or(d.name),
            relationship: self.relationship.unwrap_or(d.relationship),
            phone: self.phone.unwrap_or(d.phone),
            email: self.email.unwrap_or(d.email),
            address: self.address.unwrap_or(d.address),
            preferred_contact: self.preferred_contact.unwrap_or(d.preferred_contact),
            accessibility_needs: self.accessibility_needs.unwrap_or(d.accessibility_needs),
            interpreter_language: self.interpreter_language.unwrap_or(d.interpreter_language),
            accessibility_note: self.accessibility_note.unwrap_or(d.accessibility_note),
        }
    }
}

/// Changes contact `cid` of review `id` (the review's version as read, `If-Match`); returns
/// the review as stored and the contact as changed. 404 for a contact of no such review.
pub async fn change_contact(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    cid: String,
    patch: ContactPatch,
    expected_version: i64,
) -> Result<(Review, FamilyContact), ApiError> {
    let actor = actor_of(caller)?;
    let change = ReviewChange::new(
        state,
        caller,
        info,
        AuditAction::UpdateFamilyContact,
        id,
        Some(expected_version),
    );
    let contact_id = cid.clone();
    let fields = patch.fields.clone();
    let along = Along::new(
        move |conn, review: &Review| {
            let found = repo::contact_of(conn, &review.id, &contact_id)?;
            Ok(found.map(|c| FamilyContact {
                details: kept(patch.clone().applied_to(c.details.clone())),
                updated_at: now_utc(),
                ..c
            }))
        },
        move |review, changed: &mut Option<FamilyContact>| {
            review
                .may_write_family(&actor)
                .map_err(|e| refused(&e, "note"))?;
            let c = changed.as_ref().ok_or(ApiError::NotFound)?;
            review
                .change_family_contact(&actor, c.id.clone(), c.details.clone(), fields)
                .map(|(happened, _)| happened)
                .map_err(|e| refused(&e, "note"))
        },
        |conn, _, changed: Option<FamilyContact>| match changed {
            Some(c) => Ok(repo::update_contact(conn, &c)?),
            None => Err(ApiError::NotFound),
        },
    );
    let review = change_along(state, caller, change, false, along).await?;
    let rid = review.id.clone();
    let contact = db::run(state, move |conn| repo::contact_of(conn, &rid, &cid))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((review, contact))
}

/// An entry to record: about contact `contact` (`None` for `no_family_contact`).
pub struct EntryInput {
    /// The contact it is about.
    pub contact: Option<String>,
    /// What happened.
    pub kind: FamilyEventKind,
    /// The day it happened.
    pub on: Date,
    /// What else to say (why).
    pub note: Option<String>,
}

/// Records an entry of review `id`'s family record, through the review change named `act`;
/// returns the review as stored (its family answers derived again) and the entry. 404 for a
/// contact of no such review; `note` names the field the reason came in.
pub async fn record_entry(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    act: impl Into<Act>,
    input: EntryInput,
    note: &'static str,
) -> Result<(Review, FamilyEntry), ApiError> {
    let actor = actor_of(caller)?;
    let today = today_in_england();
    let entry = FamilyEntry {
        review_id: id.clone(),
        event: FamilyEvent {
            id: uuid::Uuid::now_v7().to_string(),
            contact_id: input.contact.clone(),
            kind: input.kind,
            on: input.on,
            // Kept as the domain keeps it: trimmed, absent when blank.
            note: input
                .note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned),
        },
        recorded_by: caller.id.clone(),
        recorded_by_name: None,
        recorded_at: now_utc(),
    };
    let stored = entry.clone();
    let change = ReviewChange::new(state, caller, info, act, id, None);
    let along = Along::new(
        move |conn, review: &Review| {
            let known = match &input.contact {
                Some(cid) => repo::contact_of(conn, &review.id, cid)?.is_some(),
                None => true,
            };
            let earlier: Vec<FamilyEvent> = repo::entries_of(conn, &review.id)?
                .into_iter()
                .map(|e| e.event)
                .collect();
            Ok((known, earlier, entry))
        },
        move |review, (known, earlier, entry): &mut (bool, Vec<FamilyEvent>, FamilyEntry)| {
            review
                .may_write_family(&actor)
                .map_err(|e| refused(&e, note))?;
            if !*known {
                return Err(ApiError::NotFound);
            }
            review
                .record_family_event(&actor, entry.event.clone(), earlier, today)
                .map(|(happened, _)| happened)
                .map_err(|e| refused(&e, note))
        },
        |conn, _, (_, _, entry): (bool, Vec<FamilyEvent>, FamilyEntry)| {
            Ok(repo::append_entry(conn, &entry)?)
        },
    );
    let review = change_along(state, caller, change, false, along).await?;
    let mut stored = stored;
    stored.recorded_by_name = name_of(state, caller).await?;
    Ok((review, stored))
}

/// The entries of contact `cid` of review `id`, for the case team (as [`read`]); audited.
pub async fn entries_of_contact(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    cid: String,
) -> Result<Vec<FamilyEntry>, ApiError> {
    let review = load(state, caller, id).await?;
    review
        .may_read_family(&actor_of(caller)?)
        .map_err(|r| refusal(&r))?;
    let of = review.id.clone();
    let entries = db::run(state, move |conn| {
        if repo::contact_of(conn, &of, &cid)?.is_none() {
            return Ok(None);
        }
        let all = repo::entries_of(conn, &of)?;
        Ok(Some(
            all.into_iter()
                .filter(|e| e.event.contact_id.as_deref() == Some(cid.as_str()))
                .collect::<Vec<_>>(),
        ))
    })
    .await?
    .ok_or(ApiError::NotFound)?;
    let read = [(review.id.clone(), review.organisation.as_str().to_owned())];
    audit_reads(state, caller, info, AuditAction::ReadFamily, &read).await?;
    Ok(entries)
}
