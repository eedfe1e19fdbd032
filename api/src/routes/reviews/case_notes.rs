//! `POST /reviews/{id}/notes` and `GET /reviews/{id}/notes`: the case team's append-only
//! timeline of a review. There is no PATCH and no DELETE: a mistake is corrected by a new note.

use actix_web::{HttpResponse, get, post, web};
use leder_persistence::records::case_notes::CaseNote;

use crate::app::case_notes::{NoteInput, add, list};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::dto::reviews::{NewNote, Note, NoteAuthor, NoteList};
use crate::dto::{etag, utc};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Add a case note
///
/// Appends an entry to the case's timeline: a `note`, a `phone_call`, a `meeting`, an `email`
/// or `records_seen`, with the day it happened (today when absent; not after today: 422) and
/// the author and time recorded. A mistake is corrected by a new note whose `corrects` names
/// the earlier one (a note of this review, else 422); no note is ever changed or removed. By
/// the case's lead, QA panel or allocated reviewer at any stage (a machine client: 403; out of
/// scope: 404; a review disposed of after its retention period: 409). Writes history, the
/// event `review.note_added` (the case, not the note's text) and an audit entry (`add_note`);
/// the review's version moves on. Answers the note, with the review's new `ETag`.
#[utoipa::path(
    tag = "reviews",
    operation_id = "add_note",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    request_body = NewNote,
    responses(
        (status = 201, description = "The note", body = Note, headers(("ETag" = String, description = "The review's new version"))),
        crate::error::sets::ChangeErrors,
    )
)]
#[post(
    "/reviews/{id}/notes",
    wrap = "crate::idempotency::Idempotency::Replay"
)]
pub async fn add_note(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
    body: ValidatedJson<NewNote>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let input = NoteInput {
        kind: b.kind,
        text: b.text,
        occurred_on: b.occurred_on,
        corrects: b.corrects,
    };
    let (review, note) = add(&state, &caller, &info, id.into_inner(), input).await?;
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::ETAG, etag(review.version)))
        .json(shown(note, Vec::new())))
}

/// A case's notes
///
/// Every note of the case in the order written, each with the notes that correct it. For the
/// case's lead, QA panel and allocated reviewer (a machine client: 403; out of scope: 404).
/// Audited as a read (`read_notes`).
#[utoipa::path(
    tag = "reviews",
    operation_id = "list_notes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    responses(
        (status = 200, description = "The case's timeline", body = NoteList),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/reviews/{id}/notes")]
pub async fn list_notes(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<web::Json<NoteList>, ApiError> {
    let notes = list(&state, &caller, &info, id.into_inner()).await?;
    let corrections: Vec<(String, String)> = notes
        .iter()
        .filter_map(|n| n.corrects.clone().map(|c| (c, n.id.clone())))
        .collect();
    let items = notes
        .into_iter()
        .map(|n| {
            let by = corrections
                .iter()
                .filter(|(c, _)| *c == n.id)
                .map(|(_, id)| id.clone())
                .collect();
            shown(n, by)
        })
        .collect();
    Ok(web::Json(NoteList {
        items,
        next_cursor: None,
    }))
}

/// A note as the API shows it.
fn shown(n: CaseNote, corrected_by: Vec<String>) -> Note {
    Note {
        id: n.id,
        review_id: n.review_id,
        kind: n.kind,
        text: n.text,
        occurred_on: n.occurred_on,
        corrects: n.corrects,
        corrected_by,
        author: NoteAuthor {
            id: n.author_id,
            display_name: n.author_name,
        },
        created_at: utc(n.created_at),
    }
}
