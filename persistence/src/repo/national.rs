//! Reads for the national outputs (DOMAIN.md, "Publishing anonymised data"): the class sizes and
//! keyset-paged chunks of the row-level extract, and the `GROUP BY` counts behind the national
//! statistics. Nothing here decides what is published; the API applies `domain::disclosure`.
//!
//! The class sizes and statistics are grouped in SQL on both engines. Where the engines spell
//! an expression differently (the quarter of a date, six calendar months after a date) the SQL
//! is written once per engine; age bands and ethnic groups are generated from the domain's own
//! tables, so the rule still lives in one place.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use leder_domain::avoidable::AVOIDABLE_AGE_LIMIT;
use leder_domain::{AgeBand, EthnicCategory};
use time::Date;

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::schema::{learning_points, reviews};

/// Which reviews an output covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    /// Deaths in this calendar year only (every year when `None`).
    pub year: Option<i32>,
    /// Open eligible reviews as well as completed ones.
    pub include_open: bool,
}

impl Selection {
    /// The SQL condition (no user text is ever formatted into it: the year is a number).
    fn condition(&self) -> String {
        let mut sql = String::from("eligibility_outcome = 'eligible'");
        if !self.include_open {
            sql.push_str(" AND status = 'completed'");
        }
        if let Some(year) = self.year {
            sql.push_str(&format!(" AND year_of_death = {year}"));
        }
        sql
    }
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

fn load<T>(conn: &mut DbConnection, sql: &str) -> Result<Vec<T>, PersistenceError>
where
    T: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<diesel::pg::Pg> + 'static,
{
    let query = diesel::sql_query(sql);
    Ok(match conn {
        DbConnection::Sqlite(c) => query.load(c)?,
        DbConnection::Postgresql(c) => query.load(c)?,
    })
}

/// The size of one class of the extract, before any generalisation.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct ClassSize {
    /// Age band wire name (`None` without an age at death).
    #[diesel(sql_type = Nullable<Text>)]
    pub age_band: Option<String>,
    /// Sex wire name.
    #[diesel(sql_type = Nullable<Text>)]
    pub sex: Option<String>,
    /// Ethnic group wire name.
    #[diesel(sql_type = Nullable<Text>)]
    pub ethnic_group: Option<String>,
    /// The responsible ICB.
    #[diesel(sql_type = Text)]
    pub organisation: String,
    /// Calendar year of death.
    #[diesel(sql_type = BigInt)]
    pub year_of_death: i64,
    /// Calendar quarter of death (`None` without a date of death).
    #[diesel(sql_type = Nullable<BigInt>)]
    pub quarter: Option<i64>,
    /// How many reviews are in the class.
    #[diesel(sql_type = BigInt)]
    pub rows: i64,
}

/// The extract's classes and their sizes: one `GROUP BY` over the quasi-identifiers.
pub fn class_sizes(
    conn: &mut DbConnection,
    selection: &Selection,
) -> Result<Vec<ClassSize>, PersistenceError> {
    let sql = format!(
        "SELECT {age} AS age_band, sex, {ethnic} AS ethnic_group, organisation, year_of_death, \
         {quarter} AS quarter, COUNT(*) AS rows FROM reviews WHERE {condition} \
         GROUP BY 1, 2, 3, 4, 5, 6",
        age = age_band_sql(),
        ethnic = ethnic_group_sql(),
        quarter = quarter_sql(conn),
        condition = selection.condition(),
    );
    load(conn, &sql)
}

/// The columns of one review the extract derives its row from. Identifying columns (the NHS
/// number, the date of death, the form) are read to derive the pseudonym, the quarter and the
/// care indicators, and never leave the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractSource {
    /// Review id (the keyset position; the pseudonym's message without an NHS number).
    pub id: String,
    /// NHS number.
    pub nhs_number: Option<String>,
    /// Age at death.
    pub age_at_death: Option<i64>,
    /// Sex wire name.
    pub sex: Option<String>,
    /// Ethnic category code.
    pub ethnic_category: Option<String>,
    /// The responsible ICB.
    pub organisation: String,
    /// Calendar year of death.
    pub year_of_death: i64,
    /// Date of death.
    pub date_of_death: Option<Date>,
    /// Learning disability.
    pub learning_disability: Option<bool>,
    /// Autistic.
    pub autistic: Option<bool>,
    /// Place of death as notified.
    pub place_of_death: Option<String>,
    /// The review form (JSON).
    pub findings: String,
    /// Underlying cause (ICD-10).
    pub underlying_icd10: Option<String>,
    /// Care grade.
    pub care_grade: Option<i64>,
    /// Stage wire name.
    pub status: String,
    /// `initial` or `focused`.
    pub review_type: Option<String>,
    /// Theme codes of the review's learning points, in order, without repeats.
    pub themes: Vec<String>,
}

type SourceColumns = (
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    String,
    i64,
    Option<Date>,
    Option<bool>,
    Option<bool>,
    Option<String>,
    String,
    Option<String>,
    Option<i64>,
    String,
    Option<String>,
);

/// Up to `limit` reviews of the selection after the id `after`, in id order (keyset paging).
pub fn sources_after(
    conn: &mut DbConnection,
    selection: &Selection,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<ExtractSource>, PersistenceError> {
    let mut query = reviews::table
        .filter(reviews::eligibility_outcome.eq("eligible"))
        .into_boxed();
    if !selection.include_open {
        query = query.filter(reviews::status.eq("completed"));
    }
    if let Some(year) = selection.year {
        query = query.filter(reviews::year_of_death.eq(i64::from(year)));
    }
    if let Some(after) = after {
        query = query.filter(reviews::id.gt(after.to_owned()));
    }
    let rows: Vec<SourceColumns> = query
        .order(reviews::id.asc())
        .limit(limit)
        .select((
            reviews::id,
            reviews::nhs_number,
            reviews::age_at_death,
            reviews::sex,
            reviews::ethnic_category,
            reviews::organisation,
            reviews::year_of_death,
            reviews::date_of_death,
            reviews::learning_disability,
            reviews::autistic,
            reviews::place_of_death,
            reviews::findings,
            reviews::underlying_icd10,
            reviews::care_grade,
            reviews::status,
            reviews::review_type,
        ))
        .load(conn)?;
    let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    let mut themes: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    let points: Vec<(String, String)> = learning_points::table
        .filter(learning_points::review_id.eq_any(ids))
        .order((learning_points::created_at.asc(), learning_points::id.asc()))
        .select((learning_points::review_id, learning_points::themes))
        .load(conn)?;
    for (review, list) in points {
        let seen = themes.entry(review).or_default();
        for theme in list.split(',').filter(|t| !t.is_empty()) {
            if !seen.iter().any(|s| s == theme) {
                seen.push(theme.to_owned());
            }
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| ExtractSource {
            themes: themes.remove(&r.0).unwrap_or_default(),
            id: r.0,
            nhs_number: r.1,
            age_at_death: r.2,
            sex: r.3,
            ethnic_category: r.4,
            organisation: r.5,
            year_of_death: r.6,
            date_of_death: r.7,
            learning_disability: r.8,
            autistic: r.9,
            place_of_death: r.10,
            findings: r.11,
            underlying_icd10: r.12,
            care_grade: r.13,
            status: r.14,
            review_type: r.15,
        })
        .collect())
}

/// What national statistics are grouped by in SQL (the API maps ICBs to regions itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakdown {
    /// No breakdown: the national total only.
    None,
    /// Sex wire name.
    Sex,
    /// Ethnic group wire name.
    EthnicGroup,
    /// Age band wire name.
    AgeBand,
    /// The responsible ICB.
    Organisation,
}

impl Breakdown {
    /// The group's key as an SQL expression (`''` where the value is not recorded).
    fn column(self) -> String {
        match self {
            Self::None => "CAST('' AS TEXT)".to_owned(),
            Self::Sex => "COALESCE(sex, '')".to_owned(),
            Self::EthnicGroup => format!("COALESCE({}, '')", ethnic_group_sql()),
            Self::AgeBand => format!("COALESCE({}, '')", age_band_sql()),
            Self::Organisation => "organisation".to_owned(),
        }
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

/// Deaths by group, underlying cause and whether the person died under the avoidable age limit.
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

/// Completed reviews by group, and how many were completed within 6 months of notification.
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
}

/// The counts for national statistics of `selection` broken down by `breakdown`: four `GROUP
/// BY` queries, none reading an identifying column.
pub fn statistics_counts(
    conn: &mut DbConnection,
    selection: &Selection,
    breakdown: Breakdown,
) -> Result<StatisticsCounts, PersistenceError> {
    let grp = breakdown.column();
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
             AS under_limit, \
             COUNT(*) AS deaths FROM reviews WHERE {condition} GROUP BY 1, 2, 3"
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
    let timeliness = load(
        conn,
        &format!(
            "SELECT {grp} AS grp, \
             COALESCE(SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END), 0) AS completed, \
             COALESCE(SUM(CASE WHEN status = 'completed' AND {within} THEN 1 ELSE 0 END), 0) \
             AS within FROM reviews WHERE {condition} GROUP BY 1"
        ),
    )?;
    Ok(StatisticsCounts {
        ages,
        causes,
        grades,
        timeliness,
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
        };
        assert_eq!(
            s.condition(),
            "eligibility_outcome = 'eligible' AND status = 'completed' AND year_of_death = 2025"
        );
    }
}
