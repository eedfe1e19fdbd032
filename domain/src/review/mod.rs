//! The review: one case of LeDeR, from notification to completion (DOMAIN.md, "Stages", "What a
//! review records", "Duplicates", "Responsible body").
//!
//! A [`Review`] is built once, by [`Review::notified`] from a notification's assessment (the
//! opt-out redaction lives there and nowhere else), or restored from storage by
//! [`Review::restore`]; afterwards it changes only through its methods, each of which checks the
//! workflow's rules and returns what happened ([`Happened`]: history entries, events, holds).
//! Its facts are read through [`ReviewParts`] (the `Deref` target); nothing outside this module
//! can assign them.

mod case_work;
mod changes;
mod escalation;
mod evidence;
mod family;
mod happened;
mod import;
mod intake;
mod moves;
mod opt_out;

pub use case_work::{CaseAction, CaseActionError, NoteError};
pub use changes::{LearningKind, OutcomeError, PersonCorrection};
pub use escalation::{Escalation, EscalationError};
pub use evidence::EvidenceError;
pub use family::FamilyError;
pub use happened::{EventType, Happened, HistoryDetail, HoldStarted};
pub use import::{ImportError, ImportSource, ImportStep, ImportedHold, Journey};
pub use intake::{NewCase, Resolution};
pub use moves::MoveRequest;
pub use opt_out::{OptOutAnswer, OptOutCheck, OptOutCheckResult, OptOutCheckStatus};

use std::ops::Deref;

use time::{Date, PrimitiveDateTime};

use crate::avoidable::ListVersion;
use crate::eligibility::{Outcome, Reason, Route};
use crate::icd_code::IcdCode;
use crate::ods_code::OdsCode;
use crate::review_type::{DataQualityFlag, FocusedReason, ReviewType};
use crate::time_targets::{HoldInterval, Standing};
use crate::workflow::{
    Case, ChildDeathReviewOutcome, Findings, HoldReason, Stage, UnderlyingCause,
};
use crate::{EthnicCategory, NhsNumber, PlaceOfDeath, Sex};

/// The person as notified (and as corrected since): identifiable, so absent when opted out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifiedPerson {
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// NHS number, when known.
    pub nhs_number: Option<NhsNumber>,
    /// Date of birth.
    pub date_of_birth: Date,
    /// Date of death.
    pub date_of_death: Date,
    /// Sex.
    pub sex: Sex,
    /// Ethnic category, when given.
    pub ethnic_category: Option<EthnicCategory>,
    /// Had a learning disability.
    pub learning_disability: bool,
    /// Was autistic.
    pub autistic: bool,
    /// Lived in England.
    pub lived_in_england: bool,
    /// Place of death as notified.
    pub place_of_death: Option<PlaceOfDeath>,
}

/// The eligibility outcome a case was assessed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    /// Eligible, not eligible or opted out.
    pub outcome: Outcome,
    /// The route of an eligible death.
    pub route: Option<Route>,
    /// Every reason, most decisive first.
    pub reasons: Vec<Reason>,
}

/// The definition versions a case was assessed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessedVersions {
    /// The eligibility rules.
    pub eligibility: String,
    /// The avoidable-mortality list.
    pub avoidable_mortality: ListVersion,
    /// The quality-of-care grade scale.
    pub care_grade: String,
    /// The review form it was opened with.
    pub form: crate::review_form::FormVersion,
}

/// One hold interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    /// Id.
    pub id: String,
    /// The reason from the list.
    pub reason: HoldReason,
    /// The text given with it.
    pub text: Option<String>,
    /// The stage it left.
    pub from_stage: Stage,
    /// The first day on hold.
    pub started_on: Date,
    /// When it started (UTC).
    pub started_at: PrimitiveDateTime,
    /// The day it ended.
    pub ended_on: Option<Date>,
    /// When it ended (UTC).
    pub ended_at: Option<PrimitiveDateTime>,
}

/// Everything a review records. Read it through a [`Review`]; build it only to restore a review
/// from storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewParts {
    /// Id (UUID v7).
    pub id: String,
    /// The first notification's reference.
    pub reference: String,
    /// The stage.
    pub stage: Stage,
    /// While on hold: the stage to resume to.
    pub resume_to: Option<Stage>,
    /// The eligibility outcome.
    pub eligibility: Eligibility,
    /// `initial` or `focused`, for a LeDeR review.
    pub review_type: Option<ReviewType>,
    /// Why the review is focused.
    pub focused_reasons: Vec<FocusedReason>,
    /// The family asked for a focused review.
    pub family_request: bool,
    /// The written reason a reviewer or lead escalated.
    pub reviewer_concern: Option<String>,
    /// Open data-quality flags.
    pub data_quality_flags: Vec<DataQualityFlag>,
    /// The responsible ICB.
    pub organisation: OdsCode,
    /// The area code as notified (the ICB for an opt-out).
    pub area_code: String,
    /// The sub-ICB location it resolved through.
    pub sub_icb_location: Option<String>,
    /// The allocated reviewer.
    pub reviewer_id: Option<String>,
    /// The allocated reviewer's display name, as their account reads now: read with the review
    /// by storage (never decided here); an allocation clears it until the change is stored.
    pub reviewer_name: Option<String>,
    /// The person; `None` when opted out.
    pub person: Option<NotifiedPerson>,
    /// Calendar year of death (kept for opt-outs).
    pub year_of_death: i32,
    /// Age at death in whole years; `None` when opted out.
    pub age_at_death: Option<u32>,
    /// The review form.
    pub findings: Findings,
    /// The Child Death Review outcome, once recorded.
    pub child_death_review_outcome: Option<ChildDeathReviewOutcome>,
    /// A later notification of the same person awaits the lead's look.
    pub has_unreviewed_duplicate: bool,
    /// The national data opt-out check (needed before allocation when nobody knew).
    pub opt_out_check: OptOutCheck,
    /// The definition versions it was assessed with.
    pub versions: AssessedVersions,
    /// Created by `leder seed-demo`.
    pub synthetic: bool,
    /// When notified (UTC).
    pub notified_at: PrimitiveDateTime,
    /// The English date of notification.
    pub notified_on: Date,
    /// When it was first allocated (UTC); a reallocation keeps it.
    pub first_allocated_at: Option<PrimitiveDateTime>,
    /// When completed (UTC).
    pub completed_at: Option<PrimitiveDateTime>,
    /// The English date it closed (completed, not eligible or opted out).
    pub completed_on: Option<Date>,
    /// Optimistic-concurrency version (the ETag).
    pub version: i64,
    /// Last change (UTC).
    pub updated_at: PrimitiveDateTime,
    /// Every hold, oldest first.
    pub holds: Vec<Hold>,
    /// How many learning points of kind `learning` it has.
    pub learning_points: usize,
    /// Its legal hold and disposal (DOMAIN.md, "Retention").
    pub retention: crate::retention::Retention,
}

/// A review. Read its facts through `Deref`; change it only through its methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    parts: ReviewParts,
}

impl Deref for Review {
    type Target = ReviewParts;

    fn deref(&self) -> &ReviewParts {
        &self.parts
    }
}

impl Review {
    /// A review as storage holds it.
    pub fn restore(parts: ReviewParts) -> Self {
        Self { parts }
    }

    /// Gives the facts back (to store them).
    pub fn into_parts(self) -> ReviewParts {
        self.parts
    }

    /// What the workflow needs to know to decide an action on it.
    pub fn case(&self) -> Case<'_> {
        Case {
            stage: self.stage,
            organisation: &self.organisation,
            reviewer_id: self.reviewer_id.as_deref(),
            review_type: self.review_type,
            resume_to: self.resume_to,
            findings: &self.findings,
            learning_points: self.learning_points,
            data_quality_flags: &self.data_quality_flags,
        }
    }

    /// The underlying cause as recorded: the review form's, or the Child Death Review's.
    pub fn underlying_cause(&self) -> Option<&IcdCode> {
        let from_form = self
            .findings
            .cause_of_death
            .as_ref()
            .and_then(|c| match &c.underlying {
                Some(UnderlyingCause::Known(code)) => Some(code),
                _ => None,
            });
        from_form.or_else(|| {
            self.child_death_review_outcome
                .as_ref()
                .and_then(|o| o.underlying_cause.as_ref())
        })
    }

    /// Where the case stands, for the clock.
    pub fn standing(&self) -> Standing {
        match self.stage {
            Stage::OnHold => Standing::OnHold,
            // DOMAIN.md, "Time": "A case on the Child Death Review route ... is never overdue".
            Stage::ReferredToChildDeathReview => Standing::OtherClock,
            stage if stage.is_terminal() => Standing::Closed {
                on: self.completed_on.unwrap_or(self.notified_on),
            },
            _ => Standing::Open,
        }
    }

    /// Its holds as the clock reads them.
    pub fn hold_intervals(&self) -> Vec<HoldInterval> {
        self.holds
            .iter()
            .map(|h| HoldInterval {
                start: h.started_on,
                end: h.ended_on,
            })
            .collect()
    }

    /// The open hold, if the case is on hold.
    pub fn open_hold(&self) -> Option<&Hold> {
        self.holds.iter().rev().find(|h| h.ended_on.is_none())
    }
}
