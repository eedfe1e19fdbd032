//! Verifying the trail, and anchoring it outside the database.
//!
//! [`verify`] walks every chain, recomputing each entry's hash (keyed, or plain for entries
//! from before keying) and link, and compares the chain heads with their last entries. A
//! [`Checkpoint`] taken earlier and kept outside the database (written to a file an operator
//! can ship elsewhere) adds what the database alone cannot show: that no chain it names has
//! gone missing, been truncated or rewound, or been rewritten before it; and from where on
//! every entry of a chain must be keyed.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::seal::timestamp;
use super::{AuditKey, GENESIS, NewAuditEntry, entry_hash, entry_mac};
use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::reference::now_utc;
use crate::rows::identity::AuditRow;
use crate::schema::{audit_chains, audit_log};

/// The first broken link found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The chain.
    pub chain_id: String,
    /// The entry at which the chain breaks.
    pub seq: i64,
    /// What is wrong there.
    pub reason: String,
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerifyReport {
    /// Chains walked.
    pub chains: usize,
    /// Entries checked.
    pub entries: u64,
    /// Whether a checkpoint anchored the walk.
    pub anchored: bool,
    /// The first broken link, if any.
    pub broken: Option<BrokenLink>,
}

/// A chain's head as a checkpoint records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainMark {
    /// The chain.
    pub chain_id: String,
    /// Its last entry then.
    pub last_seq: i64,
    /// That entry's hash.
    pub last_hash: String,
    /// The last entry written before keying (0: none); every later entry must be keyed.
    pub unkeyed_until: i64,
}

/// Every chain's head at one moment, sealed with the audit key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// When (UTC, to the microsecond).
    pub taken_at: String,
    /// The chains, by id.
    pub chains: Vec<ChainMark>,
    /// HMAC-SHA256 of the rest, in hex.
    pub seal: String,
}

impl Checkpoint {
    fn sealed_text(taken_at: &str, chains: &[ChainMark]) -> String {
        serde_json::json!({"taken_at": taken_at, "chains": chains}).to_string()
    }

    /// Whether `key` sealed it (a checkpoint altered, or sealed with another key, is not).
    pub fn is_sealed_by(&self, key: &AuditKey) -> bool {
        key.seal(&Self::sealed_text(&self.taken_at, &self.chains)) == self.seal
    }

    /// One line of JSON, as checkpoint files hold them.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A checkpoint from a line of a checkpoint file.
    pub fn parse(line: &str) -> Result<Self, String> {
        serde_json::from_str(line).map_err(|e| format!("not a checkpoint: {e}"))
    }
}

/// Every chain's head: its id, last entry and that entry's hash, by id.
fn heads(conn: &mut DbConnection) -> Result<Vec<(String, i64, String)>, PersistenceError> {
    Ok(audit_chains::table
        .select((
            audit_chains::chain_id,
            audit_chains::last_seq,
            audit_chains::last_hash,
        ))
        .order(audit_chains::chain_id.asc())
        .load(conn)?)
}

/// Takes a checkpoint of every chain's head, sealed with `key`.
pub fn checkpoint(conn: &mut DbConnection, key: &AuditKey) -> Result<Checkpoint, PersistenceError> {
    let heads = heads(conn)?;
    let mut chains = Vec::with_capacity(heads.len());
    for (chain_id, last_seq, last_hash) in heads {
        let unkeyed_until: Option<i64> = audit_log::table
            .filter(audit_log::chain_id.eq(&chain_id))
            .filter(audit_log::keyed.eq(false))
            .select(diesel::dsl::max(audit_log::seq))
            .first(conn)?;
        chains.push(ChainMark {
            chain_id,
            last_seq,
            last_hash,
            unkeyed_until: unkeyed_until.unwrap_or(0),
        });
    }
    let taken_at = timestamp(&now_utc());
    let seal = key.seal(&Checkpoint::sealed_text(&taken_at, &chains));
    Ok(Checkpoint {
        taken_at,
        chains,
        seal,
    })
}

/// Walks every chain in order, recomputing each hash and link; stops at the first break. With
/// `anchor` (the last checkpoint, already checked to be sealed by `key`), also finds chains
/// missing, truncated, rewound or rewritten since, and plain entries where keyed ones belong.
pub fn verify(
    conn: &mut DbConnection,
    key: &AuditKey,
    anchor: Option<&Checkpoint>,
) -> Result<VerifyReport, PersistenceError> {
    let heads = heads(conn)?;
    let mut chain_ids: Vec<String> = audit_log::table
        .select(audit_log::chain_id)
        .distinct()
        .load(conn)?;
    chain_ids.extend(heads.iter().map(|h| h.0.clone()));
    chain_ids.sort();
    chain_ids.dedup();
    let mut report = VerifyReport {
        chains: chain_ids.len(),
        anchored: anchor.is_some(),
        ..VerifyReport::default()
    };
    let marks: &[ChainMark] = anchor.map_or(&[], |a| &a.chains);
    if let Some(gone) = marks.iter().find(|m| !chain_ids.contains(&m.chain_id)) {
        report.broken = Some(BrokenLink {
            chain_id: gone.chain_id.clone(),
            seq: gone.last_seq,
            reason: "the chain is missing: the last checkpoint names it".into(),
        });
        return Ok(report);
    }
    for chain_id in chain_ids {
        let mark = marks.iter().find(|m| m.chain_id == chain_id);
        let head = heads.iter().find(|h| h.0 == chain_id);
        if let Some(reason) = walk(conn, key, &chain_id, mark, head, &mut report)? {
            report.broken = Some(reason);
            return Ok(report);
        }
    }
    Ok(report)
}

/// Walks one chain; the first break, if any.
fn walk(
    conn: &mut DbConnection,
    key: &AuditKey,
    chain_id: &str,
    mark: Option<&ChainMark>,
    head: Option<&(String, i64, String)>,
    report: &mut VerifyReport,
) -> Result<Option<BrokenLink>, PersistenceError> {
    let broken = |seq: i64, reason: &str| {
        Some(BrokenLink {
            chain_id: chain_id.to_owned(),
            seq,
            reason: reason.to_owned(),
        })
    };
    let mut expected_seq = 1i64;
    let mut prev = GENESIS.to_owned();
    let mut keyed_seen = false;
    loop {
        let rows: Vec<AuditRow> = audit_log::table
            .filter(audit_log::chain_id.eq(chain_id))
            .filter(audit_log::seq.ge(expected_seq))
            .order(audit_log::seq.asc())
            .limit(5000)
            .select(AuditRow::as_select())
            .load(conn)?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            if row.seq != expected_seq {
                return Ok(broken(expected_seq, "an entry is missing"));
            }
            if row.prev_hash != prev {
                return Ok(broken(
                    row.seq,
                    "prev_hash does not match the previous entry",
                ));
            }
            if !row.keyed && (keyed_seen || mark.is_some_and(|m| row.seq > m.unkeyed_until)) {
                return Ok(broken(
                    row.seq,
                    "a plain entry where only keyed ones belong",
                ));
            }
            keyed_seen |= row.keyed;
            let entry = NewAuditEntry {
                occurred_at: row.occurred_at,
                actor_kind: row.actor_kind,
                actor_id: row.actor_id,
                actor_roles: row.actor_roles,
                actor_organisation: row.actor_organisation,
                method: row.method,
                route: row.route,
                action: row.action,
                subject: row.subject,
                subject_organisation: row.subject_organisation,
                outcome: row.outcome,
                client_address: row.client_address,
            };
            let expected = if row.keyed {
                entry_mac(key, chain_id, row.seq, &prev, &entry)
            } else {
                entry_hash(chain_id, row.seq, &prev, &entry)
            };
            if expected != row.hash {
                return Ok(broken(
                    row.seq,
                    "the entry's contents do not match its hash",
                ));
            }
            if let Some(m) = mark
                && m.last_seq == row.seq
                && m.last_hash != row.hash
            {
                return Ok(broken(
                    row.seq,
                    "the entry differs from the last checkpoint's",
                ));
            }
            report.entries += 1;
            prev = row.hash;
            expected_seq += 1;
        }
    }
    let last = expected_seq - 1;
    if let Some(m) = mark
        && last < m.last_seq
    {
        return Ok(broken(
            last + 1,
            "the chain is shorter than at the last checkpoint: truncated or rewound",
        ));
    }
    match head {
        Some((_, last_seq, last_hash)) if *last_seq != last || *last_hash != prev => Ok(broken(
            last + 1,
            "entries at the end of the chain are missing",
        )),
        None if mark.is_some() => Ok(broken(last, "the chain's head is missing")),
        _ => Ok(None),
    }
}
