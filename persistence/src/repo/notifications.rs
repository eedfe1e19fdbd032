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
use leder_domain::review::{EventType, HistoryDetail, Review};

use crate::records::cases::{IdempotencyRecord, Notification};
use crate::repo::review_store::review_of;
use crate::rows::cases::{HistoryRow, NotificationRow, ReviewRow};
use crate::schema::{notifications, review_history, reviews};
use crate::stored::review::{identity_key, row_from_review};

mod source;

pub use source::by_source;
use source::{fnv1a, lock_source};

/// What identifies the same person: the NHS number, or names with both dates.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    pub notification: Notification,
    /// The review to create when the person has none yet.
    pub review: Review,
    /// How to find the same person (none for an opt-out, which keeps nothing to match).
    pub person: Option<PersonKey>,
    /// The idempotency record to store with the first response, if a key was sent.
    pub idempotency: Option<IdempotencyRecord>,
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
    Replayed(IdempotencyRecord),
    /// The key was used before with another body.
    KeyReused,
    /// The submitting ICB's system sent this source id before: the notification it made.
    Existing {
        /// That notification's reference.
        reference: String,
        /// When it arrived (UTC).
        received_at: time::PrimitiveDateTime,
    },
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

impl PersonKey {
    /// The names and dates as the duplicate rule compares them (`reviews.identity_key`).
    pub fn identity_key(&self) -> String {
        identity_key(
            &self.given_name,
            &self.family_name,
            self.date_of_birth,
            self.date_of_death,
        )
    }

    /// One advisory lock key for each way this person could be matched (the NHS number, the
    /// names and dates), sorted, so that every two notifications that could match each other
    /// share a key, and so that transactions taking several always take them in one order
    /// (no deadlock). FNV-1a over a tagged text: a collision only serialises strangers.
    fn lock_keys(&self) -> Vec<i64> {
        let fnv = fnv1a;
        let mut keys = vec![fnv(&format!("person:{}", self.identity_key()))];
        if let Some(n) = &self.nhs_number {
            keys.push(fnv(&format!("nhs:{n}")));
        }
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

impl PersonKey {
    /// How a review's person is matched, when it keeps one (not after an opt-out or disposal).
    pub fn of(review: &Review) -> Option<PersonKey> {
        review.person.as_ref().map(|p| PersonKey {
            nhs_number: p.nhs_number.as_ref().map(leder_domain::NhsNumber::digits),
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            date_of_birth: p.date_of_birth,
            date_of_death: p.date_of_death,
        })
    }
}

/// Serialises, on PostgreSQL, every transaction that could match one of `people` (an intake,
/// a correction): the advisory lock of each key the match uses, all of them sorted, held to the
/// end of the transaction. Every caller takes its locks here, before any row lock, so two
/// transactions always take shared keys in one order (no deadlock). SQLite's IMMEDIATE
/// transaction already runs one writer at a time.
pub fn lock_people(conn: &mut DbConnection, people: &[&PersonKey]) -> Result<(), PersistenceError> {
    // Dialect-specific: advisory locks exist on PostgreSQL only.
    if let DbConnection::Postgresql(pg) = conn {
        let mut keys: Vec<i64> = people.iter().flat_map(|p| p.lock_keys()).collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            diesel::sql_query(format!("SELECT pg_advisory_xact_lock({key})")).execute(pg)?;
        }
    }
    Ok(())
}

/// A review other than `except` of the person `p` names (by NHS number, or by names and dates),
/// if there is one: the id of the earliest.
pub fn other_review_of(
    conn: &mut DbConnection,
    p: &PersonKey,
    except: &str,
) -> Result<Option<String>, PersistenceError> {
    let by_number = match &p.nhs_number {
        Some(n) => reviews::table
            .filter(reviews::nhs_number.eq(n))
            .filter(reviews::id.ne(except))
            .order((reviews::notified_at.asc(), reviews::id.asc()))
            .select(reviews::id)
            .first::<String>(conn)
            .optional()?,
        None => None,
    };
    if by_number.is_some() {
        return Ok(by_number);
    }
    Ok(reviews::table
        .filter(reviews::identity_key.eq(p.identity_key()))
        .filter(reviews::id.ne(except))
        .order((reviews::notified_at.asc(), reviews::id.asc()))
        .select(reviews::id)
        .first::<String>(conn)
        .optional()?)
}

/// The earliest review of the same person: two look-ups, each an index search
/// (`reviews_nhs_first`, `reviews_identity_first`), rather than one `OR` that scans the table.
/// Reviews that keep nothing identifiable (opt-outs) have neither value and never match.
pub fn same_person(
    conn: &mut DbConnection,
    p: &PersonKey,
) -> Result<Option<ReviewRow>, PersistenceError> {
    let by_number = match &p.nhs_number {
        Some(n) => reviews::table
            .filter(reviews::nhs_number.eq(n))
            .order((reviews::notified_at.asc(), reviews::id.asc()))
            .select(ReviewRow::as_select())
            .get_result(conn)
            .optional()?,
        None => None,
    };
    let by_identity = reviews::table
        .filter(reviews::identity_key.eq(p.identity_key()))
        .order((reviews::notified_at.asc(), reviews::id.asc()))
        .select(ReviewRow::as_select())
        .get_result(conn)
        .optional()?;
    Ok(by_number
        .into_iter()
        .chain(by_identity)
        .min_by(|a, b| (a.notified_at, &a.id).cmp(&(b.notified_at, &b.id))))
}

/// Takes a notification in. `render` gives a review as its event carries it.
pub fn take_in(
    conn: &mut DbConnection,
    intake: Intake,
    render: &dyn Fn(&Review) -> String,
) -> Result<IntakeOutcome, PersistenceError> {
    write_transaction(conn, |conn| {
        if let Some(source) = &intake.notification.source {
            lock_source(conn, source)?;
            if let Some((reference, received_at)) = by_source(conn, source)? {
                return Ok(IntakeOutcome::Existing {
                    reference,
                    received_at,
                });
            }
        }
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
                // Notifications (and corrections) that could match each other run one at a
                // time, so that two arriving together cannot both create a review.
                lock_people(conn, &[p])?;
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
                    .get_result(conn)
                    .optional()?
            }
            None => None,
        };
        match existing {
            Some(mut first) => {
                notification.review_id = first.id.clone();
                notification.duplicate = true;
                crate::on_concrete!(conn, |c| diesel::insert_into(notifications::table)
                    .values(NotificationRow::from(&notification))
                    .execute(c))?;
                // A duplicate in which the family asks for a focused review is their request.
                let mut asked = None;
                if notification.family_requests_focused_review {
                    let mut review =
                        crate::stored::review::review_from_row(first.clone(), Vec::new(), 0)?;
                    asked = review.family_request_notified(
                        &notification.reference,
                        intake.review.notified_on,
                    );
                    if asked.is_some() {
                        first = row_from_review(&review);
                    }
                }
                first.has_unreviewed_duplicate = true;
                first.version += 1;
                first.updated_at = now_utc();
                diesel::update(reviews::table.find(&first.id))
                    .set(&first)
                    .execute(conn)?;
                if let Some(detail) = &asked {
                    let h = history(
                        &first.id,
                        &detail.action(),
                        Some(&first.status),
                        &first.status,
                        crate::repo::review_store::history_json(detail),
                    );
                    crate::on_concrete!(conn, |c| diesel::insert_into(review_history::table)
                        .values(&h)
                        .execute(c))?;
                }
                let detail = format!("{{\"reference\":\"{}\"}}", notification.reference);
                let detail_of = HistoryDetail::DuplicateNotified {
                    reference: notification.reference.clone(),
                };
                let h = history(
                    &first.id,
                    &detail_of.action(),
                    Some(&first.status),
                    &first.status,
                    detail,
                );
                crate::on_concrete!(conn, |c| diesel::insert_into(review_history::table)
                    .values(&h)
                    .execute(c))?;
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
                        event_type: EventType::ReviewDuplicateNotified.as_str().to_owned(),
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
                crate::on_concrete!(conn, |c| diesel::insert_into(reviews::table)
                    .values(&review)
                    .execute(c))?;
                notification.review_id = review.id.clone();
                crate::on_concrete!(conn, |c| diesel::insert_into(notifications::table)
                    .values(NotificationRow::from(&notification))
                    .execute(c))?;
                // The GP practice a professional named is the first organisation involved.
                if let Some(code) = &notification.gp_practice {
                    crate::repo::evidence::add_organisation(
                        conn,
                        &crate::records::evidence::InvolvedOrganisation {
                            id: uuid::Uuid::now_v7().to_string(),
                            review_id: review.id.clone(),
                            kind: leder_domain::evidence::OrganisationKind::GpPractice,
                            ods_code: Some(code.clone()),
                            name: None,
                            recorded_by: None,
                            created_at: notification.received_at,
                            updated_at: notification.received_at,
                        },
                    )?;
                }
                let h = history(
                    &review.id,
                    &HistoryDetail::Created.action(),
                    None,
                    &review.status,
                    "{}".into(),
                );
                crate::on_concrete!(conn, |c| diesel::insert_into(review_history::table)
                    .values(&h)
                    .execute(c))?;
                events::append(
                    conn,
                    NewEvent {
                        organisation: review.organisation.clone(),
                        event_type: EventType::ReviewCreated.as_str().to_owned(),
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
