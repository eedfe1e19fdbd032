//! Between stored reviews, the domain's rules and the API's bodies: the caller's case scope,
//! the domain view of a stored case, refusals as HTTP errors, and a review as the API shows it.

use std::str::FromStr;

use leder_domain::avoidable;
use leder_domain::review::Review as DomainReview;
use leder_domain::time_targets;
use leder_domain::workflow::{Actor, Refusal, RefusalKind, Role, Stage};
use leder_domain::{NhsNumber, OdsCode};
use leder_persistence::repo::reviews::CaseScope;
use time::Date;

use crate::auth::Caller;
use crate::dto::reviews::{
    AvoidableDto, EligibilityDto, HoldDto, LearningPoint, OptOutCheckDto, PersonDto, Review,
    VersionsDto,
};
use crate::dto::utc;
use crate::error::ApiError;

mod form;

pub use form::{findings_doc, findings_to_domain};

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
