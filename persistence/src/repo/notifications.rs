//! The public intake: a notification creates a review, or is linked to the review of the same
//! person, in one transaction with its history, event, audit entry and idempotency record.

use diesel::prelude::*;
use time::Date;

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::reference::now_utc;
use crate::repo::audit::{AuditChain, NewAuditEntry, append as append_audit};
use crate::repo::events::{self, NewEvent};
use crate::repo::idempotency;
use leder_domain::review::Review;

use crate::repo::review_store::review_of;
use crate::rows::cases::{HistoryRow, IdempotencyRow, NotificationRow, ReviewRow};
use crate::schema::{notifications, review_history, reviews};
use crate::stored::review::row_from_review;

diesel::define_sql_function! {
    /// SQL `lower()`, on both engines.
    fn lower(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// What identifies the same person: the NHS number, or names with both dates.
#[derive(Debug, Clone)]
pub struct PersonKey {
    /// NHS number, when known.
    pub nhs_number: Option<String>,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub date_of_birth: Date,
    /// Date of death.
    pub date_of_death: Date,
}

/// A notification to take in.
#[derive(Debug, Clone)]
pub struct Intake {
    /// The notification (its `review_id` is set here).
    pub notification: NotificationRow,
    /// The review to create when the person has none yet.
    pub review: Review,
    /// How to find the same person (none for an opt-out, which keeps nothing to match).
    pub person: Option<PersonKey>,
    /// The idempotency record to store with the first response, if a key was sent.
    pub idempotency: Option<IdempotencyRow>,
    /// The audit chain and entry.
    pub chain: AuditChain,
    /// The audit entry (the subject is filled in here).
    pub audit: NewAuditEntry,
}

/// What the intake did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntakeOutcome {
    /// A new review.
    Created {
        /// Its id.
        review_id: String,
    },
    /// Linked to the review of the same person, which is flagged for the lead.
    Duplicate {
        /// The earlier review.
        review_id: String,
    },
    /// The key was used before with this body: the first response.
    Replayed(IdempotencyRow),
    /// The key was used before with another body.
    KeyReused,
}

fn history(
    review_id: &str,
    action: &str,
    from: Option<&str>,
    to: &str,
    detail: String,
) -> HistoryRow {
    HistoryRow {
        id: uuid::Uuid::now_v7().to_string(),
        review_id: review_id.to_owned(),
        occurred_at: now_utc(),
        actor_id: None,
        actor_roles: String::new(),
        action: action.to_owned(),
        from_status: from.map(str::to_owned),
        to_status: Some(to.to_owned()),
        detail,
    }
}

fn person_lock_key(p: &PersonKey) -> i64 {
    // FNV-1a over the identifying values: one advisory lock per person.
    let text = match &p.nhs_number {
        Some(n) => n.clone(),
        None => format!(
            "{}|{}|{}|{}",
            p.given_name.to_lowercase(),
            p.family_name.to_lowercase(),
            p.date_of_birth,
            p.date_of_death
        ),
    };
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(h.to_ne_bytes())
}

/// Finds the earliest review of the same person.
fn same_person(
    conn: &mut DbConnection,
    p: &PersonKey,
) -> Result<Option<ReviewRow>, PersistenceError> {
    let by_names = lower(reviews::given_name)
        .eq(Some(p.given_name.to_lowercase()))
        .and(lower(reviews::family_name).eq(Some(p.family_name.to_lowercase())))
        .and(reviews::date_of_birth.eq(p.date_of_birth))
        .and(reviews::date_of_death.eq(p.date_of_death));
    let query = reviews::table
        .order(reviews::notified_at.asc())
        .into_boxed();
    let query = match &p.nhs_number {
        Some(n) => query.filter(reviews::nhs_number.eq(n.clone()).or(by_names)),
        None => query.filter(by_names),
    };
    Ok(query
        .select(ReviewRow::as_select())
        .first(conn)
        .optional()?)
}

/// Takes a notification in. `render` gives a review as its event carries it.
pub fn take_in(
    conn: &mut DbConnection,
    intake: Intake,
    render: &dyn Fn(&Review) -> String,
) -> Result<IntakeOutcome, PersistenceError> {
    write_transaction(conn, |conn| {
        if let Some(claim) = &intake.idempotency {
            if let Some(found) = idempotency::find(conn, &claim.scope, &claim.idempotency_key)? {
                return Ok(if found.request_hash == claim.request_hash {
                    IntakeOutcome::Replayed(found)
                } else {
                    IntakeOutcome::KeyReused
                });
            }
            // Written first: a concurrent request with the same key waits here on PostgreSQL
            // until this one commits, then fails and replays this response.
            idempotency::insert(conn, claim)?;
        }
        let existing = match &intake.person {
            Some(p) => {
                if let DbConnection::Postgresql(pg) = conn {
                    // Dialect-specific: serialise notifications of one person so that two
                    // arriving together cannot both create a review. SQLite's IMMEDIATE
                    // transaction already serialises writers.
                    diesel::sql_query(format!(
                        "SELECT pg_advisory_xact_lock({})",
                        person_lock_key(p)
                    ))
                    .execute(pg)?;
                }
                same_person(conn, p)?
            }
            None => None,
        };
        let mut notification = intake.notification;
        let mut entry = intake.audit;
        // Lock the first review and read it again, so a change committed meanwhile is kept.
        let existing = match existing {
            Some(found) => {
                crate::repo::reviews::lock_row(conn, &found.id)?;
                reviews::table
                    .find(&found.id)
                    .select(ReviewRow::as_select())
                    .first(conn)
                    .optional()?
            }
            None => None,
        };
        match existing {
            Some(mut first) => {
                notification.review_id = first.id.clone();
                notification.duplicate = true;
                diesel::insert_into(notifications::table)
                    .values(&notification)
                    .execute(conn)?;
                first.has_unreviewed_duplicate = true;
                first.version += 1;
                first.updated_at = now_utc();
                diesel::update(reviews::table.find(&first.id))
                    .set(&first)
                    .execute(conn)?;
                let detail = format!("{{\"reference\":\"{}\"}}", notification.reference);
                let h = history(
                    &first.id,
                    "duplicate_notified",
                    Some(&first.status),
                    &first.status,
                    detail,
                );
                diesel::insert_into(review_history::table)
                    .values(&h)
                    .execute(conn)?;
                let state = crate::repo::reviews::get_scoped(
                    conn,
                    &first.id,
                    &crate::repo::reviews::CaseScope::Icb(first.organisation.clone()),
                )?
                .ok_or(PersistenceError::Query(diesel::result::Error::NotFound))?;
                events::append(
                    conn,
                    NewEvent {
                        organisation: first.organisation.clone(),
                        event_type: "review.duplicate_notified".into(),
                        subject_id: first.id.clone(),
                        reference: first.reference.clone(),
                        data: render(&review_of(state)?),
                    },
                )?;
                entry.subject = Some(format!("review:{}", first.id));
                entry.subject_organisation = Some(first.organisation.clone());
                append_audit(conn, &intake.chain, &[entry])?;
                Ok(IntakeOutcome::Duplicate {
                    review_id: first.id,
                })
            }
            None => {
                let state = intake.review;
                let review = row_from_review(&state);
                diesel::insert_into(reviews::table)
                    .values(&review)
                    .execute(conn)?;
                notification.review_id = review.id.clone();
                diesel::insert_into(notifications::table)
                    .values(&notification)
                    .execute(conn)?;
                let h = history(&review.id, "created", None, &review.status, "{}".into());
                diesel::insert_into(review_history::table)
                    .values(&h)
                    .execute(conn)?;
                events::append(
                    conn,
                    NewEvent {
                        organisation: review.organisation.clone(),
                        event_type: "review.created".into(),
                        subject_id: review.id.clone(),
                        reference: review.reference.clone(),
                        data: render(&state),
                    },
                )?;
                entry.subject = Some(format!("review:{}", review.id));
                entry.subject_organisation = Some(review.organisation.clone());
                append_audit(conn, &intake.chain, &[entry])?;
                Ok(IntakeOutcome::Created {
                    review_id: review.id,
                })
            }
        }
    })
}
