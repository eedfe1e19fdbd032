//! `GET /reviews`: the caller's cases, a page at a time.

use actix_web::{get, web};
use leder_domain::review_type::ReviewType;
use leder_domain::workflow::Stage;
use leder_persistence::repo::reviews::ReviewFilter;
use utoipa::IntoParams;

use crate::app::reviews::audit_reads;
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::{render, scope_of, wire};
use crate::clock::today_in_england;
use crate::dto::reviews::ReviewPage;
use crate::error::ApiError;
use crate::extract::{Cursor, QueryParams};
use crate::state::AppState;

/// Query parameters of the review list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "documents the parameters; QueryParams parses them field by field"
)]
struct ListParams {
    /// A notification's reference (a duplicate's reference finds the case it was linked to).
    reference: Option<String>,
    /// Stage, e.g. `awaiting_allocation`.
    #[param(schema_with = stage_names)]
    status: Option<String>,
    /// The responsible ICB.
    organisation: Option<String>,
    /// The allocated reviewer.
    reviewer_id: Option<String>,
    /// Only overdue (true) or not overdue (false) cases.
    overdue: Option<bool>,
    /// `initial` or `focused`.
    #[param(schema_with = review_type_names)]
    review_type: Option<String>,
    /// Notified on or after (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    notified_from: Option<String>,
    /// Notified on or before (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    notified_to: Option<String>,
    /// Page size, 1 to 200 (default 50).
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

fn stage_names() -> utoipa::openapi::Object {
    crate::dto::names_schema(Stage::ALL.iter().map(|s| s.as_str()))
}

fn review_type_names() -> utoipa::openapi::Object {
    crate::dto::names_schema(ReviewType::ALL.iter().map(|t| t.as_str()))
}

/// List cases
///
/// The caller's cases (a lead, QA panel member or integration client: every case of the ICB; a
/// reviewer: the cases allocated to them), oldest notification first.
#[utoipa::path(
    tag = "reviews",
    operation_id = "list_reviews",
    security(("bearer" = [])),
    params(ListParams),
    responses(
        (status = 200, description = "A page of cases", body = ReviewPage),
        crate::error::sets::ListErrors,
    )
)]
#[get("/reviews")]
pub async fn list_reviews(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    query: QueryParams,
) -> Result<web::Json<ReviewPage>, ApiError> {
    let scope = scope_of(&caller)?;
    query.allow_only(&[
        "reference",
        "status",
        "organisation",
        "reviewer_id",
        "overdue",
        "review_type",
        "notified_from",
        "notified_to",
        "limit",
        "cursor",
    ])?;
    let status = query.text("status").map(str::to_owned);
    if let Some(s) = &status
        && wire::<Stage>(s).is_none()
    {
        return Err(ApiError::bad_field(
            "status",
            "invalid_status",
            "not a stage",
        ));
    }
    let review_type = query.text("review_type").map(str::to_owned);
    if review_type
        .as_deref()
        .is_some_and(|t| t != "initial" && t != "focused")
    {
        return Err(ApiError::bad_field(
            "review_type",
            "invalid_review_type",
            "must be initial or focused",
        ));
    }
    let overdue = query.parsed::<bool>("overdue", "invalid_boolean", "must be true or false")?;
    let limit = query.limit()?;
    let after = query.text("cursor").map(Cursor::instant_of).transpose()?;
    let filter = ReviewFilter {
        reference: query.text("reference").map(str::to_owned),
        status,
        organisation: query.text("organisation").map(str::to_ascii_uppercase),
        reviewer_id: query.text("reviewer_id").map(str::to_owned),
        review_type,
        notified_from: query.date("notified_from")?,
        notified_to: query.date("notified_to")?,
        after,
    };
    let (page, last) = crate::app::reviews::list(&state, scope, filter, overdue, limit).await?;
    let today = today_in_england();
    let items: Vec<_> = page.iter().map(|r| render(r, today)).collect();
    let next_cursor = last.map(|(at, id)| Cursor::after_instant(at, &id));
    let read: Vec<(String, String)> = items
        .iter()
        .map(|r| (r.id.clone(), r.organisation.clone()))
        .collect();
    audit_reads(&state, &caller, &info, "read", &read).await?;
    Ok(web::Json(ReviewPage { items, next_cursor }))
}
