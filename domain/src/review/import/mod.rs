//! An existing review brought in from another system (issue 19, "Importing existing reviews").
//!
//! It is assessed exactly as the intake assesses a notification ([`Review::notified`], on the
//! day the other system was notified, so its eligibility, review type, flags and due date are
//! that day's), then taken along the stages it had reached there by the workflow's own
//! transitions, each on its own day: allocation to a reviewer of the ICB, the reviewer's start
//! and submission (complete findings, no open data-quality flag), QA approval, sign-off with a
//! learning point, holds from the list and their ends, the opt-out check before allocation, the
//! Child Death Review outcome. Nothing here decides what the live workflow would decide
//! differently: a journey the workflow refuses is refused, naming the step.
//!
//! The importer acts as the ICB's lead and QA panel (an [`Actor`] the caller builds); the
//! reviewer's own steps (start, submit) are taken as the reviewer. The findings, the learning
//! points and an ethnicity confirmation are recorded at notification by that lead, as a lead may
//! at any open stage; the file's answers about the family's involvement stand for the family
//! record the other system kept, so submission finds the involvement recorded. What happened on one day happens in this order: the opt-out check, a hold
//! ending, the stage reached, a hold starting. Only the end state is kept, with one `imported`
//! history entry (the source and the day each stage was reached) and one `review.imported`
//! event; the original days stay (notification, holds, completion), so the due date and
//! `overdue` follow from them.

mod journey;

use time::{Date, PrimitiveDateTime};

use journey::Move;

use super::{EventType, Happened, HistoryDetail, Hold, LearningKind, OptOutCheckResult, Review};
use super::{NewCase, OutcomeError};
use crate::eligibility::Route;
use crate::workflow::{
    Action, Actor, ChildDeathReviewOutcome, Findings, HoldReason, Refusal, Request, Stage,
};

/// Where an imported case comes from: the other system and its id for the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSource {
    /// The system's name.
    pub system: String,
    /// Its id for the case.
    pub id: String,
}

/// A hold as the other system recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedHold {
    /// The id the hold is stored with.
    pub id: String,
    /// The reason from the list.
    pub reason: HoldReason,
    /// Its text (required for `other`).
    pub text: Option<String>,
    /// The first day on hold.
    pub started_on: Date,
    /// The day it ended; `None` while the case is still on hold.
    pub ended_on: Option<Date>,
}

/// Everything an imported case went through after its notification.
#[derive(Debug, Clone)]
pub struct Journey {
    /// Where it comes from.
    pub source: ImportSource,
    /// The stage it stands at there.
    pub stage: Stage,
    /// The day each stage after notification was reached (`allocated`, `in_review`,
    /// `awaiting_qa`, `awaiting_sign_off`, `completed`).
    pub reached: Vec<(Stage, Date)>,
    /// Its holds, ended or not.
    pub holds: Vec<ImportedHold>,
    /// The importer, as the ICB's lead and QA panel.
    pub lead: Actor,
    /// The allocated reviewer's account, if it was allocated.
    pub reviewer: Option<Actor>,
    /// The review form so far, and the names of the fields it gives.
    pub findings: Option<(Findings, Vec<String>)>,
    /// Its learning points: id and kind.
    pub learning: Vec<(String, LearningKind)>,
    /// The national data opt-out check, when it was needed and done.
    pub opt_out_check: Option<OptOutCheckResult>,
    /// Why an ethnic category `Z` or `99` stands after asking (resolves the flag).
    pub ethnicity_confirmed: Option<String>,
    /// The Child Death Review outcome of a completed child's case.
    pub child_death_review_outcome: Option<ChildDeathReviewOutcome>,
    /// Today (England): nothing can have happened later.
    pub today: Date,
    /// The instant of the import.
    pub now: PrimitiveDateTime,
    /// The instant recorded for something that happened on a day (completion, holds).
    pub at: fn(Date) -> PrimitiveDateTime,
}

/// The part of an imported case a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStep {
    /// The person as notified (the field of the person).
    Person(&'static str),
    /// The opt-out check.
    OptOutCheck,
    /// The ethnicity confirmation.
    EthnicityConfirmation,
    /// The review form.
    Findings,
    /// The learning point at this position.
    LearningPoint(usize),
    /// The allocated reviewer.
    Reviewer,
    /// The day a stage was reached.
    Reached(Stage),
    /// The hold at this position.
    Hold(usize),
    /// The Child Death Review outcome (the field of the outcome, or `""` for all of it).
    ChildDeathReviewOutcome(&'static str),
    /// The stage the case stands at.
    Stage,
}

/// Why a case cannot be imported as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ImportError {
    /// What it is about.
    pub step: ImportStep,
    /// A stable machine-readable code.
    pub code: &'static str,
    /// A sentence for a person.
    pub message: String,
}

impl ImportError {
    fn new(step: ImportStep, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            step,
            code,
            message: message.into(),
        }
    }

    fn refused(step: ImportStep) -> impl Fn(Refusal) -> Self {
        move |r| Self::new(step, r.code(), r.to_string())
    }
}

impl Review {
    /// An existing review from another system: assessed as notified on its own day, then taken
    /// along its journey by the workflow's rules; refused, naming the step, where the workflow
    /// would refuse it or where the journey does not end at the stage given.
    pub fn imported(case: NewCase, journey: Journey) -> Result<(Review, Happened), ImportError> {
        let (mut review, _) = Review::notified(case).map_err(|e| {
            ImportError::new(ImportStep::Person(e.field()), e.code(), e.to_string())
        })?;
        let j = &journey;
        if let Some(reason) = &j.ethnicity_confirmed {
            review
                .confirm_ethnicity(&j.lead, Some(reason))
                .map_err(|e| {
                    ImportError::new(ImportStep::EthnicityConfirmation, e.code(), e.to_string())
                })?;
        }
        if let Some((findings, fields)) = &j.findings {
            // The file's answers are written as a form's are (never claiming to be derived),
            // whatever the caller marked them.
            let mut findings = findings.clone();
            if let Some(family) = findings.family_involvement.as_mut() {
                family.recorded = false;
            }
            review
                .write_findings(&j.lead, findings, fields.clone())
                .map_err(ImportError::refused(ImportStep::Findings))?;
            // The family's involvement was recorded on the other system: its answers stand for
            // the family record there (a family record begun in leder derives them afresh).
            if let Some(family) = review.parts.findings.family_involvement.as_mut() {
                family.recorded = true;
            }
        }
        for (i, (id, kind)) in j.learning.iter().enumerate() {
            review
                .add_learning(&j.lead, id.clone(), *kind)
                .map_err(ImportError::refused(ImportStep::LearningPoint(i)))?;
        }
        j.check_days(review.notified_on)?;
        let allocated = j.reached.iter().any(|(s, _)| *s == Stage::Allocated);
        if j.reviewer.is_some() && !allocated {
            return Err(ImportError::new(
                ImportStep::Reviewer,
                "never_allocated",
                "a reviewer is named, but the day the case was allocated is not",
            ));
        }
        for (day, _, step) in j.moves() {
            review.take(step, day, j)?;
        }
        if j.child_death_review_outcome.is_some() && review.child_death_review_outcome.is_none() {
            return Err(ImportError::new(
                ImportStep::ChildDeathReviewOutcome(""),
                "not_completed",
                "a Child Death Review outcome is given, but the case was not completed by it",
            ));
        }
        if review.stage != j.stage {
            return Err(ImportError::new(
                ImportStep::Stage,
                "stage_not_reached",
                format!(
                    "the days the stages were reached and the holds take the case to `{}`, not `{}`",
                    review.stage, j.stage
                ),
            ));
        }
        review.parts.updated_at = j.now;
        let happened = Happened::of(
            HistoryDetail::Imported {
                system: j.source.system.clone(),
                id: j.source.id.clone(),
                reached: j.reached.clone(),
            },
            [EventType::ReviewImported],
        );
        Ok((review, happened))
    }

    /// Takes one move of an imported case's journey on `day`.
    fn take(&mut self, step: Move, day: Date, j: &Journey) -> Result<(), ImportError> {
        let at = (j.at)(day);
        let happened = match step {
            Move::CheckOptOut => {
                let check = j.opt_out_check.clone().ok_or_else(|| {
                    ImportError::new(ImportStep::OptOutCheck, "required", "no check given")
                })?;
                self.record_opt_out_check(&j.lead, check, day, at)
                    .map_err(ImportError::refused(ImportStep::OptOutCheck))?
            }
            Move::Reach(stage) => self.reach(stage, day, j)?,
            Move::HoldStarts(i) => {
                let hold = &j.holds[i];
                let mut request = Request::new(Action::Hold);
                request.reason = Some(hold.reason.as_str());
                request.comment = hold.text.as_deref();
                let happened = self
                    .transition(&request, &j.lead, day, at)
                    .map_err(ImportError::refused(ImportStep::Hold(i)))?;
                if let Some(started) = &happened.hold_started {
                    self.parts.holds.push(Hold {
                        id: hold.id.clone(),
                        reason: started.reason,
                        text: started.text.clone(),
                        from_stage: started.from_stage,
                        started_on: started.on,
                        started_at: at,
                        ended_on: None,
                        ended_at: None,
                    });
                }
                return Ok(());
            }
            Move::HoldEnds(i) => self
                .transition(&Request::new(Action::Resume), &j.lead, day, at)
                .map_err(ImportError::refused(ImportStep::Hold(i)))?,
        };
        if let Some(ended) = happened.hold_ended_on {
            for hold in self.parts.holds.iter_mut().filter(|h| h.ended_on.is_none()) {
                hold.ended_on = Some(ended);
                hold.ended_at = Some(at);
            }
        }
        Ok(())
    }

    /// Reaches `stage` on `day` by the workflow's transition into it, taken by whoever the
    /// workflow says takes it.
    fn reach(&mut self, stage: Stage, day: Date, j: &Journey) -> Result<Happened, ImportError> {
        let at = (j.at)(day);
        let step = ImportStep::Reached(stage);
        let reviewer = || {
            j.reviewer.as_ref().ok_or_else(|| {
                ImportError::new(
                    ImportStep::Reviewer,
                    "reviewer_required",
                    format!("`{stage}` is reached by an allocated reviewer: name them"),
                )
            })
        };
        let cdr = self.eligibility.route == Some(Route::ChildDeathReview);
        let (action, actor) = match stage {
            Stage::Allocated => (Action::Allocate, &j.lead),
            Stage::InReview => (Action::Start, reviewer()?),
            Stage::AwaitingQa => (Action::Submit, reviewer()?),
            Stage::AwaitingSignOff => (Action::Approve, &j.lead),
            Stage::Completed if cdr => {
                let outcome = j.child_death_review_outcome.clone().ok_or_else(|| {
                    ImportError::new(
                        ImportStep::ChildDeathReviewOutcome(""),
                        "required",
                        "a child's case is completed by its Child Death Review outcome: give it",
                    )
                })?;
                return self
                    .record_child_death_review_outcome(&j.lead, outcome, day, at)
                    .map_err(|e| match e {
                        OutcomeError::Refused(r) => ImportError::refused(step)(r),
                        OutcomeError::Invalid(e) => ImportError::new(
                            ImportStep::ChildDeathReviewOutcome(e.field()),
                            e.code(),
                            e.to_string(),
                        ),
                    });
            }
            Stage::Completed => (Action::SignOff, &j.lead),
            other => {
                return Err(ImportError::new(
                    step,
                    "not_a_stage_reached",
                    format!("`{other}` is not reached by a day of its own"),
                ));
            }
        };
        let mut request = Request::new(action);
        if action == Action::Allocate {
            request.reviewer = Some(reviewer()?);
        }
        self.transition(&request, actor, day, at).map_err(|r| {
            let step = match r {
                Refusal::NotAReviewerInThisIcb => ImportStep::Reviewer,
                _ => step,
            };
            ImportError::refused(step)(r)
        })
    }
}
