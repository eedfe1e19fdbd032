//! The quarterly ICB report (quarters of the financial year) and the deaths section both reports
//! gain, across the 31 March / 1 April boundary between financial years:
//!
//! - A: a man of 50, notified 10 January 2026, completed 31 March 2026 (J18.9, treatable;
//!   grade 3): quarter 4 of 2025;
//! - B: a woman of 80, notified 31 March 2026 (quarter 4 of 2025), completed 1 April 2026
//!   (quarter 1 of 2026); COVID-19 (U07.1), not avoidable at 75 or over; grade 2;
//! - C: a woman of 30, notified 1 April 2026, completed 30 June 2026 (I25.1, on both lists:
//!   0.5 preventable, 0.5 treatable); grade 2.

use leder_api::demo::CaseSpec;
use serde_json::{Value, json};
use time::Date;
use time::macros::date;

use crate::both_backends;
use crate::cases::person;
use crate::helpers::{TestApp, json, problem};
use crate::national_records::insert;
use crate::regional::coordinator;

fn death(age: u32, notified: Date, completed: Date, icd10: &str, grade: u8) -> CaseSpec {
    let mut spec = CaseSpec::completed(notified.saturating_sub(time::Duration::days(5)), age);
    spec.notified_on = notified;
    spec.completed_on = Some(completed);
    spec.underlying_icd10 = Some(icd10.into());
    spec.care_grade = Some(grade);
    spec
}

async fn population(app: &TestApp) {
    let mut a = death(50, date!(2026 - 01 - 10), date!(2026 - 03 - 31), "J18.9", 3);
    a.sex = "male".into();
    a.ethnic_category = "H".into();
    let b = death(80, date!(2026 - 03 - 31), date!(2026 - 04 - 01), "U07.1", 2);
    let c = death(30, date!(2026 - 04 - 01), date!(2026 - 06 - 30), "I25.1", 2);
    insert(app, vec![a, b, c]).await;
}

async fn report(app: &TestApp, token: &str, query: &str) -> Value {
    let path = format!("/api/v1/organisations/QOP/reports/{query}");
    json(app.get_as(&path, token).await, 200).await
}

fn sum(map: &Value) -> u64 {
    map.as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_u64)
        .sum()
}

both_backends! {
    async fn the_quarters_meet_at_31_march_and_1_april(app) {
        population(&app).await;
        let lead = person(&app, "lena.lead", &["ics_lead"], "QOP").await;
        let q4 = report(&app, &lead.token, "quarterly?year=2025&quarter=4").await;
        assert_eq!(q4["quarter"], 4);
        assert_eq!(q4["period"], json!({"start": "2026-01-01", "end": "2026-03-31"}));
        assert_eq!(q4["notifications"], 2, "A and B, notified on 31 March");
        assert_eq!(q4["completions"]["reviews_completed"], 1, "A, completed on 31 March");
        let d = &q4["deaths"];
        assert_eq!(d["reviews"], 1);
        assert_eq!(d["by_sex"]["male"], 1);
        assert_eq!(d["by_sex"]["female"], 0);
        assert_eq!(d["by_age_band"]["45-54"], 1);
        assert_eq!(sum(&d["by_age_band"]), 1);
        assert_eq!(d["by_ethnic_group"]["asian_or_asian_british"], 1);
        assert_eq!(sum(&d["by_place_of_death"]), 1);
        assert_eq!(d["leading_causes"], json!([
            {"icd10": "J18", "name": "Pneumonia, organism unspecified", "deaths": 1}]));
        assert_eq!(d["avoidable"], json!({"avoidable": 1.0, "preventable": 0.0, "treatable": 1.0}));
        assert_eq!(d["care_grades"]["3"], 1);
        assert_eq!(sum(&d["care_grades"]), 1);

        let q1 = report(&app, &lead.token, "quarterly?year=2026&quarter=1").await;
        assert_eq!(q1["period"], json!({"start": "2026-04-01", "end": "2026-06-30"}));
        assert_eq!(q1["notifications"], 1, "C, notified on 1 April");
        assert_eq!(q1["completions"]["reviews_completed"], 2, "B on 1 April, and C");
        let d = &q1["deaths"];
        assert_eq!(d["reviews"], 2);
        assert_eq!(d["by_sex"]["female"], 2);
        assert_eq!(d["by_age_band"]["75+"], 1);
        assert_eq!(d["by_age_band"]["25-34"], 1);
        assert_eq!(d["leading_causes"], json!([
            {"icd10": "I25", "name": "Chronic ischaemic heart disease", "deaths": 1},
            {"icd10": "U07.1", "name": "COVID-19, virus identified", "deaths": 1}]));
        assert_eq!(d["avoidable"], json!({"avoidable": 1.0, "preventable": 0.5, "treatable": 0.5}),
            "COVID-19 at 80 is not avoidable");
        assert_eq!(d["care_grades"]["2"], 2);
        assert_eq!(q1["suppressed"], json!([]));

        let year = report(&app, &lead.token, "annual?year=2025").await;
        assert_eq!(year["quarter"], Value::Null);
        assert_eq!(year["notifications"], 2);
        assert_eq!(year["deaths"]["reviews"], 1, "B was completed in the next year");
        assert_eq!(year["deaths"], q4["deaths"]);
    }

    async fn the_publishable_quarter_suppresses_small_numbers_in_json_and_csv(app) {
        population(&app).await;
        let (_, rc) = coordinator(&app, "rita.coordinator", "Y62").await;
        let q1 = report(&app, &rc, "quarterly?year=2026&quarter=1&publishable=true").await;
        let d = &q1["deaths"];
        assert_eq!(d["reviews"], Value::Null);
        assert_eq!(d["by_sex"]["female"], Value::Null);
        assert_eq!(d["by_sex"]["male"], 0, "0 stays 0");
        assert_eq!(d["avoidable"]["preventable"], Value::Null, "0.5 is suppressed");
        let suppressed = q1["suppressed"].as_array().unwrap();
        for path in ["deaths.reviews", "deaths.by_sex.female", "deaths.avoidable.preventable",
                     "deaths.leading_causes.U07.1", "deaths.care_grades.2"] {
            assert!(suppressed.contains(&json!(path)), "{path} in {suppressed:?}");
        }
        let res = app.client.get(app.url(
            "/api/v1/organisations/QOP/reports/quarterly?year=2026&quarter=1"))
            .bearer_auth(&rc).header("accept", "text/csv").send().await.unwrap();
        assert_eq!(res.status(), 200);
        let csv = res.text().await.unwrap();
        assert!(csv.contains("report,quarter,1,\r\n"), "{csv}");
        assert!(csv.contains("deaths_by_sex,female,2,\r\n"), "{csv}");
        assert!(csv.contains("leading_causes,U07.1,1,\"COVID-19, virus identified\"\r\n"), "{csv}");
        assert!(csv.contains("avoidable,preventable,0.5,\r\n"), "{csv}");
    }

    async fn a_quarter_is_one_to_four_and_the_icb_must_be_yours(app) {
        let lead = person(&app, "lena.lead", &["ics_lead"], "QOP").await;
        for (query, field) in [("year=2026&quarter=5", "quarter"), ("year=2026&quarter=0", "quarter"),
                               ("year=2026", "quarter"), ("quarter=1", "year")] {
            let res = app.get_as(&format!("/api/v1/organisations/QOP/reports/quarterly?{query}"),
                &lead.token).await;
            let p = problem(res, 400).await;
            assert_eq!(crate::helpers::first_field(&p), field, "{query}: {p}");
        }
        let res = app.get_as("/api/v1/organisations/QE1/reports/quarterly?year=2026&quarter=1",
            &lead.token).await;
        problem(res, 404).await;
    }
}
