//! `GET /themes`: the theme taxonomy.

use actix_web::{get, web};
use leder_persistence::repo::reviews::{self as repo};

use crate::db;
use crate::dto::reviews::{Theme, ThemeList};
use crate::error::ApiError;
use crate::state::AppState;

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
