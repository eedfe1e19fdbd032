//! An ICB's annual report: its rows for the financial year read in one go, then computed with
//! small numbers withheld when it is to be published (`crate::annual_report`).

use leder_domain::time_targets::Period;
use leder_persistence::repo::reports as repo;
use leder_persistence::repo::reviews as reviews_repo;

use crate::annual_report::{ReportContext, compute};
use crate::clock::{start_of_english_day, today_in_england};
use crate::db;
use crate::dto::reports::AnnualReport;
use crate::error::ApiError;
use crate::state::AppState;

/// The annual report of ICB `organisation` for the financial year starting in `year` (400
/// naming `year` when it has no financial year), or for one quarter of it.
pub async fn annual(
    state: &AppState,
    organisation: String,
    year: i32,
    quarter: Option<u8>,
    publishable: bool,
) -> Result<AnnualReport, ApiError> {
    let period = match quarter {
        None => Period::financial_year(year),
        Some(q) => Period::financial_quarter(year, q),
    }
    .map_err(|e| ApiError::bad_field("year", e.code(), e.to_string()))?;
    let created_from = start_of_english_day(period.start())?;
    let created_before = start_of_english_day(period.end().next_day().unwrap_or(period.end()))?;
    let lookup = organisation.clone();
    let (rows, themes) = db::run(state, move |conn| {
        let rows = repo::annual_rows(
            conn,
            &lookup,
            period.start(),
            period.end(),
            created_from,
            created_before,
        )?;
        Ok((rows, reviews_repo::themes(conn)?))
    })
    .await?;
    let ctx = ReportContext {
        organisation,
        year,
        quarter,
        period,
        today: today_in_england(),
        publishable,
        themes,
    };
    Ok(compute(&ctx, &rows)?)
}
