//! National statistics per cohort (DOMAIN.md, "Cohorts"), over a hand-built population of real
//! deaths in 2024 whose every figure is worked out below:
//!
//! - adults with a learning disability (11): eight aged 50 of I25.1 (on both lists), level
//!   moderate, on time; two aged 60 of COVID-19 (U07.1, U07.2), level severe, notified 31
//!   January (due 31 July) with a 10-day hold: U07.1 completed 5 August (late as such, on time
//!   net of holds), U07.2 completed 20 August (late either way); one aged 30 of U07.0 (vaping,
//!   not avoidable), level mild, on time;
//! - children through the Child Death Review (8): aged 10, G40.9 (treatable), completed 300
//!   days after notification, which would spoil every 6-month share if they were timed;
//! - autistic adults without a learning disability (8): aged 40, J18.9 (treatable), on time.
//!
//! Five synthetic adults (C34.9) sit beside them and are never counted once a real review
//! exists; before that, on a demonstration database, they are.

use leder_api::demo::CaseSpec;
use serde_json::{Value, json};
use time::Date;
use time::macros::date;

use crate::both_backends;
use crate::helpers::{TestApp, json, sql_execute};
use crate::national_records::{analyst, export, insert, insert_real, ndjson};

fn adult(age: u32, icd10: &str, level: &str) -> CaseSpec {
    let mut spec = CaseSpec::completed(date!(2024 - 03 - 05), age);
    spec.underlying_icd10 = Some(icd10.into());
    spec.learning_disability_level = Some(level.into());
    spec
}

/// Notified on 31 January 2024 (died 11 days before), completed on `completed`.
fn notified_end_of_january(mut spec: CaseSpec, completed: Date) -> CaseSpec {
    spec.date_of_death = date!(2024 - 01 - 20);
    spec.date_of_birth = date!(1964 - 01 - 20);
    spec.notified_on = date!(2024 - 01 - 31);
    spec.completed_on = Some(completed);
    spec
}

fn adults() -> Vec<CaseSpec> {
    let mut rows: Vec<CaseSpec> = (0..8).map(|_| adult(50, "I25.1", "moderate")).collect();
    rows.push(notified_end_of_january(
        adult(60, "U07.1", "severe"),
        date!(2024 - 08 - 05),
    ));
    rows.push(notified_end_of_january(
        adult(60, "U07.2", "severe"),
        date!(2024 - 08 - 20),
    ));
    rows.push(adult(30, "U07.0", "mild"));
    rows
}

fn children() -> Vec<CaseSpec> {
    (0..8)
        .map(|_| {
            let mut spec = CaseSpec::completed(date!(2024 - 03 - 05), 10);
            spec.underlying_icd10 = Some("G40.9".into());
            spec.completed_on = Some(spec.notified_on.saturating_add(time::Duration::days(300)));
            spec
        })
        .collect()
}

fn autistic_adults() -> Vec<CaseSpec> {
    (0..8)
        .map(|_| {
            let mut spec = CaseSpec::completed(date!(2024 - 03 - 05), 40);
            spec.learning_disability = false;
            spec.autistic = true;
            spec
        })
        .collect()
}

fn synthetic_adults() -> Vec<CaseSpec> {
    (0..5).map(|_| adult(70, "C34.9", "moderate")).collect()
}

/// The population: the synthetic five first (counted while alone), then the real ones, with
/// 10 days on hold (1 to 11 March 2024) for each of the two COVID-19 deaths. Returns a national
/// analyst's token.
async fn population(app: &TestApp) -> String {
    insert(app, synthetic_adults()).await;
    let token = analyst(app).await;
    let demo = statistics(app, &token, "year=2024").await;
    assert_eq!(
        demo["total"]["deaths"], 5,
        "a demonstration database shows its synthetic data"
    );
    let ids = insert_real(app, adults()).await;
    for id in &ids[8..10] {
        let sql = format!(
            "INSERT INTO review_holds (id, review_id, reason, reason_text, from_stage, started_on, \
             started_at, ended_on, ended_at) VALUES ('hold-{id}', '{id}', 'coroner_inquest', NULL, \
             'in_review', '2024-03-01', '2024-03-01 09:00:00', '2024-03-11', '2024-03-11 09:00:00')"
        );
        assert_eq!(sql_execute(app, &sql).await, 1);
    }
    insert_real(app, children()).await;
    insert_real(app, autistic_adults()).await;
    token
}

async fn statistics(app: &TestApp, token: &str, query: &str) -> Value {
    json(
        app.get_as(&format!("/api/v1/national/statistics?{query}"), token)
            .await,
        200,
    )
    .await
}

fn group<'a>(body: &'a Value, name: &str) -> &'a Value {
    body["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["group"] == name)
        .unwrap_or_else(|| panic!("group {name} in {body}"))
}

/// A share, compared to the last bit a JSON round trip keeps.
fn share(value: &Value, expected: f64) {
    let got = value
        .as_f64()
        .unwrap_or_else(|| panic!("a share, not {value}"));
    assert!((got - expected).abs() < 1e-12, "{got} is not {expected}");
}

fn grades(two: u64) -> Value {
    json!({"1": 0, "2": two, "3": 0, "4": 0, "5": 0, "6": 0})
}

both_backends! {
    async fn each_cohort_is_counted_apart_and_adults_with_a_learning_disability_lead(app) {
        let token = population(&app).await;

        let adults = statistics(&app, &token, "year=2024").await;
        assert_eq!(adults["cohort"], "adults_ld", "the default: {adults}");
        assert_eq!(adults["definitions"]["national_figures"], "leder-national-2");
        let t = &adults["total"];
        assert_eq!(t["deaths"], 11, "the synthetic five are left out: {t}");
        assert_eq!(t["median_age_at_death"], 50.0);
        assert_eq!(t["avoidable"], 10.0);
        assert_eq!(t["preventable"], 6.0);
        assert_eq!(t["treatable"], 4.0);
        share(&t["avoidable_share"], 10.0 / 11.0);
        assert_eq!(t["care_grades"], grades(11));
        assert_eq!(t["leading_causes"], json!([
            {"icd10": "I25", "name": "Chronic ischaemic heart disease", "deaths": 8},
            {"icd10": "U07.0", "name": "Vaping-related disorder", "deaths": 1},
            {"icd10": "U07.1", "name": "COVID-19, virus identified", "deaths": 1},
            {"icd10": "U07.2", "name": "COVID-19, virus not identified", "deaths": 1},
        ]));
        share(&t["completed_within_6_months_share"], 9.0 / 11.0);
        share(&t["completed_within_6_months_net_of_holds_share"], 10.0 / 11.0);
        assert_eq!(adults["avoidable_mortality_versions"], json!({"ons-2020/leder-2": 11}));

        let children = statistics(&app, &token, "year=2024&cohort=children_ld").await;
        assert_eq!(children["cohort"], "children_ld");
        let t = &children["total"];
        assert_eq!(t["deaths"], 8);
        assert_eq!(t["median_age_at_death"], 10.0);
        assert_eq!(t["avoidable"], 8.0);
        assert_eq!(t["preventable"], 0.0);
        assert_eq!(t["treatable"], 8.0);
        assert_eq!(t["care_grades"], grades(0), "no LeDeR grade on the Child Death Review route");
        assert_eq!(t["leading_causes"], json!([
            {"icd10": "G40", "name": "Epilepsy", "deaths": 8},
        ]));
        assert_eq!(t["completed_within_6_months_share"], Value::Null, "not LeDeR's clock");
        assert_eq!(t["completed_within_6_months_net_of_holds_share"], Value::Null);

        let autistic = statistics(&app, &token, "year=2024&cohort=autistic_adults").await;
        let t = &autistic["total"];
        assert_eq!(t["deaths"], 8);
        assert_eq!(t["median_age_at_death"], 40.0);
        assert_eq!(t["avoidable"], 8.0);
        assert_eq!(t["treatable"], 8.0);
        assert_eq!(t["care_grades"], grades(8));
        assert_eq!(t["leading_causes"], json!([
            {"icd10": "J18", "name": "Pneumonia, organism unspecified", "deaths": 8},
        ]));
        assert_eq!(t["completed_within_6_months_share"], 1.0);
        assert_eq!(t["completed_within_6_months_net_of_holds_share"], 1.0);
    }

    async fn by_cohort_counts_every_cohort_and_times_only_leder_reviews(app) {
        let token = population(&app).await;
        let body = statistics(&app, &token, "year=2024&by=cohort").await;
        assert_eq!(body["by"], "cohort");
        assert_eq!(body["cohort"], Value::Null, "every cohort");
        let t = &body["total"];
        assert_eq!(t["deaths"], 27);
        assert_eq!(t["avoidable"], 26.0);
        share(&t["completed_within_6_months_share"], 17.0 / 19.0);
        share(&t["completed_within_6_months_net_of_holds_share"], 18.0 / 19.0);
        let names: Vec<&str> = body["groups"].as_array().expect("groups").iter()
            .map(|g| g["group"].as_str().expect("name")).collect();
        assert_eq!(names, ["adults_ld", "children_ld", "autistic_adults"]);
        let a = group(&body, "adults_ld");
        assert_eq!(a["deaths"], 10, "11 rounds to 10");
        assert_eq!(a["avoidable"], 10.0);
        assert_eq!(a["completed_within_6_months_share"], 1.0, "9 of 11: 10/10 once rounded");
        let c = group(&body, "children_ld");
        assert_eq!(c["deaths"], 10, "8 rounds to 10");
        assert_eq!(c["completed_within_6_months_share"], Value::Null);
        assert_eq!(c["suppressed"], json!([]), "not timed is not withheld: {c}");
        let u = group(&body, "autistic_adults");
        assert_eq!(u["deaths"], 10);
        assert_eq!(u["treatable"], 10.0);

        let one = statistics(&app, &token, "year=2024&by=cohort&cohort=children_ld").await;
        assert_eq!(one["total"]["deaths"], 8);
        assert_eq!(group(&one, "adults_ld")["deaths"], 0);
        assert_eq!(group(&one, "children_ld")["deaths"], 10);
    }

    async fn by_level_of_learning_disability_as_the_form_records_it(app) {
        let token = population(&app).await;
        let body = statistics(&app, &token, "year=2024&by=learning_disability_level").await;
        let names: Vec<&str> = body["groups"].as_array().expect("groups").iter()
            .map(|g| g["group"].as_str().expect("name")).collect();
        assert_eq!(names, ["mild", "moderate", "severe", "profound_and_multiple", "unknown",
                           "not_recorded"]);
        assert_eq!(body["total"]["deaths"], 11);
        assert_eq!(group(&body, "moderate")["deaths"], 10, "8 rounds to 10");
        assert_eq!(group(&body, "moderate")["avoidable"], 10.0);
        assert_eq!(group(&body, "severe")["deaths"], Value::Null, "2 suppressed");
        assert_eq!(group(&body, "mild")["deaths"], Value::Null, "1 suppressed");
        assert_eq!(group(&body, "unknown")["deaths"], 0);
        assert_eq!(group(&body, "not_recorded")["deaths"], 0);
        let autistic = statistics(&app, &token,
            "year=2024&by=learning_disability_level&cohort=autistic_adults").await;
        assert_eq!(group(&autistic, "not_recorded")["deaths"], 10, "8, no level recorded");
        assert_eq!(group(&autistic, "moderate")["deaths"], 0);
    }

    async fn the_extract_carries_the_cohort_and_leaves_synthetic_reviews_out(app) {
        let token = population(&app).await;
        let (_, body) = export(&app, &token, "?year=2024", "application/x-ndjson").await;
        let (rows, summary) = ndjson(&body);
        assert_eq!(summary["rows_selected"], 27, "the synthetic five are not selected");
        assert!(rows.iter().all(|r| r["underlying_cause"] != "C34"), "{body}");
        let count = |cohort: &str| rows.iter().filter(|r| r["cohort"] == cohort).count();
        assert_eq!(count("children_ld"), 8);
        assert_eq!(count("autistic_adults"), 8);
        assert_eq!(count("adults_ld") + 16, rows.len(), "every row has a cohort");
        let (_, csv) = export(&app, &token, "?year=2024", "text/csv").await;
        assert!(csv.lines().next().expect("header").contains(",quarter_of_death,cohort,"));
        assert_eq!(csv.matches(",children_ld,").count(), 8);
    }

    async fn a_cohort_or_breakdown_that_does_not_exist_is_refused_by_name(app) {
        let token = analyst(&app).await;
        for (query, field) in [("year=2024&cohort=adults", "cohort"),
                               ("year=2024&by=level", "by")] {
            let res = app.get_as(&format!("/api/v1/national/statistics?{query}"), &token).await;
            let problem = crate::helpers::problem(res, 400).await;
            assert_eq!(crate::helpers::first_field(&problem), field, "{problem}");
        }
    }
}
