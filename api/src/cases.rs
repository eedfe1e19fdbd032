//! Between stored reviews, the domain's rules and the API's bodies: the caller's case scope,
//! the domain view of a stored case, refusals as HTTP errors, and a review as the API shows it.

use std::str::FromStr;

use leder_domain::CareGrade;
use leder_domain::avoidable;
use leder_domain::icd_code::IcdCode;
use leder_domain::review::Review as DomainReview;
use leder_domain::time_targets;
use leder_domain::workflow::{
    Actor, CauseOfDeath, Dnacpr, FamilyInvolvement, Findings, KeyEpisode, MentalCapacityAct,
    Refusal, RefusalKind, Role, Stage, UnderlyingCause,
};
use leder_domain::{NhsNumber, OdsCode};
use leder_persistence::repo::reviews::CaseScope;
use time::Date;

use crate::auth::Caller;
use crate::dto::reviews::{
    AvoidableDto, CauseOfDeathDoc, DnacprDoc, EligibilityDto, FamilyInvolvementDoc, FindingsDoc,
    HoldDto, KeyEpisodeDoc, LearningPoint, MentalCapacityActDoc, OptOutCheckDto, PersonDto, Review,
    VersionsDto,
};
use crate::dto::utc;
use crate::error::{ApiError, FieldError};

/// The cases the caller may see: 403 for roles that see no case data at all.
pub fn scope_of(caller: &Caller) -> Result<CaseScope, ApiError> {
    let org = caller.organisation.clone().unwrap_or_default();
    if caller.has(Role::IcsLead) || caller.has(Role::QaPanel) || caller.has(Role::Integration) {
        Ok(CaseScope::Icb(org))
    } else if caller.has(Role::RegionalCoordinator) {
        Ok(CaseScope::Region {
            region: org,
            icbs: caller.oversees.clone(),
        })
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
    let overseen = caller
        .oversees
        .iter()
        .map(|icb| OdsCode::parse(icb))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::internal)?;
    Ok(Actor::new(caller.id.clone(), &caller.roles, org)
        .map_err(ApiError::internal)?
        .overseeing(overseen))
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
        place_of_death: doc.place_of_death,
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
        learning_disability_level: doc.learning_disability_level,
        long_term_conditions: doc.long_term_conditions.clone().unwrap_or_default(),
        care_grade,
        good_practice: doc.good_practice.clone(),
        concerns: doc.concerns.clone(),
        family_involvement: doc.family_involvement.as_ref().map(|f| FamilyInvolvement {
            contacted: f.contacted,
            declined: f.declined,
            feedback_shared: f.feedback_shared,
            reason_not_contacted: f.reason_not_contacted.clone(),
            recorded: f.recorded.unwrap_or(false),
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
        referred_to_coroner: doc.referred_to_coroner,
        dols_authorisation_in_place: doc.dols_authorisation_in_place,
        care_package_met_needs: doc.care_package_met_needs,
        out_of_area_placement: doc.out_of_area_placement,
        covid_vaccination: doc.covid_vaccination,
    })
}

/// The review form as the API shows it.
pub fn findings_doc(f: &Findings) -> FindingsDoc {
    let nonempty = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
    FindingsDoc {
        pen_portrait: f.pen_portrait.clone(),
        cause_of_death: f.cause_of_death.as_ref().map(|c| {
            let (code, reason) = match &c.underlying {
                Some(UnderlyingCause::Known(code)) => (Some(code.as_str().to_owned()), None),
                Some(UnderlyingCause::NotKnown { reason }) => (None, Some(reason.clone())),
                None => (None, None),
            };
            CauseOfDeathDoc {
                part_1a: c.part_1a.clone(),
                part_1b: c.part_1b.clone(),
                part_1c: c.part_1c.clone(),
                part_2: c.part_2.clone(),
                underlying_icd10: code,
                underlying_not_known_reason: reason,
            }
        }),
        place_of_death: f.place_of_death,
        dnacpr: f.dnacpr.map(|d| DnacprDoc {
            in_place: d.in_place,
            process_correct: d.process_correct,
        }),
        mental_capacity_act: f.mental_capacity_act.map(|m| MentalCapacityActDoc {
            relevant: m.relevant,
            followed: m.followed,
        }),
        annual_health_check_last_12_months: f.annual_health_check_last_12_months,
        reasonable_adjustments_made: f.reasonable_adjustments_made,
        delays_in_care: f.delays_in_care,
        learning_disability_level: f.learning_disability_level,
        long_term_conditions: nonempty(&f.long_term_conditions),
        care_grade: f.care_grade.map(|g| i64::from(g.value())),
        good_practice: f.good_practice.clone(),
        concerns: f.concerns.clone(),
        family_involvement: f.family_involvement.as_ref().map(|x| FamilyInvolvementDoc {
            contacted: x.contacted,
            declined: x.declined,
            feedback_shared: x.feedback_shared,
            reason_not_contacted: x.reason_not_contacted.clone(),
            recorded: Some(x.recorded),
        }),
        key_episodes: (!f.key_episodes.is_empty()).then(|| {
            f.key_episodes
                .iter()
                .map(|k| KeyEpisodeDoc {
                    date: k.date,
                    setting: k.setting.clone(),
                    description: k.description.clone(),
                })
                .collect()
        }),
        contributors: nonempty(&f.contributors),
        referred_to_coroner: f.referred_to_coroner,
        dols_authorisation_in_place: f.dols_authorisation_in_place,
        care_package_met_needs: f.care_package_met_needs,
        out_of_area_placement: f.out_of_area_placement,
        covid_vaccination: f.covid_vaccination,
    }
}

/// The avoidable classification of a case, when its cause and age are known, under the list
/// version the case was assessed with.
pub fn avoidable_of(review: &DomainReview) -> Option<AvoidableDto> {
    let code = review.underlying_cause()?;
    let age = review.age_at_death?;
    let a = avoidable::classify_with(review.versions.avoidable_mortality, code, age);
    Some(AvoidableDto {
        avoidable: a.avoidable,
        preventable: a.preventable,
        treatable: a.treatable,
    })
}

/// The clock's view of a case on `today`.
fn progress(review: &DomainReview, today: Date) -> time_targets::Progress {
    time_targets::progress(
        review.notified_on,
        &review.hold_intervals(),
        review.standing(),
        today,
    )
}

/// A review as the API shows it, on `today` (an English date).
pub fn render(review: &DomainReview, today: Date) -> Review {
    let progress = progress(review, today);
    let e = &review.eligibility;
    let sentence = e
        .reasons
        .iter()
        .map(|c| c.sentence())
        .collect::<Vec<_>>()
        .join(" ");
    let hold = (review.stage == Stage::OnHold)
        .then(|| review.open_hold())
        .flatten()
        .map(|h| HoldDto {
            reason: h.reason,
            since: h.started_on,
            text: h.text.clone(),
        });
    let person = review.person.as_ref().map(|p| PersonDto {
        given_name: Some(p.given_name.clone()),
        family_name: Some(p.family_name.clone()),
        nhs_number: p.nhs_number.as_ref().map(NhsNumber::digits),
        date_of_birth: Some(p.date_of_birth),
        date_of_death: Some(p.date_of_death),
        sex: Some(p.sex),
        ethnic_category: p.ethnic_category.map(|c| c.code().to_owned()),
        learning_disability: Some(p.learning_disability),
        autistic: Some(p.autistic),
        lived_in_england: Some(p.lived_in_england),
        national_data_opt_out: false,
        place_of_death: p.place_of_death,
    });
    Review {
        id: review.id.clone(),
        reference: review.reference.clone(),
        status: review.stage,
        eligibility: EligibilityDto {
            outcome: e.outcome,
            route: e.route,
            reasons: e.reasons.clone(),
            sentence,
        },
        review_type: review.review_type,
        focused_reasons: review.focused_reasons.clone(),
        data_quality_flags: review.data_quality_flags.clone(),
        organisation: review.organisation.as_str().to_owned(),
        sub_icb_location: review.sub_icb_location.clone(),
        area_code: review.area_code.clone(),
        reviewer_id: review.reviewer_id.clone(),
        reviewer: review
            .reviewer_id
            .as_ref()
            .map(|id| crate::dto::reviews::ReviewerRef {
                id: id.clone(),
                display_name: review.reviewer_name.clone(),
            }),
        person,
        age_at_death: review.age_at_death.map(i64::from),
        notified_at: utc(review.notified_at),
        due_date: progress.due_date,
        extended_due_date: progress.extended_due_date,
        days_elapsed: progress.days_elapsed,
        days_on_hold: progress.days_on_hold,
        overdue: progress.overdue,
        due_soon: progress.due_soon,
        hold,
        findings: findings_doc(&review.findings),
        avoidable: avoidable_of(review),
        version: review.version,
        has_unreviewed_duplicate: review.has_unreviewed_duplicate,
        opt_out_check: OptOutCheckDto {
            status: review.opt_out_check.status,
            opted_out: review.opt_out_check.opted_out,
            checked_on: review.opt_out_check.checked_on,
            source: review.opt_out_check.source.clone(),
        },
        versions: VersionsDto {
            eligibility: review.versions.eligibility.clone(),
            avoidable_mortality: review.versions.avoidable_mortality,
            care_grade: review.versions.care_grade.clone(),
            form: review.versions.form,
        },
        completed_at: review.completed_at.map(utc),
        child_death_review_outcome: review.child_death_review_outcome.as_ref().map(|o| {
            serde_json::json!({
                "received_on": o.received_on.to_string(),
                "underlying_icd10": o.underlying_cause.as_ref().map(|c| c.as_str()),
                "summary": o.summary,
                "modifiable_factors": o.modifiable_factors,
                "learning": o.learning,
            })
        }),
        legal_hold: review.retention.legal_hold.as_ref().map(|h| {
            crate::dto::retention::ReviewLegalHold {
                reason: h.reason.clone(),
                since: utc(h.since),
            }
        }),
        disposed_at: review.retention.disposed_at.map(utc),
    }
}

/// A review as events carry it (JSON).
pub fn render_json(review: &DomainReview) -> String {
    serde_json::to_string(&render(review, crate::clock::today_in_england()))
        .unwrap_or_else(|_| "{}".into())
}

/// Whether a case is overdue today (for the `overdue` filter).
pub fn is_overdue(review: &DomainReview, today: Date) -> bool {
    progress(review, today).overdue
}

/// Answers a case with its ETag.
pub fn answer(review: &DomainReview) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::ETAG,
            crate::dto::etag(review.version),
        ))
        .json(render(review, crate::clock::today_in_england()))
}

/// A stored learning point as the API shows it.
pub fn learning_point(l: leder_persistence::records::cases::LearningPoint) -> LearningPoint {
    LearningPoint {
        themes: l.themes,
        id: l.id,
        review_id: l.review_id,
        text: l.text,
        kind: l.kind,
        created_by: l.created_by,
        created_at: utc(l.created_at),
    }
}
