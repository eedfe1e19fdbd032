//! Learning points and the theme taxonomy.

use serde_json::json;

use crate::both_backends;
use crate::cases::{add_learning, at_stage, learning_point, staff};
use crate::helpers::{json, problem};

both_backends! {
    async fn the_themes_are_public_and_hold_the_domain_taxonomy(app) {
        let themes = json(app.get("/api/v1/themes").await, 200).await;
        let items = themes["items"].as_array().unwrap();
        let codes: Vec<&str> = items.iter().map(|t| t["code"].as_str().unwrap()).collect();
        for code in [
            "aspiration_pneumonia", "constipation", "sepsis", "epilepsy", "dnacpr", "mental_capacity_act",
            "reasonable_adjustments", "annual_health_checks", "diagnostic_overshadowing", "cancer_screening",
            "end_of_life_care", "other",
        ] {
            assert!(codes.contains(&code), "{code} missing from {codes:?}");
        }
        assert!(items.iter().all(|t| t["label"].as_str().is_some_and(|l| !l.is_empty())));
        assert_eq!(items[0]["code"], "aspiration_pneumonia");
        assert_eq!(items[0]["label"], "Aspiration pneumonia");
    }

    async fn a_learning_point_is_stored_with_its_themes_and_kind(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "allocated").await;
        let point = json!({"text": "Constipation was not monitored", "themes": ["constipation"], "kind": "concern"});
        let created = add_learning(&app, &s.lead.token, &id, &point).await;
        assert_eq!(created["text"], point["text"]);
        assert_eq!(created["themes"], point["themes"]);
        assert_eq!(created["kind"], "concern");
        assert!(created["id"].is_string());
        let second = add_learning(&app, &s.lead.token, &id, &learning_point()).await;
        let path = format!("/api/v1/reviews/{id}/learning");
        for token in [&s.lead.token, &s.qa.token, &s.reviewer.token, &s.integration] {
            let listed = json(app.get_as(&path, token).await, 200).await;
            let ids: Vec<&serde_json::Value> = listed["items"].as_array().unwrap().iter().map(|p| &p["id"]).collect();
            assert_eq!(ids, [&created["id"], &second["id"]]);
        }
        problem(app.get_as(&path, &s.other_lead.token).await, 404).await;
        problem(app.get_as(&path, &s.reviewer2.token).await, 404).await;
    }

    async fn a_learning_point_needs_known_themes_a_kind_and_text(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "allocated").await;
        let path = format!("/api/v1/reviews/{id}/learning");
        for (body, status, field) in [
            (json!({"text": "x", "themes": ["weather"], "kind": "learning"}), 422, "themes"),
            (json!({"text": "x", "themes": ["sepsis"], "kind": "lesson"}), 400, "kind"),
            (json!({"text": "x", "themes": "sepsis", "kind": "learning"}), 400, "themes"),
            (json!({"themes": ["sepsis"], "kind": "learning"}), 400, "text"),
        ] {
            let refused = problem(app.post_as(&path, &s.lead.token, &body).await, status).await;
            assert_eq!(refused["errors"][0]["field"], field, "{body}: {refused}");
        }
        let listed = json(app.get_as(&path, &s.lead.token).await, 200).await;
        assert_eq!(listed["items"], json!([]));
    }

    async fn the_reviewer_adds_learning_in_review_and_the_lead_while_the_case_is_open(app) {
        let s = staff(&app).await;
        let admin = app.admin_token().await;
        let at = |stage: &'static str| at_stage(&app, &s, stage);
        let (allocated, in_review, awaiting_sign_off, completed) =
            (at("allocated").await, at("in_review").await, at("awaiting_sign_off").await, at("completed").await);
        for (token, id, status, who) in [
            (&s.reviewer.token, &in_review, 201, "the reviewer in review"),
            (&s.reviewer.token, &allocated, 409, "the reviewer before starting"),
            (&s.reviewer.token, &awaiting_sign_off, 409, "the reviewer after QA"),
            (&s.reviewer2.token, &in_review, 404, "another reviewer"),
            (&s.qa.token, &in_review, 403, "the QA panel"),
            (&s.integration, &in_review, 403, "the case system"),
            (&admin, &in_review, 403, "the admin"),
            (&s.other_lead.token, &in_review, 404, "another ICB's lead"),
            (&s.lead.token, &awaiting_sign_off, 201, "the lead before sign-off"),
            (&s.lead.token, &completed, 409, "the lead after sign-off"),
        ] {
            let res = app.post_as(&format!("/api/v1/reviews/{id}/learning"), token, &learning_point()).await;
            let got = res.status().as_u16();
            assert_eq!(got, status, "{who}: {}", res.text().await.unwrap());
        }
    }
}
