//! Local Area Contacts, governance meetings and their cadence, and learning across cases.

use serde_json::json;
use time::Duration;

use crate::both_backends;
use crate::cases::{add_learning, at_stage, id_of, new_case, notification_with, staff};
use crate::helpers::{TestApp, first_field, json, problem, today, ymd};

fn contacts() -> serde_json::Value {
    json!({
        "primary": {"role_title": "LeDeR Local Area Contact", "mailbox": "gm.leder@nhs.net", "phone": "0161 000 0000"},
        "secondary": {"role_title": "Deputy Local Area Contact", "mailbox": "gm.leder.deputy@nhs.net"}
    })
}

async fn put(
    app: &TestApp,
    path: &str,
    token: &str,
    body: &serde_json::Value,
) -> reqwest::Response {
    app.send(reqwest::Method::PUT, path, Some(token), Some(body))
        .await
}

both_backends! {
    async fn contacts_are_public_to_read_and_set_by_the_icbs_lead_or_an_admin(app) {
        let s = staff(&app).await;
        let path = "/api/v1/organisations/QOP/contacts";
        let empty = json(app.get(path).await, 200).await;
        assert_eq!(empty["primary"], serde_json::Value::Null);
        assert_eq!(empty["secondary"], serde_json::Value::Null);
        let set = json(put(&app, path, &s.lead.token, &contacts()).await, 200).await;
        assert_eq!(set["primary"]["mailbox"], "gm.leder@nhs.net");
        // Anyone, without a token, reads them.
        let read = app.get(path).await;
        let tag = crate::helpers::etag_of(&read);
        let read = json(read, 200).await;
        assert_eq!(read["primary"]["role_title"], "LeDeR Local Area Contact");
        assert_eq!(read["secondary"]["mailbox"], "gm.leder.deputy@nhs.net");
        assert_eq!(read["secondary"]["phone"], serde_json::Value::Null);
        // Another ICB's lead, the QA panel and a case system may not set them.
        for token in [&s.other_lead.token, &s.qa.token, &s.integration] {
            problem(put(&app, path, token, &contacts()).await, 403).await;
        }
        problem(app.send(reqwest::Method::PUT, path, None, Some(&contacts())).await, 401).await;
        // An admin may, for any ICB; a stale If-Match answers 412.
        let admin = app.admin_token().await;
        let mut only_primary = contacts();
        only_primary["secondary"] = serde_json::Value::Null;
        json(put(&app, path, &admin, &only_primary).await, 200).await;
        let stale = app.client.put(app.url(path)).bearer_auth(&s.lead.token)
            .header("if-match", tag).json(&contacts()).send().await.unwrap();
        problem(stale, 412).await;
        assert_eq!(json(app.get(path).await, 200).await["secondary"], serde_json::Value::Null);
        problem(app.get("/api/v1/organisations/ZZZ/contacts").await, 404).await;
    }

    async fn a_contact_mailbox_must_be_an_email_address(app) {
        let s = staff(&app).await;
        let path = "/api/v1/organisations/QOP/contacts";
        let mut body = contacts();
        body["primary"]["mailbox"] = json!("not an address");
        let refused = problem(put(&app, path, &s.lead.token, &body).await, 422).await;
        assert_eq!(first_field(&refused), "primary.mailbox", "{refused}");
        let mut body = contacts();
        body["secondary"]["mailbox"] = json!("deputy@");
        let refused = problem(put(&app, path, &s.lead.token, &body).await, 422).await;
        assert_eq!(first_field(&refused), "secondary.mailbox", "{refused}");
        let refused = problem(put(&app, path, &s.lead.token, &json!({"secondary": contacts()["secondary"]})).await, 400).await;
        assert_eq!(first_field(&refused), "primary", "{refused}");
        assert_eq!(json(app.get(path).await, 200).await["primary"], serde_json::Value::Null);
    }

    async fn meetings_are_recorded_by_the_lead_and_each_group_is_flagged_when_overdue(app) {
        let s = staff(&app).await;
        let path = "/api/v1/organisations/QOP/meetings";
        let before = json(app.get_as(path, &s.lead.token).await, 200).await;
        assert_eq!(before["cadence"]["steering_group"]["overdue"], true, "never met: {before}");
        assert_eq!(before["cadence"]["health_group"]["last_held_on"], serde_json::Value::Null);
        let case = at_stage(&app, &s, "allocated").await;
        let meeting = |kind: &str, days_ago: i64| json!({
            "kind": kind, "held_on": ymd(today() - Duration::days(days_ago)),
            "attendee_roles": ["Local Area Contact", "Designated nurse, safeguarding"],
            "reviews_discussed": [case], "decisions": "Agreed two actions on dysphagia."
        });
        // The steering group met 61 days ago (bimonthly: on time); the health group 32 days
        // ago (monthly: overdue).
        let recorded = json(app.post_as(path, &s.lead.token, &meeting("steering_group", 61)).await, 201).await;
        assert_eq!(recorded["attendee_roles"][1], "Designated nurse, safeguarding");
        assert_eq!(recorded["reviews_discussed"], json!([case]));
        json(app.post_as(path, &s.lead.token, &meeting("health_group", 32)).await, 201).await;
        let listed = json(app.get_as(path, &s.qa.token).await, 200).await;
        assert_eq!(listed["items"].as_array().unwrap().len(), 2);
        assert_eq!(listed["items"][0]["kind"], "health_group", "newest first: {listed}");
        let cadence = &listed["cadence"];
        assert_eq!(cadence["steering_group"]["overdue"], false, "{cadence}");
        assert_eq!(cadence["steering_group"]["cadence_days"], 61);
        assert_eq!(cadence["steering_group"]["last_held_on"], ymd(today() - Duration::days(61)));
        assert_eq!(cadence["health_group"]["overdue"], true, "{cadence}");
        json(app.post_as(path, &s.lead.token, &meeting("health_group", 31)).await, 201).await;
        let listed = json(app.get_as(&format!("{path}?limit=1"), &s.lead.token).await, 200).await;
        assert_eq!(listed["cadence"]["health_group"]["overdue"], false);
        assert_eq!(listed["items"].as_array().unwrap().len(), 1);
        let cursor = listed["next_cursor"].as_str().unwrap();
        let next = json(app.get_as(&format!("{path}?limit=5&cursor={cursor}"), &s.lead.token).await, 200).await;
        assert_eq!(next["items"].as_array().unwrap().len(), 2);
        // Rules: not in the future, only the ICB's reviews, only its lead records.
        let refused = problem(app.post_as(path, &s.lead.token, &meeting("health_group", -1)).await, 422).await;
        assert_eq!(first_field(&refused), "held_on");
        let other = id_of(&new_case(&app, &s.other_lead.token, &notification_with(json!({"area_code": "QE1"}))).await);
        let mut body = meeting("health_group", 1);
        body["reviews_discussed"] = json!([other]);
        let refused = problem(app.post_as(path, &s.lead.token, &body).await, 422).await;
        assert_eq!(first_field(&refused), "reviews_discussed");
        problem(app.post_as(path, &s.qa.token, &meeting("health_group", 1)).await, 403).await;
        problem(app.post_as(path, &s.other_lead.token, &meeting("health_group", 1)).await, 404).await;
        problem(app.get_as(path, &s.other_lead.token).await, 404).await;
        problem(app.get_as(path, &s.reviewer.token).await, 403).await;
    }

    async fn learning_across_cases_pages_by_id_and_counts_every_match_by_theme(app) {
        let s = staff(&app).await;
        let first = at_stage(&app, &s, "allocated").await;
        let second = at_stage(&app, &s, "allocated").await;
        for (case, themes, kind) in [
            (&first, json!(["dysphagia", "constipation"]), "learning"),
            (&second, json!(["dysphagia"]), "learning"),
            (&second, json!(["sepsis"]), "concern"),
        ] {
            add_learning(&app, &s.lead.token, case, &json!({"text": "x", "themes": themes, "kind": kind})).await;
        }
        let taxonomy: Vec<String> = json(app.get("/api/v1/themes").await, 200).await["items"]
            .as_array().unwrap().iter().map(|t| t["code"].as_str().unwrap().to_owned()).collect();
        let position = |code: &str| taxonomy.iter().position(|t| t == code).unwrap();
        let (one, other) = if position("constipation") < position("sepsis") {
            ("constipation", "sepsis")
        } else {
            ("sepsis", "constipation")
        };
        let counts = |page: &serde_json::Value| -> Vec<(String, u64)> {
            page["counts_by_theme"].as_array().unwrap().iter()
                .map(|c| (c["theme"].as_str().unwrap().to_owned(), c["count"].as_u64().unwrap()))
                .collect()
        };
        // Pages of one, in id order; every page counts every match, most frequent first and
        // ties in the taxonomy's order.
        let mut ids = Vec::new();
        let mut path = "/api/v1/learning?limit=1".to_owned();
        loop {
            let page = json(app.get_as(&path, &s.lead.token).await, 200).await;
            assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
            ids.push(page["items"][0]["id"].as_str().unwrap().to_owned());
            assert_eq!(counts(&page), vec![("dysphagia".into(), 2), (one.into(), 1), (other.into(), 1)]);
            match page["next_cursor"].as_str() {
                Some(c) => path = format!("/api/v1/learning?limit=1&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(ids.len(), 3);
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
        // A theme narrows the points, and the counts to the themes of the points it keeps.
        let themed = json(app.get_as("/api/v1/learning?theme=dysphagia&limit=1", &s.lead.token).await, 200).await;
        assert_eq!(themed["items"][0]["id"], ids[0].as_str());
        assert_eq!(themed["items"][0]["themes"], json!(["constipation", "dysphagia"]));
        assert_eq!(counts(&themed), vec![("dysphagia".into(), 2), ("constipation".into(), 1)]);
        let cursor = themed["next_cursor"].as_str().unwrap();
        let rest = json(app.get_as(&format!("/api/v1/learning?theme=dysphagia&limit=1&cursor={cursor}"), &s.lead.token).await, 200).await;
        assert_eq!(rest["items"][0]["id"], ids[1].as_str());
        assert_eq!(rest["next_cursor"], serde_json::Value::Null);
        let concern = json(app.get_as("/api/v1/learning?kind=concern&theme=dysphagia", &s.lead.token).await, 200).await;
        assert_eq!(concern["items"], json!([]));
        assert_eq!(concern["counts_by_theme"], json!([]));
    }

    async fn the_lead_and_qa_panel_see_learning_across_their_cases_with_counts_by_theme(app) {
        let s = staff(&app).await;
        let first = at_stage(&app, &s, "in_review").await;
        let second = at_stage(&app, &s, "allocated").await;
        add_learning(&app, &s.lead.token, &second, &json!({
            "text": "Bowel charts were not kept.", "themes": ["constipation", "physical_health_monitoring"], "kind": "concern"
        })).await;
        let qe1 = id_of(&new_case(&app, &s.other_lead.token, &notification_with(json!({"area_code": "QE1"}))).await);
        add_learning(&app, &s.other_lead.token, &qe1, &json!({"text": "x", "themes": ["sepsis"], "kind": "learning"})).await;
        let all = json(app.get_as("/api/v1/learning", &s.qa.token).await, 200).await;
        assert_eq!(all["items"].as_array().unwrap().len(), 2, "{all}");
        assert_eq!(all["items"][0]["review_id"], first);
        assert!(all["items"][0]["review_reference"].as_str().unwrap().starts_with("LDR-"));
        let counts: Vec<(&str, u64)> = all["counts_by_theme"].as_array().unwrap().iter()
            .map(|c| (c["theme"].as_str().unwrap(), c["count"].as_u64().unwrap())).collect();
        assert_eq!(counts.len(), 4, "{counts:?}");
        assert!(counts.iter().all(|(_, n)| *n == 1));
        assert!(counts.iter().all(|(t, _)| *t != "sepsis"), "another ICB's learning: {counts:?}");
        let concerns = json(app.get_as("/api/v1/learning?kind=concern", &s.lead.token).await, 200).await;
        assert_eq!(concerns["items"].as_array().unwrap().len(), 1);
        assert_eq!(concerns["items"][0]["review_id"], second);
        let themed = json(app.get_as("/api/v1/learning?theme=aspiration_pneumonia", &s.lead.token).await, 200).await;
        assert_eq!(themed["items"].as_array().unwrap().len(), 1);
        let day = ymd(today());
        let today_only = json(app.get_as(&format!("/api/v1/learning?from={day}&to={day}"), &s.lead.token).await, 200).await;
        assert_eq!(today_only["items"].as_array().unwrap().len(), 2);
        let past = json(app.get_as("/api/v1/learning?to=2020-01-01", &s.lead.token).await, 200).await;
        assert_eq!(past["items"], json!([]));
        assert_eq!(past["counts_by_theme"], json!([]));
        problem(app.get_as("/api/v1/learning?theme=weather", &s.lead.token).await, 400).await;
        problem(app.get_as("/api/v1/learning", &s.reviewer.token).await, 403).await;
        problem(app.get_as("/api/v1/learning", &s.integration).await, 403).await;
        problem(app.get_as("/api/v1/learning", &app.admin_token().await).await, 403).await;
    }
}
