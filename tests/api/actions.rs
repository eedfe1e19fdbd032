//! SMART actions: agreeing them, updating with If-Match, the derived `overdue`, links to the
//! ICB's own learning, history and the `action.changed` event.

use serde_json::{Value, json};
use time::Duration;

use crate::both_backends;
use crate::cases::{add_learning, at_stage, events, id_of, new_case, notification_with, staff};
use crate::helpers::{TestApp, etag_of, first_field, json, patch_json, problem, today, ymd};

const PLAN: &str = "/api/v1/organisations/QOP/actions";

fn action(due: time::Date) -> Value {
    json!({
        "title": "Repeat swallowing assessments after every admission for aspiration",
        "outcome_measure": "95% of people readmitted with aspiration have a SALT review within 7 days",
        "owner": "Community learning disability team",
        "due_date": ymd(due),
        "themes": ["dysphagia", "aspiration_pneumonia"]
    })
}

async fn learning_ids(app: &TestApp, token: &str, review: &str) -> Vec<String> {
    let listed = json(
        app.get_as(&format!("/api/v1/reviews/{review}/learning"), token)
            .await,
        200,
    )
    .await;
    listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .collect()
}

both_backends! {
    async fn the_lead_agrees_an_action_from_a_signed_off_reviews_learning(app) {
        let s = staff(&app).await;
        let review = at_stage(&app, &s, "completed").await;
        let learning = learning_ids(&app, &s.lead.token, &review).await;
        let mut body = action(today() + Duration::days(90));
        body["learning_ids"] = json!(learning);
        let res = app.post_as(PLAN, &s.lead.token, &body).await;
        assert_eq!(etag_of(&res), "\"1\"");
        let created = json(res, 201).await;
        assert_eq!(created["status"], "planned");
        assert_eq!(created["overdue"], false);
        assert_eq!(created["learning_ids"], json!(learning));
        assert_eq!(created["themes"], json!(["aspiration_pneumonia", "dysphagia"]));
        assert_eq!(created["owner"], "Community learning disability team");
        let id = created["id"].as_str().unwrap();
        let listed = json(app.get_as(PLAN, &s.qa.token).await, 200).await;
        assert_eq!(listed["items"][0]["id"], id);
        json(app.get_as(&format!("/api/v1/actions/{id}"), &s.qa.token).await, 200).await;
        // Only the ICB's lead agrees actions; another ICB's people do not see this plan.
        problem(app.post_as(PLAN, &s.qa.token, &body).await, 403).await;
        problem(app.post_as(PLAN, &s.other_lead.token, &body).await, 404).await;
        problem(app.get_as(&format!("/api/v1/actions/{id}"), &s.other_lead.token).await, 404).await;
        problem(app.get_as(PLAN, &s.reviewer.token).await, 403).await;
        problem(app.get_as(PLAN, &app.admin_token().await).await, 403).await;
    }

    async fn an_action_links_only_learning_of_its_own_icbs_reviews_and_known_themes(app) {
        let s = staff(&app).await;
        let qe1 = id_of(&new_case(&app, &s.other_lead.token, &notification_with(json!({"area_code": "QE1"}))).await);
        let theirs = add_learning(&app, &s.other_lead.token, &qe1, &crate::cases::learning_point()).await;
        for (field, value) in [
            ("learning_ids", json!([theirs["id"]])),
            ("learning_ids", json!(["no-such-learning"])),
            ("themes", json!(["weather"])),
        ] {
            let mut body = action(today());
            body[field] = value.clone();
            let refused = problem(app.post_as(PLAN, &s.lead.token, &body).await, 422).await;
            assert_eq!(first_field(&refused), field, "{value}: {refused}");
        }
        assert_eq!(json(app.get_as(PLAN, &s.lead.token).await, 200).await["items"], json!([]));
        // The QE1 lead may link it in QE1's own plan.
        let mut body = action(today());
        body["learning_ids"] = json!([theirs["id"]]);
        json(app.post_as("/api/v1/organisations/QE1/actions", &s.other_lead.token, &body).await, 201).await;
    }

    async fn an_update_needs_if_match_and_keeps_history_audit_and_an_event(app) {
        let s = staff(&app).await;
        let created = json(app.post_as(PLAN, &s.lead.token, &action(today() + Duration::days(30))).await, 201).await;
        let path = format!("/api/v1/actions/{}", created["id"].as_str().unwrap());
        let change = json!({"status": "in_progress", "owner": "Acute liaison nurses"});
        problem(patch_json(&app, &path, &s.lead.token, None, &change).await, 428).await;
        problem(patch_json(&app, &path, &s.lead.token, Some("\"7\""), &change).await, 412).await;
        let res = patch_json(&app, &path, &s.lead.token, Some("\"1\""), &change).await;
        assert_eq!(etag_of(&res), "\"2\"");
        let updated = json(res, 200).await;
        assert_eq!(updated["status"], "in_progress");
        assert_eq!(updated["owner"], "Acute liaison nurses");
        assert_eq!(updated["title"], created["title"], "absent fields are unchanged");
        problem(patch_json(&app, &path, &s.lead.token, Some("\"1\""), &json!({"status": "done"})).await, 412).await;
        problem(patch_json(&app, &path, &s.qa.token, Some("\"2\""), &json!({"status": "done"})).await, 403).await;
        problem(patch_json(&app, &path, &s.other_lead.token, Some("\"2\""), &json!({"status": "done"})).await, 404).await;
        let done = json(patch_json(&app, &path, &s.lead.token, Some("\"2\""), &json!({"status": "done", "themes": null})).await, 200).await;
        assert_eq!(done["completed_on"], ymd(today()));
        assert_eq!(done["themes"], json!([]));
        let history = json(app.get_as(&format!("{path}/history"), &s.qa.token).await, 200).await;
        let items = history["items"].as_array().unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0]["change"], "created");
        assert_eq!(items[1]["detail"]["status"], json!({"from": "planned", "to": "in_progress"}));
        assert_eq!(items[1]["detail"]["owner"]["to"], "Acute liaison nurses");
        assert!(items[1]["detail"].get("title").is_none());
        assert_eq!(items[2]["version"], 3);
        let changed: Vec<_> = events(&app).await.into_iter().filter(|e| e.event_type == "action.changed").collect();
        assert_eq!(changed.len(), 3);
        assert!(changed.iter().all(|e| e.organisation == "QOP" && e.subject_id == created["id"].as_str().unwrap()));
        let last: Value = serde_json::from_str(&changed[2].data).unwrap();
        assert_eq!(last["status"], "done");
        let audited = |outcome: &'static str| {
            let sql = format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE subject = 'action:{}' AND outcome = '{outcome}'",
                created["id"].as_str().unwrap()
            );
            let app = &app;
            async move { crate::helpers::sql_count(app, &sql).await }
        };
        // The three changes, and the QA panel's 403 and the other ICB's 404 as refusals.
        assert_eq!(audited("success").await, 3);
        assert_eq!(audited("refused").await, 2);
    }

    async fn an_open_action_is_overdue_only_once_its_due_date_has_passed(app) {
        let s = staff(&app).await;
        let due_today = json(app.post_as(PLAN, &s.lead.token, &action(today())).await, 201).await;
        let due_yesterday = json(app.post_as(PLAN, &s.lead.token, &action(today() - Duration::days(1))).await, 201).await;
        let mut done = action(today() - Duration::days(1));
        done["status"] = json!("done");
        let done = json(app.post_as(PLAN, &s.lead.token, &done).await, 201).await;
        let mut cancelled = action(today() - Duration::days(10));
        cancelled["status"] = json!("cancelled");
        json(app.post_as(PLAN, &s.lead.token, &cancelled).await, 201).await;
        assert_eq!(due_today["overdue"], false);
        assert_eq!(due_yesterday["overdue"], true);
        assert_eq!(done["overdue"], false);
        let overdue = json(app.get_as(&format!("{PLAN}?overdue=true"), &s.lead.token).await, 200).await;
        let ids: Vec<&Value> = overdue["items"].as_array().unwrap().iter().map(|a| &a["id"]).collect();
        assert_eq!(ids, [&due_yesterday["id"]]);
        let open = json(app.get_as(&format!("{PLAN}?status=planned&overdue=false"), &s.lead.token).await, 200).await;
        assert_eq!(open["items"].as_array().unwrap().len(), 1);
        // Moving the due date back a day makes it overdue.
        let path = format!("/api/v1/actions/{}", due_today["id"].as_str().unwrap());
        let moved = json(patch_json(&app, &path, &s.lead.token, Some("\"1\""),
            &json!({"due_date": ymd(today() - Duration::days(1))})).await, 200).await;
        assert_eq!(moved["overdue"], true);
        let page = json(app.get_as(&format!("{PLAN}?limit=2"), &s.lead.token).await, 200).await;
        let cursor = page["next_cursor"].as_str().unwrap();
        let rest = json(app.get_as(&format!("{PLAN}?limit=2&cursor={cursor}"), &s.lead.token).await, 200).await;
        assert_eq!(rest["items"].as_array().unwrap().len(), 2);
        problem(app.get_as(&format!("{PLAN}?status=finished"), &s.lead.token).await, 400).await;
    }
}
