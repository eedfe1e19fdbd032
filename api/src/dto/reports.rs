//! The body of an ICB's annual report (API.md, "Learning into action"). Every count is a
//! number, or null where the publishable form suppresses it (named in `suppressed`).

use std::collections::BTreeMap;

use serde::Serialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use leder_domain::action_plan::ActionStatus;

use super::{iso_date, wire};

/// A count, or null when suppressed.
pub type Count = Option<u64>;

/// The dates a report covers, both included.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportPeriod {
    /// 1 April of `year` (the quarter's first day for a quarterly report).
    #[serde(with = "iso_date")]
    pub start: Date,
    /// 31 March of the next year (the quarter's last day for a quarterly report).
    #[serde(with = "iso_date")]
    pub end: Date,
}

/// Time to completion of the LeDeR reviews completed in the year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Completions {
    /// LeDeR reviews completed in the year (by completion date).
    pub reviews_completed: Count,
    /// Child Death Review outcomes received in the year (cases completed by the CDR route).
    pub child_death_review_outcomes: Count,
    /// Median days from notification to completion (even counts: the mean of the middle two).
    pub median_days_to_completion: Option<f64>,
    /// Completed within 6 calendar months of notification.
    pub completed_within_6_months: Count,
    /// Completed within 6 months once the days on hold are added to the target.
    pub completed_within_6_months_net_of_holds: Count,
    /// `completed_within_6_months / reviews_completed`.
    pub share_within_6_months: Option<f64>,
    /// `completed_within_6_months_net_of_holds / reviews_completed`.
    pub share_within_6_months_net_of_holds: Option<f64>,
}

/// A theme and how many learning points carry it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportTheme {
    /// Theme code.
    pub theme: String,
    /// Its label.
    pub label: String,
    /// Learning points of the year's completed reviews tagged with it.
    pub count: Count,
}

/// An action past its due date and still open.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OverdueAction {
    /// Id.
    pub id: String,
    /// What will be done.
    pub title: String,
    /// Who is responsible.
    pub owner: String,
    /// When it was due.
    #[serde(with = "iso_date")]
    pub due_date: Date,
    /// `planned` or `in_progress`.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<ActionStatus>)]
    pub status: ActionStatus,
}

/// The ICB's actions and their progress.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActionProgress {
    /// Actions due or created in the year, by status (actions count plans, not people, so
    /// they are never suppressed).
    pub by_status: BTreeMap<String, u64>,
    /// Those still open past their due date (today in England).
    pub overdue: Vec<OverdueAction>,
}

/// An underlying cause among the leading ones of the period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportCause {
    /// The 3-character ICD-10 category (4 characters under a placeholder category: U07.1
    /// "COVID-19, virus identified").
    #[schema(example = "J18")]
    pub icd10: String,
    /// Its WHO 2019 title.
    #[schema(example = "Pneumonia, organism unspecified")]
    pub name: &'static str,
    /// Reviews completed in the period with it as the underlying cause.
    pub deaths: Count,
}

/// Avoidable deaths (ONS 2020: under 75, cause on the preventable or treatable list; a cause
/// on both counts 0.5 to each), each review under the list version it was assessed with.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Avoidable {
    /// Avoidable.
    pub avoidable: Option<f64>,
    /// Preventable.
    pub preventable: Option<f64>,
    /// Treatable.
    pub treatable: Option<f64>,
}

/// The deaths whose reviews were completed in the period (LeDeR and Child Death Review
/// routes), as ICBs publish them. Every map lists each group, 0 included, and `not_known`
/// where the review records no value.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Deaths {
    /// Reviews completed in the period.
    pub reviews: Count,
    /// By age band at death.
    pub by_age_band: BTreeMap<String, Count>,
    /// By sex.
    pub by_sex: BTreeMap<String, Count>,
    /// By ethnic group (2001 census groups).
    pub by_ethnic_group: BTreeMap<String, Count>,
    /// By place of death (the review form's, else as notified).
    pub by_place_of_death: BTreeMap<String, Count>,
    /// The 10 leading underlying causes, most deaths first.
    pub leading_causes: Vec<ReportCause>,
    /// Avoidable deaths.
    pub avoidable: Avoidable,
    /// LeDeR reviews by quality-of-care grade, `"1"` to `"6"`.
    pub care_grades: BTreeMap<String, Count>,
}

/// An ICB's annual report for a financial year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnnualReport {
    /// The ICB.
    pub organisation: String,
    /// The financial year, named by the year it starts.
    pub year: i32,
    /// The quarter of the financial year (1: April to June … 4: January to March), or null for
    /// the whole year.
    #[schema(minimum = 1, maximum = 4)]
    pub quarter: Option<u8>,
    /// Its dates.
    pub period: ReportPeriod,
    /// Whether small numbers were suppressed for publication.
    pub publishable: bool,
    /// When the figures were read.
    #[serde(with = "time::serde::rfc3339")]
    pub extracted_at: OffsetDateTime,
    /// What each figure counts.
    pub definitions: BTreeMap<String, String>,
    /// Deaths notified in the year (by notification date).
    pub notifications: Count,
    /// Eligibility outcomes of the deaths notified in the year.
    pub eligibility_outcomes: BTreeMap<String, Count>,
    /// Review types of the deaths notified in the year.
    pub review_types: BTreeMap<String, Count>,
    /// Focused reviews of the deaths notified in the year, by reason (a review may have several).
    pub focused_reviews_by_reason: BTreeMap<String, Count>,
    /// Time to completion.
    pub completions: Completions,
    /// Reviews on hold at any time in the year, by reason.
    pub reviews_on_hold_by_reason: BTreeMap<String, Count>,
    /// The deaths whose reviews were completed in the period.
    pub deaths: Deaths,
    /// The ten most frequent themes of the year's learning, most frequent first.
    pub top_themes: Vec<ReportTheme>,
    /// The service-improvement plan.
    pub actions: ActionProgress,
    /// Figures withheld by the disclosure rule (paths in this body).
    pub suppressed: Vec<String>,
}

/// A date as `YYYY-MM-DD`.
pub fn ymd(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}
