//! Dashboards (DOMAIN.md, "Oversight"): a hand-built Greater Manchester (QOP) whose every figure
//! is worked out below, and the North West region (Y62), whose total is the sum of its ICBs.
//!
//! Dates are relative to today; each review's notification instant and first allocation are
//! set exactly, so the days between them are whole numbers chosen here.

use leder_api::demo::CaseSpec;
use leder_domain::time_targets::due_date;
use serde_json::{Value, json};
use time::{Date, Duration};

use crate::both_backends;
use crate::cases::person;
use crate::helpers::{TestApp, json, problem, sql_execute, today, ymd};
use crate::national_records::insert;
use crate::regional::coordinator;

fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// The day whose 6-month due date is `due` (or the nearest day before it that has one).
fn notified_for_due(due: Date) -> Date {
    let mut day = due.saturating_sub(days(200));
    while due_date(day.next_day().unwrap()) <= due {
        day = day.next_day().unwrap();
    }
    day
}

/// A case of `icb` at `stage`, notified on `notified` (died 3 days before), aged 60.
fn case(icb: &str, stage: &str, notified: Date) -> CaseSpec {
    let mut spec = CaseSpec::completed(notified.saturating_sub(days(3)), 60);
    spec.organisation = icb.into();
    spec.notified_on = notified;
    spec.status = stage.into();
    spec.completed_on = None;
    spec
}

fn completed(icb: &str, notified: Date, completed_on: Date) -> CaseSpec {
    let mut spec = case(icb, "completed", notified);
    spec.completed_on = Some(completed_on);
    spec
}

/// Sets the notification instant (09:00 UTC on its day) and replaces the allocation history
/// with first allocations `after` days later (10:00 UTC), and a reallocation 2 days after that;
/// the review's first allocation (which the dashboard counts) is set to match.
async fn allocated_after(app: &TestApp, id: &str, notified: Date, after: Option<i64>, again: bool) {
    let n = ymd(notified);
    let first = after.map_or("NULL".to_owned(), |after| {
        format!("'{} 10:00:00'", ymd(notified.saturating_add(days(after))))
    });
    sql_execute(
        app,
        &format!(
            "UPDATE reviews SET notified_at = '{n} 09:00:00', first_allocated_at = {first} \
             WHERE id = '{id}'"
        ),
    )
    .await;
    sql_execute(
        app,
        &format!(
            "DELETE FROM review_history WHERE review_id = '{id}' \
                               AND action = 'transition:allocate'"
        ),
    )
    .await;
    let Some(after) = after else { return };
    let mut at = vec![notified.saturating_add(days(after))];
    if again {
        at.push(at[0].saturating_add(days(2)));
    }
    for (i, day) in at.into_iter().enumerate() {
        sql_execute(app, &format!(
            "INSERT INTO review_history (id, review_id, occurred_at, actor_id, actor_roles, action, \
             from_status, to_status, detail) VALUES ('alloc-{i}-{id}', '{id}', '{} 10:00:00', NULL, \
             'ics_lead', 'transition:allocate', 'awaiting_allocation', 'allocated', '{{}}')",
            ymd(day))).await;
    }
}

/// The hand-built QOP; returns nothing, every figure is in the test.
async fn greater_manchester(app: &TestApp) {
    let t = today();
    let due_in_10 = notified_for_due(t.saturating_add(days(10)));
    let overdue_by_5 = notified_for_due(t.saturating_sub(days(5)));
    let long_ago = t.saturating_sub(days(240));
    let specs = vec![
        case("QOP", "awaiting_allocation", t.saturating_sub(days(40))), // 0: unallocated > 28
        case("QOP", "awaiting_allocation", t.saturating_sub(days(29))), // 1: unallocated > 28
        case("QOP", "awaiting_allocation", t.saturating_sub(days(10))), // 2
        case("QOP", "allocated", due_in_10),                            // 3: due soon
        case("QOP", "in_review", overdue_by_5),                         // 4: overdue
        case("QOP", "in_review", overdue_by_5), // 5: +10 days held: due soon
        case("QOP", "awaiting_qa", t.saturating_sub(days(30))), // 6
        case("QOP", "on_hold", long_ago),       // 7: not on the clock
        case("QOP", "on_hold", t.saturating_sub(days(20))), // 8
        {
            let mut child = case("QOP", "referred_to_child_death_review", long_ago);
            child.date_of_birth = child.date_of_death.saturating_sub(days(365 * 10 + 30));
            child // 9: not on the clock
        },
        completed(
            "QOP",
            t.saturating_sub(days(110)),
            t.saturating_sub(days(10)),
        ), // 10: 100 days
        completed(
            "QOP",
            t.saturating_sub(days(250)),
            t.saturating_sub(days(100)),
        ), // 11: 150
        completed(
            "QOP",
            t.saturating_sub(days(450)),
            t.saturating_sub(days(200)),
        ), // 12: 250
        completed(
            "QOP",
            t.saturating_sub(days(1399)),
            t.saturating_sub(days(400)),
        ), // 13: old
    ];
    let notified: Vec<Date> = specs.iter().map(|s| s.notified_on).collect();
    let ids = insert(app, specs).await;
    // Days to first allocation: 5, 12, 20 (reallocated too), 30, 3, 1, and 7 for two of the
    // reviews completed in the window: 1 3 5 7 7 12 20 30, median 7. Reviews 12 and 13 were
    // allocated more than 12 months ago (443 and 1392 days).
    for (i, after, again) in [
        (3, Some(5), false),
        (4, Some(12), false),
        (5, Some(20), true),
        (6, Some(30), false),
        (7, Some(3), false),
        (8, Some(1), false),
        (10, Some(7), false),
        (11, Some(7), false),
        (12, Some(7), false),
        (13, Some(7), false),
        (0, None, false),
        (1, None, false),
        (2, None, false),
        (9, None, false),
    ] {
        allocated_after(app, &ids[i], notified[i], after, again).await;
    }
    let held_from = ymd(t.saturating_sub(days(60)));
    let held_to = ymd(t.saturating_sub(days(50)));
    sql_execute(
        app,
        &format!(
            "INSERT INTO review_holds (id, review_id, reason, reason_text, from_stage, started_on, \
         started_at, ended_on, ended_at) VALUES ('held-5', '{}', 'police_investigation', NULL, \
         'in_review', '{held_from}', '{held_from} 09:00:00', '{held_to}', '{held_to} 09:00:00')",
            ids[5]
        ),
    )
    .await;
    sql_execute(
        app,
        &format!(
            "UPDATE review_holds SET reason = 'coroner_inquest' \
                               WHERE review_id = '{}' AND ended_on IS NULL",
            ids[7]
        ),
    )
    .await;
    sql_execute(
        app,
        &format!(
            "UPDATE review_holds SET reason = 'safeguarding_enquiry' \
                               WHERE review_id = '{}' AND ended_on IS NULL",
            ids[8]
        ),
    )
    .await;
    sql_execute(
        app,
        &format!(
            "UPDATE reviews SET has_unreviewed_duplicate = TRUE \
                               WHERE id IN ('{}', '{}')",
            ids[2], ids[11]
        ),
    )
    .await;
}

/// A few cases of Lancashire and South Cumbria (QE1), also in the North West.
async fn lancashire(app: &TestApp) {
    let t = today();
    insert(
        app,
        vec![
            case("QE1", "awaiting_allocation", t.saturating_sub(days(35))),
            case(
                "QE1",
                "in_review",
                notified_for_due(t.saturating_sub(days(1))),
            ),
            case("QE1", "on_hold", t.saturating_sub(days(15))),
            completed(
                "QE1",
                t.saturating_sub(days(90)),
                t.saturating_sub(days(20)),
            ),
            case("QWO", "awaiting_allocation", t.saturating_sub(days(35))),
        ],
    )
    .await;
}

async fn dashboard(app: &TestApp, token: &str, code: &str) -> Value {
    json(
        app.get_as(&format!("/api/v1/organisations/{code}/dashboard"), token)
            .await,
        200,
    )
    .await
}

fn by_stage(values: [u64; 7]) -> Value {
    let names = [
        "allocated",
        "awaiting_allocation",
        "awaiting_qa",
        "awaiting_sign_off",
        "in_review",
        "on_hold",
        "referred_to_child_death_review",
    ];
    Value::Object(
        names
            .iter()
            .zip(values)
            .map(|(k, v)| ((*k).to_owned(), json!(v)))
            .collect(),
    )
}

both_backends! {
    async fn every_figure_of_a_hand_built_icb(app) {
        greater_manchester(&app).await;
        let lead = person(&app, "lena.lead", &["ics_lead"], "QOP").await;
        let body = dashboard(&app, &lead.token, "QOP").await;
        assert_eq!(body["kind"], "icb");
        assert_eq!(body["as_of"], ymd(today()));
        let icbs = body["icbs"].as_array().unwrap();
        assert_eq!(icbs.len(), 1);
        let q = &icbs[0];
        assert_eq!(q["organisation"], "QOP");
        assert_eq!(q["name"], "NHS Greater Manchester Integrated Care Board");
        assert_eq!(q["open"], 10, "{q}");
        assert_eq!(q["open_by_stage"], by_stage([1, 3, 1, 0, 2, 2, 1]));
        assert_eq!(q["unallocated_over_28_days"], 2);
        assert_eq!(q["due_within_28_days"], 2, "one due in 10 days, one overdue but for its hold");
        assert_eq!(q["overdue"], 1);
        let reasons = q["on_hold_by_reason"].as_object().unwrap();
        assert_eq!(reasons.len(), 9, "every reason listed");
        assert_eq!(reasons["coroner_inquest"], 1);
        assert_eq!(reasons["safeguarding_enquiry"], 1);
        assert_eq!(reasons["police_investigation"], 0, "an ended hold is not on hold");
        assert_eq!(reasons.values().filter_map(Value::as_u64).sum::<u64>(), 2);
        assert_eq!(q["duplicates_awaiting_review"], 2);
        assert_eq!(q["allocated_last_12_months"], 8);
        assert_eq!(q["median_days_to_allocation"], 7.0);
        assert_eq!(q["completed_last_12_months"], 3);
        assert_eq!(q["median_days_to_completion"], 150.0);
        assert_eq!(body["total"], {
            let mut t = q.clone();
            let o = t.as_object_mut().unwrap();
            o.remove("organisation");
            o.remove("name");
            t
        });
        let qa = person(&app, "quinn.qa", &["qa_panel"], "QOP").await;
        assert_eq!(dashboard(&app, &qa.token, "QOP").await["total"], body["total"]);
        let admin = app.admin_token().await;
        assert_eq!(dashboard(&app, &admin, "qop").await["total"], body["total"]);
    }

    async fn a_regions_total_is_the_sum_of_its_icbs(app) {
        greater_manchester(&app).await;
        lancashire(&app).await;
        let (_, rc) = coordinator(&app, "rita.coordinator", "Y62").await;
        let body = dashboard(&app, &rc, "Y62").await;
        assert_eq!(body["kind"], "region");
        let icbs = body["icbs"].as_array().unwrap();
        let codes: Vec<&str> = icbs.iter().map(|r| r["organisation"].as_str().unwrap()).collect();
        assert_eq!(codes, ["QE1", "QOP", "QYG"], "the North West's ICBs today");
        let total = &body["total"];
        for field in ["open", "unallocated_over_28_days", "due_within_28_days", "overdue",
                      "duplicates_awaiting_review", "allocated_last_12_months",
                      "completed_last_12_months"] {
            let sum: u64 = icbs.iter().map(|r| r[field].as_u64().unwrap()).sum();
            assert_eq!(total[field].as_u64().unwrap(), sum, "{field}");
        }
        for map in ["open_by_stage", "on_hold_by_reason"] {
            for (key, value) in total[map].as_object().unwrap() {
                let sum: u64 = icbs.iter().map(|r| r[map][key].as_u64().unwrap()).sum();
                assert_eq!(value.as_u64().unwrap(), sum, "{map}.{key}");
            }
        }
        let qe1 = &icbs[0];
        assert_eq!(qe1["open"], 3);
        assert_eq!(qe1["unallocated_over_28_days"], 1);
        assert_eq!(qe1["overdue"], 1);
        assert_eq!(qe1["completed_last_12_months"], 1);
        assert_eq!(qe1["median_days_to_completion"], 70.0);
        assert_eq!(total["open"], 13, "QWO, in another region, is not counted");
        assert_eq!(total["median_days_to_completion"], 125.0, "70 100 150 250 together");
        assert_eq!(icbs[2]["open"], 0);
        assert_eq!(icbs[2]["median_days_to_completion"], Value::Null);
        assert_eq!(dashboard(&app, &rc, "QE1").await["icbs"][0], icbs[0].clone());
    }

    async fn who_may_read_which_dashboard(app) {
        let lead = person(&app, "lena.lead", &["ics_lead"], "QOP").await;
        let reviewer = person(&app, "rory.reviewer", &["reviewer"], "QOP").await;
        let (_, analyst) = app.user("nina.analyst", &["national_analyst"], None).await;
        let (_, rc) = coordinator(&app, "rita.coordinator", "Y62").await;
        let admin = app.admin_token().await;
        let (_, client) = {
            let (id, _, token) = app.machine_client("QOP").await;
            (id, token)
        };
        let status = |token: String, code: &'static str| {
            let app = &app;
            async move {
                app.get_as(&format!("/api/v1/organisations/{code}/dashboard"), &token).await
                    .status().as_u16()
            }
        };
        for (token, code, expected) in [
            (lead.token.clone(), "QOP", 200), (lead.token.clone(), "QE1", 404),
            (lead.token.clone(), "Y62", 403), (reviewer.token.clone(), "QOP", 403),
            (client.clone(), "QOP", 403), (analyst.clone(), "QOP", 403),
            (analyst.clone(), "Y62", 403), (rc.clone(), "QOP", 200), (rc.clone(), "QE1", 200),
            (rc.clone(), "Y62", 200), (rc.clone(), "QWO", 404), (rc.clone(), "Y63", 404),
            (admin.clone(), "QWO", 200), (admin.clone(), "Y63", 200),
            (admin.clone(), "ZZZ", 404), (rc.clone(), "14L", 404),
        ] {
            assert_eq!(status(token, code).await, expected, "{code}");
        }
        problem(app.get("/api/v1/organisations/QOP/dashboard").await, 401).await;
    }
}
