//! The row-level extract's reads: the class sizes of the pre-pass and keyset-paged chunks.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use time::Date;

use super::{Selection, age_band_sql, cohort_condition, ethnic_group_sql, load, quarter_sql};
use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::schema::{learning_point_themes, learning_points, reviews};

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
    /// The avoidable-mortality list version the review was assessed with.
    pub avoidable_version: String,
    /// The eligibility route (with the person, it gives the cohort).
    pub eligibility_route: Option<String>,
    /// The review form version it was opened with.
    pub form_version: String,
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
    String,
    Option<String>,
    String,
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
    if selection.real_only {
        query = query.filter(reviews::synthetic.eq(false));
    }
    if let Some(cohort) = selection.cohort {
        query = query.filter(diesel::dsl::sql::<Bool>(cohort_condition(cohort)));
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
            reviews::avoidable_version,
            reviews::eligibility_route,
            reviews::form_version,
        ))
        .load(conn)?;
    let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    let mut themes: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    let points: Vec<(String, String)> = learning_points::table
        .inner_join(
            learning_point_themes::table
                .on(learning_point_themes::learning_id.eq(learning_points::id)),
        )
        .filter(learning_points::review_id.eq_any(ids))
        .order((
            learning_points::created_at.asc(),
            learning_points::id.asc(),
            learning_point_themes::theme.asc(),
        ))
        .select((learning_points::review_id, learning_point_themes::theme))
        .load(conn)?;
    for (review, theme) in points {
        let seen = themes.entry(review).or_default();
        if !seen.contains(&theme) {
            seen.push(theme);
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
            avoidable_version: r.16,
            eligibility_route: r.17,
            form_version: r.18,
        })
        .collect())
}
