//! The append-only, hash-chained audit trail.
//!
//! Each replica appends to its own chain. Every append first updates the chain's head row
//! (`audit_chains`), which takes its row lock on PostgreSQL (SQLite's IMMEDIATE transaction
//! holds the write lock already), so appends to one chain are serialised and it cannot fork,
//! whether they come from the batching writer or from a change's own transaction. Each entry
//! stores the previous entry's hash, and its own hash covers its fields and that link:
//! altering, removing or reordering any row breaks the chain, which [`verify`] reports.
//!
//! The hash is keyed (HMAC-SHA256) with the [`AuditKey`], a secret kept outside the database,
//! so someone who can write to the database cannot rewrite an entry and its successors with
//! hashes that verify. Entries written before keying (`keyed` false) keep their plain SHA-256;
//! a chain never goes back from keyed to plain. Checkpoints ([`verify::checkpoint`]) anchor
//! every chain's head outside the database, so that deleting or rewinding a chain is found too.
//! There is deliberately no update or delete of `audit_log` anywhere in the code, and the
//! migrations install triggers that refuse both.

mod carrier;
mod chain;
mod seal;
mod subject;
pub mod verify;
pub use subject::subject_organisation;

pub use carrier::{Audited, Author};
pub use chain::{AuditChain, AuditKey};
pub use seal::{entry_hash, entry_mac};
pub use verify::{BrokenLink, ChainMark, Checkpoint, VerifyReport, checkpoint, verify};

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::records::identity::AuditEntry;
use crate::reference::now_utc;
use crate::rows::identity::AuditRow;
use crate::schema::{audit_chains, audit_log};

/// The `prev_hash` of a chain's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry before it joins a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    /// When it happened (UTC, microseconds).
    pub occurred_at: PrimitiveDateTime,
    /// `user`, `client` or `anonymous`.
    pub actor_kind: String,
    /// User or client id.
    pub actor_id: Option<String>,
    /// The actor's roles, comma-separated.
    pub actor_roles: String,
    /// The actor's ICB.
    pub actor_organisation: Option<String>,
    /// HTTP method, or `CLI`.
    pub method: String,
    /// Route pattern.
    pub route: String,
    /// What was done.
    pub action: String,
    /// What it was done to.
    pub subject: Option<String>,
    /// The subject's ICB.
    pub subject_organisation: Option<String>,
    /// How it ended.
    pub outcome: String,
    /// The client's address.
    pub client_address: Option<String>,
}

/// Creates the chain's head row if it does not exist (at start-up).
pub fn ensure_chain(conn: &mut DbConnection, chain_id: &str) -> Result<(), PersistenceError> {
    let exists: i64 = audit_chains::table
        .filter(audit_chains::chain_id.eq(chain_id))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        let inserted = diesel::insert_into(audit_chains::table)
            .values((
                audit_chains::chain_id.eq(chain_id),
                audit_chains::last_seq.eq(0i64),
                audit_chains::last_hash.eq(GENESIS),
                audit_chains::updated_at.eq(now_utc()),
            ))
            .execute(conn);
        match inserted {
            Ok(_) => {}
            // Another process with the same replica id created it first: fine.
            Err(e) => match PersistenceError::unique_as_conflict(e, "chain exists") {
                PersistenceError::Conflict(_) => {}
                other => return Err(other),
            },
        }
    }
    Ok(())
}

/// Appends entries to a chain. Call inside a write transaction (a change's own, or
/// [`append_batch`]'s).
pub fn append(
    conn: &mut DbConnection,
    chain: &AuditChain,
    entries: &[NewAuditEntry],
) -> Result<(), PersistenceError> {
    let chain_id = chain.id();
    if entries.is_empty() {
        return Ok(());
    }
    // Dialect-specific: on PostgreSQL, updating the head row first takes its row lock, so that
    // concurrent appenders wait here; SQLite's IMMEDIATE transaction holds the database's write
    // lock already, and a statement fewer is a tenth of a small batch's work there.
    if let DbConnection::Postgresql(_) = conn {
        let locked = diesel::update(audit_chains::table.find(chain_id))
            .set(audit_chains::updated_at.eq(now_utc()))
            .execute(conn)?;
        if locked == 0 {
            ensure_chain(conn, chain_id)?;
            diesel::update(audit_chains::table.find(chain_id))
                .set(audit_chains::updated_at.eq(now_utc()))
                .execute(conn)?;
        }
    }
    let head = crate::on_concrete!(conn, |c| audit_chains::table
        .find(chain_id)
        .select((audit_chains::last_seq, audit_chains::last_hash))
        .get_result::<(i64, String)>(c)
        .optional())?;
    let (mut seq, mut prev) = match head {
        Some(head) => head,
        None => {
            ensure_chain(conn, chain_id)?;
            (0, GENESIS.to_owned())
        }
    };
    let mut rows = Vec::with_capacity(entries.len());
    for e in entries {
        seq += 1;
        let hash = entry_mac(chain.key(), chain_id, seq, &prev, e);
        rows.push(AuditRow {
            chain_id: chain_id.to_owned(),
            seq,
            occurred_at: e.occurred_at,
            actor_kind: e.actor_kind.clone(),
            actor_id: e.actor_id.clone(),
            actor_roles: e.actor_roles.clone(),
            actor_organisation: e.actor_organisation.clone(),
            method: e.method.clone(),
            route: e.route.clone(),
            action: e.action.clone(),
            subject: e.subject.clone(),
            subject_organisation: e.subject_organisation.clone(),
            outcome: e.outcome.clone(),
            client_address: e.client_address.clone(),
            prev_hash: std::mem::replace(&mut prev, hash.clone()),
            hash,
            keyed: true,
        });
    }
    // Dialect-specific: PostgreSQL takes a batch as multi-row INSERTs, one round trip each
    // (chunks of 500 rows keep under the bind limit). SQLite has no round trips, and a
    // multi-row INSERT's text changes with its row count, so it would be compiled for every
    // batch: there each row goes through the one prepared single-row INSERT.
    match conn {
        DbConnection::Postgresql(pg) => {
            for chunk in rows.chunks(500) {
                diesel::insert_into(audit_log::table)
                    .values(chunk)
                    .execute(pg)?;
            }
        }
        DbConnection::Sqlite(sqlite) => {
            for row in &rows {
                diesel::insert_into(audit_log::table)
                    .values(row)
                    .execute(sqlite)?;
            }
        }
    }
    let now = now_utc();
    crate::on_concrete!(conn, |c| diesel::update(audit_chains::table.find(chain_id))
        .set((
            audit_chains::last_seq.eq(seq),
            audit_chains::last_hash.eq(&prev),
            audit_chains::updated_at.eq(now),
        ))
        .execute(c))?;
    Ok(())
}

/// Appends entries in a transaction of their own (the batching writer's group commit).
pub fn append_batch(
    conn: &mut DbConnection,
    chain: &AuditChain,
    entries: &[NewAuditEntry],
) -> Result<(), PersistenceError> {
    write_transaction(conn, |conn| append(conn, chain, entries))
}

/// Entries about a subject, oldest first, optionally only those whose subject belongs to an ICB.
pub fn by_subject(
    conn: &mut DbConnection,
    subject: &str,
    subject_organisation: Option<&str>,
    after: Option<(PrimitiveDateTime, String, i64)>,
    limit: i64,
) -> Result<Vec<AuditEntry>, PersistenceError> {
    let mut q = audit_log::table
        .filter(audit_log::subject.eq(subject))
        .select(AuditRow::as_select())
        .order((
            audit_log::occurred_at.asc(),
            audit_log::chain_id.asc(),
            audit_log::seq.asc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some(org) = subject_organisation {
        q = q.filter(audit_log::subject_organisation.eq(org.to_owned()));
    }
    if let Some((at, chain, seq)) = after {
        q = q.filter(
            audit_log::occurred_at
                .gt(at)
                .or(audit_log::occurred_at.eq(at).and(
                    audit_log::chain_id
                        .gt(chain.clone())
                        .or(audit_log::chain_id.eq(chain).and(audit_log::seq.gt(seq))),
                )),
        );
    }
    Ok(q.load::<AuditRow>(conn)?
        .into_iter()
        .map(AuditEntry::from)
        .collect())
}
