//! Evidence (issue 16): who was involved ([`organisations`]), the records asked of them
//! ([`requests`]) and received through their upload link ([`link`]), the documents the case
//! team keeps ([`attachments`]), how a document's bytes come in ([`receive`]) and the sweep of
//! stored objects no row names ([`sweep`]). Every change to a review's evidence is a review
//! change (history and audit in its transaction); every read is audited.

pub mod attachments;
pub mod link;
pub mod organisations;
pub mod receive;
pub mod requests;
pub mod sweep;

use leder_domain::review::EvidenceError;

use crate::cases::refusal;
use crate::error::ApiError;

/// A refused change to evidence as the API answers it.
pub fn evidence_refused(e: &EvidenceError) -> ApiError {
    match e {
        EvidenceError::Refused(r) => refusal(r),
        EvidenceError::OptedOut | EvidenceError::Disposed | EvidenceError::Closed => {
            ApiError::Conflict(e.to_string())
        }
    }
}

/// For the crash test only (`LEDER_TEST_CRASH_BEFORE_ATTACHMENT_COMMIT`): the process dies
/// here, its objects written and no row committed.
pub fn crash_point(state: &crate::state::AppState) {
    if state.config.evidence.crash_before_commit {
        log::error!("LEDER_TEST_CRASH_BEFORE_ATTACHMENT_COMMIT: aborting before the commit");
        std::process::abort();
    }
}
