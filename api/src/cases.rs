//! Between stored reviews, the domain's rules and the API's bodies: the caller's case scope,
//! the domain view of a stored case, refusals as HTTP errors, and a review as the API shows it.

use std::str::FromStr;

use leder_domain::OdsCode;
use leder_domain::avoidable;
use leder_domain::icd_code::IcdCode;
use leder_domain::review_type::{DataQualityFlag, ReviewType};
use leder_domain::time_targets::{self, HoldInterval, Standing};
use leder_domain::workflow::{
    Actor, CauseOfDeath, Dnacpr, FamilyInvolvement, Findings, KeyEpisode, MentalCapacityAct,
    Refusal, RefusalKind, Role, Stage, UnderlyingCause,
};
use leder_domain::{CareGrade, LearningDisabilityLevel, PlaceOfDeath};
use leder_persistence::repo::reviews::{CaseScope, ReviewState};
use time::Date;

use crate::auth::Caller;
use crate::dto::reviews::{
    AvoidableDto, EligibilityDto, FindingsDoc, HoldDto, PersonDto, Review, VersionsDto,
};
use crate::dto::utc;
use crate::error::{ApiError, FieldError};

/// The cases the caller may see: 403 for roles that see no case data at all.
pub fn scope_of(caller: &Caller) -> Result<CaseScope, ApiError> {
    let org = caller.organisation.clone().unwrap_or_default();
    if caller.has(Role::IcsLead) || caller.has(Role::QaPanel) || caller.has(Role::Integration) {
        Ok(CaseScope::Icb(org))
    } else if caller.has(Role::Reviewer) {
        Ok(CaseScope::Reviewer {
            organisation: org,
            user_id: caller.id.clone(),
        })
    } else {
        Err(ApiError::Forbidden(
            "your role sees no case data (admins manage accounts; analysts use /national)".into(),
        ))
    }
}

/// 403 unless the caller may change cases at all (integration clients only read).
pub fn require_case_writer(caller: &Caller) -> Result<(), ApiError> {
    caller.require(&[Role::IcsLead, Role::QaPanel, Role::Reviewer])
}

/// The caller as the domain's actor.
pub fn actor_of(caller: &Caller) -> Result<Actor, ApiError> {
    let org = caller
        .organisation
        .as_deref()
        .map(OdsCode::parse)
        .transpose()
        .map_err(ApiError::internal)?;
    Actor::new(caller.id.clone(), &caller.roles, org).map_err(ApiError::internal)
}

/// A domain refusal as the API answers it.
pub fn refusal(r: &Refusal) -> ApiError {
    match r.kind() {
        RefusalKind::OutOfScope => ApiError::NotFound,
        RefusalKind::NotPermitted => ApiError::Forbidden(r.to_string()),
        RefusalKind::WrongStage => ApiError::Conflict(r.to_string()),
        RefusalKind::BreaksRule => {
            ApiError::invalid_field(r.field().unwrap_or("action"), r.code(), r.to_string())
        }
    }
}

/// Parses a wire name through a domain enum's `FromStr`.
pub fn wire<T: FromStr>(name: &str) -> Option<T> {
    name.parse().ok()
}

/// The wire name of a serde enum value.
pub fn name_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A comma-separated list.
pub fn split(list: &str) -> Vec<String> {
    list.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The stored findings.
pub fn findings_doc(state: &ReviewState) -> FindingsDoc {
    serde_json::from_str(&state.row.findings).unwrap_or_default()
}

/// The form as the domain reads it; each field that breaks a rule is named.
pub fn findings_to_domain(doc: &FindingsDoc) -> Result<Findings, Vec<FieldError>> {
    let mut errors = Vec::new();
    let cause_of_death = doc.cause_of_death.as_ref().map(|c| {
        let underlying = match (&c.underlying_icd10, &c.underlying_not_known_reason) {
            (Some(code), _) => match IcdCode::parse(code) {
                Ok(icd) => Some(UnderlyingCause::Known(icd)),
                Err(e) => {
                    errors.push(FieldError::new(
                        "cause_of_death.underlying_icd10",
                        e.code(),
                        e.to_string(),
                    ));
                    None
                }
            },
            (None, Some(reason)) => Some(UnderlyingCause::NotKnown {
                reason: reason.clone(),
            }),
            (None, None) => None,
        };
        CauseOfDeath {
            part_1a: c.part_1a.clone(),
            part_1b: c.part_1b.clone(),
            part_1c: c.part_1c.clone(),
            part_2: c.part_2.clone(),
            underlying,
        }
    });
    let care_grade = doc.care_grade.and_then(|g| match CareGrade::parse(g) {
        Ok(g) => Some(g),
        Err(e) => {
            errors.push(FieldError::new("care_grade", e.code(), e.to_string()));
            None
        }
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Findings {
        pen_portrait: doc.pen_portrait.clone(),
        cause_of_death,
        place_of_death: doc
            .place_of_death
            .as_ref()
            .and_then(|p| wire::<PlaceOfDeath>(&name_of(p))),
        dnacpr: doc.dnacpr.as_ref().map(|d| Dnacpr {
            in_place: d.in_place,
            process_correct: d.process_correct,
        }),
        mental_capacity_act: doc.mental_capacity_act.as_ref().map(|m| MentalCapacityAct {
            relevant: m.relevant,
            followed: m.followed,
        }),
        annual_health_check_last_12_months: doc.annual_health_check_last_12_months,
        reasonable_adjustments_made: doc.reasonable_adjustments_made,
        delays_in_care: doc.delays_in_care,
        learning_disability_level: doc
            .learning_disability_level
            .as_ref()
            .and_then(|l| wire::<LearningDisabilityLevel>(&name_of(l))),
        long_term_conditions: doc.long_term_conditions.clone().unwrap_or_default(),
        care_grade,
        good_practice: doc.good_practice.clone(),
        concerns: doc.concerns.clone(),
        family_involvement: doc.family_involvement.as_ref().map(|f| FamilyInvolvement {
            contacted: f.contacted,
            declined: f.declined,
            feedback_shared: f.feedback_shared,
            reason_not_contacted: f.reason_not_contacted.clone(),
        }),
        key_episodes: doc
            .key_episodes
            .iter()
            .flatten()
            .map(|k| KeyEpisode {
                date: k.date,
                setting: k.setting.clone(),
                description: k.description.clone(),
            })
            .collect(),
        contributors: doc.contributors.clone().unwrap_or_default(),
    })
}

/// The stage of a stored case.
pub fn stage_of(state: &ReviewState) -> Result<Stage, ApiError> {
    wire::<Stage>(&state.row.status)
        .ok_or_else(|| ApiError::internal(format!("unknown stage {}", state.row.status)))
}

/// The open data-quality flags of a stored case.
pub fn flags_of(state: &ReviewState) -> Vec<DataQualityFlag> {
    split(&state.row.data_quality_flags)
        .iter()
        .filter_map(|f| wire::<DataQualityFlag>(f))
        .collect()
}

/// The review type of a stored case.
pub fn review_type_of(state: &ReviewState) -> Option<ReviewType> {
    state
        .row
        .review_type
        .as_deref()
        .and_then(wire::<ReviewType>)
}

fn standing(state: &ReviewState) -> Standing {
    match state.row.status.as_str() {
        "on_hold" => Standing::OnHold,
        "completed" | "not_eligible" | "opted_out" => Standing::Closed {
            on: state.row.completed_on.unwrap_or(state.row.notified_on),
        },
        _ => Standing::Open,
    }
}

/// Holds as the clock reads them.
pub fn intervals(state: &ReviewState) -> Vec<HoldInterval> {
    state
        .holds
        .iter()
        .map(|h| HoldInterval {
            start: h.started_on,
            end: h.ended_on,
        })
        .collect()
}

/// The avoidable classification of a stored case, when its cause and age are known,
/// under the list version the case was assessed with.
pub fn avoidable_of(state: &ReviewState) -> Option<AvoidableDto> {
    let code = IcdCode::parse(state.row.underlying_icd10.as_deref()?).ok()?;
    let age = u32::try_from(state.row.age_at_death?).ok()?;
    let Ok(version) = avoidable::ListVersion::parse(&state.row.avoidable_version) else {
        log::error!(
            "review {}: stored avoidable_version `{}` is not a known list version",
            state.row.id,
            state.row.avoidable_version
        );
        return None;
    };
    let a = avoidable::classify_with(version, &code, age);
    Some(AvoidableDto {
        avoidable: a.avoidable,
        preventable: a.preventable,
        treatable: a.treatable,
    })
}

/// A review as the API shows it, on `today` (an English date).
pub fn render(state: &ReviewState, today: Date) -> Review {
    let r = &state.row;
    let progress = time_targets::progress(r.notified_on, &intervals(state), standing(state), today);
    let outcome = wire::<leder_domain::eligibility::Outcome>(&r.eligibility_outcome);
    let reasons = split(&r.eligibility_reasons);
    let sentence = reasons
        .iter()
        .filter_map(|c| wire::<leder_domain::eligibility::Reason>(c))
        .map(|c| c.sentence())
        .collect::<Vec<_>>()
        .join(" ");
    let hold = (r.status == "on_hold")
        .then(|| state.holds.iter().rev().find(|h| h.ended_on.is_none()))
        .flatten()
        .map(|h| HoldDto {
            reason: h.reason.clone(),
            since: h.started_on,
            text: h.reason_text.clone(),
        });
    let person =
        (outcome != Some(leder_domain::eligibility::Outcome::OptedOut)).then(|| PersonDto {
            given_name: r.given_name.clone(),
            family_name: r.family_name.clone(),
            nhs_number: r.nhs_number.clone(),
            date_of_birth: r.date_of_birth,
            date_of_death: r.date_of_death,
            sex: r.sex.clone(),
            ethnic_category: r.ethnic_category.clone(),
            learning_disability: r.learning_disability,
            autistic: r.autistic,
            lived_in_england: r.lived_in_england,
            national_data_opt_out: false,
            place_of_death: r.place_of_death.clone(),
        });
    Review {
        id: r.id.clone(),
        reference: r.reference.clone(),
        status: r.status.clone(),
        eligibility: EligibilityDto {
            outcome: r.eligibility_outcome.clone(),
            route: r.eligibility_route.clone(),
            reasons,
            sentence,
        },
        review_type: r.review_type.clone(),
        focused_reasons: split(&r.focused_reasons),
        data_quality_flags: split(&r.data_quality_flags),
        organisation: r.organisation.clone(),
        sub_icb_location: r.sub_icb_location.clone(),
        area_code: r.area_code.clone(),
        reviewer_id: r.reviewer_id.clone(),
        person,
        age_at_death: r.age_at_death,
        notified_at: utc(r.notified_at),
        due_date: progress.due_date,
        extended_due_date: progress.extended_due_date,
        days_elapsed: progress.days_elapsed,
        days_on_hold: progress.days_on_hold,
        overdue: progress.overdue,
        hold,
        findings: findings_doc(state),
        avoidable: avoidable_of(state),
        version: r.version,
        has_unreviewed_duplicate: r.has_unreviewed_duplicate,
        versions: VersionsDto {
            eligibility: r.eligibility_version.clone(),
            avoidable_mortality: r.avoidable_version.clone(),
            care_grade: r.care_grade_version.clone(),
        },
        completed_at: r.completed_at.map(utc),
        child_death_review_outcome: r
            .child_death_review_outcome
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok()),
    }
}

/// A review as events carry it (JSON).
pub fn render_json(state: &ReviewState) -> String {
    serde_json::to_string(&render(state, crate::clock::today_in_england()))
        .unwrap_or_else(|_| "{}".into())
}

/// Whether a stored case is overdue today (for the `overdue` filter).
pub fn is_overdue(state: &ReviewState, today: Date) -> bool {
    time_targets::progress(
        state.row.notified_on,
        &intervals(state),
        standing(state),
        today,
    )
    .overdue
}
