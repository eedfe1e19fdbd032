//! Refusals on a review's routes are audited against the review, a bounded number per caller a
//! minute, so that a case's lead sees who tried to reach it.

use serde_json::Value;

use crate::both_backends;
use crate::cases::{id_of, new_case, notification};
use crate::helpers::{TestApp, json, problem};

async fn refusals(app: &TestApp, lead: &str, review: &str) -> Vec<Value> {
    let page = json(
        app.get_as(&format!("/api/v1/audit?subject=review:{review}"), lead)
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
}
