//! The ways a review changes after intake: transitions, the review form, a correction of the
//! person, the Child Death Review outcome, learning points, and the lead's look at a duplicate
//! (a move to another ICB, and a reorganisation's transfer, are in `moves`). Each checks the
//! workflow's rules first (scope, role, stage, then the action's own rule) and returns what
//! happened.

use time::{Date, PrimitiveDateTime};

use super::{EventType, Happened, HistoryDetail, HoldStarted, NotifiedPerson, Review};
use crate::avoidable::ListVersion;
use crate::eligibility;
use crate::review_type::{Facts, FocusedReason, ReviewType};
use crate::wire::wire_enum;
use crate::workflow::{
    self, Action, Actor, ChildDeathReviewOutcome, ChildDeathReviewOutcomeError, CorrectionError,
    Edit, Effect, Findings, Refusal, Request, Role, Stage,
};
use crate::{EthnicCategory, NhsNumber, PlaceOfDeath, Sex};

wire_enum! {
    /// What a learning point records (API.md `learning.kind`).
    pub enum LearningKind as "learning kind" {
        /// Learning for the system.
        Learning => "learning",
        /// Good practice to share.
        GoodPractice => "good_practice",
        /// A concern.
        Concern => "concern",
    }
}

/// A correction of the person as a merge patch: `None` leaves a field as it is; for the
/// nullable fields `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonCorrection {
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// NHS number.
    pub nhs_number: Option<Option<NhsNumber>>,
    /// Date of birth.
    pub date_of_birth: Option<Date>,
    /// Date of death.
    pub date_of_death: Option<Date>,
    /// Sex.
    pub sex: Option<Sex>,
    /// Ethnic category.
    pub ethnic_category: Option<Option<EthnicCategory>>,
    /// Learning disability.
    pub learning_disability: Option<bool>,
    /// Autistic.
    pub autistic: Option<bool>,
    /// Lived in England.
    pub lived_in_england: Option<bool>,
    /// Place of death.
    pub place_of_death: Option<Option<PlaceOfDeath>>,
}

impl PersonCorrection {
    fn apply_to(self, p: &mut NotifiedPerson) {
        let Self {
            given_name,
            family_name,
            nhs_number,
            date_of_birth,
            date_of_death,
            sex,
            ethnic_category,
            learning_disability,
            autistic,
            lived_in_england,
            place_of_death,
        } = self;
        set(&mut p.given_name, given_name);
        set(&mut p.family_name, family_name);
        set(&mut p.nhs_number, nhs_number);
        set(&mut p.date_of_birth, date_of_birth);
        set(&mut p.date_of_death, date_of_death);
        set(&mut p.sex, sex);
        set(&mut p.ethnic_category, ethnic_category);
        set(&mut p.learning_disability, learning_disability);
        set(&mut p.autistic, autistic);
        set(&mut p.lived_in_england, lived_in_england);
        set(&mut p.place_of_death, place_of_death);
    }
}

fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *field = value;
    }
}

impl Review {
    fn edit(&self, actor: &Actor, edit: Edit) -> Result<(), Refusal> {
        workflow::may_edit(&self.case(), actor, edit)
    }

    /// Takes a transition (allocate, start, escalate, submit, return, approve, sign off, hold,
    /// resume) on `today` at `now`.
    pub fn transition(
        &mut self,
        request: &Request<'_>,
        actor: &Actor,
        today: Date,
        now: PrimitiveDateTime,
    ) -> Result<Happened, Refusal> {
        let decided = workflow::transition(&self.case(), request, actor);
        // Scope, role and stage come first (404, 403, 409); then an allocation waits for the
        // opt-out check (409) before the action's own rules (422).
        if let Err(refusal) = &decided
            && refusal.kind() != workflow::RefusalKind::BreaksRule
        {
            return Err(refusal.clone());
        }
        if request.action == Action::Allocate && self.awaits_opt_out_check() {
            return Err(Refusal::OptOutCheckNeeded);
        }
        let done = decided?;
        let mut happened = Happened {
            events: vec![EventType::ReviewStatusChanged],
            ..Happened::default()
        };
        let (mut reviewer_id, mut reason, mut comment) = (None, None, None);
        let p = &mut self.parts;
        p.stage = done.to;
        match done.effect {
            Effect::None => {}
            Effect::Allocated {
                reviewer_id: id,
                reallocation_reason,
            } => {
                p.reviewer_id = Some(id.clone());
                p.reviewer_name = None;
                p.first_allocated_at.get_or_insert(now);
                reviewer_id = Some(id);
                reason = reallocation_reason;
            }
            Effect::Escalated { reason: why } => {
                p.review_type = Some(ReviewType::Focused);
                p.focused_reasons.push(FocusedReason::ReviewerConcern);
                p.reviewer_concern = Some(why.clone());
                reason = Some(why);
            }
            Effect::Returned { comment: why } => comment = Some(why),
            Effect::HoldStarted {
                reason: why,
                text,
                resume_to,
            } => {
                p.resume_to = Some(resume_to);
                reason = Some(why.as_str().to_owned());
                happened.hold_started = Some(HoldStarted {
                    reason: why,
                    text,
                    from_stage: resume_to,
                    on: today,
                });
            }
            Effect::HoldEnded => {
                p.resume_to = None;
                happened.hold_ended_on = Some(today);
            }
        }
        if done.to == Stage::Completed {
            p.completed_at = Some(now);
            p.completed_on = Some(today);
        }
        happened.history.push(HistoryDetail::Transition {
            action: request.action,
            reviewer_id,
            reason,
            comment,
        });
        Ok(happened)
    }

    /// Writes the review form (already merged with the patch); `fields` are those the patch
    /// named. The cause is classified under the current avoidable list from now on.
    pub fn write_findings(
        &mut self,
        actor: &Actor,
        findings: Findings,
        fields: Vec<String>,
    ) -> Result<Happened, Refusal> {
        self.edit(actor, Edit::Findings)?;
        let form = self.versions.form;
        if form == crate::review_form::FormVersion::LederForm1
            && let Some(field) = findings.form_2_answers().first()
        {
            return Err(Refusal::NotInFormVersion(field, form.as_str()));
        }
        // The family answers follow the family record once there is one; a form never claims
        // to be derived from it.
        let before = self.findings.family_involvement.as_ref();
        let derived = before.is_some_and(|f| f.recorded);
        let after = findings.family_involvement.as_ref();
        if (derived && after != before) || (!derived && after.is_some_and(|f| f.recorded)) {
            return Err(Refusal::FamilyInvolvementDerived);
        }
        self.parts.findings = findings;
        self.parts.versions.avoidable_mortality = ListVersion::CURRENT;
        Ok(Happened::of(
            HistoryDetail::FindingsUpdated { fields },
            [EventType::ReviewFindingsUpdated],
        ))
    }

    /// Corrects the person and assesses the case again on `today` (eligibility, review type,
    /// flags, stage); the lead's correction also clears the duplicate flag.
    pub fn correct_person(
        &mut self,
        actor: &Actor,
        correction: PersonCorrection,
        today: Date,
    ) -> Result<Happened, CorrectionError> {
        self.edit(actor, Edit::Person)?;
        let mut person = self.person.clone().ok_or(CorrectionError::NoPerson)?;
        correction.apply_to(&mut person);
        let facts = Facts {
            ethnic_category: person.ethnic_category,
            learning_disability: person.learning_disability,
            autistic: person.autistic,
            family_request: self.family_request,
            reviewer_concern: self.reviewer_concern.is_some(),
        };
        let assessed = workflow::correct_person(
            &self.case(),
            actor,
            &eligibility::Person {
                date_of_birth: person.date_of_birth,
                date_of_death: person.date_of_death,
                learning_disability: person.learning_disability,
                autistic: person.autistic,
                lived_in_england: person.lived_in_england,
                national_data_opt_out: false,
            },
            &facts,
            today,
        )?;
        let before = self.stage;
        // A confirmation that the category stays Z or 99 stands while the category does.
        let confirmed = self.review_type.is_some()
            && self.person.as_ref().map(|p| p.ethnic_category) == Some(person.ethnic_category)
            && !self
                .data_quality_flags
                .contains(&crate::review_type::DataQualityFlag::EthnicCategoryUnresolved);
        let mut flags = assessed.data_quality_flags;
        if confirmed {
            flags.retain(|f| *f != crate::review_type::DataQualityFlag::EthnicCategoryUnresolved);
        }
        let a = assessed.assessment;
        let p = &mut self.parts;
        p.eligibility = super::Eligibility {
            outcome: a.outcome,
            route: a.route,
            reasons: a.reasons,
        };
        p.versions.eligibility = a.version.to_owned();
        p.versions.avoidable_mortality = ListVersion::CURRENT;
        p.age_at_death = Some(a.age_at_death);
        p.year_of_death = person.date_of_death.year();
        p.person = Some(person);
        let (review_type, reasons) = assessed.review.unzip();
        p.review_type = review_type;
        p.focused_reasons = reasons.unwrap_or_default();
        p.data_quality_flags = flags;
        p.stage = assessed.stage;
        if assessed.ends_hold {
            p.resume_to = None;
        }
        p.completed_on = if matches!(assessed.stage, Stage::NotEligible | Stage::OptedOut) {
            Some(today)
        } else if before == Stage::NotEligible {
            None
        } else {
            p.completed_on
        };
        let mut events = vec![EventType::ReviewPersonCorrected];
        if before != p.stage {
            events.push(EventType::ReviewStatusChanged);
        }
        let mut happened = Happened::of(
            HistoryDetail::PersonCorrected {
                outcome: p.eligibility.outcome,
            },
            events,
        );
        happened.hold_ended_on = assessed.ends_hold.then_some(today);
        Ok(happened)
    }

    /// The lead acknowledges the duplicate notification `reference` (DOMAIN.md, "Duplicates"):
    /// the case's flag clears unless `others_waiting` (another duplicate still awaits them).
    /// With `apply`, the notification's facts correct the person first, as a correction by the
    /// lead does (eligibility, review type and stage re-run; refused where the stage allows no
    /// correction). Acknowledging alone is allowed at any stage, closed ones included.
    pub fn acknowledge_duplicate(
        &mut self,
        actor: &Actor,
        reference: String,
        apply: Option<PersonCorrection>,
        others_waiting: bool,
        today: Date,
    ) -> Result<Happened, CorrectionError> {
        if !actor.can_see_case(&self.organisation, self.reviewer_id.as_deref()) {
            return Err(Refusal::OutOfScope.into());
        }
        if !actor.has(Role::IcsLead) {
            return Err(Refusal::RoleNotPermitted("acknowledge a duplicate notification").into());
        }
        let applied = apply.is_some();
        let corrected = apply
            .map(|correction| self.correct_person(actor, correction, today))
            .transpose()?;
        self.parts.has_unreviewed_duplicate = others_waiting;
        let mut happened = Happened::of(
            HistoryDetail::DuplicateAcknowledged { reference, applied },
            [EventType::ReviewDuplicateAcknowledged],
        );
        if let Some(c) = corrected {
            happened.history.extend(c.history);
            happened.events.extend(c.events);
            happened.hold_ended_on = c.hold_ended_on;
        }
        Ok(happened)
    }

    /// Records the Child Death Review outcome, which completes the case.
    pub fn record_child_death_review_outcome(
        &mut self,
        actor: &Actor,
        outcome: ChildDeathReviewOutcome,
        today: Date,
        now: PrimitiveDateTime,
    ) -> Result<Happened, OutcomeError> {
        let done = workflow::transition(
            &self.case(),
            &Request::new(Action::RecordChildDeathReviewOutcome),
            actor,
        )?;
        let died = self
            .person
            .as_ref()
            .map_or(outcome.received_on, |p| p.date_of_death);
        outcome.validate(died, today)?;
        let p = &mut self.parts;
        p.child_death_review_outcome = Some(outcome);
        p.versions.avoidable_mortality = ListVersion::CURRENT;
        p.stage = done.to;
        p.completed_at = Some(now);
        p.completed_on = Some(today);
        Ok(Happened::of(
            HistoryDetail::ChildDeathReviewOutcome,
            [EventType::ReviewStatusChanged],
        ))
    }

    /// Adds a learning point (its id and kind); the caller stores its text and themes.
    pub fn add_learning(
        &mut self,
        actor: &Actor,
        learning_id: String,
        kind: LearningKind,
    ) -> Result<Happened, Refusal> {
        self.edit(actor, Edit::LearningPoints)?;
        if kind == LearningKind::Learning {
            self.parts.learning_points += 1;
        }
        Ok(Happened::of(
            HistoryDetail::LearningAdded {
                learning_id,
                kind: kind.as_str().to_owned(),
            },
            [EventType::ReviewFindingsUpdated],
        ))
    }

    /// Marks the record written: a new version at `now`.
    pub fn touch(&mut self, now: PrimitiveDateTime) {
        self.parts.version += 1;
        self.parts.updated_at = now;
    }
}

/// Why a Child Death Review outcome cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutcomeError {
    /// The workflow refuses it.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The outcome breaks a rule.
    #[error(transparent)]
    Invalid(#[from] ChildDeathReviewOutcomeError),
}
