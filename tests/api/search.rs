//! Search within the caller's scope (issue 15): by NHS number written any way, by names and
//! date of birth without case, by reference; each case found is audited as read, and another
//! ICB's case is never found.

use serde_json::json;

use crate::both_backends;
use crate::cases::{act_ok, id_of, new_case, notification_with, person};
use crate::helpers::{json, problem, sql_count};

async fn search(app: &crate::helpers::Http, token: &str, query: &str) -> Vec<String> {
    let page = json(
        app.get_as(&format!("/api/v1/reviews?{query}"), token).await,
        200,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

both_backends! {
    async fn a_lead_finds_a_case_by_nhs_number_written_any_way_or_by_names_and_date_of_birth(app) {
        let lead = person(&app, "lena.lead", &["ics_lead"], "QOP").await;
        let rory = person(&app, "rory.reviewer", &["reviewer"], "QOP").await;
        let other = person(&app, "olga.lead", &["ics_lead"], "QE1").await;
        let siobhan = json!({"nhs_number": "9434765919", "given_name": "Siobhán",
                             "family_name": "O'Brien-Smith", "date_of_birth": "1961-03-02"});
        let mine = id_of(&new_case(&app, &lead.token, &notification_with(siobhan)).await);
        let same_birthday = id_of(&new_case(&app, &lead.token, &notification_with(json!({
            "given_name": "Siobhán", "date_of_birth": "1961-03-02"}))).await);
        let theirs = id_of(&new_case(&app, &other.token, &notification_with(json!({
            "nhs_number": "9990000018", "area_code": "QE1"}))).await);

        for written in ["943%20476%205919", "943-476-5919", "9434765919", "%20943476%2D5919%20"] {
            assert_eq!(search(&app, &lead.token, &format!("nhs_number={written}")).await, [mine.as_str()], "{written}");
        }
        // Another ICB's case is not found, as if it did not exist; its own lead finds it.
        assert!(search(&app, &lead.token, "nhs_number=999%20000%200018").await.is_empty());
        assert_eq!(search(&app, &other.token, "nhs_number=999-000-0018").await, [theirs]);
        // Names without case (Unicode too), with the date of birth.
        assert_eq!(search(&app, &lead.token, "family_name=o%27brien-SMITH&date_of_birth=1961-03-02").await, [mine.as_str()]);
        assert_eq!(search(&app, &lead.token, "given_name=SIOBH%C3%81N&family_name=O%27Brien-Smith&date_of_birth=1961-03-02").await, [mine.as_str()]);
        let both = search(&app, &lead.token, "given_name=siobh%C3%A1n&date_of_birth=1961-03-02").await;
        assert_eq!(both, [mine.as_str(), same_birthday.as_str()]);
        assert!(search(&app, &lead.token, "family_name=O%27Brien-Smith&date_of_birth=1961-03-03").await.is_empty());
        // A reviewer searches only the cases allocated to them.
        assert!(search(&app, &rory.token, "nhs_number=9434765919").await.is_empty());
        act_ok(&app, &lead.token, &mine, json!({"action": "allocate", "reviewer_id": rory.id})).await;
        assert_eq!(search(&app, &rory.token, "nhs_number=943%20476%205919").await, [mine.as_str()]);

        // Bad searches are refused, naming the field.
        let bad = problem(app.get_as("/api/v1/reviews?family_name=O%27Brien-Smith", &lead.token).await, 422).await;
        assert_eq!(bad["errors"][0]["field"], "date_of_birth");
        let bad = problem(app.get_as("/api/v1/reviews?nhs_number=943%20476%205918", &lead.token).await, 422).await;
        assert_eq!(bad["errors"][0]["field"], "nhs_number");
        let bad = problem(app.get_as("/api/v1/reviews?nhs_number=94347", &lead.token).await, 400).await;
        assert_eq!(bad["errors"][0]["field"], "nhs_number");
        problem(app.get_as("/api/v1/reviews?surname=Smith", &lead.token).await, 400).await;

        // Each case found is audited as a read by whoever searched.
        let reads = sql_count(&app, &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'read' AND subject = 'review:{mine}' AND actor_id = '{}'", lead.id)).await;
        assert_eq!(reads, 8, "found by its reference once, then by seven searches");
    }
}
