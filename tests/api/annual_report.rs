//! The ICB annual report: a small financial year of cases built through the API (dates moved
//! back in the database, since the clock cannot be), every figure checked by hand, the CSV
//! against the JSON, and the publishable form's suppression.

use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{
    Staff, act_ok, add_learning, child_of_3, complete_findings, id_of, learning_point, new_case,
    notification_with, opted_out, patch_findings, staff,
};
use crate::helpers::{TestApp, json, problem, sql_execute};

const REPORT: &str = "/api/v1/organisations/QOP/reports/annual?year=2025";

async fn backdate(app: &TestApp, id: &str, notified: &str, completed: Option<&str>) {
    let completed = completed.map_or(String::new(), |c| {
        format!(", completed_on = '{c}', completed_at = '{c} 12:00:00'")
    });
    let sql = format!(
        "UPDATE reviews SET notified_on = '{notified}', notified_at = '{notified} 09:00:00'{completed} WHERE id = '{id}'"
    );
    assert_eq!(sql_execute(app, &sql).await, 1);
}

/// An adult case taken through review to sign-off, held once (coroner's inquest) when `hold`.
async fn completed_case(app: &TestApp, s: &Staff, hold: bool) -> String {
    let lead = &s.lead.token;
    let body = notification_with(json!({"date_of_death": "2025-03-01"}));
    let id = id_of(&new_case(app, lead, &body).await);
    act_ok(
        app,
        lead,
        &id,
        json!({"action": "allocate", "reviewer_id": s.reviewer.id}),
    )
    .await;
    if hold {
        act_ok(
            app,
            lead,
            &id,
            json!({"action": "hold", "reason": "coroner_inquest"}),
        )
        .await;
        act_ok(app, lead, &id, json!({"action": "resume"})).await;
    }
    let reviewer = &s.reviewer.token;
    act_ok(app, reviewer, &id, json!({"action": "start"})).await;
    json(
        patch_findings(app, lead, reviewer, &id, &complete_findings()).await,
        200,
    )
    .await;
    crate::cases::family_informed(app, reviewer, &id).await;
    add_learning(app, reviewer, &id, &learning_point()).await;
    act_ok(app, reviewer, &id, json!({"action": "submit"})).await;
    act_ok(app, &s.qa.token, &id, json!({"action": "approve"})).await;
    act_ok(app, lead, &id, json!({"action": "sign_off"})).await;
    id
}

/// The year: four reviews completed in it (one held), one completed after it, one not
/// eligible, one opted out, one focused and open, and actions due in it.
async fn a_year(app: &TestApp, s: &Staff) {
    let a = completed_case(app, s, false).await;
    backdate(app, &a, "2025-05-01", Some("2025-08-01")).await; // 92 days, within 6 months
    let b = completed_case(app, s, true).await;
    backdate(app, &b, "2025-06-10", Some("2026-01-20")).await; // 224 days, within net of holds
    let hold = "UPDATE review_holds SET started_on = '2025-07-01', ended_on = '2025-09-01'";
    assert_eq!(
        sql_execute(app, &format!("{hold} WHERE review_id = '{b}'")).await,
        1
    );
    let c = completed_case(app, s, false).await;
    backdate(app, &c, "2025-04-15", Some("2025-06-14")).await; // 60 days
    let d = completed_case(app, s, false).await;
    backdate(app, &d, "2025-03-20", Some("2025-10-20")).await; // notified the year before; 214 days
    let e = completed_case(app, s, false).await;
    backdate(app, &e, "2025-12-01", Some("2026-04-02")).await; // completed the year after
    let lead = &s.lead.token;
    let f = id_of(&new_case(app, lead, &child_of_3()).await);
    backdate(app, &f, "2025-09-01", None).await;
    let g = id_of(&new_case(app, lead, &opted_out()).await);
    backdate(app, &g, "2025-10-01", None).await;
    let mut focused =
        notification_with(json!({"ethnic_category": "H", "date_of_death": "2025-03-01"}));
    focused["family_requests_focused_review"] = json!(true);
    let h = id_of(&new_case(app, lead, &focused).await);
    backdate(app, &h, "2026-03-31", None).await; // the year's last day
    let i = id_of(&new_case(app, lead, &crate::cases::notification()).await);
    backdate(app, &i, "2026-04-01", None).await; // the next year's first day
    let plan = "/api/v1/organisations/QOP/actions";
    for (title, due, status) in [
        ("Audit swallowing plans", "2025-06-30", "planned"),
        ("Easy-read hospital passports", "2025-12-31", "done"),
        ("Train acute liaison nurses", "2026-02-28", "in_progress"),
        ("Review STOMP prescribing", "2027-01-31", "planned"),
    ] {
        let body = json!({"title": title, "outcome_measure": "measured", "owner": "ICB quality team",
                          "due_date": due, "status": status});
        json(app.post_as(plan, lead, &body).await, 201).await;
    }
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

/// The JSON figure a CSV row names.
fn figure<'a>(report: &'a Value, section: &str, item: &str) -> Option<&'a Value> {
    match section {
        "report" => None,
        "notifications" => Some(&report["notifications"]),
        "deaths" => Some(&report["deaths"][item]),
        "deaths_by_age_band" => Some(&report["deaths"]["by_age_band"][item]),
        "deaths_by_sex" => Some(&report["deaths"]["by_sex"][item]),
        "deaths_by_ethnic_group" => Some(&report["deaths"]["by_ethnic_group"][item]),
        "deaths_by_place_of_death" => Some(&report["deaths"]["by_place_of_death"][item]),
        "care_grades" => Some(&report["deaths"]["care_grades"][item]),
        "avoidable" => Some(&report["deaths"]["avoidable"][item]),
        "leading_causes" => report["deaths"]["leading_causes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["icd10"] == item)
            .map(|c| &c["deaths"]),
        "actions_by_status" => Some(&report["actions"]["by_status"][item]),
        "top_themes" => report["top_themes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["theme"] == item)
            .map(|t| &t["count"]),
        "overdue_actions" => report["actions"]["overdue"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == item)
            .map(|a| &a["due_date"]),
        other => Some(&report[other][item]),
    }
}

both_backends! {
    async fn the_annual_report_counts_a_financial_year_by_hand(app) {
        let s = staff(&app).await;
        a_year(&app, &s).await;
        let r = json(app.get_as(REPORT, &s.lead.token).await, 200).await;
        println!("{}", serde_json::to_string_pretty(&r).unwrap());
        assert_eq!(r["period"], json!({"start": "2025-04-01", "end": "2026-03-31"}));
        assert_eq!(r["publishable"], false);
        // Notified 2025-04-01..2026-03-31: a, b, c, e, f, g, h (not d, not i).
        assert_eq!(r["notifications"], 7);
        assert_eq!(r["eligibility_outcomes"], json!({"eligible": 5, "not_eligible": 1, "opted_out": 1}));
        assert_eq!(r["review_types"], json!({"initial": 4, "focused": 1}));
        assert_eq!(r["focused_reviews_by_reason"], json!({
            "ethnic_minority": 1, "autistic_without_learning_disability": 0, "family_request": 1, "reviewer_concern": 0
        }));
        // Completed in the year: c 60, a 92, d 214, b 224 days; the median of an even count is
        // the mean of the middle two: (92 + 214) / 2 = 153. Within 6 months: a and c (2/4);
        // net of holds b too (due 2025-12-10 plus 62 days on hold is 2026-02-10): 3/4.
        let c = &r["completions"];
        assert_eq!(c["reviews_completed"], 4);
        assert_eq!(c["child_death_review_outcomes"], 0);
        assert_eq!(c["median_days_to_completion"], 153.0);
        assert_eq!(c["completed_within_6_months"], 2);
        assert_eq!(c["completed_within_6_months_net_of_holds"], 3);
        assert_eq!(c["share_within_6_months"], 0.5);
        assert_eq!(c["share_within_6_months_net_of_holds"], 0.75);
        assert_eq!(r["reviews_on_hold_by_reason"]["coroner_inquest"], 1);
        assert_eq!(r["reviews_on_hold_by_reason"]["family_request"], 0);
        // Each completed review has one learning point tagged with two themes.
        assert_eq!(r["top_themes"], json!([
            {"theme": "aspiration_pneumonia", "label": "Aspiration pneumonia", "count": 4},
            {"theme": "reasonable_adjustments", "label": "Reasonable adjustments", "count": 4},
        ]));
        assert_eq!(r["actions"]["by_status"], json!({"planned": 1, "in_progress": 1, "done": 1, "cancelled": 0}));
        let overdue: Vec<&str> = r["actions"]["overdue"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
        assert_eq!(overdue, ["Audit swallowing plans", "Train acute liaison nurses"]);
        assert_eq!(r["suppressed"], json!([]));
        // The year before holds only d's notification.
        let before = json(app.get_as("/api/v1/organisations/QOP/reports/annual?year=2024", &s.lead.token).await, 200).await;
        assert_eq!(before["notifications"], 1);
        assert_eq!(before["completions"]["reviews_completed"], 0);
        assert_eq!(before["completions"]["median_days_to_completion"], Value::Null);
    }

    async fn the_csv_form_carries_the_same_figures_as_the_json(app) {
        let s = staff(&app).await;
        a_year(&app, &s).await;
        for query in ["", "&publishable=true"] {
            let path = format!("{REPORT}{query}");
            let report = json(app.get_as(&path, &s.lead.token).await, 200).await;
            let res = app.client.get(app.url(&path)).bearer_auth(&s.lead.token)
                .header("accept", "text/csv").send().await.unwrap();
            assert_eq!(res.status(), 200);
            assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
            let text = res.text().await.unwrap();
            assert!(text.starts_with("section,item,value,label\r\n"), "{text}");
            let rows = csv_rows(&text);
            // The first release's 39 rows, the quarter, and the deaths section: its total, each
            // group of its five maps, its leading causes and the three avoidable figures.
            let d = &report["deaths"];
            let groups: usize = ["by_age_band", "by_sex", "by_ethnic_group", "by_place_of_death",
                "care_grades"].iter().map(|m| d[m].as_object().unwrap().len()).sum();
            let causes = d["leading_causes"].as_array().unwrap().len();
            assert_eq!(rows.len(), 39 + 1 + 1 + groups + causes + 3, "{text}");
            for row in &rows {
                let Some(expected) = figure(&report, &row[0], &row[1]) else { continue };
                let shown = match expected {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.as_f64().unwrap().to_string(),
                    other => other.to_string(),
                };
                let value = row[2].parse::<f64>().map(|v| v.to_string()).unwrap_or_else(|_| row[2].clone());
                assert_eq!(value, shown, "{row:?} against {expected}");
            }
            let count = |section: &str| rows.iter().filter(|r| r[0] == section).count();
            assert_eq!(count("overdue_actions"), 2);
            assert_eq!(count("top_themes"), 2);
        }
    }

    async fn the_publishable_report_suppresses_small_numbers(app) {
        let s = staff(&app).await;
        a_year(&app, &s).await;
        let r = json(app.get_as(&format!("{REPORT}&publishable=true"), &s.lead.token).await, 200).await;
        assert_eq!(r["publishable"], true);
        assert_eq!(r["notifications"], Value::Null);
        assert_eq!(r["eligibility_outcomes"]["eligible"], Value::Null);
        assert_eq!(r["focused_reviews_by_reason"]["reviewer_concern"], 0, "0 stays 0");
        let c = &r["completions"];
        assert_eq!(c["reviews_completed"], Value::Null);
        assert_eq!(c["median_days_to_completion"], Value::Null, "fewer than 8 reviews");
        assert_eq!(c["share_within_6_months"], Value::Null);
        assert_eq!(r["top_themes"][0]["count"], Value::Null);
        // Actions are plans, not people: shown as counted.
        assert_eq!(r["actions"]["by_status"]["planned"], 1);
        let suppressed: Vec<&str> = r["suppressed"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        for field in ["notifications", "eligibility_outcomes.eligible", "completions.median_days_to_completion",
                      "completions.share_within_6_months", "top_themes.aspiration_pneumonia"] {
            assert!(suppressed.contains(&field), "{field} not in {suppressed:?}");
        }
        assert!(!suppressed.contains(&"focused_reviews_by_reason.reviewer_concern"));
    }

    async fn only_the_icbs_lead_reads_its_annual_report(app) {
        let s = staff(&app).await;
        problem(app.get_as(REPORT, &s.qa.token).await, 403).await;
        problem(app.get_as(REPORT, &s.other_lead.token).await, 404).await;
        problem(app.get_as(REPORT, &app.admin_token().await).await, 403).await;
        problem(app.get(REPORT).await, 401).await;
        for bad in ["", "?year=twenty", "?year=1999", "?year=2025&publishable=maybe", "?year=2025&format=xls"] {
            let path = format!("/api/v1/organisations/QOP/reports/annual{bad}");
            problem(app.get_as(&path, &s.lead.token).await, 400).await;
        }
        let empty = json(app.get_as(REPORT, &s.lead.token).await, 200).await;
        assert_eq!(empty["notifications"], 0);
        assert_eq!(empty["completions"]["share_within_6_months"], Value::Null);
    }

    async fn a_title_a_spreadsheet_would_run_as_a_formula_is_written_as_text(app) {
        let s = staff(&app).await;
        let lead = &s.lead.token;
        let title = "=HYPERLINK(\"http://evil.example/\",\"Open\")";
        for (title, due) in [(title, "2025-06-30"), ("@SUM(A1)", "2025-07-31"), ("-2+3", "2025-08-31")] {
            let body = json!({"title": title, "outcome_measure": "measured", "owner": "ICB quality team",
                              "due_date": due, "status": "planned"});
            json(app.post_as("/api/v1/organisations/QOP/actions", lead, &body).await, 201).await;
        }
        let res = app.client.get(app.url(REPORT)).bearer_auth(lead)
            .header("accept", "text/csv").send().await.unwrap();
        let text = res.text().await.unwrap();
        let labels: Vec<&str> = text.lines().filter(|l| l.starts_with("overdue_actions,"))
            .map(|l| l.splitn(4, ',').nth(3).unwrap()).collect();
        assert_eq!(labels, [
            "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"Open\"\")\"",
            "'@SUM(A1)",
            "'-2+3",
        ], "{text}");
        // The JSON form keeps the title as written.
        let report = json(app.get_as(REPORT, lead).await, 200).await;
        assert_eq!(report["actions"]["overdue"][0]["title"], title);
    }
}
