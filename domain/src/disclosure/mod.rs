//! Disclosure control for published figures (DOMAIN.md, "Publishing anonymised data").
//!
//! "Counts below national level follow NHS England's disclosure rule: 0 stays 0, 1–7 is shown as
//! suppressed, 8 and over is rounded to the nearest 5. Fractional counts (the 0.5 of a cause that
//! is both preventable and treatable) are rounded to the nearest 0.5 first, then the same rule
//! applies. Shares are computed from the rounded counts. A median or a share is withheld where its
//! group has fewer than 8 deaths." National totals are shown as counted and do not pass through
//! here.
//!
//! Decisions where the rule is silent: a count above 0 and below 8 (so 0.5 and 7.5 too) is
//! suppressed; a count exactly half-way between multiples of 5 (12.5) rounds up; a share whose
//! numerator is suppressed is withheld, since it would reveal the suppressed count.
//!
//! The row-level extract's k-anonymity is [`k_anonymity`].

pub mod k_anonymity;

pub use k_anonymity::{
    DEFAULT_K, Level, Plan, Published, QuasiIdentifiers, StepCounts, k_anonymise,
    k_anonymise_classes,
};

/// The version of the disclosure rule below and of the k-anonymity of row-level extracts.
pub const DISCLOSURE_RULE_VERSION: &str = "nhse-small-numbers-8-round-5/k-anonymity-leder-1";

/// The smallest count (and group size) that is published.
pub const SMALLEST_SHOWN: u64 = 8;

/// A count as it may be published below national level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Disclosed {
    /// 1 to 7 (or any fraction below 8 but above 0): shown as suppressed.
    Suppressed,
    /// 0, or a multiple of 5 from 10 up.
    Shown(u64),
}

impl Disclosed {
    /// The published value, or `None` when suppressed.
    pub fn value(self) -> Option<u64> {
        match self {
            Self::Suppressed => None,
            Self::Shown(value) => Some(value),
        }
    }
}

/// Rounds to the nearest 5, half-way rounding up (12.5 → 15).
fn nearest_five(count: f64) -> u64 {
    let fives = (count / 5.0).round();
    // A count of deaths is a non-negative whole number far below 2^53: the cast is exact.
    fives as u64 * 5
}

/// "0 stays 0, 1–7 is shown as suppressed, 8 and over is rounded to the nearest 5".
pub fn disclose(count: u64) -> Disclosed {
    match count {
        0 => Disclosed::Shown(0),
        1..SMALLEST_SHOWN => Disclosed::Suppressed,
        _ => Disclosed::Shown(count.saturating_add(2) / 5 * 5),
    }
}

/// Rounds a fractional count to the nearest 0.5 (half-way rounding up).
pub fn round_to_half(count: f64) -> f64 {
    (count * 2.0).round() / 2.0
}

/// The rule for fractional counts: round to the nearest 0.5, then as [`disclose`].
///
/// A negative or non-finite count is not a count; it is suppressed rather than shown.
pub fn disclose_fractional(count: f64) -> Disclosed {
    if !count.is_finite() || count < 0.0 {
        return Disclosed::Suppressed;
    }
    let count = round_to_half(count);
    if count == 0.0 {
        Disclosed::Shown(0)
    } else if count < SMALLEST_SHOWN as f64 {
        Disclosed::Suppressed
    } else {
        Disclosed::Shown(nearest_five(count))
    }
}

/// A share computed from the rounded counts, withheld for a group under 8 deaths.
///
/// `None` when the group has fewer than 8 deaths, or the numerator or denominator is suppressed
/// or the denominator rounds to 0.
pub fn share(numerator: f64, denominator: f64, group_deaths: u64) -> Option<f64> {
    if group_deaths < SMALLEST_SHOWN {
        return None;
    }
    let numerator = disclose_fractional(numerator).value()?;
    let denominator = disclose_fractional(denominator).value()?;
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

/// The median of the values, withheld for a group under 8 deaths (or with no values).
pub fn median(values: &[f64], group_deaths: u64) -> Option<f64> {
    if group_deaths < SMALLEST_SHOWN || values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    } else {
        sorted[middle]
    })
}

/// The median of values given with how often each occurs (a histogram, as a `GROUP BY` gives
/// it), withheld for a group under 8 deaths (or with no values). The same figure as [`median`]
/// over the values written out.
pub fn median_of_counts(counts: &[(f64, u64)], group_deaths: u64) -> Option<f64> {
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    if group_deaths < SMALLEST_SHOWN || total == 0 {
        return None;
    }
    let mut sorted: Vec<(f64, u64)> = counts.iter().copied().filter(|(_, n)| *n > 0).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    // The values at 0-based positions `(total - 1) / 2` and `total / 2`.
    let nth = |position: u64| -> f64 {
        let mut seen = 0;
        for (value, n) in &sorted {
            seen += n;
            if position < seen {
                return *value;
            }
        }
        sorted.last().map_or(0.0, |(value, _)| *value)
    };
    Some((nth((total - 1) / 2) + nth(total / 2)) / 2.0)
}
