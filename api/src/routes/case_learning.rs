//! `GET /learning`: learning across cases, an ICB's learning points filtered by theme, kind and
//! period, with counts by theme (the use case is [`crate::app::learning`]). The ICB's lead and
//! QA panel.

use actix_web::{get, web};
use leder_domain::workflow::Role;
use leder_persistence::repo::learning::LearningFilter;
use time::{Date, PrimitiveDateTime};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::learning;
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::dto::actions::{CaseLearning, CaseLearningPage, ThemeCount};
use crate::dto::utc;
use crate::error::ApiError;
use crate::extract::{Cursor, QueryParams};
use crate::icb_scope::own_icb;
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_case_learning);
}

/// The UTC instant a day begins in England (midnight, Europe/London).
pub fn start_of_english_day(day: Date) -> Result<PrimitiveDateTime, ApiError> {
    let civil = jiff::civil::date(
        i16::try_from(day.year()).map_err(ApiError::internal)?,
        i8::try_from(u8::from(day.month())).map_err(ApiError::internal)?,
        i8::try_from(day.day()).map_err(ApiError::internal)?,
    );
    let tz = jiff::tz::TimeZone::get("Europe/London").map_err(ApiError::internal)?;
    let seconds = tz
        .to_timestamp(civil.at(0, 0, 0, 0))
        .map_err(ApiError::internal)?
        .as_second();
    let at = time::OffsetDateTime::from_unix_timestamp(seconds).map_err(ApiError::internal)?;
    Ok(PrimitiveDateTime::new(at.date(), at.time()))
}

/// Query parameters of learning across cases.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "documents the parameters; QueryParams parses them field by field"
)]
struct ListParams {
    /// Only learning points tagged with this theme.
    theme: Option<String>,
    /// `learning`, `good_practice` or `concern`.
    #[param(value_type = Option<crate::dto::reviews::LearningKind>)]
    kind: Option<String>,
    /// Recorded on or after (YYYY-MM-DD, in England).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// Recorded on or before (YYYY-MM-DD, in England).
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
    /// Page size, 1 to 200 (default 50).
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Learning across the ICB's cases
///
/// The caller's ICB's learning points, oldest first, filtered by theme, kind and the period
/// they were recorded in, with counts by theme over every match. The ICB's lead and QA panel.
#[utoipa::path(
    tag = "actions",
    operation_id = "list_case_learning",
    security(("bearer" = [])),
    params(ListParams),
    responses(
        (status = 200, description = "Learning points and counts by theme", body = CaseLearningPage),
        crate::error::sets::ListErrors,
    )
)]
#[get("/learning")]
pub async fn list_case_learning(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    query: QueryParams,
) -> Result<web::Json<CaseLearningPage>, ApiError> {
    let org = own_icb(&caller, &[Role::IcsLead, Role::QaPanel])?;
    query.allow_only(&["theme", "kind", "from", "to", "limit", "cursor"])?;
    let kind = query.text("kind").map(str::to_owned);
    if kind
        .as_deref()
        .is_some_and(|k| !matches!(k, "learning" | "good_practice" | "concern"))
    {
        return Err(ApiError::bad_field(
            "kind",
            "invalid_kind",
            "must be learning, good_practice or concern",
        ));
    }
    let from = query.date("from")?.map(start_of_english_day).transpose()?;
    let before = match query.date("to")? {
        Some(to) => Some(start_of_english_day(to.next_day().unwrap_or(Date::MAX))?),
        None => None,
    };
    let theme = query.text("theme").map(str::to_owned);
    let limit = usize::try_from(query.limit()?).unwrap_or(50);
    let after = query
        .text("cursor")
        .map(|c| Cursor::decode(c, 1))
        .transpose()?
        .and_then(|mut p| p.pop());
    let filter = LearningFilter {
        kind,
        from,
        before,
        theme,
    };
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let page = learning::across_cases(&state, &caller, &info, org, filter, after, limit).await?;
    Ok(web::Json(CaseLearningPage {
        items: page
            .items
            .into_iter()
            .map(|(l, reference)| CaseLearning {
                id: l.point.id,
                review_id: l.point.review_id,
                review_reference: reference,
                kind: l.point.kind,
                text: l.point.text,
                themes: l.themes,
                created_at: utc(l.point.created_at),
            })
            .collect(),
        next_cursor: page.next_after.map(|id| Cursor::encode(&[&id])),
        counts_by_theme: page
            .counts_by_theme
            .into_iter()
            .map(|(t, count)| ThemeCount {
                theme: t.code,
                label: t.label,
                count,
            })
            .collect(),
    }))
}
