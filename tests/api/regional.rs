//! Regional oversight (DOMAIN.md, "Oversight"): the coordinator of an NHS England region reads
//! the cases of the region's ICBs on the date (audited), escalates them, and moves none of them
//! through its stages. Greater Manchester (QOP) and Lancashire and South Cumbria (QE1) are in
//! the North West (Y62); West Yorkshire (QWO) is in North East and Yorkshire (Y63).

use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{
    act, at_stage, find, id_of, learning_point, new_case, notification_with, notify,
    patch_findings, person, review, staff,
};
use crate::helpers::{TestApp, json, problem, sql_count, today, ymd};

/// A coordinator of `region`: (user id, token).
pub async fn coordinator(app: &TestApp, username: &str, region: &str) -> (String, String) {
    app.user(username, &["regional_coordinator"], Some(region))
        .await
}

fn escalation() -> Value {
    json!({"reason": "Awaiting allocation for 40 days.",
           "agreed": "The lead allocates a reviewer this week.",
           "by_when": ymd(today())})
}

async fn escalate(app: &TestApp, token: &str, id: &str, body: &Value) -> reqwest::Response {
    app.post_as(&format!("/api/v1/reviews/{id}/escalations"), token, body)
        .await
}

both_backends! {
    async fn a_north_west_coordinator_reads_and_escalates_a_greater_manchester_review(app) {
        let s = staff(&app).await;
        let (rc_id, rc) = coordinator(&app, "rita.coordinator", "Y62").await;
        let qop = at_stage(&app, &s, "allocated").await;
        let qe1 = id_of(&new_case(&app, &s.other_lead.token,
            &notification_with(json!({"area_code": "QE1"}))).await);
        let qwo_lead = person(&app, "will.lead", &["ics_lead"], "QWO").await;
        let qwo = id_of(&new_case(&app, &qwo_lead.token,
            &notification_with(json!({"area_code": "QWO"}))).await);

        let (read, _) = review(&app, &rc, &qop).await;
        assert_eq!(read["organisation"], "QOP");
        assert_eq!(read["person"]["given_name"], "Ada", "identifiable, so audited");
        let audited = format!("SELECT COUNT(*) AS n FROM audit_log WHERE actor_id = '{rc_id}' \
                               AND action = 'read' AND subject = 'review:{qop}'");
        assert_eq!(sql_count(&app, &audited).await, 1);
        review(&app, &rc, &qe1).await;
        let res = app.get_as(&format!("/api/v1/reviews/{qwo}"), &rc).await;
        problem(res, 404).await;
        let refused = format!("SELECT COUNT(*) AS n FROM audit_log WHERE actor_id = '{rc_id}' \
                               AND outcome <> 'success' AND subject = 'review:{qwo}'");
        assert_eq!(sql_count(&app, &refused).await, 1, "the refusal is audited too");

        let list = json(app.get_as("/api/v1/reviews?limit=200", &rc).await, 200).await;
        let mut orgs: Vec<&str> = list["items"].as_array().unwrap().iter()
            .map(|r| r["organisation"].as_str().unwrap()).collect();
        orgs.sort_unstable();
        orgs.dedup();
        assert_eq!(orgs, ["QE1", "QOP"], "the region's ICBs only");
        let other = json(app.get_as("/api/v1/reviews?organisation=QWO", &rc).await, 200).await;
        assert_eq!(other["items"], json!([]));

        let created = escalate(&app, &rc, &qop, &escalation()).await;
        assert_eq!(created.status(), 201);
        let etag = created.headers()["etag"].to_str().unwrap().to_owned();
        let e = created.json::<Value>().await.unwrap();
        assert_eq!(e["review_id"], qop.as_str());
        assert_eq!(e["organisation"], "QOP");
        assert_eq!(e["region"], "Y62");
        assert_eq!(e["reason"], "Awaiting allocation for 40 days.");
        assert_eq!(e["agreed"], "The lead allocates a reviewer this week.");
        assert_eq!(e["by_when"], ymd(today()));
        assert_eq!(e["created_by"], rc_id.as_str());
        let (after, tag) = review(&app, &s.lead.token, &qop).await;
        assert_eq!(tag, etag, "the review's new version");
        assert_eq!(after["status"], "allocated", "no stage moved");

        for token in [&rc, &s.lead.token, &s.qa.token, &s.reviewer.token, &s.integration] {
            let listed = json(app.get_as(&format!("/api/v1/reviews/{qop}/escalations"), token)
                .await, 200).await;
            assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");
            assert_eq!(listed["items"][0]["id"], e["id"]);
        }
        let history = json(app.get_as(&format!("/api/v1/reviews/{qop}/history"), &rc).await, 200)
            .await;
        let last = history["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["action"], "regional_escalation");
        assert_eq!(last["actor_id"], rc_id.as_str());
        let feed = json(app.get_as("/api/v1/events?limit=200", &s.lead.token).await, 200).await;
        let escalated: Vec<&Value> = feed["items"].as_array().unwrap().iter()
            .filter(|ev| ev["type"] == "review.escalated").collect();
        assert_eq!(escalated.len(), 1, "in the ICB's feed: {feed}");
        assert_eq!(escalated[0]["subject_id"], qop.as_str());
        let recorded = format!("SELECT COUNT(*) AS n FROM audit_log WHERE actor_id = '{rc_id}' \
                                AND action = 'record_escalation' AND subject = 'review:{qop}'");
        assert_eq!(sql_count(&app, &recorded).await, 1);

        problem(escalate(&app, &rc, &qwo, &escalation()).await, 404).await;
        problem(app.get_as(&format!("/api/v1/reviews/{qwo}/escalations"), &rc).await, 404).await;
        problem(escalate(&app, &s.lead.token, &qop, &escalation()).await, 403).await;
        let stored = "SELECT COUNT(*) AS n FROM review_escalations";
        assert_eq!(sql_count(&app, stored).await, 1, "nothing stored by a refusal");
    }

    async fn a_coordinator_moves_no_review_through_its_stages(app) {
        let s = staff(&app).await;
        let (_, rc) = coordinator(&app, "rita.coordinator", "Y62").await;
        let qwo_lead = person(&app, "will.lead", &["ics_lead"], "QWO").await;
        let qwo = id_of(&new_case(&app, &qwo_lead.token,
            &notification_with(json!({"area_code": "QWO"}))).await);
        for (stage, actions) in [
            ("awaiting_allocation", vec!["allocate", "hold"]),
            ("allocated", vec!["allocate", "start", "escalate", "hold"]),
            ("in_review", vec!["allocate", "escalate", "submit", "hold"]),
            ("awaiting_qa", vec!["return", "approve", "hold"]),
            ("awaiting_sign_off", vec!["sign_off", "hold"]),
            ("on_hold", vec!["resume"]),
        ] {
            let id = at_stage(&app, &s, stage).await;
            let before = review(&app, &s.lead.token, &id).await.0;
            for action in actions {
                let body = json!({"action": action, "reviewer_id": s.reviewer.id,
                                  "reason": "coroner_inquest", "comment": "a comment"});
                let refused = problem(act(&app, &rc, &id, body.clone()).await, 403).await;
                assert_eq!(refused["status"], 403, "{action} at {stage}: {refused}");
                problem(act(&app, &rc, &qwo, body).await, 404).await;
            }
            let res = patch_findings(&app, &s.lead.token, &rc, &id,
                &json!({"good_practice": "x"})).await;
            problem(res, 403).await;
            let res = app.post_as(&format!("/api/v1/reviews/{id}/learning"), &rc,
                &learning_point()).await;
            problem(res, 403).await;
            let after = review(&app, &s.lead.token, &id).await.0;
            assert_eq!(after["status"], before["status"], "{stage}: unchanged");
            assert_eq!(after["version"], before["version"], "{stage}: nothing written");
        }
        let cdr = at_stage(&app, &s, "referred_to_child_death_review").await;
        let res = app.post_as(&format!("/api/v1/reviews/{cdr}/child-death-review-outcome"), &rc,
            &crate::cases::cdr_outcome()).await;
        problem(res, 403).await;
        let closed = at_stage(&app, &s, "not_eligible").await;
        problem(escalate(&app, &rc, &closed, &escalation()).await, 409).await;
    }

    async fn an_escalation_names_what_it_lacks(app) {
        let s = staff(&app).await;
        let (_, rc) = coordinator(&app, "rita.coordinator", "Y62").await;
        let qop = id_of(&find(&app, &s.lead.token,
            &notify(&app, &crate::cases::notification()).await).await);
        let yesterday = ymd(today().previous_day().unwrap());
        for (body, field) in [
            (json!({"reason": "   ", "agreed": "x", "by_when": ymd(today())}), "reason"),
            (json!({"reason": "x", "agreed": "", "by_when": ymd(today())}), "agreed"),
            (json!({"reason": "x", "agreed": "y", "by_when": yesterday}), "by_when"),
            (json!({"reason": "x", "agreed": "y"}), "by_when"),
            (json!({"reason": "x", "agreed": "y", "by_when": ymd(today()), "extra": 1}), "extra"),
        ] {
            let res = escalate(&app, &rc, &qop, &body).await;
            let status = res.status().as_u16();
            assert!(status == 400 || status == 422, "{body}: {status}");
            let p = problem(res, status).await;
            assert_eq!(crate::helpers::first_field(&p), field, "{body}: {p}");
        }
        let stored = "SELECT COUNT(*) AS n FROM review_escalations";
        assert_eq!(sql_count(&app, stored).await, 0);
    }

    async fn a_coordinator_belongs_to_a_region_and_reads_its_icbs_reports(app) {
        let admin = app.admin_token().await;
        let body = json!({"username": "rc.wrong", "display_name": "RC", "password":
            crate::helpers::USER_PASSWORD, "roles": ["regional_coordinator"], "organisation": "QOP"});
        let p = problem(app.post_as("/api/v1/users", &admin, &body).await, 422).await;
        assert_eq!(crate::helpers::first_field(&p), "organisation");
        assert_eq!(p["errors"][0]["code"], "not_a_current_region");
        let body = json!({"username": "rc.both", "display_name": "RC", "password":
            crate::helpers::USER_PASSWORD, "roles": ["regional_coordinator", "ics_lead"],
            "organisation": "Y62"});
        problem(app.post_as("/api/v1/users", &admin, &body).await, 422).await;
        let (_, rc) = coordinator(&app, "rita.coordinator", "Y62").await;
        let ok = app.get_as("/api/v1/organisations/QOP/reports/annual?year=2026", &rc).await;
        json(ok, 200).await;
        let ok = app.get_as("/api/v1/organisations/QE1/reports/annual?year=2026", &rc).await;
        json(ok, 200).await;
        let no = app.get_as("/api/v1/organisations/QWO/reports/annual?year=2026", &rc).await;
        problem(no, 404).await;
        let events = app.get_as("/api/v1/events", &rc).await;
        problem(events, 403).await;
    }
}
