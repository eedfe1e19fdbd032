//! Re-assessing completed reviews under the current avoidable mortality list (DOMAIN.md,
//! "Avoidable deaths": a corrected list is a new version). A review keeps the version it was
//! assessed with, and the national figures classify it under that version; re-assessing moves
//! completed reviews to the current version, so that a year's figures can be republished on one
//! version. Each batch is one write transaction with a history entry per review and an audit
//! entry; the summary says how many classifications changed, and how.

use std::collections::BTreeMap;

use leder_domain::IcdCode;
use leder_domain::avoidable::{Avoidability, ListVersion, classify_with};
use leder_persistence::repo::audit::{AuditChain, NewAuditEntry};
use leder_persistence::repo::reassessment::{
    AssessedCause, Reassessed, completed_on_avoidable_version, record_avoidable_version,
};
use leder_persistence::{DbConnection, PersistenceError};
use serde_json::json;

/// Reviews read and written per transaction.
const BATCH: i64 = 2000;

/// What a re-assessment found (and, unless a dry run, recorded).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReassessmentSummary {
    /// Completed reviews that were on another version.
    pub reviews: u64,
    /// How many of them were on each earlier version.
    pub from_versions: BTreeMap<String, u64>,
    /// Of which the classification changed.
    pub changed: u64,
    /// The changes, as `"before → after"` (for example `"treatable → both"`) with their counts.
    pub changes: BTreeMap<String, u64>,
    /// Reviews recorded on the current version (0 in a dry run).
    pub recorded: u64,
}

/// Why a re-assessment stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReassessmentError {
    /// A stored value did not parse: the review's id names it.
    #[error("review {id}: stored {field} `{value}` does not parse")]
    Corrupt {
        /// The review.
        id: String,
        /// The column.
        field: &'static str,
        /// What is stored.
        value: String,
    },
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] PersistenceError),
}

/// The name of a classification, for the summary.
fn label(a: Option<Avoidability>) -> &'static str {
    match a.map(|a| (a.preventable, a.treatable)) {
        None => "no cause recorded",
        Some((p, t)) if p > 0.0 && t > 0.0 => "both",
        Some((p, _)) if p > 0.0 => "preventable",
        Some((_, t)) if t > 0.0 => "treatable",
        Some(_) => "not avoidable",
    }
}

fn classification(
    review: &AssessedCause,
    version: ListVersion,
) -> Result<Option<Avoidability>, ReassessmentError> {
    let corrupt = |field, value: &str| ReassessmentError::Corrupt {
        id: review.id.clone(),
        field,
        value: value.to_owned(),
    };
    let Some(code) = review.underlying_icd10.as_deref() else {
        return Ok(None);
    };
    let code = IcdCode::parse(code).map_err(|_| corrupt("underlying_icd10", code))?;
    let Some(age) = review.age_at_death else {
        return Ok(None);
    };
    let age = u32::try_from(age).map_err(|_| corrupt("age_at_death", &age.to_string()))?;
    Ok(Some(classify_with(version, &code, age)))
}

/// Re-assesses every completed review (of deaths in `year`, when given) not on the current
/// list version. A dry run only counts. `audit` is appended, inside each batch's transaction,
/// to `chain`.
pub fn reassess_avoidable(
    conn: &mut DbConnection,
    year: Option<i32>,
    dry_run: bool,
    chain: &AuditChain,
    audit: &NewAuditEntry,
) -> Result<ReassessmentSummary, ReassessmentError> {
    let current = ListVersion::CURRENT;
    let mut summary = ReassessmentSummary::default();
    for from in ListVersion::ALL.iter().filter(|v| **v != current) {
        reassess_from(conn, *from, year, dry_run, chain, audit, &mut summary)?;
    }
    Ok(summary)
}

/// Re-assesses the completed reviews on one earlier version, a batch at a time.
fn reassess_from(
    conn: &mut DbConnection,
    from: ListVersion,
    year: Option<i32>,
    dry_run: bool,
    chain: &AuditChain,
    audit: &NewAuditEntry,
    summary: &mut ReassessmentSummary,
) -> Result<(), ReassessmentError> {
    let current = ListVersion::CURRENT;
    let mut after = String::new();
    loop {
        let batch = completed_on_avoidable_version(conn, from.as_str(), year, &after, BATCH)?;
        let Some(last) = batch.last() else {
            break;
        };
        after = last.id.clone();
        let mut writes = Vec::with_capacity(batch.len());
        for review in &batch {
            let before = classification(review, from)?;
            let now = classification(review, current)?;
            summary.reviews += 1;
            *summary.from_versions.entry(from.to_string()).or_default() += 1;
            let (before_label, after_label) = (label(before), label(now));
            if before_label != after_label {
                summary.changed += 1;
                *summary
                    .changes
                    .entry(format!("{before_label} → {after_label}"))
                    .or_default() += 1;
            }
            writes.push(Reassessed {
                id: review.id.clone(),
                from_version: from.to_string(),
                detail: json!({
                    "avoidable_mortality": {"from": from.as_str(), "to": current.as_str()},
                    "classification": {"from": before_label, "to": after_label},
                })
                .to_string(),
            });
        }
        if !dry_run {
            let recorded = record_avoidable_version(conn, current.as_str(), &writes, chain, audit)?;
            summary.recorded += recorded as u64;
        }
    }
    Ok(())
}
