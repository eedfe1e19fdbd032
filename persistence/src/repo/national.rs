//! Reads for the national outputs (DOMAIN.md, "Publishing anonymised data"): the class sizes and
//! keyset-paged chunks of the row-level extract, and the `GROUP BY` counts behind the national
//! statistics. Nothing here decides what is published; the API applies `domain::disclosure`.
//!
//! The class sizes and statistics are grouped in SQL on both engines. Where the engines spell
//! an expression differently (the quarter of a date, six calendar months after a date) the SQL
//! is written once per engine; age bands and ethnic groups are generated from the domain's own
//! tables, so the rule still lives in one place.

mod extract;
mod statistics;

pub use extract::{ClassSize, ExtractSource, class_sizes, sources_after};
pub use statistics::{
    AgeCount, CauseCount, FormAnswerCount, GradeCount, StatisticsCounts, TimelinessCount,
    statistics_counts,
};

use diesel::{QueryableByName, RunQueryDsl};
use leder_domain::{AgeBand, Cohort, EthnicCategory};

use crate::connection::DbConnection;
use crate::error::PersistenceError;

/// Which reviews an output covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    /// Deaths in this calendar year only (every year when `None`).
    pub year: Option<i32>,
    /// Open eligible reviews as well as completed ones.
    pub include_open: bool,
    /// One cohort only (every cohort when `None`).
    pub cohort: Option<Cohort>,
    /// Real reviews only: synthetic (demonstration) reviews are never counted while a real one
    /// exists (DOMAIN.md, "Cohorts"); see [`Selection::counting`].
    pub real_only: bool,
}

impl Selection {
    /// A selection that leaves synthetic reviews out whenever the database holds a real one,
    /// so a demonstration database still shows figures and a real one never mixes them in.
    pub fn counting(
        conn: &mut DbConnection,
        year: Option<i32>,
        include_open: bool,
        cohort: Option<Cohort>,
    ) -> Result<Self, PersistenceError> {
        Ok(Self {
            year,
            include_open,
            cohort,
            real_only: crate::repo::seed::has_real_cases(conn)?,
        })
    }

    /// The SQL condition (no user text is ever formatted into it: the year is a number, the
    /// cohort a fixed expression).
    fn condition(&self) -> String {
        let mut sql = String::from("eligibility_outcome = 'eligible'");
        if !self.include_open {
            sql.push_str(" AND status = 'completed'");
        }
        if let Some(year) = self.year {
            sql.push_str(&format!(" AND year_of_death = {year}"));
        }
        if let Some(cohort) = self.cohort {
            sql.push_str(&format!(" AND {}", cohort_condition(cohort)));
        }
        if self.real_only {
            sql.push_str(" AND synthetic = FALSE");
        }
        sql
    }
}

/// The SQL condition of one cohort, as `Cohort::of` decides it from the route and the person.
fn cohort_condition(cohort: Cohort) -> &'static str {
    match cohort {
        Cohort::AdultsLd => "(eligibility_route = 'leder_review' AND learning_disability = TRUE)",
        Cohort::ChildrenLd => "(eligibility_route = 'child_death_review')",
        Cohort::AutisticAdults => {
            "(eligibility_route = 'leder_review' AND COALESCE(learning_disability, FALSE) = FALSE \
             AND autistic = TRUE)"
        }
    }
}

/// `CASE` giving a review's cohort wire name (`''` for none), from [`cohort_condition`].
fn cohort_sql() -> String {
    let mut sql = String::from("CASE");
    for cohort in Cohort::ALL {
        sql.push_str(&format!(
            " WHEN {} THEN '{}'",
            cohort_condition(*cohort),
            cohort.as_str()
        ));
    }
    sql.push_str(" ELSE '' END");
    sql
}

/// `CASE` over `age_at_death` giving the age band's wire name, generated from [`AgeBand::of`].
fn age_band_sql() -> String {
    let mut sql = String::from("CASE");
    let mut start = 0u32;
    let mut current = AgeBand::of(0);
    for age in 1..=200u32 {
        let band = AgeBand::of(age);
        if band != current {
            if let Some(band) = current {
                sql.push_str(&format!(
                    " WHEN age_at_death BETWEEN {start} AND {} THEN '{}'",
                    age - 1,
                    band.as_str()
                ));
            }
            start = age;
            current = band;
        }
    }
    if let Some(band) = current {
        sql.push_str(&format!(
            " WHEN age_at_death >= {start} THEN '{}'",
            band.as_str()
        ));
    }
    sql.push_str(" END");
    sql
}

/// `CASE` over `ethnic_category` giving the ethnic group's wire name, from the domain's table.
fn ethnic_group_sql() -> String {
    let mut sql = String::from("CASE ethnic_category");
    for category in EthnicCategory::all() {
        sql.push_str(&format!(
            " WHEN '{}' THEN '{}'",
            category.code(),
            category.group().as_str()
        ));
    }
    sql.push_str(" END");
    sql
}

/// The calendar quarter of `date_of_death`, 1 to 4.
fn quarter_sql(conn: &DbConnection) -> &'static str {
    match conn {
        DbConnection::Sqlite(_) => "(CAST(strftime('%m', date_of_death) AS INTEGER) + 2) / 3",
        DbConnection::Postgresql(_) => "CAST(EXTRACT(QUARTER FROM date_of_death) AS BIGINT)",
    }
}

/// Whether a completed review was completed within 6 calendar months of notification, the
/// due date clamped to the end of a shorter month (DOMAIN.md, "Time";
/// `domain::time_targets::due_date`). PostgreSQL's month arithmetic clamps; SQLite's rolls
/// over, so there the due date is the earlier of the rolled date and the sixth month's end.
fn within_six_months_sql(conn: &DbConnection) -> &'static str {
    match conn {
        DbConnection::Sqlite(_) => {
            "completed_on <= MIN(date(notified_on, '+6 months'), \
             date(notified_on, 'start of month', '+7 months', '-1 day'))"
        }
        DbConnection::Postgresql(_) => {
            "completed_on <= CAST(notified_on + INTERVAL '6 months' AS DATE)"
        }
    }
}

/// The whole days one ended hold lasted (`review_holds` columns, unqualified).
pub(crate) fn hold_days_sql(conn: &DbConnection) -> &'static str {
    within_six_months_net_sql(conn).0
}

/// Whether a completed review was completed within 6 calendar months of notification once its
/// days on hold (`h.held`, summed per review) extend the due date (DOMAIN.md, "Time";
/// `domain::time_targets::completed_within_target`), with the SQL of one hold's days.
fn within_six_months_net_sql(conn: &DbConnection) -> (&'static str, &'static str) {
    match conn {
        DbConnection::Sqlite(_) => (
            "CAST(julianday(ended_on) - julianday(started_on) AS INTEGER)",
            "completed_on <= date(MIN(date(notified_on, '+6 months'), \
             date(notified_on, 'start of month', '+7 months', '-1 day')), \
             '+' || COALESCE(h.held, 0) || ' days')",
        ),
        DbConnection::Postgresql(_) => (
            "(ended_on - started_on)",
            "completed_on <= CAST(notified_on + INTERVAL '6 months' AS DATE) \
             + CAST(COALESCE(h.held, 0) AS INTEGER)",
        ),
    }
}

/// A yes/no answer of the form as `'yes'`, `'no'` or NULL (not recorded), from the column
/// persistence copies it to (the four yes/no questions of `leder-form-2` have columns of their
/// own, named as the questions, so the statistics read the covering index, not the form's JSON).
/// `key` is one of the domain's fixed question names, never user text.
fn form_yes_no_sql(key: &str) -> String {
    format!("(CASE WHEN {key} THEN 'yes' WHEN NOT {key} THEN 'no' END)")
}

pub(crate) fn load<T>(conn: &mut DbConnection, sql: &str) -> Result<Vec<T>, PersistenceError>
where
    T: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<diesel::pg::Pg> + 'static,
{
    // The exact text, so that an operator (and `make bench`) can run the same SQL in the
    // engine's own CLI.
    log::debug!("national SQL: {sql}");
    let query = diesel::sql_query(sql);
    Ok(match conn {
        DbConnection::Sqlite(c) => query.load(c)?,
        DbConnection::Postgresql(c) => query.load(c)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_age_band_case_follows_the_domain_bands() {
        let sql = age_band_sql();
        assert!(sql.contains("WHEN age_at_death BETWEEN 4 AND 17 THEN '4-17'"));
        assert!(sql.contains("WHEN age_at_death BETWEEN 65 AND 74 THEN '65-74'"));
        assert!(sql.contains("WHEN age_at_death >= 75 THEN '75+'"));
        assert!(!sql.contains("BETWEEN 0 AND 3"));
    }

    #[test]
    fn the_ethnic_group_case_covers_every_code() {
        let sql = ethnic_group_sql();
        assert!(sql.contains("WHEN 'A' THEN 'white'"));
        assert!(sql.contains("WHEN '99' THEN 'not_known'"));
        assert!(sql.contains("WHEN 'Z' THEN 'not_stated'"));
    }

    #[test]
    fn a_selection_formats_only_numbers_and_fixed_words() {
        let s = Selection {
            year: Some(2025),
            include_open: false,
            cohort: None,
            real_only: false,
        };
        assert_eq!(
            s.condition(),
            "eligibility_outcome = 'eligible' AND status = 'completed' AND year_of_death = 2025"
        );
        let s = Selection {
            cohort: Some(Cohort::ChildrenLd),
            real_only: true,
            ..s
        };
        assert_eq!(
            s.condition(),
            "eligibility_outcome = 'eligible' AND status = 'completed' AND year_of_death = 2025 \
             AND (eligibility_route = 'child_death_review') AND synthetic = FALSE"
        );
    }

    #[test]
    fn the_cohort_case_names_every_cohort_once() {
        let sql = cohort_sql();
        for cohort in Cohort::ALL {
            assert_eq!(sql.matches(&format!("'{}'", cohort.as_str())).count(), 1);
        }
        assert!(sql.ends_with("ELSE '' END"));
    }
}
