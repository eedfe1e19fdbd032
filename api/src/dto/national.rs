//! The national outputs (API.md, "National (anonymised)"): the statistics body and the rows of
//! the anonymised extract. Nothing here can carry a name, an NHS number, an address, an exact
//! date, free text or a reviewer's or notifier's identity: the types have no field for them.

use std::collections::BTreeMap;

use leder_domain::Cohort;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// The definition versions a figure was computed with.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Definitions {
    /// The eligibility rules.
    #[schema(example = "leder-eligibility-1")]
    pub eligibility: &'static str,
    /// The avoidable-mortality list (ONS 2020 as transcribed).
    #[schema(example = "ons-2020/leder-2")]
    pub avoidable_mortality: &'static str,
    /// The quality-of-care grade scale.
    #[schema(example = "leder-2016")]
    pub care_grade: &'static str,
    /// The ethnic category codes and their groups.
    #[schema(example = "nhs-data-dictionary-2001-census")]
    pub ethnicity: &'static str,
    /// The disclosure rule (small numbers and k-anonymity).
    #[schema(example = "nhse-small-numbers-8-round-5/k-anonymity-leder-1")]
    pub disclosure: &'static str,
    /// What the national figures count and how (cohorts, which reviews the 6-month shares time,
    /// how causes are labelled, synthetic reviews left out); bumped whenever that changes.
    #[schema(example = "leder-national-2")]
    pub national_figures: &'static str,
}

/// An underlying cause among the leading ones.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeadingCause {
    /// The 3-character ICD-10 category; where the WHO title of the category is an
    /// administrative placeholder ("Emergency use of U07"), the 4-character code instead
    /// (`U07.1` "COVID-19, virus identified", `U07.2` "COVID-19, virus not identified"), never
    /// merged with the category's other codes.
    #[schema(example = "J18")]
    pub icd10: String,
    /// Its WHO 2019 title.
    #[schema(example = "Pneumonia, organism unspecified")]
    pub name: &'static str,
    /// Deaths (null when suppressed).
    pub deaths: Option<u64>,
}

/// The figures of the national total or of one group. In a group every count follows the
/// disclosure rule (1–7 null, 8 and over rounded to 5) and medians and shares of a group under 8
/// deaths are null; each null figure is named in `suppressed`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatisticsRow {
    /// Deaths.
    pub deaths: Option<u64>,
    /// The median age at death (even counts: the mean of the middle two).
    pub median_age_at_death: Option<f64>,
    /// Avoidable deaths (under 75, cause on the preventable or treatable list).
    pub avoidable: Option<f64>,
    /// Preventable (a cause on both lists counts 0.5).
    pub preventable: Option<f64>,
    /// Treatable (a cause on both lists counts 0.5).
    pub treatable: Option<f64>,
    /// `avoidable / deaths`, from the rounded counts in a group.
    pub avoidable_share: Option<f64>,
    /// Reviews by quality-of-care grade, `"1"` to `"6"`.
    pub care_grades: BTreeMap<String, Option<u64>>,
    /// The 10 leading underlying causes (3-character ICD-10, or 4 where the category's title is
    /// a placeholder), most deaths first.
    pub leading_causes: Vec<LeadingCause>,
    /// The share of completed LeDeR reviews completed within 6 months of notification, as such.
    /// Child Death Review cases are not timed (their clock belongs to that process): null for a
    /// group of them alone.
    pub completed_within_6_months_share: Option<f64>,
    /// The same share net of holds: each review's due date extended by its days on hold.
    pub completed_within_6_months_net_of_holds_share: Option<f64>,
    /// The answers to the questions the second review form added.
    pub form_answers: FormAnswers,
    /// The figures withheld as null, by name (`care_grades.5`, `leading_causes.J18.deaths`,
    /// `form_answers.referred_to_coroner.yes`).
    pub suppressed: Vec<String>,
}

/// The answers to one yes/no question of the review form.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct YesNoCounts {
    /// Answered yes.
    pub yes: Option<u64>,
    /// Answered no.
    pub no: Option<u64>,
    /// Asked but not answered.
    pub not_recorded: Option<u64>,
}

/// The answers to the five questions that `leder-form-2` added (the ones the national reports
/// analyse), counted over the reviews opened with that form: reviews on `leder-form-1` were not
/// asked and are not counted here.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormAnswers {
    /// Reviews on `leder-form-2`, which asks these questions.
    pub asked: Option<u64>,
    /// The death was referred to the coroner.
    pub referred_to_coroner: YesNoCounts,
    /// A Deprivation of Liberty Safeguards authorisation was in place.
    pub dols_authorisation_in_place: YesNoCounts,
    /// The care package met the person's needs.
    pub care_package_met_needs: YesNoCounts,
    /// The person was in an out-of-area placement.
    pub out_of_area_placement: YesNoCounts,
    /// COVID-19 vaccination status: `not_vaccinated`, `partially_vaccinated`,
    /// `fully_vaccinated`, `not_known`, and `not_recorded` where the form was not answered.
    pub covid_vaccination: BTreeMap<String, Option<u64>>,
}

/// One group of a breakdown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatisticsGroup {
    /// The group: a sex, ethnic group, age band, ICB or region code.
    #[schema(example = "female")]
    pub group: String,
    /// Its figures.
    #[serde(flatten)]
    pub figures: StatisticsRow,
}

/// National statistics for a calendar year of death.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Statistics {
    /// The calendar year of death.
    #[schema(example = 2025)]
    pub year: i32,
    /// The breakdown (`sex`, `ethnic_group`, `age_band`, `organisation`, `region`, `cohort`,
    /// `learning_disability_level`), or null.
    #[schema(example = "sex")]
    pub by: Option<&'static str>,
    /// The cohort counted; null with `by=cohort` and no `cohort`, where every cohort is.
    #[schema(schema_with = crate::dto::wire::schema::nullable::<Cohort>)]
    #[serde(with = "crate::dto::wire::option")]
    pub cohort: Option<Cohort>,
    /// Whether open reviews were counted as well as completed ones.
    pub include_open: bool,
    /// When the figures were extracted (UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub extracted_at: OffsetDateTime,
    /// The definition versions used; `avoidable_mortality` is the list new assessments use.
    pub definitions: Definitions,
    /// Every avoidable-mortality list version these figures count, with the deaths classified
    /// under it: a review keeps the version it was assessed with until it is re-assessed
    /// (`leder reassess-avoidable`), so a year is on one version when this has one entry.
    #[schema(example = json!({"ons-2020/leder-2": 20}))]
    pub avoidable_mortality_versions: BTreeMap<String, u64>,
    /// The national total, shown as counted.
    pub total: StatisticsRow,
    /// The groups of the breakdown, each under the disclosure rule.
    pub groups: Vec<StatisticsGroup>,
}

/// One row of the anonymised extract (NDJSON line or CSV row).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExtractRecord {
    /// HMAC-SHA256 of the NHS number (or of the record id when unknown) under the deployment's
    /// key, in hex.
    pub pseudonym: String,
    /// Age band (`4-17` … `75+`, or `4-17`, `18-64`, `65+` once generalised).
    pub age_band: &'static str,
    /// Sex.
    pub sex: &'static str,
    /// Ethnic group.
    pub ethnic_group: &'static str,
    /// The ICB (null once generalised to the region).
    pub organisation: Option<String>,
    /// The NHS England region.
    pub region: String,
    /// Calendar year of death.
    pub year_of_death: i32,
    /// Calendar quarter of death (null once generalised to the year).
    pub quarter_of_death: Option<u8>,
    /// The cohort (`adults_ld`, `children_ld`, `autistic_adults`; DOMAIN.md, "Cohorts").
    #[schema(schema_with = crate::dto::wire::schema::nullable::<Cohort>)]
    #[serde(with = "crate::dto::wire::option")]
    pub cohort: Option<Cohort>,
    /// Learning disability.
    pub learning_disability: Option<bool>,
    /// Level of learning disability.
    pub learning_disability_level: Option<String>,
    /// Autistic.
    pub autistic: Option<bool>,
    /// Place-of-death category.
    pub place_of_death: Option<String>,
    /// Underlying cause of death, 3-character ICD-10.
    pub underlying_cause: Option<String>,
    /// Avoidable (0, 0.5 or 1; null without a cause).
    pub avoidable: Option<f64>,
    /// Preventable share.
    pub preventable: Option<f64>,
    /// Treatable share.
    pub treatable: Option<f64>,
    /// The avoidable-mortality list version the three figures above were classified under
    /// (null without a cause).
    #[schema(example = "ons-2020/leder-2")]
    pub avoidable_mortality_version: Option<&'static str>,
    /// Quality-of-care grade.
    pub care_grade: Option<u8>,
    /// Learning themes.
    pub themes: Vec<String>,
    /// `initial` or `focused` (null for the Child Death Review route).
    pub review_type: Option<String>,
    /// `completed`, or `open` with `include_open=true`.
    pub review_status: &'static str,
    /// A DNACPR decision was in place.
    pub dnacpr_in_place: Option<bool>,
    /// The DNACPR process was correct.
    pub dnacpr_process_correct: Option<bool>,
    /// The Mental Capacity Act was relevant.
    pub mental_capacity_act_relevant: Option<bool>,
    /// The Mental Capacity Act was followed.
    pub mental_capacity_act_followed: Option<bool>,
    /// An annual health check in the last 12 months.
    pub annual_health_check_last_12_months: Option<bool>,
    /// Reasonable adjustments were made.
    pub reasonable_adjustments_made: Option<bool>,
    /// There were delays in care.
    pub delays_in_care: Option<bool>,
    /// The family was contacted.
    pub family_contacted: Option<bool>,
    /// The review form version the review was opened with (the five answers below are asked
    /// from `leder-form-2` on, and null on an earlier form).
    #[schema(example = "leder-form-2")]
    pub form_version: &'static str,
    /// Form 2: referred to the coroner.
    pub referred_to_coroner: Option<bool>,
    /// Form 2: a DoLS authorisation was in place.
    pub dols_authorisation_in_place: Option<bool>,
    /// Form 2: the care package met the person's needs.
    pub care_package_met_needs: Option<bool>,
    /// Form 2: placed out of area.
    pub out_of_area_placement: Option<bool>,
    /// Form 2: COVID-19 vaccination status (`not_vaccinated`, `partially_vaccinated`,
    /// `fully_vaccinated`, `not_known`).
    pub covid_vaccination: Option<String>,
}

/// How many rows each generalisation step was applied to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Generalised {
    /// Rows whose quarter of death became the year only.
    pub quarter_to_year: usize,
    /// Rows whose ICB became its region.
    pub icb_to_region: usize,
    /// Rows whose age band became 4–17, 18–64 or 65+.
    pub age_band_to_broad: usize,
}

/// The extract's summary: the NDJSON trailer line (`{"summary": ...}`), and its counts are
/// also the response headers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExtractSummary {
    /// Reviews selected.
    pub rows_selected: usize,
    /// Rows published (selected less withheld).
    pub rows_published: usize,
    /// Rows withheld because their class stayed under k.
    pub withheld: usize,
    /// Rows generalised at each step (a row generalised twice counts in both).
    pub generalised: Generalised,
    /// The k of the k-anonymity.
    pub k: usize,
    /// The calendar year of death, or null for every year.
    pub year: Option<i32>,
    /// Whether open reviews were included.
    pub include_open: bool,
    /// When the extract started (UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub extracted_at: OffsetDateTime,
    /// The definition versions used.
    pub definitions: Definitions,
}
