//! Webhook subscriptions and deliveries. A replica works on a subscription only while it holds
//! its lease: [`claim_due`] takes free or expired leases with one conditional UPDATE (the row
//! lock decides between replicas racing for it), and every later write renews it.

use diesel::prelude::*;
use leder_domain::subscriptions::WebhookStatus;
use time::{Duration, PrimitiveDateTime};

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::records::webhooks::{Delivery, NewWebhook, Webhook};
use crate::reference::now_utc;
use crate::repo::audit::Audited;
use crate::repo::audit::append;
use crate::rows::webhooks::{DeliveryRow, WebhookRow, event_types_column};
use crate::schema::{events, webhook_deliveries, webhooks};

/// Appends `audited`'s entry about subscription `id` of `organisation`.
fn audit(
    conn: &mut DbConnection,
    audited: &Audited,
    id: &str,
    organisation: &str,
) -> Result<(), PersistenceError> {
    let mut entry = audited.entry.clone();
    entry.subject = Some(format!("webhook:{id}"));
    entry.subject_organisation = Some(organisation.to_owned());
    append(conn, &audited.chain, &[entry])
}

/// Creates a subscription that starts after the ICB's current last event, with its audit entry.
pub fn create(
    conn: &mut DbConnection,
    new: NewWebhook,
    audited: &Audited,
) -> Result<Webhook, PersistenceError> {
    let mut row = WebhookRow {
        id: uuid::Uuid::now_v7().to_string(),
        organisation: new.organisation,
        url: new.url,
        event_types: event_types_column(&new.event_types),
        secret: new.secret,
        status: WebhookStatus::Active.as_str().to_owned(),
        paused_reason: None,
        last_seq: 0,
        consecutive_failures: 0,
        next_attempt_at: None,
        lease_owner: None,
        lease_until: None,
        created_by: new.created_by,
        created_at: now_utc(),
    };
    crate::connection::write_transaction(conn, |conn| {
        let last: Option<i64> = events::table
            .filter(events::organisation.eq(&row.organisation))
            .select(diesel::dsl::max(events::seq))
            .first(conn)?;
        row.last_seq = last.unwrap_or(0);
        diesel::insert_into(webhooks::table)
            .values(&row)
            .execute(conn)?;
        audit(conn, audited, &row.id, &row.organisation)
    })?;
    Webhook::try_from(row)
}

/// The ICB's subscriptions that are not deleted, oldest first.
pub fn list(conn: &mut DbConnection, organisation: &str) -> Result<Vec<Webhook>, PersistenceError> {
    webhooks::table
        .filter(webhooks::organisation.eq(organisation))
        .filter(webhooks::status.ne(WebhookStatus::Deleted.as_str()))
        .order(webhooks::created_at.asc())
        .select(WebhookRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Webhook::try_from)
        .collect()
}

/// One subscription of an ICB (not deleted).
pub fn get(
    conn: &mut DbConnection,
    id: &str,
    organisation: &str,
) -> Result<Option<Webhook>, PersistenceError> {
    webhooks::table
        .find(id)
        .filter(webhooks::organisation.eq(organisation))
        .filter(webhooks::status.ne(WebhookStatus::Deleted.as_str()))
        .select(WebhookRow::as_select())
        .get_result(conn)
        .optional()?
        .map(Webhook::try_from)
        .transpose()
}

/// Sets a subscription's status (`deleted`, or `active` again after a pause), with its audit
/// entry; false (and no entry) when the ICB has no such subscription.
pub fn set_status(
    conn: &mut DbConnection,
    id: &str,
    organisation: &str,
    status: WebhookStatus,
    audited: &Audited,
) -> Result<bool, PersistenceError> {
    crate::connection::write_transaction(conn, |conn| {
        let n = diesel::update(webhooks::table.find(id))
            .filter(webhooks::organisation.eq(organisation))
            .filter(webhooks::status.ne(WebhookStatus::Deleted.as_str()))
            .set((
                webhooks::status.eq(status.as_str()),
                webhooks::paused_reason.eq(None::<String>),
                webhooks::consecutive_failures.eq(0i64),
                webhooks::next_attempt_at.eq(None::<PrimitiveDateTime>),
            ))
            .execute(conn)?;
        if n > 0 {
            audit(conn, audited, id, organisation)?;
        }
        Ok(n > 0)
    })
}

/// Takes the leases of active subscriptions that are due and free (or already ours, or
/// expired) for `lease`; returns those held and due (a retry is due at its `next_attempt_at`).
pub fn claim_due(
    conn: &mut DbConnection,
    owner: &str,
    lease: Duration,
) -> Result<Vec<Webhook>, PersistenceError> {
    let now = now_utc();
    diesel::update(webhooks::table)
        .filter(webhooks::status.eq(WebhookStatus::Active.as_str()))
        .filter(
            webhooks::next_attempt_at
                .is_null()
                .or(webhooks::next_attempt_at.le(now)),
        )
        .filter(
            webhooks::lease_until
                .is_null()
                .or(webhooks::lease_until.lt(now))
                .or(webhooks::lease_owner.eq(owner)),
        )
        .set((
            webhooks::lease_owner.eq(owner),
            webhooks::lease_until.eq(now + lease),
        ))
        .execute(conn)?;
    // A lease outlives a failed attempt, so the lease alone does not make a subscription due:
    // without the backoff filter here too, every poll would retry it at once.
    Ok(webhooks::table
        .filter(webhooks::lease_owner.eq(owner))
        .filter(webhooks::lease_until.ge(now))
        .filter(webhooks::status.eq(WebhookStatus::Active.as_str()))
        .filter(
            webhooks::next_attempt_at
                .is_null()
                .or(webhooks::next_attempt_at.le(now)),
        )
        .select(WebhookRow::as_select())
        .load(conn)?
        .into_iter()
        .filter_map(|row| {
            // A subscription whose stored types do not parse delivers nothing (its lease runs
            // out); the others go on.
            Webhook::try_from(row)
                .inspect_err(|e| log::error!("{e}"))
                .ok()
        })
        .collect())
}

/// Records an attempt and moves the subscription on: past the event on success; on failure,
/// counts it, schedules the retry and pauses at `max_failures`. Renews the lease. Returns false
/// when the lease was lost (another replica took over): the caller stops.
pub fn record_attempt(
    conn: &mut DbConnection,
    owner: &str,
    lease: Duration,
    delivery: &Delivery,
    failures: i64,
    retry_at: Option<PrimitiveDateTime>,
    pause_reason: Option<String>,
) -> Result<bool, PersistenceError> {
    crate::connection::write_transaction(conn, |conn| {
        let now = now_utc();
        let mine = webhooks::table
            .find(&delivery.webhook_id)
            .filter(webhooks::lease_owner.eq(owner))
            .select(webhooks::id)
            .get_result::<String>(conn)
            .optional()?
            .is_some();
        if !mine {
            return Ok(false);
        }
        diesel::insert_into(webhook_deliveries::table)
            .values(DeliveryRow::from(delivery))
            .execute(conn)?;
        let target = webhooks::table.find(&delivery.webhook_id);
        if delivery.succeeded {
            diesel::update(target)
                .set((
                    webhooks::last_seq.eq(delivery.event_seq),
                    webhooks::consecutive_failures.eq(0i64),
                    webhooks::next_attempt_at.eq(None::<PrimitiveDateTime>),
                    webhooks::lease_until.eq(now + lease),
                ))
                .execute(conn)?;
        } else {
            let status = if pause_reason.is_some() {
                WebhookStatus::Paused
            } else {
                WebhookStatus::Active
            };
            diesel::update(target)
                .set((
                    webhooks::consecutive_failures.eq(failures),
                    webhooks::next_attempt_at.eq(retry_at),
                    webhooks::status.eq(status.as_str()),
                    webhooks::paused_reason.eq(pause_reason),
                    webhooks::lease_until.eq(now + lease),
                ))
                .execute(conn)?;
        }
        Ok(true)
    })
}

/// Moves past events the subscription does not want (no delivery needed).
pub fn skip_to(
    conn: &mut DbConnection,
    id: &str,
    owner: &str,
    seq: i64,
) -> Result<(), PersistenceError> {
    diesel::update(webhooks::table.find(id))
        .filter(webhooks::lease_owner.eq(owner))
        .set(webhooks::last_seq.eq(seq))
        .execute(conn)?;
    Ok(())
}

/// Frees the leases that earlier runs of the replica `replica` still hold, for `owner`
/// (`<replica>:<run>`), its new run, to take at once. A replica id names one process at a time,
/// so an earlier run's lease belongs to a process that has stopped (killed, perhaps, in the
/// middle of a delivery) and is not waited out; the event it was delivering is sent again, at
/// least once and still in order. Answers how many were freed.
pub fn release_earlier_runs(
    conn: &mut DbConnection,
    replica: &str,
    owner: &str,
) -> Result<usize, PersistenceError> {
    let prefix = format!("{replica}:");
    let holders: Vec<String> = webhooks::table
        .filter(webhooks::lease_owner.is_not_null())
        .select(webhooks::lease_owner.assume_not_null())
        .distinct()
        .load(conn)?;
    let earlier: Vec<String> = holders
        .into_iter()
        .filter(|h| h.starts_with(&prefix) && h != owner)
        .collect();
    if earlier.is_empty() {
        return Ok(0);
    }
    Ok(diesel::update(webhooks::table)
        .filter(webhooks::lease_owner.eq_any(&earlier))
        .set((
            webhooks::lease_owner.eq(None::<String>),
            webhooks::lease_until.eq(None::<PrimitiveDateTime>),
        ))
        .execute(conn)?)
}

/// Gives the lease back when done for now.
pub fn release(conn: &mut DbConnection, id: &str, owner: &str) -> Result<(), PersistenceError> {
    diesel::update(webhooks::table.find(id))
        .filter(webhooks::lease_owner.eq(owner))
        .set((
            webhooks::lease_owner.eq(None::<String>),
            webhooks::lease_until.eq(None::<PrimitiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// A subscription's delivery attempts, newest first.
pub fn deliveries(
    conn: &mut DbConnection,
    id: &str,
    limit: i64,
) -> Result<Vec<Delivery>, PersistenceError> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(id))
        .order((
            webhook_deliveries::attempted_at.desc(),
            webhook_deliveries::id.desc(),
        ))
        .limit(limit)
        .select(DeliveryRow::as_select())
        .load::<DeliveryRow>(conn)?
        .into_iter()
        .map(Delivery::from)
        .collect())
}
