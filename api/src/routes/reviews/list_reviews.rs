//! `GET /reviews`: the caller's cases, a page at a time.

use actix_web::{HttpRequest, get, web};
use leder_domain::NhsNumber;
use leder_domain::audit::AuditAction;
use leder_domain::review_type::ReviewType;
use leder_domain::workflow::Stage;
use leder_persistence::repo::reviews::{CaseScope, ReviewFilter};
use serde::Deserialize;
use time::Date;
use utoipa::IntoParams;

use crate::app::reviews::{JudgedHere, audit_reads};
use crate::audit::RequestInfo;
use crate::audit::refusals::OutOfScope;
use crate::auth::Caller;
use crate::cases::{render, scope_of};
use crate::clock::today_in_england;
use crate::dto::reviews::ReviewPage;
use crate::dto::wire;
use crate::error::ApiError;
use crate::extract::query::encode_cursor;
use crate::extract::{Listed, Page};
use crate::state::AppState;

/// The filters of the review list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    /// A notification's reference (a duplicate's reference finds the case it was linked to).
    reference: Option<String>,
    /// Stage, e.g. `awaiting_allocation`.
    #[param(schema_with = wire::schema::named::<Stage>)]
    #[serde(default, with = "wire::option")]
    status: Option<Stage>,
    /// The responsible ICB (its ODS code).
    organisation: Option<String>,
    /// The allocated reviewer.
    reviewer_id: Option<String>,
    /// Only overdue (true) or not overdue (false) cases.
    overdue: Option<bool>,
    /// `initial` or `focused`.
    #[param(schema_with = wire::schema::named::<ReviewType>)]
    #[serde(default, with = "wire::option")]
    review_type: Option<ReviewType>,
    /// Notified on or after (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, deserialize_with = "crate::extract::query::date")]
    notified_from: Option<Date>,
    /// Notified on or before (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, deserialize_with = "crate::extract::query::date")]
    notified_to: Option<Date>,
    /// Search by NHS number: its ten digits, written with any spaces or hyphens
    /// (`943 476 5919`, `943-476-5919`); not ten digits: 400; a check digit that fails: 422.
    #[param(pattern = "^[ -]*([0-9][ -]*){10}$", example = "943 476 5919")]
    nhs_number: Option<String>,
    /// Search by names and date of birth: the family name, compared without case (needs
    /// `date_of_birth`, else 422).
    #[param(min_length = 1, max_length = 100)]
    family_name: Option<String>,
    /// With `family_name` or alone with `date_of_birth`: the given name, compared without case
    /// (needs `date_of_birth`, else 422).
    #[param(min_length = 1, max_length = 100)]
    given_name: Option<String>,
    /// Search by date of birth (YYYY-MM-DD), alone or with the names.
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, deserialize_with = "crate::extract::query::date")]
    date_of_birth: Option<Date>,
}

/// The search's NHS number as ten digits, and what the list judges beyond SQL.
fn search_of(f: &ListFilters) -> Result<(Option<String>, JudgedHere), ApiError> {
    let nhs_number = f
        .nhs_number
        .as_deref()
        .map(|n| NhsNumber::parse(&n.replace('-', " ")))
        .transpose()
        .map_err(|e| match e.code() {
            // Not ten digits: the parameter is malformed (its pattern says so).
            "invalid_character" | "invalid_length" => {
                ApiError::bad_field("nhs_number", e.code(), e.to_string())
            }
            _ => ApiError::invalid_field("nhs_number", e.code(), e.to_string()),
        })?
        .map(|n| n.digits());
    for (field, name) in [
        ("family_name", &f.family_name),
        ("given_name", &f.given_name),
    ] {
        if name
            .as_ref()
            .is_some_and(|n| n.is_empty() || n.chars().count() > 100)
        {
            return Err(ApiError::bad_field(
                field,
                "length",
                "must have 1 to 100 characters",
            ));
        }
    }
    let named = f.family_name.is_some() || f.given_name.is_some();
    if named && f.date_of_birth.is_none() {
        return Err(ApiError::invalid_field(
            "date_of_birth",
            "date_of_birth_required",
            "a search by name needs the date of birth too",
        ));
    }
    let judged = JudgedHere {
        overdue: f.overdue,
        family_name: f.family_name.clone(),
        given_name: f.given_name.clone(),
    };
    Ok((nhs_number, judged))
}

/// List and search cases
///
/// The caller's cases (a lead, QA panel member or integration client: every case of the ICB; a
/// reviewer: the cases allocated to them), oldest notification first. Searches stay within
/// that scope (another ICB's case is simply not found): by `reference` (a duplicate's reference
/// finds its case), by `nhs_number` (any spacing or hyphens), or by `family_name` and/or
/// `given_name` with `date_of_birth` (names compared without case). Every case returned is
/// audited as read.
#[utoipa::path(
    tag = "reviews",
    operation_id = "list_reviews",
    security(("bearer" = [])),
    params(ListFilters, Page),
    responses(
        (status = 200, description = "A page of cases", body = ReviewPage),
        crate::error::sets::ListErrors,
        (status = 422, response = crate::error::Unprocessable),
    )
)]
#[get("/reviews")]
pub async fn list_reviews(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    req: HttpRequest,
    query: Listed<ListFilters>,
) -> Result<web::Json<ReviewPage>, ApiError> {
    let scope = scope_of(&caller)?;
    let Listed { filter: f, page } = query;
    let (nhs_number, judged) = search_of(&f)?;
    // A filter outside the caller's scope finds nothing, and is audited as a refused attempt.
    if let Some(other) = outside_scope(&scope, f.organisation.as_deref(), f.reviewer_id.as_deref())
    {
        OutOfScope::mark(&req, other);
    }
    let filter = ReviewFilter {
        reference: f.reference,
        status: f.status.map(|s| s.as_str().to_owned()),
        organisation: f.organisation.map(|o| o.to_ascii_uppercase()),
        reviewer_id: f.reviewer_id,
        review_type: f.review_type.map(|t| t.as_str().to_owned()),
        notified_from: f.notified_from,
        notified_to: f.notified_to,
        nhs_number,
        date_of_birth: f.date_of_birth,
        after: page.after()?,
    };
    let (items, last) =
        crate::app::reviews::list(&state, scope, filter, judged, page.size()).await?;
    let today = today_in_england();
    let items: Vec<_> = items.iter().map(|r| render(r, today)).collect();
    let next_cursor = last.map(|key| encode_cursor(&key));
    let read: Vec<(String, String)> = items
        .iter()
        .map(|r| (r.id.clone(), r.organisation.clone()))
        .collect();
    audit_reads(&state, &caller, &info, AuditAction::Read, &read).await?;
    Ok(web::Json(ReviewPage { items, next_cursor }))
}

/// The subject a list's filters try outside `scope`: another ICB, or (for a reviewer, who sees
/// only their own cases) another reviewer.
fn outside_scope(
    scope: &CaseScope,
    organisation: Option<&str>,
    reviewer_id: Option<&str>,
) -> Option<String> {
    let (own, me): (&[String], _) = match scope {
        CaseScope::Icb(own) => (std::slice::from_ref(own), None),
        CaseScope::Reviewer {
            organisation,
            user_id,
        } => (std::slice::from_ref(organisation), Some(user_id)),
        CaseScope::Region { icbs, .. } => (icbs, None),
    };
    if let Some(code) = organisation.filter(|o| !own.iter().any(|c| o.eq_ignore_ascii_case(c))) {
        return Some(format!("organisation:{}", code.to_ascii_uppercase()));
    }
    match (me, reviewer_id) {
        (Some(me), Some(other)) if other != me => Some(format!("user:{other}")),
        _ => None,
    }
}
