//! Listing reviews: order, cursor pages, each filter, parameter errors, what each role sees, and
//! the overdue rule with and without time on hold.

use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{
    Staff, act_ok, at_stage, find, id_of, new_case, notification_with, notify, review, staff,
};
use crate::helpers::{TestApp, add_months, form_encode, json, problem, sql_execute, today, ymd};

/// The ids of the reviews `token` lists with `query`, following every cursor.
async fn listed(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/reviews?{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={}", form_encode(c)));
        }
        let page = json(app.get_as(&path, token).await, 200).await;
        ids.extend(page["items"].as_array().unwrap().iter().map(id_of));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return ids,
        }
        assert!(ids.len() < 1000, "the cursor never ends");
    }
}

/// Moves a review's notification to `date` (10:00 that day).
async fn notified_on(app: &TestApp, id: &str, date: time::Date) {
    let d = ymd(date);
    let sql = format!(
        "UPDATE reviews SET notified_on = '{d}', notified_at = '{d} 10:00:00' WHERE id = '{id}'"
    );
    assert_eq!(sql_execute(app, &sql).await, 1);
}

async fn allocated_case(app: &TestApp, s: &Staff) -> String {
    at_stage(app, s, "allocated").await
}

both_backends! {
    async fn the_list_is_in_notification_order_and_pages_with_a_cursor(app) {
        let s = staff(&app).await;
        let mut created = Vec::new();
        for _ in 0..5 {
            created.push(at_stage(&app, &s, "awaiting_allocation").await);
        }
        let first = json(app.get_as("/api/v1/reviews?limit=2", &s.lead.token).await, 200).await;
        assert_eq!(first["items"].as_array().unwrap().len(), 2);
        assert!(first["next_cursor"].is_string(), "{first}");
        assert_eq!(listed(&app, &s.lead.token, "limit=2").await, created);
        assert_eq!(listed(&app, &s.lead.token, "limit=200").await, created);
        let all = json(app.get_as("/api/v1/reviews", &s.lead.token).await, 200).await;
        assert_eq!(all["next_cursor"], Value::Null);
        assert_eq!(all["items"].as_array().unwrap().len(), 5);
        // Notification time decides the order, not creation: move the last one back a year.
        notified_on(&app, &created[4], add_months(today(), -12)).await;
        let mut expected = vec![created[4].clone()];
        expected.extend_from_slice(&created[..4]);
        assert_eq!(listed(&app, &s.lead.token, "limit=3").await, expected);
    }

    async fn each_filter_narrows_the_list(app) {
        let s = staff(&app).await;
        let waiting = at_stage(&app, &s, "awaiting_allocation").await;
        let allocated = allocated_case(&app, &s).await;
        let in_review = at_stage(&app, &s, "in_review").await;
        let focused = id_of(&new_case(&app, &s.lead.token, &notification_with(json!({"ethnic_category": "N"}))).await);
        let child = at_stage(&app, &s, "not_eligible").await;
        act_ok(&app, &s.lead.token, &focused, json!({"action": "allocate", "reviewer_id": s.reviewer2.id})).await;
        let lead = &s.lead.token;
        assert_eq!(listed(&app, lead, "status=awaiting_allocation").await, [waiting.as_str()]);
        assert_eq!(listed(&app, lead, "status=allocated").await, [allocated.as_str(), focused.as_str()]);
        assert_eq!(listed(&app, lead, "status=not_eligible").await, [child.as_str()]);
        assert_eq!(listed(&app, lead, "review_type=focused").await, [focused.as_str()]);
        assert_eq!(listed(&app, lead, "review_type=initial").await, [waiting.as_str(), allocated.as_str(), in_review.as_str()]);
        assert_eq!(listed(&app, lead, &format!("reviewer_id={}", s.reviewer.id)).await, [allocated.as_str(), in_review.as_str()]);
        assert_eq!(listed(&app, lead, &format!("reviewer_id={}&status=in_review", s.reviewer.id)).await, [in_review.as_str()]);
        assert_eq!(listed(&app, lead, "organisation=QOP").await.len(), 5);
        let (case, _) = review(&app, lead, &child).await;
        let reference = case["reference"].as_str().unwrap();
        assert_eq!(listed(&app, lead, &format!("reference={reference}")).await, [child.as_str()]);
        assert_eq!(listed(&app, lead, "reference=LDR-00000000").await, Vec::<String>::new());
        // Notification dates: one case in May, one in mid-June, the rest today.
        let may = time::Date::from_calendar_date(2026, time::Month::May, 1).unwrap();
        let june = time::Date::from_calendar_date(2026, time::Month::June, 15).unwrap();
        notified_on(&app, &waiting, may).await;
        notified_on(&app, &allocated, june).await;
        assert_eq!(listed(&app, lead, "notified_to=2026-06-01").await, [waiting.as_str()]);
        assert_eq!(listed(&app, lead, "notified_from=2026-06-01&notified_to=2026-07-01").await, [allocated.as_str()]);
        assert_eq!(listed(&app, lead, "notified_from=2026-04-01&notified_to=2026-07-01").await, [waiting.as_str(), allocated.as_str()]);
        let from_today = listed(&app, lead, &format!("notified_from={}", ymd(today()))).await;
        assert_eq!(from_today, [in_review.clone(), focused.clone(), child.clone()]);
    }

    async fn bad_list_parameters_are_a_400_naming_the_parameter(app) {
        let s = staff(&app).await;
        for (query, field) in [
            ("limit=0", "limit"),
            ("limit=201", "limit"),
            ("limit=ten", "limit"),
            ("status=lost", "status"),
            ("review_type=deep", "review_type"),
            ("overdue=maybe", "overdue"),
            ("notified_from=2026-13-01", "notified_from"),
            ("notified_to=yesterday", "notified_to"),
            ("cursor=not-a-cursor", "cursor"),
        ] {
            let body = problem(app.get_as(&format!("/api/v1/reviews?{query}"), &s.lead.token).await, 400).await;
            assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
        }
    }

    async fn each_role_lists_only_what_it_may_see(app) {
        let s = staff(&app).await;
        let mine = allocated_case(&app, &s).await;
        let waiting = at_stage(&app, &s, "awaiting_allocation").await;
        let reference = notify(&app, &notification_with(json!({"area_code": "QE1"}))).await;
        let theirs = id_of(&find(&app, &s.other_lead.token, &reference).await);
        assert_eq!(listed(&app, &s.lead.token, "").await, [mine.as_str(), waiting.as_str()]);
        assert_eq!(listed(&app, &s.qa.token, "").await, [mine.as_str(), waiting.as_str()]);
        assert_eq!(listed(&app, &s.integration, "").await, [mine.as_str(), waiting.as_str()]);
        assert_eq!(listed(&app, &s.reviewer.token, "").await, [mine.as_str()]);
        assert_eq!(listed(&app, &s.reviewer2.token, "").await, Vec::<String>::new());
        assert_eq!(listed(&app, &s.other_lead.token, "").await, [theirs.as_str()]);
        // Naming the other ICB does not widen anyone's view.
        assert_eq!(listed(&app, &s.lead.token, "organisation=QE1").await, Vec::<String>::new());
        let admin = app.admin_token().await;
        problem(app.get_as("/api/v1/reviews", &admin).await, 403).await;
        let (_, analyst) = app.user("ann.analyst", &["national_analyst"], None).await;
        problem(app.get_as("/api/v1/reviews", &analyst).await, 403).await;
        problem(app.get("/api/v1/reviews").await, 401).await;
    }

    async fn a_case_notified_seven_months_ago_is_overdue(app) {
        let s = staff(&app).await;
        let late = allocated_case(&app, &s).await;
        let recent = allocated_case(&app, &s).await;
        let notified = add_months(today(), -7);
        notified_on(&app, &late, notified).await;
        let (case, _) = review(&app, &s.lead.token, &late).await;
        assert_eq!(case["overdue"], true, "{case}");
        assert_eq!(case["due_date"], ymd(add_months(notified, 6)));
        assert_eq!(case["days_elapsed"], (today() - notified).whole_days());
        assert_eq!(case["days_on_hold"], 0);
        assert_eq!(listed(&app, &s.lead.token, "overdue=true").await, [late.as_str()]);
        assert_eq!(listed(&app, &s.lead.token, "overdue=false").await, [recent.as_str()]);
        let (case, _) = review(&app, &s.lead.token, &recent).await;
        assert_eq!(case["overdue"], false);
    }

    async fn forty_days_on_hold_keep_a_case_notified_seven_months_ago_from_being_overdue(app) {
        let s = staff(&app).await;
        let held = allocated_case(&app, &s).await;
        let notified = add_months(today(), -7);
        notified_on(&app, &held, notified).await;
        let start = notified + time::Duration::days(10);
        let end = start + time::Duration::days(40);
        let sql = format!(
            "INSERT INTO review_holds (id, review_id, reason, reason_text, from_stage, started_on, \
             started_at, ended_on, ended_at) VALUES ('{}', '{held}', 'coroner_inquest', NULL, \
             'allocated', '{s}', '{s} 09:00:00', '{e}', '{e} 09:00:00')",
            uuid::Uuid::now_v7(),
            s = ymd(start),
            e = ymd(end),
        );
        assert_eq!(sql_execute(&app, &sql).await, 1);
        let (case, _) = review(&app, &s.lead.token, &held).await;
        assert_eq!(case["days_on_hold"], 40, "{case}");
        assert_eq!(case["overdue"], false, "{case}");
        assert_eq!(case["status"], "allocated");
        assert_eq!(listed(&app, &s.lead.token, "overdue=true").await, Vec::<String>::new());
        assert_eq!(listed(&app, &s.lead.token, "overdue=false").await, [held.as_str()]);
        // A case on hold right now is never overdue, however late.
        let on_hold = at_stage(&app, &s, "on_hold").await;
        notified_on(&app, &on_hold, add_months(today(), -9)).await;
        let (case, _) = review(&app, &s.lead.token, &on_hold).await;
        assert_eq!(case["overdue"], false, "{case}");
        assert_eq!(listed(&app, &s.lead.token, "overdue=true").await, Vec::<String>::new());
        // Once it resumes, it is.
        let resumed = act_ok(&app, &s.lead.token, &on_hold, json!({"action": "resume"})).await;
        assert_eq!(resumed["overdue"], true, "{resumed}");
        assert_eq!(listed(&app, &s.lead.token, "overdue=true").await, [on_hold.as_str()]);
    }
}
