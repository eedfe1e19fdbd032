//! Reading a review as the domain's [`Review`] and storing what a change to it did. The caller
//! (the API's application layer) runs both inside one [`crate::connection::write_transaction`]:
//! [`load_for_change`] takes the row's lock first, so on PostgreSQL a concurrent change waits and
//! then reads the committed row (SQLite's IMMEDIATE transaction holds the write lock already);
//! the caller lets the domain decide, renders the event payload itself, and [`store_change`]
//! writes the row, holds, learning point, history, events and audit entry together.

use std::collections::HashMap;

use diesel::prelude::*;
use leder_domain::review::{Happened, HistoryDetail, Hold, Review};
use serde_json::{Value, json};

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::records::cases::LearningPoint;
use crate::repo::audit::Author;
use crate::repo::audit::append as append_audit;
use crate::repo::events::{self, NewEvent};
use crate::repo::reviews::{
    CaseScope, ReviewState, get_scoped, holds_of, lock_row, reviewer_names,
};
use crate::rows::cases::{HistoryRow, HoldRow, ReviewRow};
use crate::schema::{learning_points, notifications, review_history, review_holds, reviews};
use crate::stored::review::{hold_row, review_from_row, row_from_review};

/// A stored case as the domain's type.
pub fn review_of(state: ReviewState) -> Result<Review, PersistenceError> {
    let review = review_from_row(state.row, state.holds, state.learning_points)?;
    Ok(named(review, state.reviewer_name))
}

/// The review with its reviewer's display name as read beside it.
fn named(review: Review, reviewer_name: Option<String>) -> Review {
    let mut parts = review.into_parts();
    parts.reviewer_name = reviewer_name;
    Review::restore(parts)
}

/// One review in scope, if any.
pub fn load(
    conn: &mut DbConnection,
    id: &str,
    scope: &CaseScope,
) -> Result<Option<Review>, PersistenceError> {
    get_scoped(conn, id, scope)?.map(review_of).transpose()
}

/// One review in scope, with its row locked for the rest of the transaction.
pub fn load_for_change(
    conn: &mut DbConnection,
    id: &str,
    scope: &CaseScope,
) -> Result<Option<Review>, PersistenceError> {
    lock_row(conn, id)?;
    load(conn, id, scope)
}

/// Reviews from their rows (a page of a list), with their holds and learning counts.
pub fn reviews_of_rows(
    conn: &mut DbConnection,
    rows: Vec<ReviewRow>,
) -> Result<Vec<Review>, PersistenceError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut holds: HashMap<String, Vec<HoldRow>> = HashMap::new();
    for hold in holds_of(conn, &ids)? {
        holds.entry(hold.review_id.clone()).or_default().push(hold);
    }
    let counts: HashMap<String, i64> = learning_points::table
        .filter(learning_points::review_id.eq_any(&ids))
        .filter(learning_points::kind.eq("learning"))
        .group_by(learning_points::review_id)
        .select((learning_points::review_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let names = reviewer_names(
        conn,
        rows.iter().filter_map(|r| r.reviewer_id.clone()).collect(),
    )?;
    rows.into_iter()
        .map(|row| {
            let learning = counts.get(&row.id).copied().unwrap_or(0);
            let held = holds.remove(&row.id).unwrap_or_default();
            let name = row
                .reviewer_id
                .as_ref()
                .and_then(|id| names.get(id))
                .cloned();
            Ok(named(review_from_row(row, held, learning)?, name))
        })
        .collect()
}

/// The stored detail of a history entry (the JSON `history[].detail` shows).
pub fn history_json(detail: &HistoryDetail) -> String {
    let value: Value = match detail {
        HistoryDetail::Created | HistoryDetail::ChildDeathReviewOutcome => json!({}),
        HistoryDetail::Imported {
            system,
            id,
            reached,
        } => {
            let reached: serde_json::Map<String, Value> = reached
                .iter()
                .map(|(stage, on)| (stage.as_str().to_owned(), json!(on.to_string())))
                .collect();
            json!({ "source": { "system": system, "id": id }, "stages_reached": reached })
        }
        HistoryDetail::DuplicateNotified { reference } => json!({ "reference": reference }),
        HistoryDetail::FamilyRequested {
            requested_by,
            requested_on,
        } => json!({ "requested_by": requested_by, "requested_on": requested_on.to_string() }),
        HistoryDetail::EthnicityConfirmed { category, reason } => {
            json!({ "category": category, "comment": reason })
        }
        HistoryDetail::NoteAdded {
            note_id,
            kind,
            corrects,
        } => json!({ "note_id": note_id, "kind": kind.as_str(), "corrects": corrects }),
        HistoryDetail::DuplicateAcknowledged { reference, applied } => {
            json!({ "reference": reference, "applied": applied })
        }
        HistoryDetail::Transition {
            action,
            reviewer_id,
            reason,
            comment,
        } => {
            let mut v = json!({ "action": action.as_str() });
            if reviewer_id.is_some() {
                v["reviewer_id"] = json!(reviewer_id);
                v["reason"] = json!(reason);
            } else if reason.is_some() {
                v["reason"] = json!(reason);
            }
            if comment.is_some() {
                v["comment"] = json!(comment);
            }
            v
        }
        HistoryDetail::FindingsUpdated { fields } => json!({ "fields": fields }),
        HistoryDetail::PersonCorrected { outcome } => json!({ "outcome": outcome.as_str() }),
        HistoryDetail::LearningAdded { learning_id, kind } => {
            json!({ "learning_id": learning_id, "kind": kind })
        }
        HistoryDetail::Transferred { from, to } => json!({ "from": from, "to": to }),
        HistoryDetail::OptOutChecked {
            opted_out,
            checked_on,
            source,
        } => json!({
            "opted_out": opted_out,
            "checked_on": checked_on.to_string(),
            "source": source,
        }),
        HistoryDetail::RegionalEscalation { escalation_id } => {
            json!({ "escalation_id": escalation_id })
        }
        HistoryDetail::FamilyContactAdded { contact_id } => json!({ "contact_id": contact_id }),
        HistoryDetail::FamilyContactChanged { contact_id, fields } => {
            json!({ "contact_id": contact_id, "fields": fields })
        }
        HistoryDetail::FamilyEventRecorded {
            event_id,
            contact_id,
            kind,
            on,
        } => json!({
            "event_id": event_id,
            "contact_id": contact_id,
            "kind": kind.as_str(),
            "on": on.to_string(),
        }),
        HistoryDetail::AreaCodeCorrected { from, to } => json!({ "from": from, "to": to }),
        // Free text goes under `comment`, which retention disposes of; codes stay.
        HistoryDetail::MoveProposed {
            move_id,
            to,
            reason,
            origin,
            text,
        } => json!({
            "move_id": move_id,
            "to": to,
            "move_reason": reason.as_str(),
            "origin": origin.as_str(),
            "comment": text,
        }),
        HistoryDetail::Moved {
            move_id,
            from,
            to,
            origin,
            allocation_cleared,
        } => json!({
            "move_id": move_id,
            "from": from,
            "to": to,
            "origin": origin.as_str(),
            "allocation_cleared": allocation_cleared,
        }),
        HistoryDetail::MoveDeclined {
            move_id,
            to,
            reason,
        } => json!({ "move_id": move_id, "to": to, "comment": reason }),
        HistoryDetail::RecordsRequested {
            request_id,
            organisation,
        } => json!({ "request_id": request_id, "organisation_kind": organisation.as_str() }),
        HistoryDetail::RecordsRequestClosed {
            request_id,
            status,
            documents,
        } => json!({ "request_id": request_id, "status": status.as_str(), "documents": documents }),
        HistoryDetail::DocumentAdded {
            attachment_id,
            document_type,
        } => json!({ "attachment_id": attachment_id, "document_type": document_type.as_str() }),
        HistoryDetail::DocumentWithdrawn { attachment_id } => {
            json!({ "attachment_id": attachment_id })
        }
    };
    value.to_string()
}

/// Stores a changed review (already [`Review::touch`]ed) and everything `happened` says but its
/// events, with the actor's audit entry; `learning` is a learning point the change adds. Returns
/// the review as stored (its holds updated), from which the caller renders the events'
/// payload for [`emit`].
pub fn store_change(
    conn: &mut DbConnection,
    review: Review,
    from_stage: &str,
    happened: &Happened,
    actor: &Author,
    learning: Option<&LearningPoint>,
) -> Result<Review, PersistenceError> {
    let row = row_from_review(&review);
    let id = row.id.clone();
    diesel::update(reviews::table.find(&id))
        .set(&row)
        .execute(conn)?;
    let mut parts = review.into_parts();
    parts.reviewer_name = reviewer_names(conn, parts.reviewer_id.iter().cloned().collect())?
        .into_values()
        .next();
    let now = parts.updated_at;
    if let Some(day) = happened.hold_ended_on {
        diesel::update(review_holds::table)
            .filter(review_holds::review_id.eq(&id))
            .filter(review_holds::ended_on.is_null())
            .set((
                review_holds::ended_on.eq(Some(day)),
                review_holds::ended_at.eq(Some(now)),
            ))
            .execute(conn)?;
        for h in parts.holds.iter_mut().filter(|h| h.ended_on.is_none()) {
            h.ended_on = Some(day);
            h.ended_at = Some(now);
        }
    }
    if let Some(started) = &happened.hold_started {
        let hold = Hold {
            id: uuid::Uuid::now_v7().to_string(),
            reason: started.reason,
            text: started.text.clone(),
            from_stage: started.from_stage,
            started_on: started.on,
            started_at: now,
            ended_on: None,
            ended_at: None,
        };
        diesel::insert_into(review_holds::table)
            .values(&hold_row(&id, &hold))
            .execute(conn)?;
        parts.holds.push(hold);
    }
    if let Some(point) = learning {
        crate::repo::learning::insert(conn, point)?;
    }
    if happened.erase_identifiable {
        // Nothing identifiable stays with the notifications either (their events are
        // rewritten by `emit`, which has the payload).
        diesel::update(notifications::table.filter(notifications::review_id.eq(&id)))
            .set((
                notifications::person_json.eq(None::<String>),
                notifications::notifier_json.eq(None::<String>),
                notifications::circumstances.eq(None::<String>),
                notifications::gp_practice.eq(None::<String>),
            ))
            .execute(conn)?;
        crate::repo::family::erase(conn, &id)?;
        crate::repo::moves::erase_text(conn, &id)?;
        // An opted-out case holds no evidence: its documents' rows go with the change, and
        // their objects, which no row names any more, are removed after it (or by the sweep).
        crate::repo::evidence::erase_review(conn, &id)?;
    }
    for detail in &happened.history {
        diesel::insert_into(review_history::table)
            .values(&HistoryRow {
                id: uuid::Uuid::now_v7().to_string(),
                review_id: id.clone(),
                occurred_at: now,
                actor_id: actor.id.clone(),
                actor_roles: actor.roles.clone(),
                action: detail.action(),
                from_status: Some(from_stage.to_owned()),
                to_status: Some(row.status.clone()),
                detail: history_json(detail),
            })
            .execute(conn)?;
    }
    let mut entry = actor.audited.entry.clone();
    entry.subject = Some(format!("review:{id}"));
    entry.subject_organisation = Some(row.organisation.clone());
    append_audit(conn, &actor.audited.chain, &[entry])?;
    Ok(Review::restore(parts))
}

/// Appends the events a change emitted to the review's ICB feed (and to the feeds it also
/// notifies), each carrying `data`; inside the change's transaction.
pub fn emit(
    conn: &mut DbConnection,
    review: &Review,
    happened: &Happened,
    data: &str,
) -> Result<(), PersistenceError> {
    if happened.erase_identifiable {
        // The copies of the case that earlier events carry become the case as it is now.
        diesel::update(crate::schema::events::table)
            .filter(crate::schema::events::subject_id.eq(&review.id))
            .set(crate::schema::events::data.eq(data))
            .execute(conn)?;
    }
    let feeds = std::iter::once(review.organisation.as_str().to_owned())
        .chain(happened.also_notify.clone());
    for organisation in feeds {
        for event_type in &happened.events {
            events::append(
                conn,
                NewEvent {
                    organisation: organisation.clone(),
                    event_type: event_type.as_str().to_owned(),
                    subject_id: review.id.clone(),
                    reference: review.reference.clone(),
                    data: data.to_owned(),
                },
            )?;
        }
    }
    Ok(())
}
