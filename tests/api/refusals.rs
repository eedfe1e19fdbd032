//! Refusals on a review's routes are audited against the review, a bounded number per caller a
//! minute, so that a case's lead sees who tried to reach it.

use serde_json::Value;

use crate::both_backends;
use crate::cases::{id_of, new_case, notification};
use crate::helpers::{TestApp, json, problem};

async fn refusals(app: &TestApp, lead: &str, review: &str) -> Vec<Value> {
    refusals_of(app, lead, &format!("review:{review}")).await
}

async fn refusals_of(app: &TestApp, reader: &str, subject: &str) -> Vec<Value> {
    let page = json(
        app.get_as(&format!("/api/v1/audit?subject={subject}"), reader)
            .await,
        200,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["outcome"] == "refused")
        .cloned()
        .collect()
}

both_backends! {
    async fn a_refused_attempt_on_a_review_is_audited_a_bounded_number_of_times(app) {
        let (_, lead) = app.user("case.lead", &["ics_lead"], Some("QOP")).await;
        let review = id_of(&new_case(&app, &lead, &notification()).await);
        let (outsider_id, outsider) = app.user("elsewhere", &["ics_lead"], Some("QE1")).await;
        let (analyst_id, analyst) = app.user("analyst", &["national_analyst"], None).await;
        problem(app.get_as(&format!("/api/v1/reviews/{review}"), &outsider).await, 404).await;
        let history = format!("/api/v1/reviews/{review}/history");
        let refused = app.get_as(&history, &analyst).await.status().as_u16();
        assert!(matches!(refused, 403 | 404), "{refused}");
        // An anonymous probe has no actor to record.
        problem(app.get(&format!("/api/v1/reviews/{review}")).await, 401).await;
        let seen = refusals(&app, &lead, &review).await;
        let who: Vec<(&str, &str, &str)> = seen
            .iter()
            .map(|e| {
                (
                    e["actor_id"].as_str().unwrap(),
                    e["action"].as_str().unwrap(),
                    e["route"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            who,
            [
                (outsider_id.as_str(), "refused", "/api/v1/reviews/{id}"),
                (analyst_id.as_str(), "refused", "/api/v1/reviews/{id}/history"),
            ]
        );
        // Walking the same case over and over is recorded up to the minute's budget.
        for _ in 0..40 {
            problem(app.get_as(&format!("/api/v1/reviews/{review}"), &outsider).await, 404).await;
        }
        let from_outsider = refusals(&app, &lead, &review)
            .await
            .iter()
            .filter(|e| e["actor_id"] == outsider_id.as_str())
            .count();
        assert_eq!(from_outsider, 30);
    }

    async fn a_refused_attempt_on_an_action_or_a_user_is_audited_too(app) {
        let (_, lead) = app.user("plan.lead", &["ics_lead"], Some("QOP")).await;
        let body = serde_json::json!({
            "title": "Repeat swallowing assessments after every admission",
            "outcome_measure": "95% within 7 days", "owner": "Community team",
            "due_date": crate::helpers::ymd(crate::helpers::today())
        });
        let action = json(app.post_as("/api/v1/organisations/QOP/actions", &lead, &body).await, 201).await;
        let action = action["id"].as_str().unwrap().to_owned();
        let (outsider_id, outsider) = app.user("other.lead", &["ics_lead"], Some("QE1")).await;
        problem(app.get_as(&format!("/api/v1/actions/{action}"), &outsider).await, 404).await;
        let seen = refusals_of(&app, &lead, &format!("action:{action}")).await;
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(seen[0]["actor_id"], outsider_id.as_str());
        assert_eq!(seen[0]["route"], "/api/v1/actions/{id}");
        // A lead reading an account (an admin's business) is refused, and the admin sees it.
        let (subject_id, _) = app.user("someone", &["reviewer"], Some("QOP")).await;
        problem(app.get_as(&format!("/api/v1/users/{subject_id}"), &lead).await, 403).await;
        let admin = app.admin_token().await;
        let seen = refusals_of(&app, &admin, &format!("user:{subject_id}")).await;
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(seen[0]["route"], "/api/v1/users/{id}");
    }
}
