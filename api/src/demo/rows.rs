//! One [`CaseSpec`] as the rows the real intake and workflow would have left behind: the review
//! (assessed by the domain's eligibility and review-type rules), its notification, its
//! history along the stages it passed through, a hold when on hold, and a learning point.

use leder_domain::eligibility::{self, Assessment, Person};
use leder_domain::review::{NewCase, NotifiedPerson, Resolution, Review};
use leder_domain::review_type::{self, Facts};
use leder_domain::workflow::Stage;
use leder_domain::{
    CareGrade, EthnicCategory, IcdCode, LearningDisabilityLevel, NhsNumber, OdsCode, PlaceOfDeath,
    Sex,
};
use leder_persistence::records::cases::HistoryEntry;
use leder_persistence::repo::seed::SeedBatch;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use time::{Date, PrimitiveDateTime};

use super::findings;
use super::ids::{id_at, reference_of};
use super::timeline::Timeline;
use super::{CaseSpec, Context, DemoError};

/// A spec that passed every rule.
pub(super) struct Checked {
    pub stage: Stage,
    pub assessment: Assessment,
    pub ethnic: EthnicCategory,
    pub icd: Option<IcdCode>,
    pub grade: Option<CareGrade>,
    pub nhs: Option<NhsNumber>,
    pub themes: Vec<String>,
    pub level: Option<LearningDisabilityLevel>,
}

/// The stages of a LeDeR review in order (before a hold or completion).
pub(super) const LEDER_PATH: [Stage; 6] = [
    Stage::AwaitingAllocation,
    Stage::Allocated,
    Stage::InReview,
    Stage::AwaitingQa,
    Stage::AwaitingSignOff,
    Stage::Completed,
];

/// How far along [`LEDER_PATH`] a stage is (a hold resumes to `in_review`).
pub(super) fn steps_to(stage: Stage) -> usize {
    match stage {
        Stage::OnHold => 2,
        other => LEDER_PATH.iter().position(|s| *s == other).unwrap_or(0),
    }
}

/// Checks a spec against every rule.
pub(super) fn check(spec: &CaseSpec, index: usize, ctx: &Context) -> Result<Checked, DemoError> {
    let bad = |field: &'static str, message: String| DemoError::InvalidSpec {
        index,
        field,
        message,
    };
    if !ctx.is_icb(&spec.organisation) {
        let msg = format!(
            "`{}` is not an ICB of the reference data",
            spec.organisation
        );
        return Err(bad("organisation", msg));
    }
    Sex::parse(&spec.sex).map_err(|e| bad("sex", e.to_string()))?;
    let ethnic = EthnicCategory::parse(&spec.ethnic_category)
        .map_err(|e| bad("ethnic_category", e.to_string()))?;
    let nhs = spec.nhs_number.as_deref().map(NhsNumber::parse).transpose();
    let nhs = nhs.map_err(|e| bad("nhs_number", e.to_string()))?;
    let icd = spec.underlying_icd10.as_deref().map(IcdCode::parse);
    let icd = icd
        .transpose()
        .map_err(|e| bad("underlying_icd10", e.to_string()))?;
    let grade = spec.care_grade.map(|g| CareGrade::parse(i64::from(g)));
    let grade = grade
        .transpose()
        .map_err(|e| bad("care_grade", e.to_string()))?;
    let stage = Stage::parse(&spec.status).map_err(|e| bad("status", e.to_string()))?;
    let level = spec.learning_disability_level.as_deref();
    let level = level.map(LearningDisabilityLevel::parse).transpose();
    let level = level.map_err(|e| bad("learning_disability_level", e.to_string()))?;
    let person = Person {
        date_of_birth: spec.date_of_birth,
        date_of_death: spec.date_of_death,
        learning_disability: spec.learning_disability,
        autistic: spec.autistic,
        lived_in_england: true,
        national_data_opt_out: false,
    };
    let assessment =
        eligibility::assess(&person, ctx.today).map_err(|e| bad("date_of_death", e.to_string()))?;
    check_dates(spec, stage, ctx.today).map_err(|(f, m)| bad(f, m))?;
    let initial = Stage::initial(assessment.outcome, assessment.route);
    let reachable = match initial {
        Stage::AwaitingAllocation => steps_to(stage) > 0 || stage == initial,
        Stage::ReferredToChildDeathReview => matches!(stage, Stage::Completed) || stage == initial,
        other => stage == other,
    };
    if !reachable {
        let msg = format!("`{stage}` cannot be reached from `{initial}` on this case's route");
        return Err(bad("status", msg));
    }
    let facts = Facts {
        ethnic_category: Some(ethnic),
        learning_disability: spec.learning_disability,
        autistic: spec.autistic,
        family_request: false,
        reviewer_concern: false,
    };
    let review = review_type::decide_for(&assessment, &facts);
    if review.is_some() && ethnic.needs_resolving() && steps_to(stage) >= 3 {
        let msg = "`Z` and `99` raise a data-quality flag that must be resolved before \
                   submission, so they cannot be at awaiting_qa or later";
        return Err(bad("ethnic_category", msg.into()));
    }
    let mut themes = spec.themes.clone();
    if let Some(t) = themes.iter().find(|t| !ctx.themes.contains(*t)) {
        return Err(bad("themes", format!("`{t}` is not a theme")));
    }
    themes.sort();
    themes.dedup();
    Ok(Checked {
        stage,
        assessment,
        ethnic,
        icd,
        grade,
        nhs,
        themes,
        level,
    })
}

fn check_dates(spec: &CaseSpec, stage: Stage, today: Date) -> Result<(), (&'static str, String)> {
    if spec.notified_on < spec.date_of_death || spec.notified_on > today {
        let msg = "must be between the date of death and today".to_owned();
        return Err(("notified_on", msg));
    }
    match (stage, spec.completed_on) {
        (Stage::Completed, None) => Err(("completed_on", "required when completed".into())),
        (Stage::Completed | Stage::NotEligible, Some(on))
            if on < spec.notified_on || on > today =>
        {
            let msg = "must be between the notification and today".to_owned();
            Err(("completed_on", msg))
        }
        (Stage::Completed | Stage::NotEligible, _) => Ok(()),
        (_, Some(_)) => Err(("completed_on", "only a completed case has one".into())),
        (_, None) => Ok(()),
    }
}

/// Builds the rows of one case into `batch`; returns the review id.
pub(super) fn build(
    spec: &CaseSpec,
    index: usize,
    number: u64,
    ctx: &Context,
    batch: &mut SeedBatch,
) -> Result<String, DemoError> {
    let c = check(spec, index, ctx)?;
    let reference = reference_of(number).ok_or(DemoError::ReferencesExhausted)?;
    let mut rng = ChaCha8Rng::seed_from_u64(number ^ 0x5EED_DE30_u64);
    let timeline = Timeline::plan(spec, &c, &mut rng, ctx.today);
    let id = id_at(timeline.notified_at);
    let place = findings::place_of_death(&mut rng);
    let row = review_row(
        spec, &c, &id, &reference, place, &timeline, &mut rng, index, ctx.today,
    )?;
    let history = timeline.history(&id);
    batch
        .notifications
        .push(findings::notification(spec, &row, place, &mut rng));
    if let Some(hold) = timeline.hold() {
        batch.holds.push((id.clone(), hold));
    }
    if let Some(learning) = timeline.learning(&id, &spec.organisation, &c) {
        batch.learning.push(learning);
    }
    let mut parts = row.into_parts();
    parts.version = i64::try_from(history.len()).unwrap_or(1);
    parts.updated_at = history.last().map_or(parts.notified_at, |h| h.occurred_at);
    batch.reviews.push(Review::restore(parts));
    batch.history.extend(history);
    Ok(id)
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site, every argument is a different part of the case"
)]
fn review_row(
    spec: &CaseSpec,
    c: &Checked,
    id: &str,
    reference: &str,
    place: &'static str,
    timeline: &Timeline,
    rng: &mut ChaCha8Rng,
    index: usize,
    today: Date,
) -> Result<Review, DemoError> {
    let bad = |field: &'static str, message: String| DemoError::InvalidSpec {
        index,
        field,
        message,
    };
    // Assessed as the intake assesses a notification: once, by the domain's constructor.
    let (review, _) = Review::notified(NewCase {
        id: id.to_owned(),
        reference: reference.to_owned(),
        person: NotifiedPerson {
            given_name: spec.given_name.clone(),
            family_name: spec.family_name.clone(),
            nhs_number: c.nhs,
            date_of_birth: spec.date_of_birth,
            date_of_death: spec.date_of_death,
            sex: Sex::parse(&spec.sex).map_err(|e| bad("sex", e.to_string()))?,
            ethnic_category: Some(c.ethnic),
            learning_disability: spec.learning_disability,
            autistic: spec.autistic,
            lived_in_england: true,
            place_of_death: PlaceOfDeath::parse(place).ok(),
        },
        opt_out: leder_domain::review::OptOutAnswer::No,
        family_request: false,
        resolution: Resolution {
            icb: OdsCode::parse(&spec.organisation)
                .map_err(|e| bad("organisation", e.to_string()))?,
            area_code: spec.organisation.clone(),
            sub_icb_location: None,
        },
        notified_at: timeline.notified_at,
        notified_on: spec.notified_on,
    })
    .map_err(|e| bad("date_of_death", e.to_string()))?;
    let cdr = review.eligibility.route == Some(eligibility::Route::ChildDeathReview);
    // Then taken along its stages at once, as `seed-demo` stores a finished journey.
    let mut parts = review.into_parts();
    parts.stage = c.stage;
    parts.resume_to = (c.stage == Stage::OnHold).then_some(Stage::InReview);
    parts.reviewer_id = timeline.reviewer_id.clone();
    parts.synthetic = true;
    parts.first_allocated_at = timeline.first_allocated_at();
    parts.completed_at = timeline.completed_at();
    parts.completed_on = match c.stage {
        Stage::Completed => spec.completed_on,
        Stage::NotEligible => spec.completed_on.or(Some(spec.notified_on)),
        _ => None,
    };
    if cdr {
        parts.child_death_review_outcome = (c.stage == Stage::Completed)
            .then(|| findings::cdr_outcome(spec, c, timeline.completed_on(), today, rng))
            .transpose()
            .map_err(|(field, message)| bad(field, message))?;
    } else {
        parts.findings = findings::findings(spec, c, place, rng);
    }
    Ok(Review::restore(parts))
}

/// The `created` history entry, as the intake writes it.
pub(super) fn created(id: &str, at: PrimitiveDateTime, initial: Stage) -> HistoryEntry {
    HistoryEntry {
        id: id_at(at),
        review_id: id.to_owned(),
        occurred_at: at,
        actor_id: None,
        actor_roles: String::new(),
        action: "created".into(),
        from: None,
        to: Some(initial),
        detail: serde_json::json!({}),
    }
}
