//! Changing cases. Each change reads the case in the caller's scope inside its write
//! transaction, asks `domain::workflow` whether it may happen (scope 404, then role 403, then
//! stage 409, then the rule 422), and writes the case, its history, its event and its audit
//! entry together.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, patch, post, web};
use leder_domain::avoidable::AVOIDABLE_LIST_VERSION;
use leder_domain::eligibility::Person;
use leder_domain::review_type::{Facts, FocusedReason, ReviewType};
use leder_domain::workflow::{
    self, Action, Case, ChildDeathReviewOutcome, Edit, Effect, Request, Stage, correct_person,
    may_edit,
};
use leder_domain::{EthnicCategory, IcdCode, NhsNumber, OdsCode};
use leder_persistence::reference::now_utc;
use leder_persistence::repo::reviews::{
    self as repo, Change, ChangeActor, ModifyError, ReviewState,
};
use leder_persistence::repo::users;
use leder_persistence::rows::cases::{HoldRow, LearningRow};
use serde_json::{Value, json};
use time::Date;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::{
    actor_of, findings_doc, findings_to_domain, flags_of, name_of, refusal, render, render_json,
    review_type_of, scope_of, split, stage_of, wire,
};
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

fn change_actor(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    action: &str,
) -> ChangeActor {
    ChangeActor {
        id: Some(caller.id.clone()),
        roles: caller.roles_text(),
        chain_id: state.audit.chain_id().to_owned(),
        audit: caller.audit_entry(info, action, "success"),
    }
}

/// Runs a change and answers the case with its new ETag.
async fn apply<F>(
    state: &AppState,
    caller: &Caller,
    actor: ChangeActor,
    id: String,
    expected_version: Option<i64>,
    decide: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut ReviewState) -> Result<Change, ApiError> + Send + 'static,
{
    let scope = scope_of(caller)?;
    let result = db::run(state, move |conn| {
        Ok(repo::modify(
            conn,
            &id,
            &scope,
            expected_version,
            &actor,
            decide,
            &render_json,
        ))
    })
    .await?;
    let case = match result {
        Ok(case) => case,
        Err(ModifyError::NotFound) => return Err(ApiError::NotFound),
        Err(ModifyError::Refused(e)) => return Err(e),
        Err(ModifyError::Storage(e)) => return Err(e.into()),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(case.row.version)))
        .json(render(&case, today_in_england())))
}

/// The domain's view of a stored case, for `workflow` to judge.
fn with_case<T>(
    state: &ReviewState,
    f: impl FnOnce(&Case<'_>) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let organisation = OdsCode::parse(&state.row.organisation).map_err(ApiError::internal)?;
    let findings = findings_to_domain(&findings_doc(state)).unwrap_or_default();
    let flags = flags_of(state);
    let case = Case {
        stage: stage_of(state)?,
        organisation: &organisation,
        reviewer_id: state.row.reviewer_id.as_deref(),
        review_type: review_type_of(state),
        resume_to: state.row.resume_to.as_deref().and_then(wire::<Stage>),
        findings: &findings,
        learning_points: usize::try_from(state.learning_points).unwrap_or(0),
        data_quality_flags: &flags,
    };
    f(&case)
}

/// A refusal, with one error per missing field when the findings are incomplete.
fn incomplete_or(r: &workflow::Refusal, case: &Case<'_>) -> ApiError {
    match (r.code(), case.review_type) {
        ("findings_incomplete", Some(review_type)) => {
            let errors: Vec<FieldError> = case
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
    let as_doc: FindingsDoc = parse_json(&serde_json::to_vec(&patch).map_err(ApiError::internal)?)?;
    drop(as_doc);
    let actor = actor_of(&caller)?;
    let fields: Vec<String> = patch
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let audit = change_actor(&state, &caller, &info, "update_findings");
    apply(
        &state,
        &caller,
        audit,
        id.into_inner(),
        Some(expected),
        move |case| {
            with_case(case, |c| {
                may_edit(c, &actor, Edit::Findings).map_err(|r| refusal(&r))
            })?;
            let mut current =
                serde_json::from_str::<Value>(&case.row.findings).unwrap_or(json!({}));
            merge_patch(&mut current, &patch);
            let mut doc: FindingsDoc =
                parse_json(&serde_json::to_vec(&current).map_err(ApiError::internal)?)?;
            let domain = findings_to_domain(&doc).map_err(|errors| ApiError::Unprocessable {
                detail: format!("{} field(s) break a rule", errors.len()),
                errors,
            })?;
            // Store the normalised code (J189 and J18.9X are J18.9).
            let underlying = domain
                .cause_of_death
                .as_ref()
                .and_then(|c| match &c.underlying {
                    Some(workflow::UnderlyingCause::Known(code)) => Some(code.as_str().to_owned()),
                    _ => None,
                });
            if let Some(c) = doc.cause_of_death.as_mut()
                && underlying.is_some()
            {
                c.underlying_icd10 = underlying.clone();
            }
            case.row.findings = serde_json::to_string(&doc).map_err(ApiError::internal)?;
            case.row.underlying_icd10 = underlying;
            case.row.care_grade = doc.care_grade;
            // Writing the form assesses the case again: its cause is classified under the
            // current list from now on (completed cases move only by `reassess-avoidable`).
            case.row.avoidable_version = AVOIDABLE_LIST_VERSION.to_owned();
            Ok(Change {
                history: vec![(
                    "findings_updated".into(),
                    json!({ "fields": fields }).to_string(),
                )],
                events: vec!["review.findings_updated".into()],
                ..Change::default()
            })
        },
    )
    .await
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
    let patch = body.0;
    let mut errors = Vec::new();
    let nhs = match &patch.nhs_number {
        Some(Some(v)) => match NhsNumber::parse(v) {
            Ok(n) => Some(Some(n.digits())),
            Err(e) => {
                errors.push(FieldError::new("nhs_number", e.code(), e.to_string()));
                None
            }
        },
        Some(None) => Some(None),
        None => None,
    };
    let ethnic = match &patch.ethnic_category {
        Some(Some(v)) => match EthnicCategory::parse(v) {
            Ok(c) => Some(Some(c.code().to_owned())),
            Err(e) => {
                errors.push(FieldError::new("ethnic_category", e.code(), e.to_string()));
                None
            }
        },
        Some(None) => Some(None),
        None => None,
    };
    if !errors.is_empty() {
        return Err(ApiError::Unprocessable {
            detail: format!("{} field(s) break a rule", errors.len()),
            errors,
        });
    }
    let actor = actor_of(&caller)?;
    let is_lead = caller.has(workflow::Role::IcsLead);
    let today = today_in_england();
    let audit = change_actor(&state, &caller, &info, "correct_person");
    apply(
        &state,
        &caller,
        audit,
        id.into_inner(),
        Some(expected),
        move |case| {
            let r = &mut case.row;
            if let Some(v) = patch.given_name {
                r.given_name = Some(v);
            }
            if let Some(v) = patch.family_name {
                r.family_name = Some(v);
            }
            if let Some(v) = nhs {
                r.nhs_number = v;
            }
            if let Some(v) = patch.date_of_birth {
                r.date_of_birth = Some(v);
            }
            if let Some(v) = patch.date_of_death {
                r.date_of_death = Some(v);
            }
            if let Some(v) = patch.sex {
                r.sex = Some(name_of(&v));
            }
            if let Some(v) = ethnic {
                r.ethnic_category = v;
            }
            if let Some(v) = patch.learning_disability {
                r.learning_disability = Some(v);
            }
            if let Some(v) = patch.autistic {
                r.autistic = Some(v);
            }
            if let Some(v) = patch.lived_in_england {
                r.lived_in_england = Some(v);
            }
            if let Some(v) = patch.place_of_death {
                r.place_of_death = v.map(|p| name_of(&p));
            }
            let (Some(dob), Some(dod)) = (r.date_of_birth, r.date_of_death) else {
                return Err(ApiError::Conflict(
                    "this case keeps no person to correct".into(),
                ));
            };
            let person = Person {
                date_of_birth: dob,
                date_of_death: dod,
                learning_disability: r.learning_disability.unwrap_or(false),
                autistic: r.autistic.unwrap_or(false),
                lived_in_england: r.lived_in_england.unwrap_or(true),
                national_data_opt_out: false,
            };
            let facts = Facts {
                ethnic_category: r
                    .ethnic_category
                    .as_deref()
                    .and_then(|c| EthnicCategory::parse(c).ok()),
                learning_disability: person.learning_disability,
                autistic: person.autistic,
                family_request: r.family_request,
                reviewer_concern: r.reviewer_concern.is_some(),
            };
            let correction = with_case(case, |c| {
                correct_person(c, &actor, &person, &facts, today).map_err(|e| match e {
                    workflow::CorrectionError::Refused(r) => refusal(&r),
                    workflow::CorrectionError::Invalid(a) => {
                        ApiError::invalid_field("date_of_death", a.code(), a.to_string())
                    }
                    workflow::CorrectionError::NoPerson => {
                        ApiError::Conflict("this case keeps no person to correct".into())
                    }
                })
            })?;
            let r = &mut case.row;
            let before = r.status.clone();
            let a = &correction.assessment;
            r.eligibility_outcome = a.outcome.as_str().to_owned();
            r.eligibility_route = a.route.map(|x| x.as_str().to_owned());
            r.eligibility_reasons = a
                .reasons
                .iter()
                .map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(",");
            r.eligibility_version = a.version.to_owned();
            r.avoidable_version = AVOIDABLE_LIST_VERSION.to_owned();
            r.age_at_death = Some(i64::from(a.age_at_death));
            r.year_of_death = i64::from(dod.year());
            r.review_type = correction
                .review
                .as_ref()
                .map(|(t, _)| t.as_str().to_owned());
            r.focused_reasons = correction
                .review
                .iter()
                .flat_map(|(_, rs)| rs.iter().map(|x| x.as_str()))
                .collect::<Vec<_>>()
                .join(",");
            r.data_quality_flags = correction
                .data_quality_flags
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(",");
            r.status = correction.stage.as_str().to_owned();
            if correction.ends_hold {
                r.resume_to = None;
            }
            let closed = matches!(correction.stage, Stage::NotEligible | Stage::OptedOut);
            r.completed_on = if closed {
                Some(today)
            } else if before == "not_eligible" {
                None
            } else {
                r.completed_on
            };
            if is_lead {
                // The lead has looked at the case: a flagged duplicate is now reviewed.
                r.has_unreviewed_duplicate = false;
            }
            let mut events = vec!["review.person_corrected".to_owned()];
            if before != r.status {
                events.push("review.status_changed".into());
            }
            Ok(Change {
                history: vec![(
                    "person_corrected".into(),
                    json!({"outcome": a.outcome.as_str()}).to_string(),
                )],
                events,
                end_hold: correction.ends_hold.then_some(today),
                ..Change::default()
            })
        },
    )
    .await
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
    // The reviewer to allocate, as an actor with their roles and ICB.
    let reviewer = match (&t.reviewer_id, action) {
        (Some(rid), Action::Allocate) => {
            let rid = rid.clone();
            let user = db::run(&state, move |conn| users::get(conn, &rid)).await?;
            match user.filter(|u| !u.disabled) {
                Some(u) => {
                    let roles: Vec<workflow::Role> =
                        u.role_names().iter().filter_map(|r| wire(r)).collect();
                    let org = u
                        .organisation
                        .as_deref()
                        .map(OdsCode::parse)
                        .transpose()
                        .map_err(ApiError::internal)?;
                    Some(
                        workflow::Actor::new(u.id.clone(), &roles, org)
                            .map_err(ApiError::internal)?,
                    )
                }
                None => {
                    return Err(ApiError::invalid_field(
                        "reviewer_id",
                        "unknown_reviewer",
                        "no active user has this id",
                    ));
                }
            }
        }
        _ => None,
    };
    let actor = actor_of(&caller)?;
    let today = today_in_england();
    let audit = change_actor(
        &state,
        &caller,
        &info,
        &format!("transition:{}", action.as_str()),
    );
    apply(&state, &caller, audit, id.into_inner(), None, move |case| {
        let request = Request {
            action,
            reviewer: reviewer.as_ref(),
            reason: t.reason.as_deref(),
            comment: t.comment.as_deref(),
        };
        let done = with_case(case, |c| {
            workflow::transition(c, &request, &actor).map_err(|r| incomplete_or(&r, c))
        })?;
        let now = now_utc();
        let mut change = Change {
            events: vec!["review.status_changed".into()],
            ..Change::default()
        };
        let mut detail = json!({"action": action.as_str()});
        let row = &mut case.row;
        row.status = done.to.as_str().to_owned();
        match done.effect {
            Effect::None => {}
            Effect::Allocated {
                reviewer_id,
                reallocation_reason,
            } => {
                detail["reviewer_id"] = json!(reviewer_id);
                detail["reason"] = json!(reallocation_reason);
                row.reviewer_id = Some(reviewer_id);
            }
            Effect::Escalated { reason } => {
                detail["reason"] = json!(reason);
                row.review_type = Some(ReviewType::Focused.as_str().to_owned());
                let mut reasons = split(&row.focused_reasons);
                reasons.push(FocusedReason::ReviewerConcern.as_str().to_owned());
                row.focused_reasons = reasons.join(",");
                row.reviewer_concern = Some(reason);
            }
            Effect::Returned { comment } => detail["comment"] = json!(comment),
            Effect::HoldStarted {
                reason,
                text,
                resume_to,
            } => {
                detail["reason"] = json!(reason.as_str());
                row.resume_to = Some(resume_to.as_str().to_owned());
                change.start_hold = Some(HoldRow {
                    id: uuid::Uuid::now_v7().to_string(),
                    review_id: row.id.clone(),
                    reason: reason.as_str().to_owned(),
                    reason_text: text,
                    from_stage: resume_to.as_str().to_owned(),
                    started_on: today,
                    started_at: now,
                    ended_on: None,
                    ended_at: None,
                });
            }
            Effect::HoldEnded => {
                row.resume_to = None;
                change.end_hold = Some(today);
            }
        }
        if done.to == Stage::Completed {
            row.completed_at = Some(now);
            row.completed_on = Some(today);
        }
        change.history.push((
            format!("transition:{}", action.as_str()),
            detail.to_string(),
        ));
        Ok(change)
    })
    .await
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
    let code = o
        .underlying_icd10
        .as_deref()
        .map(IcdCode::parse)
        .transpose()
        .map_err(|e| ApiError::invalid_field("underlying_icd10", e.code(), e.to_string()))?;
    let actor = actor_of(&caller)?;
    let today = today_in_england();
    let audit = change_actor(&state, &caller, &info, "record_child_death_review_outcome");
    apply(&state, &caller, audit, id.into_inner(), None, move |case| {
        let done = with_case(case, |c| {
            workflow::transition(
                c,
                &Request::new(Action::RecordChildDeathReviewOutcome),
                &actor,
            )
            .map_err(|r| refusal(&r))
        })?;
        let outcome = ChildDeathReviewOutcome {
            received_on: o.received_on,
            underlying_cause: code.clone(),
            summary: o.summary.clone(),
            modifiable_factors: o.modifiable_factors,
            learning: o.learning.clone(),
        };
        let dod: Date = case.row.date_of_death.unwrap_or(o.received_on);
        outcome
            .validate(dod, today)
            .map_err(|e| ApiError::invalid_field(e.field(), e.code(), e.to_string()))?;
        let mut stored = serde_json::to_value(&o).map_err(ApiError::internal)?;
        stored["underlying_icd10"] = json!(code.as_ref().map(|c| c.as_str().to_owned()));
        let row = &mut case.row;
        row.child_death_review_outcome = Some(stored.to_string());
        row.underlying_icd10 = code.map(|c| c.as_str().to_owned());
        row.avoidable_version = AVOIDABLE_LIST_VERSION.to_owned();
        row.status = done.to.as_str().to_owned();
        row.completed_at = Some(now_utc());
        row.completed_on = Some(today);
        Ok(Change {
            history: vec![("child_death_review_outcome".into(), "{}".into())],
            events: vec!["review.status_changed".into()],
            ..Change::default()
        })
    })
    .await
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
    let author = caller.id.clone();
    let audit = change_actor(&state, &caller, &info, "add_learning");
    let point_id = uuid::Uuid::now_v7().to_string();
    let pid = point_id.clone();
    let response = apply(&state, &caller, audit, id.into_inner(), None, move |case| {
        with_case(case, |c| {
            may_edit(c, &actor, Edit::LearningPoints).map_err(|r| refusal(&r))
        })?;
        let row = LearningRow {
            id: pid,
            review_id: case.row.id.clone(),
            organisation: case.row.organisation.clone(),
            kind: l.kind.as_str().to_owned(),
            text: l.text.clone(),
            themes: themes.join(","),
            created_by: author,
            created_at: now_utc(),
        };
        Ok(Change {
            history: vec![(
                "learning_added".into(),
                json!({"learning_id": row.id, "kind": row.kind}).to_string(),
            )],
            events: vec!["review.findings_updated".into()],
            learning: Some(row),
            ..Change::default()
        })
    })
    .await?;
    // Answer the point itself (the case's new version is in its ETag).
    let etag_value = response.headers().get(header::ETAG).cloned();
    let point = db::run(&state, move |conn| repo::learning_point(conn, &point_id))
        .await?
        .ok_or_else(|| ApiError::internal("learning point vanished"))?;
    let mut out = HttpResponse::Created();
    if let Some(v) = etag_value {
        out.insert_header((header::ETAG, v));
    }
    Ok(out.json(learning_point(point)))
}

#[cfg(test)]
mod tests {
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
