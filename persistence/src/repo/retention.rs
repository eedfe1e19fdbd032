//! Retention (DOMAIN.md, "Retention"): finding closed reviews past their retention period,
//! disposing of their identifiable part, and legal holds.
//!
//! A disposal is one write transaction per review: the conditions are checked again inside it
//! (still closed, not on legal hold, not already disposed of), the identifiable columns are
//! cleared, the date of death is kept to its quarter, and every free text tied to the review
//! goes: the review form's (`domain::retention::anonymised_findings`), the Child Death Review
//! outcome's summary and learning, the escalation reason, its notifications' person, notifier
//! and circumstances, its holds' written reasons, its history's written reasons and comments,
//! its learning points' text (their kind and themes stay), its family contacts and the notes of
//! its family record (the entries' kinds and days stay), and what was written with its moves.
//! Its events in the change feed then carry the review as it now is, with nothing
//! identifiable; one audit entry about the review is appended. What the national figures read
//! stays.

use diesel::prelude::*;
use leder_domain::retention::{
    DISPOSED_TEXT, anonymised_findings, anonymised_outcome, kept_date_of_death, kept_reason,
};
use leder_domain::review::Review;
use leder_domain::workflow::Stage;
use time::{Date, PrimitiveDateTime};

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::reference::now_utc;
use crate::repo::audit::{Audited, append};
use crate::repo::review_store::review_of;
use crate::repo::reviews::{CaseScope, get_scoped, lock_row};
use crate::schema::{
    case_notes, events, learning_points, notifications, review_escalations, review_history,
    review_holds, reviews,
};
use crate::stored::findings::{
    findings_from_json, findings_to_json, outcome_from_json, outcome_to_json,
};

/// The stages a review closes in; the period runs from `completed_on`, the day it closed.
fn closed_stages() -> [&'static str; 3] {
    [
        Stage::Completed.as_str(),
        Stage::NotEligible.as_str(),
        Stage::OptedOut.as_str(),
    ]
}

/// A closed review past its retention period.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct DueForDisposal {
    /// Review id.
    pub id: String,
    /// Its ICB.
    pub organisation: String,
    /// The day it closed.
    pub completed_on: Option<Date>,
}

/// Up to `limit` reviews closed on or before `last_closing_day`, not disposed of and not on
/// legal hold, after the id `after`, in id order (index `reviews_retention`).
pub fn due_for_disposal(
    conn: &mut DbConnection,
    last_closing_day: Date,
    after: &str,
    limit: i64,
) -> Result<Vec<DueForDisposal>, PersistenceError> {
    Ok(reviews::table
        .filter(reviews::disposed_at.is_null())
        .filter(reviews::completed_on.le(last_closing_day))
        .filter(reviews::status.eq_any(closed_stages()))
        .filter(reviews::legal_hold_reason.is_null())
        .filter(reviews::id.gt(after))
        .order(reviews::id.asc())
        .limit(limit)
        .select((reviews::id, reviews::organisation, reviews::completed_on))
        .load(conn)?)
}

/// Disposes of one review's identifiable part, if it is still due on `last_closing_day`;
/// appends `audited`'s entry about it in the same transaction, and gives the review's events
/// `render` of the disposed review as their data. Returns whether it was disposed of (a review
/// closed again, put on hold or disposed of meanwhile is left).
pub fn dispose(
    conn: &mut DbConnection,
    id: &str,
    last_closing_day: Date,
    audited: &Audited,
    render: &dyn Fn(&Review) -> String,
) -> Result<bool, PersistenceError> {
    write_transaction(conn, |conn| {
        lock_row(conn, id)?;
        let found: Option<(String, String, Option<String>, Option<Date>)> = reviews::table
            .find(id)
            .filter(reviews::disposed_at.is_null())
            .filter(reviews::completed_on.le(last_closing_day))
            .filter(reviews::status.eq_any(closed_stages()))
            .filter(reviews::legal_hold_reason.is_null())
            .select((
                reviews::organisation,
                reviews::findings,
                reviews::child_death_review_outcome,
                reviews::date_of_death,
            ))
            .first(conn)
            .optional()?;
        let Some((organisation, findings, outcome, date_of_death)) = found else {
            return Ok(false);
        };
        let corrupt = |field: &'static str, detail: String| PersistenceError::Corrupt {
            table: "reviews",
            id: id.to_owned(),
            field,
            detail,
        };
        let findings =
            findings_from_json(&findings).map_err(|e| corrupt("findings", e.to_string()))?;
        let outcome = outcome
            .as_deref()
            .map(outcome_from_json)
            .transpose()
            .map_err(|e| corrupt("child_death_review_outcome", e.to_string()))?;
        let now = now_utc();
        diesel::update(reviews::table.find(id))
            .set((
                reviews::given_name.eq(None::<String>),
                reviews::family_name.eq(None::<String>),
                reviews::nhs_number.eq(None::<String>),
                reviews::date_of_birth.eq(None::<Date>),
                reviews::date_of_death.eq(date_of_death.map(kept_date_of_death)),
                reviews::identity_key.eq(None::<String>),
                reviews::reviewer_concern.eq(None::<String>),
                reviews::findings.eq(findings_to_json(&anonymised_findings(&findings))),
                reviews::child_death_review_outcome.eq(outcome
                    .as_ref()
                    .map(|o| outcome_to_json(&anonymised_outcome(o)))),
                reviews::disposed_at.eq(Some(now)),
                reviews::version.eq(reviews::version + 1),
                reviews::updated_at.eq(now),
            ))
            .execute(conn)?;
        diesel::update(notifications::table.filter(notifications::review_id.eq(id)))
            .set((
                notifications::person_json.eq(None::<String>),
                notifications::notifier_json.eq(None::<String>),
                notifications::circumstances.eq(None::<String>),
            ))
            .execute(conn)?;
        diesel::update(review_holds::table.filter(review_holds::review_id.eq(id)))
            .set(review_holds::reason_text.eq(None::<String>))
            .execute(conn)?;
        diesel::update(learning_points::table.filter(learning_points::review_id.eq(id)))
            .set(learning_points::text.eq(DISPOSED_TEXT))
            .execute(conn)?;
        diesel::update(case_notes::table.filter(case_notes::review_id.eq(id)))
            .set(case_notes::text.eq(DISPOSED_TEXT))
            .execute(conn)?;
        diesel::update(review_escalations::table.filter(review_escalations::review_id.eq(id)))
            .set((
                review_escalations::reason.eq(DISPOSED_TEXT),
                review_escalations::agreed.eq(DISPOSED_TEXT),
            ))
            .execute(conn)?;
        crate::repo::family::dispose(conn, id)?;
        crate::repo::moves::dispose(conn, id)?;
        dispose_history(conn, id)?;
        // Documents (withdrawn ones too) go with the rest of the identifiable part; the caller
        // removes their objects, which no row names any more (or the sweep does).
        crate::repo::evidence::erase_review(conn, id)?;
        let state = get_scoped(conn, id, &CaseScope::Icb(organisation.clone()))?
            .ok_or_else(|| corrupt("id", "the review vanished while it was disposed of".into()))?;
        diesel::update(events::table.filter(events::subject_id.eq(id)))
            .set(events::data.eq(render(&review_of(state)?)))
            .execute(conn)?;
        append(
            conn,
            &audited.chain,
            &[audited.about(format!("review:{id}"), Some(organisation))],
        )?;
        Ok(true)
    })
}

/// Replaces the written reasons and comments in a review's history entries (their stored JSON
/// detail); codes (actions, hold reasons, ids, field names) stay.
fn dispose_history(conn: &mut DbConnection, id: &str) -> Result<(), PersistenceError> {
    let entries: Vec<(String, String)> = review_history::table
        .filter(review_history::review_id.eq(id))
        .select((review_history::id, review_history::detail))
        .load(conn)?;
    for (entry, detail) in entries {
        let mut value: serde_json::Value =
            serde_json::from_str(&detail).map_err(|e| PersistenceError::Corrupt {
                table: "review_history",
                id: entry.clone(),
                field: "detail",
                detail: e.to_string(),
            })?;
        let Some(fields) = value.as_object_mut() else {
            continue;
        };
        let mut changed = false;
        if let Some(reason) = fields.get_mut("reason")
            && let Some(text) = reason.as_str()
            && kept_reason(text) != text
        {
            *reason = serde_json::Value::from(DISPOSED_TEXT);
            changed = true;
        }
        for key in ["comment", "requested_by"] {
            if let Some(text) = fields.get_mut(key)
                && text.is_string()
            {
                *text = serde_json::Value::from(DISPOSED_TEXT);
                changed = true;
            }
        }
        if changed {
            diesel::update(review_history::table.find(&entry))
                .set(review_history::detail.eq(value.to_string()))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// A review's legal hold.
pub use leder_domain::retention::LegalHold;

/// What setting or lifting a legal hold found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldChange {
    /// No such review.
    NotFound,
    /// The review's identifiable part is already gone: nothing is left to hold.
    AlreadyDisposed,
    /// Done; the hold as it now stands (`None` once lifted).
    Done(Option<LegalHold>),
}

/// Puts a review under legal hold with `reason` (replacing an earlier reason, keeping its
/// start), audited.
pub fn set_legal_hold(
    conn: &mut DbConnection,
    id: &str,
    reason: &str,
    audited: &Audited,
) -> Result<HoldChange, PersistenceError> {
    change_hold(conn, id, Some(reason), audited)
}

/// Lifts a review's legal hold, audited; lifting a review that has none is not an error.
pub fn lift_legal_hold(
    conn: &mut DbConnection,
    id: &str,
    audited: &Audited,
) -> Result<HoldChange, PersistenceError> {
    change_hold(conn, id, None, audited)
}

fn change_hold(
    conn: &mut DbConnection,
    id: &str,
    reason: Option<&str>,
    audited: &Audited,
) -> Result<HoldChange, PersistenceError> {
    write_transaction(conn, |conn| {
        lock_row(conn, id)?;
        let found: Option<(String, Option<PrimitiveDateTime>, Option<PrimitiveDateTime>)> =
            reviews::table
                .find(id)
                .select((
                    reviews::organisation,
                    reviews::legal_hold_since,
                    reviews::disposed_at,
                ))
                .first(conn)
                .optional()?;
        let Some((organisation, since, disposed_at)) = found else {
            return Ok(HoldChange::NotFound);
        };
        if disposed_at.is_some() && reason.is_some() {
            return Ok(HoldChange::AlreadyDisposed);
        }
        let hold = reason.map(|r| LegalHold {
            reason: r.to_owned(),
            since: since.unwrap_or_else(now_utc),
        });
        // The hold is part of the review as it is read: a new version (ETag).
        diesel::update(reviews::table.find(id))
            .set((
                reviews::legal_hold_reason.eq(hold.as_ref().map(|h| h.reason.clone())),
                reviews::legal_hold_since.eq(hold.as_ref().map(|h| h.since)),
                reviews::version.eq(reviews::version + 1),
                reviews::updated_at.eq(now_utc()),
            ))
            .execute(conn)?;
        append(
            conn,
            &audited.chain,
            &[audited.about(format!("review:{id}"), Some(organisation))],
        )?;
        Ok(HoldChange::Done(hold))
    })
}
