//! What a change carries to be audited in its own transaction.

use super::{AuditChain, NewAuditEntry};

/// Where and how a change is audited: the chain and the entry (its subject is filled in by the
/// change, which knows it). The one carrier of an audited write: every change appends it inside
/// its own transaction.
#[derive(Debug, Clone)]
pub struct Audited {
    /// The replica's chain.
    pub chain: AuditChain,
    /// The entry.
    pub entry: NewAuditEntry,
}

impl Audited {
    /// The entry about `subject` (of `organisation`).
    pub fn about(&self, subject: String, organisation: Option<String>) -> NewAuditEntry {
        NewAuditEntry {
            subject: Some(subject),
            subject_organisation: organisation,
            ..self.entry.clone()
        }
    }
}

/// Who makes a change that keeps a history (a case's, an action's): the id and roles the
/// history entry names, and the audited write.
#[derive(Debug, Clone)]
pub struct Author {
    /// User or client id.
    pub id: Option<String>,
    /// Roles, comma-separated (as history and audit rows keep them).
    pub roles: String,
    /// The chain and the entry.
    pub audited: Audited,
}
