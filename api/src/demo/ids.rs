//! Identifiers of synthetic cases: references in the `LDR-` format that all start `LDR-ZZ`
//! (then a 6-character sequence number), and UUID v7 ids carrying the instant they name.

use leder_persistence::repo::seed::SYNTHETIC_REFERENCE_PREFIX;
use time::{Date, PrimitiveDateTime};

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The synthetic reference with this sequence number (6 Crockford characters after the prefix).
pub(super) fn reference_of(number: u64) -> Option<String> {
    if number >= 1 << 30 {
        return None;
    }
    let mut chars = [0u8; 6];
    let mut n = number;
    for c in chars.iter_mut().rev() {
        *c = CROCKFORD[usize::try_from(n & 31).unwrap_or(0)];
        n >>= 5;
    }
    Some(format!(
        "{SYNTHETIC_REFERENCE_PREFIX}{}",
        String::from_utf8_lossy(&chars)
    ))
}

/// The sequence number of a synthetic reference.
pub(super) fn reference_number(reference: &str) -> Option<u64> {
    let rest = reference.strip_prefix(SYNTHETIC_REFERENCE_PREFIX)?;
    if rest.len() != 6 {
        return None;
    }
    rest.bytes().try_fold(0u64, |acc, b| {
        let digit = CROCKFORD.iter().position(|c| *c == b)?;
        Some(acc * 32 + u64::try_from(digit).ok()?)
    })
}

/// An instant on an English date: `minutes` after midnight UTC (kept within the same day in
/// England by staying between 01:00 and 22:00).
pub(super) fn at(day: Date, minutes: i64) -> PrimitiveDateTime {
    PrimitiveDateTime::new(day, time::Time::MIDNIGHT)
        + time::Duration::minutes(minutes.clamp(60, 22 * 60))
}

/// A UUID v7 carrying the instant it names, so ids sort by time like live ones.
pub(super) fn id_at(instant: PrimitiveDateTime) -> String {
    let t = instant.assume_utc();
    let secs = u64::try_from(t.unix_timestamp()).unwrap_or(0);
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, secs, t.nanosecond());
    uuid::Uuid::new_v7(ts).to_string()
}
