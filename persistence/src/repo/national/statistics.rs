//! The grouped counts behind the national statistics.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use leder_domain::avoidable::AVOIDABLE_AGE_LIMIT;
use leder_domain::breakdown::{Breakdown, LEVEL_NOT_RECORDED};

use leder_domain::review_form::{FORM_2_YES_NO, FormVersion};

use super::{
    Selection, age_band_sql, cohort_sql, ethnic_group_sql, form_yes_no_sql, load,
    within_six_months_net_sql, within_six_months_sql,
};
use crate::connection::DbConnection;
use crate::error::PersistenceError;

/// The group's key of a breakdown as an SQL expression (`''` where the value is not recorded;
/// regions are counted by ICB, which the API maps to its region).
fn column(by: Option<Breakdown>) -> String {
    match by {
        Some(Breakdown::Cohort) => cohort_sql(),
        Some(Breakdown::LearningDisabilityLevel) => {
            format!("COALESCE(learning_disability_level, '{LEVEL_NOT_RECORDED}')")
        }
        None => "CAST('' AS TEXT)".to_owned(),
        Some(Breakdown::Sex) => "COALESCE(sex, '')".to_owned(),
        Some(Breakdown::EthnicGroup) => format!("COALESCE({}, '')", ethnic_group_sql()),
        Some(Breakdown::AgeBand) => format!("COALESCE({}, '')", age_band_sql()),
        Some(Breakdown::Organisation | Breakdown::Region) => "organisation".to_owned(),
    }
}

/// Deaths by group and age at death.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct AgeCount {
    /// The group's raw key.
    #[diesel(sql_type = Text)]
    pub grp: String,
    /// Age at death.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub age: Option<i64>,
    /// Deaths.
    #[diesel(sql_type = BigInt)]
    pub deaths: i64,
}

/// Deaths by group, underlying cause, whether the person died under the avoidable age limit,
/// and the list version the review was assessed with (each is classified under its own).
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct CauseCount {
    /// The group's raw key.
    #[diesel(sql_type = Text)]
    pub grp: String,
    /// Underlying cause (ICD-10), if recorded.
    #[diesel(sql_type = Nullable<Text>)]
    pub icd10: Option<String>,
    /// 1 when the age at death is under the limit (75), else 0.
    #[diesel(sql_type = BigInt)]
    pub under_limit: i64,
    /// The avoidable-mortality list version the reviews were assessed with.
    #[diesel(sql_type = Text)]
    pub list_version: String,
    /// Deaths.
    #[diesel(sql_type = BigInt)]
    pub deaths: i64,
}

/// Reviews by group and care grade.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct GradeCount {
    /// The group's raw key.
    #[diesel(sql_type = Text)]
    pub grp: String,
    /// Care grade, if recorded.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub grade: Option<i64>,
    /// Reviews.
    #[diesel(sql_type = BigInt)]
    pub deaths: i64,
}

/// Completed LeDeR-route reviews by group, and how many were completed within 6 months of
/// notification, as such and net of holds. Child Death Review cases are not counted: their
/// clock belongs to that process (DOMAIN.md, "Time").
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct TimelinessCount {
    /// The group's raw key.
    #[diesel(sql_type = Text)]
    pub grp: String,
    /// Completed reviews.
    #[diesel(sql_type = BigInt)]
    pub completed: i64,
    /// Of which completed within 6 months of notification.
    #[diesel(sql_type = BigInt)]
    pub within: i64,
    /// Of which completed within 6 months of notification once the days on hold are added.
    #[diesel(sql_type = BigInt)]
    pub within_net: i64,
}

/// Reviews on `leder-form-2` (the form that asks them) by group and their answers to the five
/// questions the national reports analyse: `yes`/`no` for the four yes/no questions, the wire
/// name of the COVID-19 vaccination status, each `None` when not recorded.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct FormAnswerCount {
    /// The group's raw key.
    #[diesel(sql_type = Text)]
    pub grp: String,
    /// Referred to the coroner.
    #[diesel(sql_type = Nullable<Text>)]
    pub referred_to_coroner: Option<String>,
    /// A DoLS authorisation in place.
    #[diesel(sql_type = Nullable<Text>)]
    pub dols_authorisation_in_place: Option<String>,
    /// The care package met the person's needs.
    #[diesel(sql_type = Nullable<Text>)]
    pub care_package_met_needs: Option<String>,
    /// An out-of-area placement.
    #[diesel(sql_type = Nullable<Text>)]
    pub out_of_area_placement: Option<String>,
    /// COVID-19 vaccination status.
    #[diesel(sql_type = Nullable<Text>)]
    pub covid_vaccination: Option<String>,
    /// Reviews.
    #[diesel(sql_type = BigInt)]
    pub reviews: i64,
}

impl FormAnswerCount {
    /// The answer to the yes/no question `name` (one of `FORM_2_YES_NO`).
    pub fn yes_no(&self, name: &str) -> Option<&str> {
        match name {
            "referred_to_coroner" => self.referred_to_coroner.as_deref(),
            "dols_authorisation_in_place" => self.dols_authorisation_in_place.as_deref(),
            "care_package_met_needs" => self.care_package_met_needs.as_deref(),
            "out_of_area_placement" => self.out_of_area_placement.as_deref(),
            _ => None,
        }
    }
}

/// The grouped counts behind one statistics response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatisticsCounts {
    /// By age at death.
    pub ages: Vec<AgeCount>,
    /// By underlying cause.
    pub causes: Vec<CauseCount>,
    /// By care grade.
    pub grades: Vec<GradeCount>,
    /// Timeliness.
    pub timeliness: Vec<TimelinessCount>,
    /// The answers of the second form.
    pub form_answers: Vec<FormAnswerCount>,
}

/// The counts for national statistics of `selection` broken down by `breakdown`: five `GROUP
/// BY` queries, none reading an identifying column.
pub fn statistics_counts(
    conn: &mut DbConnection,
    selection: &Selection,
    by: Option<Breakdown>,
) -> Result<StatisticsCounts, PersistenceError> {
    let grp = column(by);
    let condition = selection.condition();
    let ages = load(
        conn,
        &format!(
            "SELECT {grp} AS grp, age_at_death AS age, COUNT(*) AS deaths FROM reviews \
             WHERE {condition} GROUP BY 1, 2"
        ),
    )?;
    let causes = load(
        conn,
        &format!(
            "SELECT {grp} AS grp, underlying_icd10 AS icd10, \
             CAST(CASE WHEN age_at_death < {AVOIDABLE_AGE_LIMIT} THEN 1 ELSE 0 END AS BIGINT) \
             AS under_limit, avoidable_version AS list_version, \
             COUNT(*) AS deaths FROM reviews WHERE {condition} GROUP BY 1, 2, 3, 4"
        ),
    )?;
    let grades = load(
        conn,
        &format!(
            "SELECT {grp} AS grp, care_grade AS grade, COUNT(*) AS deaths FROM reviews \
             WHERE {condition} GROUP BY 1, 2"
        ),
    )?;
    let within = within_six_months_sql(conn);
    let (held, within_net) = within_six_months_net_sql(conn);
    // Only completed reviews on the LeDeR route are timed; the days on hold of each are summed
    // once per review (a review is on one hold at a time, and every hold ends before completion).
    let timeliness = load(
        conn,
        &format!(
            "SELECT {grp} AS grp, COUNT(*) AS completed, \
             COALESCE(SUM(CASE WHEN {within} THEN 1 ELSE 0 END), 0) AS within, \
             COALESCE(SUM(CASE WHEN {within_net} THEN 1 ELSE 0 END), 0) AS within_net \
             FROM reviews LEFT JOIN (SELECT review_id, SUM({held}) AS held FROM review_holds \
             WHERE ended_on IS NOT NULL GROUP BY review_id) h ON h.review_id = reviews.id \
             WHERE {condition} AND status = 'completed' \
             AND eligibility_route = 'leder_review' GROUP BY 1"
        ),
    )?;
    let answers: Vec<String> = FORM_2_YES_NO
        .iter()
        .map(|q| format!("{} AS {q}", form_yes_no_sql(q)))
        .chain(["covid_vaccination".to_owned()])
        .collect();
    let form_1 = FormVersion::LederForm1.as_str();
    let form_answers = load(
        conn,
        &format!(
            "SELECT {grp} AS grp, {}, COUNT(*) AS reviews FROM reviews \
             WHERE {condition} AND form_version <> '{form_1}' GROUP BY 1, 2, 3, 4, 5, 6",
            answers.join(", ")
        ),
    )?;
    Ok(StatisticsCounts {
        ages,
        causes,
        grades,
        timeliness,
        form_answers,
    })
}
