//! The Child Death Review outcome (DOMAIN.md, "Who is eligible" and "Stages").
//!
//! For a child aged 4 to 17 "the statutory Child Death Review process reviews the death; LeDeR
//! keeps the record and receives its outcome": "referred_to_child_death_review -> completed (when
//! the Child Death Review outcome is recorded)", by the lead. The outcome is received on or after
//! the death and not after today, and has a summary.

use time::Date;

use crate::icd_code::IcdCode;

/// The outcome of a Child Death Review, as received by LeDeR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildDeathReviewOutcome {
    /// The day the outcome was received.
    pub received_on: Date,
    /// The underlying cause the review found, if it gave one.
    pub underlying_cause: Option<IcdCode>,
    /// A summary of the review.
    pub summary: String,
    /// Whether the review identified modifiable factors.
    pub modifiable_factors: bool,
    /// The learning it gave.
    pub learning: Vec<String>,
}

/// Why a Child Death Review outcome cannot be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChildDeathReviewOutcomeError {
    /// Received before the death.
    #[error("the outcome cannot be received before the death")]
    ReceivedBeforeDeath,
    /// Received after today.
    #[error("the outcome cannot be received in the future")]
    ReceivedInFuture,
    /// No summary.
    #[error("the outcome needs a summary")]
    SummaryRequired,
}

impl ChildDeathReviewOutcomeError {
    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ReceivedBeforeDeath => "received_before_death",
            Self::ReceivedInFuture => "received_in_future",
            Self::SummaryRequired => "summary_required",
        }
    }

    /// The field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            Self::ReceivedBeforeDeath | Self::ReceivedInFuture => "received_on",
            Self::SummaryRequired => "summary",
        }
    }
}

impl ChildDeathReviewOutcome {
    /// Checks the outcome against the date of death and today.
    pub fn validate(
        &self,
        date_of_death: Date,
        today: Date,
    ) -> Result<(), ChildDeathReviewOutcomeError> {
        if self.received_on < date_of_death {
            return Err(ChildDeathReviewOutcomeError::ReceivedBeforeDeath);
        }
        if self.received_on > today {
            return Err(ChildDeathReviewOutcomeError::ReceivedInFuture);
        }
        if self.summary.trim().is_empty() {
            return Err(ChildDeathReviewOutcomeError::SummaryRequired);
        }
        Ok(())
    }
}
