//! Escalations by a regional coordinator (DOMAIN.md, "Oversight"). One is written only inside
//! the transaction of its review's change (`app::escalations` through `review_store`), so the
//! escalation, the history entry, the `review.escalated` event and the audit entry are stored
//! together or not at all.

use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::rows::cases::EscalationRow;
use crate::schema::review_escalations;

/// An escalation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    /// Id.
    pub id: String,
    /// The review.
    pub review_id: String,
    /// The review's ICB when it was recorded.
    pub organisation: String,
    /// The coordinator's region.
    pub region: String,
    /// Why.
    pub reason: String,
    /// What was agreed.
    pub agreed: String,
    /// By when.
    pub by_when: Date,
    /// The coordinator's user id.
    pub created_by: String,
    /// When (UTC).
    pub created_at: PrimitiveDateTime,
}

impl From<EscalationRow> for Escalation {
    fn from(r: EscalationRow) -> Self {
        Self {
            id: r.id,
            review_id: r.review_id,
            organisation: r.organisation,
            region: r.region,
            reason: r.reason,
            agreed: r.agreed,
            by_when: r.by_when,
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

/// Writes an escalation, in the caller's transaction.
pub fn insert(conn: &mut DbConnection, e: &Escalation) -> Result<(), PersistenceError> {
    diesel::insert_into(review_escalations::table)
        .values(&EscalationRow {
            id: e.id.clone(),
            review_id: e.review_id.clone(),
            organisation: e.organisation.clone(),
            region: e.region.clone(),
            reason: e.reason.clone(),
            agreed: e.agreed.clone(),
            by_when: e.by_when,
            created_by: e.created_by.clone(),
            created_at: e.created_at,
        })
        .execute(conn)?;
    Ok(())
}

/// The escalations of a review, oldest first.
pub fn of_review(
    conn: &mut DbConnection,
    review_id: &str,
) -> Result<Vec<Escalation>, PersistenceError> {
    Ok(review_escalations::table
        .filter(review_escalations::review_id.eq(review_id))
        .order((
            review_escalations::created_at.asc(),
            review_escalations::id.asc(),
        ))
        .select(EscalationRow::as_select())
        .load::<EscalationRow>(conn)?
        .into_iter()
        .map(Escalation::from)
        .collect())
}
