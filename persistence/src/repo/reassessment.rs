//! Re-assessing completed reviews under a newer version of a definition (today, the avoidable
//! mortality list: DOMAIN.md, "Avoidable deaths"). A review keeps the version it was assessed
//! with until it is re-assessed on purpose; this module reads the reviews still on another
//! version a batch at a time and records the new version on them, each batch in one write
//! transaction with a history entry per review and one audit entry.

use diesel::prelude::*;

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::reference::now_utc;
use crate::repo::audit::{AuditChain, NewAuditEntry, append as append_audit};
use crate::rows::cases::HistoryRow;
use crate::schema::{review_history, reviews};

/// What the avoidable classification of a completed review depends on.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct AssessedCause {
    /// Review id.
    pub id: String,
    /// Underlying cause (ICD-10, normalised), if recorded.
    pub underlying_icd10: Option<String>,
    /// Age at death in whole years.
    pub age_at_death: Option<i64>,
    /// The list version it was assessed with.
    pub avoidable_version: String,
}

/// Up to `limit` completed reviews (deaths in `year` when given) assessed with the list version
/// `version`, after the id `after`, in id order (index `reviews_avoidable_version`).
pub fn completed_on_avoidable_version(
    conn: &mut DbConnection,
    version: &str,
    year: Option<i32>,
    after: &str,
    limit: i64,
) -> Result<Vec<AssessedCause>, PersistenceError> {
    let mut q = reviews::table
        .filter(reviews::status.eq("completed"))
        .filter(reviews::avoidable_version.eq(version))
        .filter(reviews::id.gt(after))
        .into_boxed();
    if let Some(year) = year {
        q = q.filter(reviews::year_of_death.eq(i64::from(year)));
    }
    Ok(q.order(reviews::id.asc())
        .limit(limit)
        .select((
            reviews::id,
            reviews::underlying_icd10,
            reviews::age_at_death,
            reviews::avoidable_version,
        ))
        .load(conn)?)
}

/// One review re-assessed: its id, the version it was on, and the history entry's detail JSON.
#[derive(Debug, Clone)]
pub struct Reassessed {
    /// Review id.
    pub id: String,
    /// The version it was assessed with before.
    pub from_version: String,
    /// What changed, as the history entry's detail (JSON).
    pub detail: String,
}

/// Records `version` on each review that is still on the version it was read with (a review
/// changed meanwhile is left for the next run), bumping its `version` (the ETag), with a
/// history entry `avoidable_reassessed` each, and `audit` appended to `chain` with the
/// number recorded as its subject: all in one write transaction. Returns how many were
/// recorded.
pub fn record_avoidable_version(
    conn: &mut DbConnection,
    version: &str,
    batch: &[Reassessed],
    chain: &AuditChain,
    audit: &NewAuditEntry,
) -> Result<usize, PersistenceError> {
    write_transaction(conn, |conn| {
        let now = now_utc();
        let mut recorded = 0;
        for review in batch {
            let updated = diesel::update(
                reviews::table
                    .find(&review.id)
                    .filter(reviews::status.eq("completed"))
                    .filter(reviews::avoidable_version.eq(&review.from_version)),
            )
            .set((
                reviews::avoidable_version.eq(version),
                reviews::version.eq(reviews::version + 1),
                reviews::updated_at.eq(now),
            ))
            .execute(conn)?;
            if updated == 0 {
                continue;
            }
            recorded += 1;
            diesel::insert_into(review_history::table)
                .values(&HistoryRow {
                    id: uuid::Uuid::now_v7().to_string(),
                    review_id: review.id.clone(),
                    occurred_at: now,
                    actor_id: None,
                    actor_roles: String::new(),
                    action: leder_domain::audit::AuditAction::AvoidableReassessed
                        .as_str()
                        .to_owned(),
                    from_status: Some("completed".into()),
                    to_status: Some("completed".into()),
                    detail: review.detail.clone(),
                })
                .execute(conn)?;
        }
        let mut entry = audit.clone();
        entry.subject = Some(format!(
            "reviews re-assessed under avoidable list {version}: {recorded}"
        ));
        append_audit(conn, chain, &[entry])?;
        Ok(recorded)
    })
}
