//! How an entry is sealed into its chain: the plain SHA-256 of entries written before the trail
//! was keyed, and the keyed HMAC-SHA256 of every entry since. Both hash the same fields, each
//! length-prefixed, so no choice of field values can make two entries hash alike.

use hmac::Mac;
use sha2::digest::Update;
use sha2::{Digest, Sha256};
use time::PrimitiveDateTime;

use super::{AuditKey, NewAuditEntry};

fn push_field(hasher: &mut impl Update, value: Option<&str>) {
    // Length-prefixed, so no choice of field values can make two entries hash alike.
    match value {
        None => hasher.update(b"~;"),
        Some(v) => {
            hasher.update(v.len().to_string().as_bytes());
            hasher.update(b":");
            hasher.update(v.as_bytes());
            hasher.update(b";");
        }
    }
}

pub(super) fn timestamp(t: &PrimitiveDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]"
    );
    t.format(&format).unwrap_or_default()
}

/// The plain (unkeyed) hash of an entry at `seq` in `chain_id` following `prev_hash`: entries
/// written before the trail was keyed.
pub fn entry_hash(chain_id: &str, seq: i64, prev_hash: &str, e: &NewAuditEntry) -> String {
    let mut h = Sha256::new();
    push_fields(&mut h, chain_id, seq, prev_hash, e);
    leder_domain::hex::encode(&h.finalize())
}

/// The keyed hash (HMAC-SHA256) of an entry at `seq` in `chain_id` following `prev_hash`.
pub fn entry_mac(
    key: &AuditKey,
    chain_id: &str,
    seq: i64,
    prev_hash: &str,
    e: &NewAuditEntry,
) -> String {
    let mut mac = key.mac();
    push_fields(&mut mac, chain_id, seq, prev_hash, e);
    leder_domain::hex::encode(&mac.finalize().into_bytes())
}

fn push_fields(h: &mut impl Update, chain_id: &str, seq: i64, prev_hash: &str, e: &NewAuditEntry) {
    for field in [
        Some(chain_id),
        Some(&seq.to_string()),
        Some(prev_hash),
        Some(&timestamp(&e.occurred_at)),
        Some(&e.actor_kind),
        e.actor_id.as_deref(),
        Some(&e.actor_roles),
        e.actor_organisation.as_deref(),
        Some(&e.method),
        Some(&e.route),
        Some(&e.action),
        e.subject.as_deref(),
        e.subject_organisation.as_deref(),
        Some(&e.outcome),
        e.client_address.as_deref(),
    ] {
        push_field(h, field);
    }
}
