//! National statistics over a hand-built population of 41 completed deaths in 2024, whose every
//! figure is worked out below: groups of 0, 1, 7, 8, 12 and 13 deaths, medians of odd and even
//! counts, causes on both the preventable and the treatable list (0.5 each), and completions
//! on both sides of a clamped 6-month target.

use leder_api::demo::CaseSpec;
use serde_json::{Value, json};
use time::Date;
use time::macros::date;

use crate::both_backends;
use crate::helpers::json;
use crate::national_records::{analyst, insert};

/// A death in 2024 at `age` from `icd10`, graded 2, completed well within 6 months.
fn death(age: u32, icd10: &str) -> CaseSpec {
    let mut spec = CaseSpec::completed(date!(2024 - 03 - 05), age);
    spec.underlying_icd10 = Some(icd10.into());
    spec
}

fn deaths(ages: impl IntoIterator<Item = u32>, icd10: &str) -> Vec<CaseSpec> {
    ages.into_iter().map(|a| death(a, icd10)).collect()
}

/// Notified on `notified`, completed on `completed` (and died 11 days before notification).
fn timed(mut spec: CaseSpec, notified: Date, completed: Date) -> CaseSpec {
    let age = spec.date_of_death.year() - spec.date_of_birth.year();
    spec.date_of_death = notified.saturating_sub(time::Duration::days(11));
    spec.date_of_birth = spec
        .date_of_death
        .replace_year(spec.date_of_death.year() - age)
        .expect("date");
    spec.notified_on = notified;
    spec.completed_on = Some(completed);
    spec
}

fn population() -> Vec<CaseSpec> {
    let mut rows = Vec::new();
    // 18-24: 1 death.
    rows.extend(deaths([20], "J18.9"));
    // 25-34: 7 deaths, none avoidable.
    rows.extend(deaths(25..=31, "G80.9"));
    // 35-44: 8 deaths (median of an even count: 38.5); 3 both-list causes and 5 treatable.
    rows.extend(deaths(35..=37, "I25.1"));
    rows.extend(deaths(38..=42, "J18.9"));
    // 45-54: 12 deaths (median 48.5); 9 both-list, 3 preventable (COVID-19); one completed a
    // day late, one on the last day of a clamped target.
    let mut g45: Vec<CaseSpec> = deaths([45, 45, 46, 46, 47, 48, 49, 50, 51], "I25.1");
    g45.extend(deaths([52, 53, 54], "U07.1"));
    g45[0] = timed(g45[0].clone(), date!(2024 - 01 - 31), date!(2024 - 08 - 01));
    g45[1] = timed(g45[1].clone(), date!(2024 - 01 - 31), date!(2024 - 07 - 31));
    rows.extend(g45);
    // 55-64: 13 deaths (median of an odd count: 60); 9 both-list, 4 not avoidable; 5 graded 3;
    // notified on 31 August, due 28 February: one on the day, four a day late.
    let mut g55 = deaths([55, 56, 57, 58, 59, 60, 60, 61, 61], "I25.1");
    g55.extend(deaths([62, 62, 63, 64], "G80.9"));
    for (i, spec) in g55.iter_mut().enumerate() {
        if i >= 8 {
            spec.care_grade = Some(3);
        }
        if i < 5 {
            let completed = if i == 0 {
                date!(2025 - 02 - 28)
            } else {
                date!(2025 - 03 - 01)
            };
            *spec = timed(spec.clone(), date!(2024 - 08 - 31), completed);
        }
    }
    rows.extend(g55);
    rows
}

async fn statistics(app: &crate::helpers::TestApp, token: &str, query: &str) -> Value {
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

fn grades(values: [Value; 6]) -> Value {
    let mut map = serde_json::Map::new();
    for (i, v) in values.into_iter().enumerate() {
        map.insert((i + 1).to_string(), v);
    }
    Value::Object(map)
}

both_backends! {
    async fn every_figure_of_a_hand_built_population(app) {
        insert(&app, population()).await;
        let token = analyst(&app).await;
        let body = statistics(&app, &token, "year=2024&by=age_band").await;
        assert_eq!(body["year"], 2024);
        assert_eq!(body["by"], "age_band");
        assert_eq!(body["definitions"]["avoidable_mortality"], "ons-2020/leder-2");
        assert_eq!(body["avoidable_mortality_versions"], json!({"ons-2020/leder-2": 41}));
        assert_eq!(body["definitions"]["care_grade"], "leder-2016");
        assert!(body["definitions"]["eligibility"].is_string());
        assert!(body["definitions"]["ethnicity"].is_string());
        assert!(body["definitions"]["disclosure"].is_string());
        assert!(body["extracted_at"].as_str().expect("extracted_at").ends_with('Z'));

        let total = &body["total"];
        assert_eq!(total["deaths"], 41);
        assert_eq!(total["median_age_at_death"], 47.0);
        assert_eq!(total["avoidable"], 30.0);
        assert_eq!(total["preventable"], 13.5);
        assert_eq!(total["treatable"], 16.5);
        assert_eq!(total["avoidable_share"], 30.0 / 41.0);
        assert_eq!(total["care_grades"], grades([json!(0), json!(36), json!(5), json!(0), json!(0), json!(0)]));
        assert_eq!(total["leading_causes"], json!([
            {"icd10": "I25", "name": "Chronic ischaemic heart disease", "deaths": 21},
            {"icd10": "G80", "name": "Cerebral palsy", "deaths": 11},
            {"icd10": "J18", "name": "Pneumonia, organism unspecified", "deaths": 6},
            {"icd10": "U07.1", "name": "COVID-19, virus identified", "deaths": 3},
        ]));
        assert_eq!(total["completed_within_6_months_share"], 36.0 / 41.0);
        assert_eq!(total["suppressed"], json!([]));

        let names: Vec<&str> = body["groups"].as_array().expect("groups").iter()
            .map(|g| g["group"].as_str().expect("name")).collect();
        assert_eq!(names, ["4-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]);

        let none = group(&body, "4-17");
        assert_eq!(none["deaths"], 0, "0 stays 0");
        assert_eq!(none["median_age_at_death"], Value::Null);
        assert_eq!(none["suppressed"], json!([]), "nothing to withhold: {none}");

        for (name, n) in [("18-24", 1), ("25-34", 7)] {
            let g = group(&body, name);
            assert_eq!(g["deaths"], Value::Null, "{n} deaths suppressed");
            assert_eq!(g["median_age_at_death"], Value::Null);
            assert_eq!(g["avoidable_share"], Value::Null);
            let suppressed = g["suppressed"].as_array().expect("list");
            for field in ["deaths", "median_age_at_death", "avoidable_share", "care_grades.2",
                          "completed_within_6_months_share"] {
                assert!(suppressed.contains(&json!(field)), "{name}: {field} in {g}");
            }
        }
        assert_eq!(group(&body, "18-24")["avoidable"], Value::Null);
        assert_eq!(group(&body, "25-34")["avoidable"], 0.0, "0 avoidable stays 0");

        let g8 = group(&body, "35-44");
        assert_eq!(g8["deaths"], 10, "8 rounds to 10");
        assert_eq!(g8["median_age_at_death"], 38.5);
        assert_eq!(g8["avoidable"], 10.0);
        assert_eq!(g8["preventable"], Value::Null, "1.5 suppressed");
        assert_eq!(g8["treatable"], Value::Null, "6.5 suppressed");
        assert_eq!(g8["avoidable_share"], 1.0, "from the rounded counts 10/10");
        assert_eq!(g8["care_grades"], grades([json!(0), json!(10), json!(0), json!(0), json!(0), json!(0)]));
        assert_eq!(g8["leading_causes"], json!([
            {"icd10": "J18", "name": "Pneumonia, organism unspecified", "deaths": null},
            {"icd10": "I25", "name": "Chronic ischaemic heart disease", "deaths": null},
        ]));
        assert_eq!(g8["completed_within_6_months_share"], 1.0);
        assert_eq!(g8["form_answers"]["asked"], 10, "8 rounds to 10");
        assert_eq!(g8["form_answers"]["referred_to_coroner"],
                   json!({"yes": 0, "no": 0, "not_recorded": 10}), "asked, none answered");
        assert_eq!(g8["suppressed"], json!(["preventable", "treatable",
            "leading_causes.J18.deaths", "leading_causes.I25.deaths"]));

        let g12 = group(&body, "45-54");
        assert_eq!(g12["deaths"], 10, "12 rounds to 10");
        assert_eq!(g12["median_age_at_death"], 48.5);
        assert_eq!(g12["avoidable"], 10.0);
        assert_eq!(g12["preventable"], Value::Null, "7.5 suppressed");
        assert_eq!(g12["treatable"], Value::Null, "4.5 suppressed");
        assert_eq!(g12["completed_within_6_months_share"], 1.0, "11 of 12: 10/10 once rounded");

        let g13 = group(&body, "55-64");
        assert_eq!(g13["deaths"], 15, "13 rounds to 15");
        assert_eq!(g13["median_age_at_death"], 60.0);
        assert_eq!(g13["avoidable"], 10.0, "9 rounds to 10");
        assert_eq!(g13["avoidable_share"], 10.0 / 15.0);
        assert_eq!(g13["care_grades"], grades([json!(0), json!(10), json!(null), json!(0), json!(0), json!(0)]));
        assert_eq!(g13["leading_causes"], json!([
            {"icd10": "I25", "name": "Chronic ischaemic heart disease", "deaths": 10},
            {"icd10": "G80", "name": "Cerebral palsy", "deaths": null},
        ]));
        assert_eq!(g13["completed_within_6_months_share"], 10.0 / 15.0, "9 of 13 on time");
        assert_eq!(g13["suppressed"], json!(["preventable", "treatable", "care_grades.3",
            "leading_causes.G80.deaths"]));
    }

    async fn breakdowns_open_cases_and_an_empty_year(app) {
        let mut rows = population();
        let mut open = death(60, "I25.1");
        open.status = "in_review".into();
        open.completed_on = None;
        rows.push(open);
        insert(&app, rows).await;
        let token = analyst(&app).await;
        let by_sex = statistics(&app, &token, "year=2024&by=sex").await;
        assert_eq!(by_sex["total"]["deaths"], 41, "completed only");
        assert_eq!(group(&by_sex, "female")["deaths"], 40);
        assert_eq!(group(&by_sex, "male")["deaths"], 0);
        let by_region = statistics(&app, &token, "year=2024&by=region").await;
        assert_eq!(group(&by_region, "Y62")["deaths"], 40);
        let by_icb = statistics(&app, &token, "year=2024&by=organisation").await;
        assert_eq!(group(&by_icb, "QOP")["deaths"], 40);
        let by_ethnic = statistics(&app, &token, "year=2024&by=ethnic_group").await;
        assert_eq!(group(&by_ethnic, "white")["deaths"], 40);
        let open = statistics(&app, &token, "year=2024&by=age_band&include_open=true").await;
        assert_eq!(open["total"]["deaths"], 42);
        assert_eq!(group(&open, "55-64")["deaths"], 15, "14 rounds to 15");
        assert_eq!(open["total"]["completed_within_6_months_share"], 36.0 / 41.0, "of completed reviews");
        let national = statistics(&app, &token, "year=2024").await;
        assert_eq!(national["groups"], json!([]));
        assert_eq!(national["by"], Value::Null);
        let empty = statistics(&app, &token, "year=2023&by=sex").await;
        assert_eq!(empty["total"]["deaths"], 0);
        assert_eq!(empty["total"]["median_age_at_death"], Value::Null);
        assert_eq!(group(&empty, "female")["deaths"], 0);
    }
}
