//! Case notes (DOMAIN.md, "Case notes"): appended through a review change (history, the event
//! `review.note_added`, an audit entry, the note itself: one transaction), read by the case
//! team with every read audited. A correction is a new note naming the one it corrects.

use leder_domain::audit::AuditAction;
use leder_domain::case_notes::NoteKind;
use leder_domain::review::{NoteError, Review};
use leder_domain::workflow::Role;
use leder_persistence::records::case_notes::CaseNote;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::case_notes as repo;
use leder_persistence::repo::users;
use time::Date;

use crate::app::reviews::{Along, ReviewChange, audit_reads, change_along, load};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::{actor_of, refusal};
use crate::clock::today_in_england;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// A note to add.
pub struct NoteInput {
    /// Its kind.
    pub kind: NoteKind,
    /// Its text.
    pub text: String,
    /// The day it happened (today when absent).
    pub occurred_on: Option<Date>,
    /// The note it corrects.
    pub corrects: Option<String>,
}

/// Adds a note to the review `id`; returns the review as stored and the note.
pub async fn add(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    input: NoteInput,
) -> Result<(Review, CaseNote), ApiError> {
    let actor = actor_of(caller)?;
    let today = today_in_england();
    let note = CaseNote {
        id: uuid::Uuid::now_v7().to_string(),
        review_id: id.clone(),
        kind: input.kind,
        text: input.text,
        occurred_on: input.occurred_on.unwrap_or(today),
        corrects: input.corrects,
        author_id: caller.id.clone(),
        author_name: None,
        created_at: now_utc(),
    };
    let stored = note.clone();
    let change = ReviewChange::new(state, caller, info, AuditAction::AddNote, id, None);
    let along = Along::new(
        |conn, review: &Review| {
            let corrects = note.corrects.clone();
            if let Some(earlier) = &corrects
                && !repo::is_of_review(conn, &review.id, earlier)?
            {
                return Err(ApiError::invalid_field(
                    "corrects",
                    "unknown_note",
                    "no note of this review has this id",
                ));
            }
            Ok(note)
        },
        move |review, note: &mut CaseNote| {
            review
                .add_note(
                    &actor,
                    note.id.clone(),
                    note.kind,
                    note.occurred_on,
                    note.corrects.clone(),
                    today,
                )
                .map_err(|e| note_refused(&e))
        },
        |conn, _, note| Ok(repo::append(conn, &note)?),
    );
    let review = change_along(state, caller, change, false, along).await?;
    let me = caller.id.clone();
    let mut stored = stored;
    stored.author_name = db::run(state, move |conn| users::get(conn, &me))
        .await?
        .map(|u| u.display_name);
    Ok((review, stored))
}

/// A refused note as the API answers it.
fn note_refused(e: &NoteError) -> ApiError {
    match e {
        NoteError::Refused(r) => refusal(r),
        NoteError::InTheFuture => {
            ApiError::invalid_field("occurred_on", "in_the_future", e.to_string())
        }
        NoteError::Disposed => ApiError::Conflict(e.to_string()),
    }
}

/// A review's notes, for its lead, QA panel and allocated reviewer (a machine client: 403);
/// the read is audited.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
) -> Result<Vec<CaseNote>, ApiError> {
    let review = load(state, caller, id).await?;
    caller.require(&[Role::IcsLead, Role::QaPanel, Role::Reviewer])?;
    let of = review.id.clone();
    let notes = db::run(state, move |conn| repo::of_review(conn, &of)).await?;
    let read = [(review.id.clone(), review.organisation.as_str().to_owned())];
    audit_reads(state, caller, info, AuditAction::ReadNotes, &read).await?;
    Ok(notes)
}
