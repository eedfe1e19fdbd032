//! Reorganisations: the open reviews of a dissolved ICB move to its successor by an explicit
//! transfer; closed reviews keep their organisation. Notifications made today already route to
//! the new ICBs, so the reviews of a dissolved ICB are set up by moving them back in the database.

use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{at_stage, events, person, review, staff};
use crate::helpers::{TestApp, json, problem, sql_count, sql_execute};

/// Puts a review back in a dissolved ICB, as if it had been notified before April 2026.
async fn move_back(app: &TestApp, id: &str, organisation: &str, sub_icb_location: Option<&str>) {
    let sub = sub_icb_location.map_or("NULL".to_owned(), |s| format!("'{s}'"));
    let sql = format!(
        "UPDATE reviews SET organisation = '{organisation}', sub_icb_location = {sub} WHERE id = '{id}'"
    );
    assert_eq!(sql_execute(app, &sql).await, 1);
}

async fn organisation_of(app: &TestApp, id: &str) -> String {
    for org in ["QUE", "QM7", "S1Y5D", "D7T5G", "QOP"] {
        let q = format!(
            "SELECT COUNT(*) AS n FROM reviews WHERE id = '{id}' AND organisation = '{org}'"
        );
        if sql_count(app, &q).await == 1 {
            return org.to_owned();
        }
    }
    panic!("{id} is in none of the expected ICBs");
}

async fn transfer(app: &TestApp, token: &str, from: &str, targets: Value) -> reqwest::Response {
    app.post_as(
        &format!("/api/v1/organisations/{from}/transfers"),
        token,
        &json!({"targets": targets}),
    )
    .await
}

both_backends! {
    async fn the_open_reviews_of_a_dissolved_icb_move_whole_to_its_successor(app) {
        let s = staff(&app).await;
        let admin = app.admin_token().await;
        let open = at_stage(&app, &s, "in_review").await;
        let waiting = at_stage(&app, &s, "awaiting_allocation").await;
        let closed = at_stage(&app, &s, "completed").await;
        let not_eligible = at_stage(&app, &s, "not_eligible").await;
        for id in [&open, &waiting, &closed, &not_eligible] {
            move_back(&app, id, "QUE", None).await;
        }
        // Only the admin transfers.
        problem(transfer(&app, &s.lead.token, "QUE", json!({})).await, 403).await;
        let done = json(transfer(&app, &admin, "QUE", json!({})).await, 200).await;
        let mut moved: Vec<(String, String, String)> = done["transferred"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["review_id"].as_str().unwrap().into(), t["from"].as_str().unwrap().into(), t["to"].as_str().unwrap().into()))
            .collect();
        moved.sort();
        let mut expected = vec![
            (open.clone(), "QUE".to_owned(), "S1Y5D".to_owned()),
            (waiting.clone(), "QUE".to_owned(), "S1Y5D".to_owned()),
        ];
        expected.sort();
        assert_eq!(moved, expected, "{done}");
        assert_eq!(organisation_of(&app, &open).await, "S1Y5D");
        assert_eq!(organisation_of(&app, &waiting).await, "S1Y5D");
        assert_eq!(organisation_of(&app, &closed).await, "QUE", "a closed review keeps its ICB");
        assert_eq!(organisation_of(&app, &not_eligible).await, "QUE");
        // The new ICB's lead now sees the case; the old ICB's lead no longer does.
        let central = person(&app, "cel.lead", &["ics_lead"], "S1Y5D").await;
        let (case, _) = review(&app, &central.token, &open).await;
        assert_eq!(case["organisation"], "S1Y5D");
        assert_eq!(case["status"], "in_review");
        problem(app.get_as(&format!("/api/v1/reviews/{open}"), &s.lead.token).await, 404).await;
        // Each moved review is announced to the new ICB with its full state, numbered in its feed.
        let feed: Vec<_> = events(&app).await.into_iter().filter(|e| e.organisation == "S1Y5D").collect();
        assert_eq!(feed.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2]);
        for e in &feed {
            assert_eq!(e.event_type, "review.transferred");
            let data: Value = serde_json::from_str(&e.data).unwrap();
            assert!(data.to_string().contains(&e.subject_id), "{data}");
        }
        // Nothing is left to move.
        let again = json(transfer(&app, &admin, "QUE", json!({})).await, 200).await;
        assert_eq!(again["transferred"], json!([]));
    }

    async fn a_split_icb_needs_a_target_for_each_review_without_a_sub_icb_location(app) {
        let s = staff(&app).await;
        let admin = app.admin_token().await;
        // One review came through 06K, whose location now sits in S1Y5D; one named QM7 itself.
        let located = at_stage(&app, &s, "allocated").await;
        let unlocated = at_stage(&app, &s, "awaiting_allocation").await;
        move_back(&app, &located, "QM7", Some("06K")).await;
        move_back(&app, &unlocated, "QM7", None).await;
        let refused = problem(transfer(&app, &admin, "QM7", json!({})).await, 422).await;
        assert_eq!(organisation_of(&app, &located).await, "QM7", "a refused transfer moves nothing");
        assert_eq!(organisation_of(&app, &unlocated).await, "QM7");
        let targets = json!({ unlocated.clone(): "D7T5G" });
        let done = json(transfer(&app, &admin, "QM7", targets).await, 200).await;
        assert_eq!(done["transferred"].as_array().unwrap().len(), 2, "{done}");
        assert_eq!(organisation_of(&app, &located).await, "S1Y5D");
        assert_eq!(organisation_of(&app, &unlocated).await, "D7T5G");
        let types: Vec<(String, String)> = events(&app).await.into_iter()
            .filter(|e| e.event_type == "review.transferred")
            .map(|e| (e.organisation, e.subject_id))
            .collect();
        assert!(types.contains(&("S1Y5D".to_owned(), located.clone())), "{types:?}");
        assert!(types.contains(&("D7T5G".to_owned(), unlocated.clone())), "{types:?}");
        // The refusal listed the review that needed a target.
        assert_eq!(refused["needs_target"], json!([unlocated.clone()]), "{refused}");
    }
}
