//! Dashboards of an ICB or a region (API.md: `GET /api/v1/organisations/{code}/dashboard`).

use std::collections::BTreeMap;

use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

use crate::dto::iso_date;

/// The figures of one ICB, or the total of a region's ICBs. Counts are as counted (a dashboard
/// is for the people running the service, not for publication).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct DashboardFigures {
    /// Open reviews (every stage but completed, not eligible and opted out).
    pub open: u64,
    /// Open reviews by stage (every open stage listed, 0 included).
    #[schema(example = json!({"awaiting_allocation": 4, "allocated": 6, "in_review": 12, "awaiting_qa": 3, "awaiting_sign_off": 2, "on_hold": 5, "referred_to_child_death_review": 1}))]
    pub open_by_stage: BTreeMap<String, u64>,
    /// Reviews awaiting allocation notified more than 28 days ago.
    pub unallocated_over_28_days: u64,
    /// Open reviews on LeDeR's clock, not on hold, whose due date (6 months from notification,
    /// extended by the days on hold) is today or within the next 28 days.
    pub due_within_28_days: u64,
    /// Open reviews on LeDeR's clock, not on hold, past that date.
    pub overdue: u64,
    /// Reviews on hold by the reason of the hold (every reason listed, 0 included).
    pub on_hold_by_reason: BTreeMap<String, u64>,
    /// Reviews with a later notification of the same person the lead has not looked at.
    pub duplicates_awaiting_review: u64,
    /// Reviews first allocated in the last 12 months.
    pub allocated_last_12_months: u64,
    /// The median whole days from notification to first allocation, over those (null if none).
    pub median_days_to_allocation: Option<f64>,
    /// LeDeR reviews completed in the last 12 months (Child Death Review cases are not timed).
    pub completed_last_12_months: u64,
    /// The median days from notification to completion, over those (null if none).
    pub median_days_to_completion: Option<f64>,
}

/// One ICB's row of a dashboard.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DashboardRow {
    /// The ICB's ODS code.
    #[schema(example = "QOP")]
    pub organisation: String,
    /// Its name.
    #[schema(example = "NHS Greater Manchester Integrated Care Board")]
    pub name: String,
    /// Its figures.
    #[serde(flatten)]
    pub figures: DashboardFigures,
}

/// The dashboard of an ICB (one row) or of a region (one row per ICB of the region today).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    /// The ICB or region asked for.
    #[schema(example = "Y62")]
    pub organisation: String,
    /// `icb` or `region`.
    #[schema(example = "region")]
    pub kind: &'static str,
    /// The day in England the figures are for.
    #[serde(with = "iso_date")]
    pub as_of: Date,
    /// The first day of the 12-month window of the medians.
    #[serde(with = "iso_date")]
    pub window_from: Date,
    /// One row per ICB, by code.
    pub icbs: Vec<DashboardRow>,
    /// Every count summed over the rows; the medians over all their reviews together.
    pub total: DashboardFigures,
}
