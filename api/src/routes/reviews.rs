//! Reading cases. Every read goes through the caller's case scope (a case outside it answers
//! 404, exactly like a missing one) and is audited before the answer leaves.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use leder_domain::review_type::ReviewType;
use leder_domain::workflow::Stage;
use leder_persistence::repo::review_store;
use leder_persistence::repo::reviews::{self as repo, ReviewFilter};
use time::PrimitiveDateTime;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::{is_overdue, render, scope_of, split, wire};
use crate::clock::today_in_england;
use crate::db;
use crate::dto::etag;
use crate::dto::reviews::{
    History, HistoryEntry, LearningList, LearningPoint, ReviewPage, Theme, ThemeList,
};
use crate::dto::utc;
use crate::error::ApiError;
use crate::extract::{Cursor, QueryParams};
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_reviews)
        .service(get_review)
        .service(review_history)
        .service(list_learning)
        .service(list_themes);
}

const MICROS: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]"
);

/// Records that the caller read these cases, and waits until it is committed.
pub async fn audit_reads(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    action: &str,
    reviews: &[(String, String)],
) -> Result<(), ApiError> {
    let waits = reviews.iter().map(|(id, org)| {
        let mut entry = caller.audit_entry(info, action, "success");
        entry.subject = Some(format!("review:{id}"));
        entry.subject_organisation = Some(org.clone());
        state.audit.record(entry)
    });
    for result in futures_util::future::join_all(waits).await {
        result?;
    }
    Ok(())
}

pub use crate::app::reviews::load;

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
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 503, response = crate::error::ServiceUnavailable),
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
    let after = match query.text("cursor") {
        None => None,
        Some(c) => {
            let parts = Cursor::decode(c, 2)?;
            let at = PrimitiveDateTime::parse(&parts[0], MICROS).map_err(|_| {
                ApiError::bad_field(
                    "cursor",
                    "invalid_cursor",
                    "not a cursor this list gave out",
                )
            })?;
            Some((at, parts[1].clone()))
        }
    };
    let mut filter = ReviewFilter {
        reference: query.text("reference").map(str::to_owned),
        status,
        organisation: query.text("organisation").map(str::to_ascii_uppercase),
        reviewer_id: query.text("reviewer_id").map(str::to_owned),
        review_type,
        notified_from: query.date("notified_from")?,
        notified_to: query.date("notified_to")?,
        after,
    };
    let today = today_in_england();
    // `overdue` depends on today and on holds, so it is judged here over bounded pages.
    let mut items = Vec::new();
    let mut next_cursor = None;
    loop {
        let f = filter.clone();
        let s = scope.clone();
        let page = db::run(&state, move |conn| {
            let rows = repo::list(conn, &s, &f, limit + 1)?;
            review_store::reviews_of_rows(conn, rows)
        })
        .await?;
        let more = page.len() as i64 > limit;
        let mut last = None;
        for review in page
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
        {
            last = Some((review.notified_at, review.id.clone()));
            if overdue.is_none_or(|want| is_overdue(&review, today) == want) {
                items.push(render(&review, today));
                if items.len() as i64 == limit {
                    break;
                }
            }
        }
        if items.len() as i64 == limit || !more {
            if more || items.len() as i64 == limit {
                next_cursor = last
                    .as_ref()
                    .map(|(at, id)| Cursor::encode(&[&at.format(MICROS).unwrap_or_default(), id]));
            }
            break;
        }
        filter.after = last;
    }
    let read: Vec<(String, String)> = items
        .iter()
        .map(|r| (r.id.clone(), r.organisation.clone()))
        .collect();
    audit_reads(&state, &caller, &info, "read", &read).await?;
    Ok(web::Json(ReviewPage { items, next_cursor }))
}

/// Get a case
///
/// With its `ETag` (the stored version) for later updates.
#[utoipa::path(
    tag = "reviews",
    operation_id = "get_review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    responses(
        (status = 200, description = "The case", body = crate::dto::reviews::Review, headers(("ETag" = String))),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 404, response = crate::error::NotFound),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/reviews/{id}")]
pub async fn get_review(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let case = load(&state, &caller, id.into_inner()).await?;
    audit_reads(
        &state,
        &caller,
        &info,
        "read",
        &[(case.id.clone(), case.organisation.as_str().to_owned())],
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(case.version)))
        .json(render(&case, today_in_england())))
}

/// A case's history
///
/// Every stage change and edit, who and when, oldest first.
#[utoipa::path(
    tag = "reviews",
    operation_id = "review_history",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    responses(
        (status = 200, description = "The history", body = History),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 404, response = crate::error::NotFound),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/reviews/{id}/history")]
pub async fn review_history(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<web::Json<History>, ApiError> {
    let case = load(&state, &caller, id.into_inner()).await?;
    let review_id = case.id.clone();
    let rows = db::run(&state, move |conn| repo::history(conn, &review_id)).await?;
    audit_reads(
        &state,
        &caller,
        &info,
        "read_history",
        &[(case.id.clone(), case.organisation.as_str().to_owned())],
    )
    .await?;
    Ok(web::Json(History {
        items: rows
            .into_iter()
            .map(|h| HistoryEntry {
                id: h.id,
                occurred_at: utc(h.occurred_at),
                actor_id: h.actor_id,
                action: h.action,
                from_status: h.from_status,
                to_status: h.to_status,
                detail: serde_json::from_str(&h.detail).unwrap_or(serde_json::Value::Null),
            })
            .collect(),
    }))
}

/// A case's learning points
#[utoipa::path(
    tag = "reviews",
    operation_id = "list_learning",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    responses(
        (status = 200, description = "Learning points, oldest first", body = LearningList),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 404, response = crate::error::NotFound),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/reviews/{id}/learning")]
pub async fn list_learning(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<web::Json<LearningList>, ApiError> {
    let case = load(&state, &caller, id.into_inner()).await?;
    let review_id = case.id.clone();
    let rows = db::run(&state, move |conn| repo::learning(conn, &review_id)).await?;
    audit_reads(
        &state,
        &caller,
        &info,
        "read_learning",
        &[(case.id.clone(), case.organisation.as_str().to_owned())],
    )
    .await?;
    Ok(web::Json(LearningList {
        items: rows.into_iter().map(learning_point).collect(),
    }))
}

/// A stored learning point as the API shows it.
pub fn learning_point(l: leder_persistence::rows::cases::LearningRow) -> LearningPoint {
    LearningPoint {
        themes: split(&l.themes),
        id: l.id,
        review_id: l.review_id,
        text: l.text,
        kind: l.kind,
        created_by: l.created_by,
        created_at: utc(l.created_at),
    }
}

/// The theme taxonomy
///
/// The themes learning points are tagged with (public).
#[utoipa::path(
    tag = "reviews",
    operation_id = "list_themes",
    responses(
        (status = 200, description = "Themes in display order", body = ThemeList),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[get("/themes")]
pub async fn list_themes(state: web::Data<AppState>) -> Result<web::Json<ThemeList>, ApiError> {
    let rows = db::run(&state, repo::themes).await?;
    Ok(web::Json(ThemeList {
        items: rows
            .into_iter()
            .map(|t| Theme {
                code: t.code,
                label: t.label,
            })
            .collect(),
    }))
}
