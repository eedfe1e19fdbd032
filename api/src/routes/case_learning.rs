//! `GET /learning`: learning across cases, an ICB's learning points filtered by theme, kind and
//! period, with counts by theme (the use case is [`crate::app::learning`]). The ICB's lead and
//! QA panel.

use actix_web::{get, web};
use leder_domain::review::LearningKind;
use leder_domain::workflow::Role;
use leder_persistence::records::cases::{LearningPoint, Theme};
use leder_persistence::repo::learning::LearningFilter;
use serde::Deserialize;
use time::Date;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::learning;
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::clock::start_of_english_day;
use crate::dto::actions::{CaseLearning, CaseLearningPage, ThemeCount};
use crate::dto::utc;
use crate::error::ApiError;
use crate::extract::{Listed, Page};
use crate::icb_scope::own_icb;
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_case_learning);
}

/// The filters of learning across cases.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LearningFilters {
    /// Only learning points tagged with this theme.
    theme: Option<String>,
    /// Only learning points of this kind.
    #[param(schema_with = crate::dto::wire::schema::named::<LearningKind>)]
    #[serde(default, with = "crate::dto::wire::option")]
    kind: Option<LearningKind>,
    /// Recorded on or after (YYYY-MM-DD, in England).
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, deserialize_with = "crate::extract::query::date")]
    from: Option<Date>,
    /// Recorded on or before (YYYY-MM-DD, in England).
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, deserialize_with = "crate::extract::query::date")]
    to: Option<Date>,
}

/// Learning across the ICB's cases
///
/// The caller's ICB's learning points, oldest first, filtered by theme, kind and the period
/// they were recorded in, with counts by theme over every match. The ICB's lead and QA panel.
#[utoipa::path(
    tag = "actions",
    operation_id = "list_case_learning",
    security(("bearer" = [])),
    params(LearningFilters, Page),
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
    query: Listed<LearningFilters>,
) -> Result<web::Json<CaseLearningPage>, ApiError> {
    let org = own_icb(&caller, &[Role::IcsLead, Role::QaPanel])?;
    let Listed { filter: f, page } = query;
    let from = f.from.map(start_of_english_day).transpose()?;
    let before = match f.to {
        Some(to) => Some(start_of_english_day(to.next_day().unwrap_or(Date::MAX))?),
        None => None,
    };
    let filter = LearningFilter {
        kind: f.kind.map(|k| k.as_str().to_owned()),
        from,
        before,
        theme: f.theme,
    };
    let across = learning::across_cases(&state, &caller, &info, org, filter, &page).await?;
    Ok(web::Json(CaseLearningPage {
        items: across.items.into_iter().map(case_learning).collect(),
        next_cursor: across.next_cursor,
        counts_by_theme: across
            .counts_by_theme
            .into_iter()
            .map(theme_count)
            .collect(),
    }))
}

/// A learning point as the list across cases shows it, with its review's reference.
fn case_learning((l, reference): (LearningPoint, String)) -> CaseLearning {
    CaseLearning {
        id: l.id,
        review_id: l.review_id,
        review_reference: reference,
        kind: l.kind,
        text: l.text,
        themes: l.themes,
        created_at: utc(l.created_at),
    }
}

/// How many matches carry a theme.
fn theme_count((t, count): (Theme, u64)) -> ThemeCount {
    ThemeCount {
        theme: t.code,
        label: t.label,
        count,
    }
}
