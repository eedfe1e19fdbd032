//! Who reaches the national outputs, the k-anonymity of the extract over a constructed
//! population, and the errors of both endpoints.

use leder_api::demo::CaseSpec;
use serde_json::Value;
use time::Date;
use time::macros::date;

use crate::both_backends;
use crate::cases::staff;
use crate::helpers::{first_field, json, problem};
use crate::national_records::{RECORDS, analyst, export, header, insert, ndjson};

const STATISTICS: &str = "/api/v1/national/statistics?year=2025";

fn spec(sex: &str, ethnic: &str, age: u32, icb: &str, died: Date) -> CaseSpec {
    let mut spec = CaseSpec::completed(died, age);
    spec.sex = sex.into();
    spec.ethnic_category = ethnic.into();
    spec.organisation = icb.into();
    spec
}

fn times(n: usize, spec: CaseSpec) -> Vec<CaseSpec> {
    vec![spec; n]
}

/// 22 completed deaths in 2025 (and one open case), built so that each step of the
/// generalisation order is needed by exactly known rows (k = 5; QOP and QE1 are both in Y62).
fn population() -> Vec<CaseSpec> {
    let (q1, q2, q3, q4) = (
        date!(2025 - 02 - 10),
        date!(2025 - 05 - 10),
        date!(2025 - 08 - 10),
        date!(2025 - 11 - 10),
    );
    let mut rows = Vec::new();
    // A: six alike: kept as they are.
    rows.extend(times(6, spec("female", "A", 50, "QOP", q1)));
    // B: 3 + 2 across two quarters: the quarter gives way to the year.
    rows.extend(times(3, spec("male", "B", 30, "QOP", q2)));
    rows.extend(times(2, spec("male", "B", 30, "QOP", q3)));
    // C: 2 in QOP + 3 in QE1: then the ICB gives way to the region.
    rows.extend(times(2, spec("female", "H", 40, "QOP", q1)));
    rows.extend(times(3, spec("female", "J", 40, "QE1", q2)));
    // D: 2 aged 20 + 3 aged 30: then the age band broadens to 18-64.
    rows.extend(times(2, spec("male", "M", 20, "QOP", q1)));
    rows.extend(times(3, spec("male", "N", 30, "QOP", q4)));
    // E: one alone: withheld.
    rows.push(spec("female", "D", 80, "QOP", q1));
    // An open case: only with include_open.
    let mut open = spec("female", "A", 50, "QOP", q1);
    open.status = "in_review".into();
    open.completed_on = None;
    rows.push(open);
    rows
}

fn count(rows: &[Value], test: impl Fn(&Value) -> bool) -> usize {
    rows.iter().filter(|r| test(r)).count()
}

both_backends! {
    async fn small_classes_are_generalised_in_order_and_the_rest_withheld(app) {
        insert(&app, population()).await;
        let token = analyst(&app).await;
        let (headers, body) = export(&app, &token, "?year=2025", "application/x-ndjson").await;
        let (rows, summary) = ndjson(&body);
        assert_eq!(rows.len(), 21, "{body}");
        assert_eq!(summary["rows_selected"], 22);
        assert_eq!(summary["rows_published"], 21);
        assert_eq!(summary["withheld"], 1);
        assert_eq!(summary["generalised"]["quarter_to_year"], 16);
        assert_eq!(summary["generalised"]["icb_to_region"], 11);
        assert_eq!(summary["generalised"]["age_band_to_broad"], 6);
        assert_eq!(summary["k"], 5);
        assert!(summary["definitions"]["avoidable_mortality"].is_string());
        assert!(summary["extracted_at"].is_string());
        for (name, value) in [
            ("leder-rows-selected", 22), ("leder-rows-published", 21), ("leder-rows-withheld", 1),
            ("leder-generalised-quarter-to-year", 16), ("leder-generalised-icb-to-region", 11),
            ("leder-generalised-age-band-to-broad", 6), ("leder-k-anonymity", 5),
        ] {
            assert_eq!(header(&headers, name), value, "{name}");
        }
        let kept = count(&rows, |r| r["quarter_of_death"] == 1 && r["age_band"] == "45-54"
            && r["organisation"] == "QOP" && r["ethnic_group"] == "white");
        assert_eq!(kept, 6, "A kept");
        let year_only = count(&rows, |r| r["sex"] == "male" && r["ethnic_group"] == "white"
            && r["quarter_of_death"].is_null() && r["organisation"] == "QOP" && r["age_band"] == "25-34");
        assert_eq!(year_only, 5, "B to the year");
        let region = count(&rows, |r| r["ethnic_group"] == "asian_or_asian_british"
            && r["organisation"].is_null() && r["region"] == "Y62" && r["age_band"] == "35-44"
            && r["quarter_of_death"].is_null());
        assert_eq!(region, 5, "C to the region");
        let broad = count(&rows, |r| r["ethnic_group"] == "black_or_black_british"
            && r["age_band"] == "18-64" && r["organisation"].is_null() && r["quarter_of_death"].is_null());
        assert_eq!(broad, 5, "D to the broad band");
        assert_eq!(count(&rows, |r| r["ethnic_group"] == "mixed"), 0, "E withheld");
        assert_eq!(count(&rows, |r| r["review_status"] != "completed"), 0);

        let (headers, csv) = export(&app, &token, "?year=2025", "text/csv").await;
        assert_eq!(csv.lines().count(), 22, "a header and 21 rows");
        assert_eq!(header(&headers, "leder-rows-withheld"), 1);
        assert_eq!(csv.lines().filter(|l| l.contains(",asian_or_asian_british,,Y62,2025,,")).count(), 5);

        let (_, body) = export(&app, &token, "?year=2025&include_open=true", "application/x-ndjson").await;
        let (rows, summary) = ndjson(&body);
        assert_eq!(summary["rows_selected"], 23);
        assert_eq!(count(&rows, |r| r["review_status"] == "open"), 1, "the open case joins A");
        let (_, body) = export(&app, &token, "?year=2024", "application/x-ndjson").await;
        assert_eq!(ndjson(&body).1["rows_selected"], 0, "another year is empty");
    }

    async fn only_national_analysts_reach_the_national_outputs(app) {
        let s = staff(&app).await;
        let admin = app.admin_token().await;
        for token in [&admin, &s.lead.token, &s.qa.token, &s.reviewer.token, &s.integration] {
            for path in [RECORDS, STATISTICS] {
                problem(app.get_as(path, token).await, 403).await;
            }
        }
        for path in [RECORDS, STATISTICS] {
            problem(app.get(path).await, 401).await;
        }
        let token = analyst(&app).await;
        json(app.get_as(STATISTICS, &token).await, 200).await;
        let res = app.get_as(RECORDS, &token).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/x-ndjson");
        let audited = crate::helpers::sql_count(
            &app,
            "SELECT COUNT(*) AS n FROM audit_log WHERE action IN ('national_extract', 'national_statistics')",
        ).await;
        assert_eq!(audited, 2, "both reads are audited");
    }

    async fn bad_parameters_are_named_and_an_unknown_format_is_not_acceptable(app) {
        let token = analyst(&app).await;
        for (path, field) in [
            ("/api/v1/national/statistics", "year"),
            ("/api/v1/national/statistics?year=twenty", "year"),
            ("/api/v1/national/statistics?year=1999", "year"),
            ("/api/v1/national/statistics?year=2025&by=postcode", "by"),
            ("/api/v1/national/statistics?year=2025&include_open=maybe", "include_open"),
            ("/api/v1/national/records?year=20x5", "year"),
            ("/api/v1/national/records?colour=red", "colour"),
        ] {
            let p = problem(app.get_as(path, &token).await, 400).await;
            assert_eq!(first_field(&p), field, "{path}: {p}");
        }
        let res = app.client.get(app.url(RECORDS)).bearer_auth(&token)
            .header("accept", "application/pdf").send().await.expect("request");
        problem(res, 406).await;
    }
}
