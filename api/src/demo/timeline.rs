//! When things happened to a synthetic case: notification, each stage change along the route
//! (by the role the workflow table names), the findings, the learning point and a hold, spread
//! between the notification and completion (or a day before today for an open case).

use leder_domain::eligibility::Route;
use leder_domain::review::{Hold, LearningKind};
use leder_domain::workflow::{HoldReason, Stage};
use leder_persistence::records::cases::{HistoryEntry, LearningPoint};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use time::{Date, PrimitiveDateTime};

use super::CaseSpec;
use super::generator::pick;
use super::ids::{at, id_at};
use super::rows::{Checked, LEDER_PATH, created, steps_to};

/// The actions along [`LEDER_PATH`], each with the role that takes it.
const ACTIONS: [(&str, Actor); 5] = [
    ("allocate", Actor::Lead),
    ("start", Actor::Reviewer),
    ("submit", Actor::Reviewer),
    ("approve", Actor::Qa),
    ("sign_off", Actor::Lead),
];

const HOLD_REASONS: [(HoldReason, u32); 8] = [
    (HoldReason::CoronerInquest, 35),
    (HoldReason::SafeguardingAdultsReview, 15),
    (HoldReason::SafeguardingEnquiry, 12),
    (HoldReason::PatientSafetyInvestigation, 12),
    (HoldReason::FamilyRequest, 10),
    (HoldReason::PoliceInvestigation, 8),
    (HoldReason::Other, 6),
    (HoldReason::DomesticHomicideReview, 2),
];

#[derive(Debug, Clone, Copy)]
enum Actor {
    Lead,
    Reviewer,
    Qa,
}

struct Step {
    from: Stage,
    to: Stage,
    action: String,
    actor: Actor,
    at: PrimitiveDateTime,
    detail: serde_json::Value,
}

/// The planned events of one case.
pub(super) struct Timeline {
    /// When notified.
    pub notified_at: PrimitiveDateTime,
    /// The allocated reviewer, once allocated.
    pub reviewer_id: Option<String>,
    initial: Stage,
    steps: Vec<Step>,
    hold_at: Option<PrimitiveDateTime>,
    findings_at: Option<PrimitiveDateTime>,
    learning: Option<(String, PrimitiveDateTime)>,
    completed_on: Option<Date>,
    lead: String,
    qa: String,
}

fn day_between(from: Date, to: Date, fraction: f64) -> Date {
    let days = (to - from).whole_days().max(0);
    let offset = (days as f64 * fraction.clamp(0.0, 1.0)).round() as i64;
    from.saturating_add(time::Duration::days(offset))
}

impl Timeline {
    /// Plans the events of a checked spec.
    pub fn plan(spec: &CaseSpec, c: &Checked, rng: &mut ChaCha8Rng, today: Date) -> Self {
        let org = &spec.organisation;
        let initial = Stage::initial(c.assessment.outcome, c.assessment.route);
        let notified_at = at(spec.notified_on, 8 * 60 + rng.random_range(0..60));
        let end_day = match spec.completed_on {
            Some(day) if c.stage == Stage::Completed => day,
            _ => day_between(spec.notified_on, today, rng.random_range(0.4..0.95)),
        };
        let mut t = Timeline {
            notified_at,
            reviewer_id: None,
            initial,
            steps: Vec::new(),
            hold_at: None,
            findings_at: None,
            learning: None,
            completed_on: spec.completed_on,
            lead: format!("demo-lead-{org}"),
            qa: format!("demo-qa-{org}-{}", rng.random_range(1..=3)),
        };
        if c.assessment.route == Some(Route::ChildDeathReview) {
            t.plan_child_death_review(c, end_day, rng);
        } else if c.assessment.route == Some(Route::LederReview) {
            t.plan_leder(spec, c, end_day, rng);
        }
        let wants_point = !c.themes.is_empty()
            || (c.assessment.route == Some(Route::LederReview) && steps_to(c.stage) >= 4);
        if wants_point {
            let when = t.findings_at.unwrap_or(notified_at) + time::Duration::minutes(3);
            t.learning = Some((id_at(when), when));
        }
        t
    }

    fn plan_child_death_review(&mut self, c: &Checked, end_day: Date, rng: &mut ChaCha8Rng) {
        if c.stage == Stage::Completed {
            self.steps.push(Step {
                from: Stage::ReferredToChildDeathReview,
                to: Stage::Completed,
                action: "child_death_review_outcome".into(),
                actor: Actor::Lead,
                at: at(end_day, 10 * 60 + rng.random_range(0..300)),
                detail: json!({}),
            });
        }
    }

    fn plan_leder(&mut self, spec: &CaseSpec, c: &Checked, end_day: Date, rng: &mut ChaCha8Rng) {
        let n = steps_to(c.stage);
        if n >= 1 {
            let k = rng.random_range(1..=8);
            self.reviewer_id = Some(format!("demo-reviewer-{}-{k}", spec.organisation));
        }
        for (k, (action, actor)) in ACTIONS.iter().enumerate().take(n) {
            let fraction = (k + 1) as f64 / n as f64;
            let day = day_between(spec.notified_on, end_day, fraction);
            let minutes = 9 * 60 + 37 * (k as i64 + 1) + rng.random_range(0..30);
            let mut detail = json!({ "action": action });
            if *action == "allocate" {
                detail["reviewer_id"] = json!(self.reviewer_id);
                detail["reason"] = json!(null);
            }
            self.steps.push(Step {
                from: LEDER_PATH[k],
                to: LEDER_PATH[k + 1],
                action: format!("transition:{action}"),
                actor: *actor,
                at: at(day, minutes),
                detail,
            });
        }
        if n >= 2 && (n >= 3 || c.icd.is_some() || c.grade.is_some()) {
            self.findings_at = self.steps.get(1).map(|s| s.at + time::Duration::minutes(3));
        }
        if c.stage == Stage::OnHold {
            self.hold_at = Some(at(end_day, 9 * 60 + 37 * 6 + rng.random_range(0..30)));
        }
    }

    /// The completion date of a completed case.
    pub fn completed_on(&self) -> Date {
        self.completed_on.unwrap_or_else(|| self.notified_at.date())
    }

    /// When it was first allocated, if it was.
    pub fn first_allocated_at(&self) -> Option<PrimitiveDateTime> {
        self.steps
            .iter()
            .find(|s| s.action == "transition:allocate")
            .map(|s| s.at)
    }

    /// When it was completed, if it was.
    pub fn completed_at(&self) -> Option<PrimitiveDateTime> {
        self.steps
            .last()
            .filter(|s| s.to == Stage::Completed)
            .map(|s| s.at)
    }

    fn actor(&self, actor: Actor) -> (String, &'static str) {
        match actor {
            Actor::Lead => (self.lead.clone(), "ics_lead"),
            Actor::Reviewer => (self.reviewer_id.clone().unwrap_or_default(), "reviewer"),
            Actor::Qa => (self.qa.clone(), "qa_panel"),
        }
    }

    fn entry(&self, review_id: &str, step: &Step) -> HistoryEntry {
        let (actor_id, roles) = self.actor(step.actor);
        HistoryEntry {
            id: id_at(step.at),
            review_id: review_id.to_owned(),
            occurred_at: step.at,
            actor_id: Some(actor_id),
            actor_roles: roles.into(),
            action: step.action.clone(),
            from: Some(step.from),
            to: Some(step.to),
            detail: step.detail.clone(),
        }
    }

    /// Every history entry, oldest first (version = how many there are).
    pub fn history(&self, review_id: &str) -> Vec<HistoryEntry> {
        let mut rows = vec![created(review_id, self.notified_at, self.initial)];
        rows.extend(self.steps.iter().map(|s| self.entry(review_id, s)));
        let stage_at = |when: PrimitiveDateTime| {
            self.steps
                .iter()
                .rev()
                .find(|s| s.at <= when)
                .map_or(self.initial, |s| s.to)
        };
        let mut extra = |action: &str, actor: Actor, when: PrimitiveDateTime, detail| {
            let stage = stage_at(when);
            let step = Step {
                from: stage,
                to: stage,
                action: action.into(),
                actor,
                at: when,
                detail,
            };
            rows.push(self.entry(review_id, &step));
        };
        let writer = if self.reviewer_id.is_some() {
            Actor::Reviewer
        } else {
            Actor::Lead
        };
        if let Some(when) = self.findings_at {
            let fields = json!({"fields": super::findings::FIELDS});
            extra("findings_updated", writer, when, fields);
        }
        if let Some((id, when)) = &self.learning {
            let detail = json!({"learning_id": id, "kind": "learning"});
            extra("learning_added", writer, *when, detail);
        }
        if let Some(when) = self.hold_at {
            let detail = json!({"action": "hold", "reason": self.hold_reason().as_str()});
            let step = Step {
                from: Stage::InReview,
                to: Stage::OnHold,
                action: "transition:hold".into(),
                actor: Actor::Reviewer,
                at: when,
                detail,
            };
            rows.push(self.entry(review_id, &step));
        }
        rows.sort_by_key(|r| r.occurred_at);
        rows
    }

    /// The hold reason: chosen from the reference number's own sequence, so it is stable.
    fn hold_reason(&self) -> HoldReason {
        let mut rng = <ChaCha8Rng as rand::SeedableRng>::seed_from_u64(
            u64::try_from(self.notified_at.assume_utc().unix_timestamp()).unwrap_or(0),
        );
        pick(&mut rng, &HOLD_REASONS)
    }

    /// The open hold of a case on hold.
    pub fn hold(&self) -> Option<Hold> {
        let when = self.hold_at?;
        let reason = self.hold_reason();
        Some(Hold {
            id: id_at(when),
            reason,
            text: (reason == HoldReason::Other)
                .then(|| "Synthetic demo hold: waiting for records from another trust".into()),
            from_stage: Stage::InReview,
            started_on: when.date(),
            started_at: when,
            ended_on: None,
            ended_at: None,
        })
    }

    /// The learning point, when the case has one.
    pub fn learning(&self, review_id: &str, org: &str, c: &Checked) -> Option<LearningPoint> {
        let (id, when) = self.learning.clone()?;
        let author = self
            .reviewer_id
            .clone()
            .unwrap_or_else(|| self.lead.clone());
        let point = LearningPoint {
            id,
            review_id: review_id.to_owned(),
            organisation: org.to_owned(),
            kind: LearningKind::Learning,
            text: super::findings::learning_text(&c.themes),
            created_by: author,
            created_at: when,
            themes: Vec::new(),
        };
        Some(point.with_themes(c.themes.clone()))
    }
}
