//! The case team's daily work, part one (issue 15): the staff of an ICB as its lead's reviewer
//! picker, the reviewer's name on a review, and a reviewer's own open reviews, due soonest first.

use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{act_ok, id_of, new_case, notification, person, review};
use crate::helpers::{add_months, json, problem, sql_count, sql_execute, today, ymd};

async fn staff_of(app: &crate::helpers::Http, token: &str, code: &str) -> reqwest::Response {
    app.get_as(&format!("/api/v1/organisations/{code}/staff"), token)
        .await
}

fn named<'a>(page: &'a Value, username: &str) -> &'a Value {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|m| m["username"] == username)
        .unwrap_or_else(|| panic!("{username} not in {page}"))
}

both_backends! {
    async fn a_lead_builds_a_reviewer_picker_from_the_staff_list_and_allocates(app) {
        let lead = person(&app, "lena.lead", &["ics_lead"], "QOP").await;
        let qa = person(&app, "quinn.qa", &["qa_panel"], "QOP").await;
        let rory = person(&app, "rory.reviewer", &["reviewer"], "QOP").await;
        let senior = person(&app, "sian.senior", &["qa_panel", "reviewer"], "QOP").await;
        let gone = person(&app, "gil.gone", &["reviewer"], "QOP").await;
        let admin = app.admin_token().await;
        let res = app.get_as(&format!("/api/v1/users/{}", gone.id), &admin).await;
        let tag = crate::helpers::etag_of(&res);
        json(crate::helpers::patch_json(&app, &format!("/api/v1/users/{}", gone.id), &admin, Some(&tag),
            &json!({"disabled": true})).await, 200).await;
        let other_lead = person(&app, "olga.lead", &["ics_lead"], "QE1").await;
        person(&app, "otto.reviewer", &["reviewer"], "QE1").await;

        let page = json(staff_of(&app, &lead.token, "qop").await, 200).await;
        let names: Vec<&str> = page["items"].as_array().unwrap().iter()
            .map(|m| m["username"].as_str().unwrap()).collect();
        assert_eq!(names, ["lena.lead", "quinn.qa", "rory.reviewer", "sian.senior"], "{page}");
        assert_eq!(page["next_cursor"], Value::Null);
        assert_eq!(named(&page, "sian.senior")["roles"], json!(["qa_panel", "reviewer"]));
        assert_eq!(named(&page, "lena.lead")["open_reviews"], Value::Null);
        assert_eq!(named(&page, "rory.reviewer")["open_reviews"], json!({"total": 0, "by_stage": [], "open_records_requests": 0}));

        // The picker: reviewers of the ICB; the lead allocates two cases to Rory, starts none.
        let pick = page["items"].as_array().unwrap().iter()
            .find(|m| m["roles"].as_array().unwrap().contains(&json!("reviewer"))
                && m["username"] == "rory.reviewer").unwrap()["id"].as_str().unwrap().to_owned();
        assert_eq!(pick, rory.id);
        let first = id_of(&new_case(&app, &lead.token, &notification()).await);
        let second = id_of(&new_case(&app, &lead.token, &notification()).await);
        for id in [&first, &second] {
            let allocated = act_ok(&app, &lead.token, id, json!({"action": "allocate", "reviewer_id": pick})).await;
            assert_eq!(allocated["reviewer"], json!({"id": rory.id, "display_name": "rory.reviewer"}));
        }
        act_ok(&app, &rory.token, &second, json!({"action": "start"})).await;
        let (seen, _) = review(&app, &qa.token, &first).await;
        assert_eq!(seen["reviewer"]["display_name"], "rory.reviewer");
        assert_eq!(seen["reviewer_id"], rory.id.as_str());

        let page = json(staff_of(&app, &qa.token, "QOP").await, 200).await;
        assert_eq!(named(&page, "rory.reviewer")["open_reviews"], json!({"total": 2, "by_stage": [
            {"stage": "allocated", "count": 1}, {"stage": "in_review", "count": 1}], "open_records_requests": 0}));
        assert_eq!(named(&page, "sian.senior")["open_reviews"]["total"], 0);
        // An admin reads it too.
        json(staff_of(&app, &admin, "QOP").await, 200).await;

        // Another ICB's lead sees nothing of it, as if it did not exist, and it is audited.
        let before = sql_count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE outcome = 'refused' AND subject = 'organisation:QOP'").await;
        problem(staff_of(&app, &other_lead.token, "QOP").await, 404).await;
        let after = sql_count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE outcome = 'refused' AND subject = 'organisation:QOP'").await;
        assert_eq!(after, before + 1);
        let theirs = json(staff_of(&app, &other_lead.token, "QE1").await, 200).await;
        assert_eq!(theirs["items"].as_array().unwrap().len(), 2, "{theirs}");
        // A reviewer of the ICB may not; an unknown code is not found.
        problem(staff_of(&app, &rory.token, "QOP").await, 403).await;
        problem(staff_of(&app, &admin, "ZZZ").await, 404).await;
        let _ = senior;
    }

    async fn a_reviewer_sees_their_open_reviews_due_soonest_first(app) {
        let lead = person(&app, "lena.lead", &["ics_lead"], "QOP").await;
        let rory = person(&app, "rory.reviewer", &["reviewer"], "QOP").await;
        let ruth = person(&app, "ruth.reviewer", &["reviewer"], "QOP").await;
        let newer = id_of(&new_case(&app, &lead.token, &notification()).await);
        let older = id_of(&new_case(&app, &lead.token, &notification()).await);
        let held = id_of(&new_case(&app, &lead.token, &notification()).await);
        let ruths = id_of(&new_case(&app, &lead.token, &notification()).await);
        let done = id_of(&new_case(&app, &lead.token, &notification()).await);
        // `older` was notified five months ago, `held` four months ago but held for 60 days.
        let day = |months: i32| ymd(add_months(today(), months));
        sql_execute(&app, &format!("UPDATE reviews SET notified_on = '{}', notified_at = '{} 09:00:00' WHERE id = '{older}'", day(-5), day(-5))).await;
        sql_execute(&app, &format!("UPDATE reviews SET notified_on = '{}', notified_at = '{} 09:00:00' WHERE id = '{held}'", day(-4), day(-4))).await;
        for (id, who) in [(&newer, &rory), (&older, &rory), (&held, &rory), (&ruths, &ruth), (&done, &rory)] {
            act_ok(&app, &lead.token, id, json!({"action": "allocate", "reviewer_id": who.id})).await;
        }
        act_ok(&app, &lead.token, &held, json!({"action": "hold", "reason": "coroner_inquest"})).await;
        let since = ymd(today() - time::Duration::days(60));
        sql_execute(&app, &format!("UPDATE review_holds SET started_on = '{since}' WHERE review_id = '{held}'")).await;
        // A case closed since does not count: a correction makes it not eligible.
        json(crate::cases::patch_person(&app, &lead.token, &lead.token, &done, &json!({"learning_disability": false})).await, 200).await;

        let mine = json(app.get_as("/api/v1/me/reviews", &rory.token).await, 200).await;
        let ids: Vec<&str> = mine["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, [older.as_str(), held.as_str(), newer.as_str()], "{mine}");
        assert_eq!(mine["items"][0]["reviewer"]["display_name"], "rory.reviewer");
        assert_eq!(mine["next_cursor"], Value::Null);
        let audited = sql_count(&app, &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'read' AND actor_id = '{}'", rory.id)).await;
        assert_eq!(audited, 3);
        problem(app.get_as("/api/v1/me/reviews", &lead.token).await, 403).await;
    }
}
