//! Changing cases. Each change reads the case in the caller's scope inside its write
//! transaction, asks `domain::workflow` whether it may happen (scope 404, then role 403, then
//! stage 409, then the rule 422), and writes the case, its history, its event and its audit
//! entry together.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, patch, post, web};
use leder_domain::review::{LearningKind, OutcomeError, PersonCorrection, Review};
use leder_domain::workflow::{self, Action, ChildDeathReviewOutcome, Request};
use leder_domain::{EthnicCategory, IcdCode, NhsNumber, OdsCode, PlaceOfDeath, Sex};
use leder_persistence::reference::now_utc;
use leder_persistence::repo::reviews as repo;
use leder_persistence::repo::users;
use leder_persistence::rows::cases::LearningRow;
use serde_json::Value;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::reviews::{self, ReviewChange, change_actor};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::{actor_of, findings_doc, findings_to_domain, name_of, refusal, render, wire};
use crate::clock::today_in_england;
use crate::db;
use crate::dto::reviews::{
    ChildDeathReviewOutcomeRequest, FindingsDoc, NewLearning, PersonPatch, TransitionRequest,
};
use crate::dto::{etag, if_match};
use crate::error::{ApiError, FieldError};
use crate::extract::{ValidatedJson, parse_json};
use crate::routes::reviews::learning_point;
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(update_findings)
        .service(correct_person_details)
        .service(transition_review)
        .service(record_child_death_review_outcome)
        .service(add_learning);
}

/// A JSON object body (a merge patch), kept as JSON.
#[derive(Debug, serde::Deserialize)]
pub struct RawObject(pub serde_json::Map<String, Value>);

impl validator::Validate for RawObject {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        Ok(())
    }
}

/// RFC 7396 JSON Merge Patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(fields) => {
            if !target.is_object() {
                *target = Value::Object(serde_json::Map::new());
            }
            if let Value::Object(t) = target {
                for (k, v) in fields {
                    if v.is_null() {
                        t.remove(k);
                    } else {
                        merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                    }
                }
            }
        }
        other => *target = other.clone(),
    }
}

/// Answers a changed case with its new ETag.
fn answer(review: &Review) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag(review.version)))
        .json(render(review, today_in_england()))
}

/// A change to the review `id`, answered with the case and its new ETag.
fn change_of(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    action: &str,
    id: String,
    expected_version: Option<i64>,
) -> ReviewChange {
    ReviewChange {
        id,
        actor: change_actor(state, caller, info, action),
        expected_version,
        learning: None,
    }
}

/// A refusal, with one error per missing field when the findings are incomplete.
fn incomplete_or(r: &workflow::Refusal, review: &Review) -> ApiError {
    match (r.code(), review.review_type) {
        ("findings_incomplete", Some(review_type)) => {
            let errors: Vec<FieldError> = review
                .findings
                .missing_for(review_type)
                .iter()
                .map(|m| {
                    FieldError::new(format!("findings.{}", m.as_str()), r.code(), r.to_string())
                })
                .collect();
            ApiError::Unprocessable {
                detail: format!(
                    "the findings are not complete: {} field(s) missing",
                    errors.len()
                ),
                errors,
            }
        }
        _ => refusal(r),
    }
}

fn unprocessable(errors: Vec<FieldError>) -> ApiError {
    ApiError::Unprocessable {
        detail: format!("{} field(s) break a rule", errors.len()),
        errors,
    }
}

/// Update the review form
///
/// JSON Merge Patch of the form with `If-Match` (428 without, 412 when stale). The allocated
/// reviewer writes while the case is `in_review`; the lead at any open stage. The answer adds
/// the derived avoidable-mortality classification.
#[utoipa::path(
    tag = "reviews",
    operation_id = "update_findings",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Review id"),
        ("If-Match" = String, Header, description = "The ETag from the last read"),
    ),
    request_body(content = FindingsDoc, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The case", body = crate::dto::reviews::Review, headers(("ETag" = String))),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 404, response = crate::error::NotFound),
        (status = 409, response = crate::error::Conflict),
        (status = 412, response = crate::error::PreconditionFailed),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 422, response = crate::error::Unprocessable),
        (status = 428, response = crate::error::PreconditionRequired),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[patch("/reviews/{id}/findings")]
pub async fn update_findings(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    req: HttpRequest,
    id: web::Path<String>,
    body: ValidatedJson<RawObject>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let patch = Value::Object(body.0.0);
    // The patch alone must already be well-formed (types, names).
    let _: FindingsDoc = parse_json(&serde_json::to_vec(&patch).map_err(ApiError::internal)?)?;
    let actor = actor_of(&caller)?;
    let fields: Vec<String> = patch
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let change = change_of(
        &state,
        &caller,
        &info,
        "update_findings",
        id.into_inner(),
        Some(expected),
    );
    let review = reviews::change(&state, &caller, change, move |review| {
        // The merge patch applies to the form as the API shows it.
        let mut current =
            serde_json::to_value(findings_doc(&review.findings)).map_err(ApiError::internal)?;
        merge_patch(&mut current, &patch);
        let doc: FindingsDoc =
            parse_json(&serde_json::to_vec(&current).map_err(ApiError::internal)?)?;
        let findings = findings_to_domain(&doc).map_err(unprocessable)?;
        review
            .write_findings(&actor, findings, fields)
            .map_err(|r| refusal(&r))
    })
    .await?;
    Ok(answer(&review))
}

/// Correct the person's details
///
/// JSON Merge Patch with `If-Match`, by the lead or the allocated reviewer at any open stage
/// (and on a case closed as not eligible). Eligibility and the review type are assessed again:
/// a case closed as not eligible reopens when it becomes eligible.
#[utoipa::path(
    tag = "reviews",
    operation_id = "correct_person",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Review id"),
        ("If-Match" = String, Header, description = "The ETag from the last read"),
    ),
    request_body(content = PersonPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The case", body = crate::dto::reviews::Review, headers(("ETag" = String))),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 404, response = crate::error::NotFound),
        (status = 409, response = crate::error::Conflict),
        (status = 412, response = crate::error::PreconditionFailed),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 422, response = crate::error::Unprocessable),
        (status = 428, response = crate::error::PreconditionRequired),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[patch("/reviews/{id}/person")]
pub async fn correct_person_details(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    req: HttpRequest,
    id: web::Path<String>,
    body: ValidatedJson<PersonPatch>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let correction = person_correction(body.0)?;
    let actor = actor_of(&caller)?;
    let today = today_in_england();
    let change = change_of(
        &state,
        &caller,
        &info,
        "correct_person",
        id.into_inner(),
        Some(expected),
    );
    let review = reviews::change(&state, &caller, change, move |review| {
        review
            .correct_person(&actor, correction, today)
            .map_err(|e| match e {
                workflow::CorrectionError::Refused(r) => refusal(&r),
                workflow::CorrectionError::Invalid(a) => {
                    ApiError::invalid_field("date_of_death", a.code(), a.to_string())
                }
                workflow::CorrectionError::NoPerson => {
                    ApiError::Conflict("this case keeps no person to correct".into())
                }
            })
    })
    .await?;
    Ok(answer(&review))
}

/// The patch as the domain's correction; each field that breaks a rule is named.
fn person_correction(patch: PersonPatch) -> Result<PersonCorrection, ApiError> {
    let mut errors = Vec::new();
    let nhs_number = match patch.nhs_number {
        Some(Some(v)) => match NhsNumber::parse(&v) {
            Ok(n) => Some(Some(n)),
            Err(e) => {
                errors.push(FieldError::new("nhs_number", e.code(), e.to_string()));
                None
            }
        },
        Some(None) => Some(None),
        None => None,
    };
    let ethnic_category = match patch.ethnic_category {
        Some(Some(v)) => match EthnicCategory::parse(&v) {
            Ok(c) => Some(Some(c)),
            Err(e) => {
                errors.push(FieldError::new("ethnic_category", e.code(), e.to_string()));
                None
            }
        },
        Some(None) => Some(None),
        None => None,
    };
    if !errors.is_empty() {
        return Err(unprocessable(errors));
    }
    Ok(PersonCorrection {
        given_name: patch.given_name,
        family_name: patch.family_name,
        nhs_number,
        date_of_birth: patch.date_of_birth,
        date_of_death: patch.date_of_death,
        sex: patch.sex.and_then(|s| wire::<Sex>(&name_of(&s))),
        ethnic_category,
        learning_disability: patch.learning_disability,
        autistic: patch.autistic,
        lived_in_england: patch.lived_in_england,
        place_of_death: patch
            .place_of_death
            .map(|p| p.and_then(|p| wire::<PlaceOfDeath>(&name_of(&p)))),
    })
}

/// Move a case through its stages
///
/// `allocate` (lead; `reviewer_id`; a reallocation from in_review needs `reason`), `start`,
/// `escalate` (`reason`), `submit`, `return` (`comment`), `approve`, `sign_off`, `hold` (`reason`
/// from the hold list; `comment` for `other`) and `resume`. 404 out of scope, 403 when the role
/// may not, 409 when the stage does not allow it, 422 when a rule is broken.
#[utoipa::path(
    tag = "reviews",
    operation_id = "transition_review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "The case at its new stage", body = crate::dto::reviews::Review, headers(("ETag" = String))),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 404, response = crate::error::NotFound),
        (status = 409, response = crate::error::Conflict),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 422, response = crate::error::Unprocessable),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[post("/reviews/{id}/transitions")]
pub async fn transition_review(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
    body: ValidatedJson<TransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let t = body.0;
    let action = wire::<Action>(&t.action)
        .filter(|a| *a != Action::RecordChildDeathReviewOutcome)
        .ok_or_else(|| {
            ApiError::bad_field(
                "action",
                "unknown_value",
                "must be allocate, start, escalate, submit, return, approve, sign_off, hold or resume",
            )
        })?;
    let reviewer = match (&t.reviewer_id, action) {
        (Some(rid), Action::Allocate) => Some(reviewer_to_allocate(&state, rid.clone()).await?),
        _ => None,
    };
    let actor = actor_of(&caller)?;
    let today = today_in_england();
    let action_name = format!("transition:{}", action.as_str());
    let change = change_of(&state, &caller, &info, &action_name, id.into_inner(), None);
    let review = reviews::change(&state, &caller, change, move |review| {
        let request = Request {
            action,
            reviewer: reviewer.as_ref(),
            reason: t.reason.as_deref(),
            comment: t.comment.as_deref(),
        };
        let before = review.clone();
        review
            .transition(&request, &actor, today, now_utc())
            .map_err(|r| incomplete_or(&r, &before))
    })
    .await?;
    Ok(answer(&review))
}

/// The reviewer to allocate, as an actor with their roles and ICB (422 for no active user).
async fn reviewer_to_allocate(state: &AppState, id: String) -> Result<workflow::Actor, ApiError> {
    let user = db::run(state, move |conn| users::get(conn, &id)).await?;
    let Some(u) = user.filter(|u| !u.disabled) else {
        return Err(ApiError::invalid_field(
            "reviewer_id",
            "unknown_reviewer",
            "no active user has this id",
        ));
    };
    let roles: Vec<workflow::Role> = u.role_names().iter().filter_map(|r| wire(r)).collect();
    let org = u
        .organisation
        .as_deref()
        .map(OdsCode::parse)
        .transpose()
        .map_err(ApiError::internal)?;
    workflow::Actor::new(u.id.clone(), &roles, org).map_err(ApiError::internal)
}

/// Record the Child Death Review outcome
///
/// The lead records the outcome of the statutory Child Death Review for a child's death that
/// LeDeR referred; the case is then completed.
#[utoipa::path(
    tag = "reviews",
    operation_id = "record_child_death_review_outcome",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    request_body = ChildDeathReviewOutcomeRequest,
    responses(
        (status = 200, description = "The completed case", body = crate::dto::reviews::Review, headers(("ETag" = String))),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 404, response = crate::error::NotFound),
        (status = 409, response = crate::error::Conflict),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 422, response = crate::error::Unprocessable),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[post("/reviews/{id}/child-death-review-outcome")]
pub async fn record_child_death_review_outcome(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
    body: ValidatedJson<ChildDeathReviewOutcomeRequest>,
) -> Result<HttpResponse, ApiError> {
    let o = body.0;
    let underlying_cause = o
        .underlying_icd10
        .as_deref()
        .map(IcdCode::parse)
        .transpose()
        .map_err(|e| ApiError::invalid_field("underlying_icd10", e.code(), e.to_string()))?;
    let outcome = ChildDeathReviewOutcome {
        received_on: o.received_on,
        underlying_cause,
        summary: o.summary,
        modifiable_factors: o.modifiable_factors,
        learning: o.learning,
    };
    let actor = actor_of(&caller)?;
    let today = today_in_england();
    let change = change_of(
        &state,
        &caller,
        &info,
        "record_child_death_review_outcome",
        id.into_inner(),
        None,
    );
    let review = reviews::change(&state, &caller, change, move |review| {
        review
            .record_child_death_review_outcome(&actor, outcome, today, now_utc())
            .map_err(|e| match e {
                OutcomeError::Refused(r) => refusal(&r),
                OutcomeError::Invalid(e) => {
                    ApiError::invalid_field(e.field(), e.code(), e.to_string())
                }
            })
    })
    .await?;
    Ok(answer(&review))
}

/// Add a learning point
///
/// Learning, good practice or a concern, tagged with themes from `GET /api/v1/themes`. Written
/// by the allocated reviewer while `in_review`, and by the lead at any open stage.
#[utoipa::path(
    tag = "reviews",
    operation_id = "add_learning",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    request_body = NewLearning,
    responses(
        (status = 201, description = "Added", body = crate::dto::reviews::LearningPoint),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 404, response = crate::error::NotFound),
        (status = 409, response = crate::error::Conflict),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 422, response = crate::error::Unprocessable),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[post("/reviews/{id}/learning")]
pub async fn add_learning(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
    body: ValidatedJson<NewLearning>,
) -> Result<HttpResponse, ApiError> {
    let l = body.0;
    let known: Vec<String> = db::run(&state, repo::themes)
        .await?
        .into_iter()
        .map(|t| t.code)
        .collect();
    if let Some(bad) = l.themes.iter().find(|t| !known.contains(t)) {
        return Err(ApiError::invalid_field(
            "themes",
            "unknown_theme",
            format!("`{bad}` is not a theme of GET /api/v1/themes"),
        ));
    }
    let mut themes = l.themes.clone();
    themes.sort();
    themes.dedup();
    let actor = actor_of(&caller)?;
    let kind = wire::<LearningKind>(l.kind.as_str())
        .ok_or_else(|| ApiError::internal("learning kind without a domain name"))?;
    let review_id = id.into_inner();
    let point_id = uuid::Uuid::now_v7().to_string();
    let mut change = change_of(
        &state,
        &caller,
        &info,
        "add_learning",
        review_id.clone(),
        None,
    );
    // A case in the caller's scope is of the caller's ICB.
    change.learning = Some(LearningRow {
        id: point_id.clone(),
        review_id,
        organisation: caller.organisation.clone().unwrap_or_default(),
        kind: kind.as_str().to_owned(),
        text: l.text.clone(),
        themes: themes.join(","),
        created_by: caller.id.clone(),
        created_at: now_utc(),
    });
    let pid = point_id.clone();
    let review = reviews::change(&state, &caller, change, move |review| {
        review
            .add_learning(&actor, pid, kind)
            .map_err(|r| refusal(&r))
    })
    .await?;
    // Answer the point itself (the case's new version is in its ETag).
    let point = db::run(&state, move |conn| repo::learning_point(conn, &point_id))
        .await?
        .ok_or_else(|| ApiError::internal("learning point vanished"))?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(review.version)))
        .json(learning_point(point)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_merge_patch_replaces_adds_and_removes_fields() {
        let mut target = json!({"a": 1, "b": {"c": 2, "d": 3}, "e": [1]});
        merge_patch(
            &mut target,
            &json!({"a": null, "b": {"c": 5}, "e": [2], "f": "x"}),
        );
        assert_eq!(target, json!({"b": {"c": 5, "d": 3}, "e": [2], "f": "x"}));
    }
}
