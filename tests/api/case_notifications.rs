//! The notifications of a case (issue 15): the first and every duplicate are readable by the
//! case team with what differs from the case; the lead acknowledges a duplicate explicitly
//! (that, and no other edit, clears `has_unreviewed_duplicate`) and may apply its facts.

use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{
    act_ok, events, id_of, new_case, notification_with, notify, patch_person, person, review,
};
use crate::helpers::{json, problem, sql_count};

fn notifications_of(id: &str) -> String {
    format!("/api/v1/reviews/{id}/notifications")
}

fn acknowledge(id: &str, nid: &Value) -> String {
    format!(
        "/api/v1/reviews/{id}/notifications/{}/acknowledge",
        nid.as_str().unwrap()
    )
}

both_backends! {
    async fn a_duplicate_with_another_date_of_birth_is_read_compared_acknowledged_and_applied(app) {
        let lead = person(&app, "lena.lead", &["ics_lead"], "QOP").await;
        let qa = person(&app, "quinn.qa", &["qa_panel"], "QOP").await;
        let rory = person(&app, "rory.reviewer", &["reviewer"], "QOP").await;
        let other = person(&app, "olga.lead", &["ics_lead"], "QE1").await;
        let (_, _, integration) = app.machine_client("QOP").await;
        let first = new_case(&app, &lead.token, &notification_with(json!({"nhs_number": "9434765919"}))).await;
        let id = id_of(&first);
        act_ok(&app, &lead.token, &id, json!({"action": "allocate", "reviewer_id": rory.id})).await;
        // The sister reports the death again, with the date of birth the family knows.
        let mut again = notification_with(json!({
            "nhs_number": "943 476 5919", "date_of_birth": "1961-03-03",
            "family_name": first["person"]["family_name"]}));
        again["notifier"] = json!({"name": "Grace Example", "relationship": "family",
                                   "phone": "07700 900123", "email": "grace@example.org"});
        again["circumstances"] = json!("She had been unwell for a week; the GP was not called.");
        let reference = notify(&app, &again).await;

        let list = json(app.get_as(&notifications_of(&id), &rory.token).await, 200).await;
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{list}");
        assert_eq!(items[0]["duplicate"], false);
        assert_eq!(items[0]["reference"], first["reference"]);
        assert_eq!(items[0]["differs_in"], json!([]));
        assert_eq!(items[0]["notifier"]["name"], "Sam Okafor");
        let dup = &items[1];
        assert_eq!(dup["reference"], reference.as_str());
        assert_eq!(dup["duplicate"], true);
        assert_eq!(dup["differs_in"], json!(["date_of_birth"]));
        assert_eq!(dup["notifier"], json!({"name": "Grace Example", "relationship": "family",
            "phone": "07700 900123", "email": "grace@example.org", "organisation": null}));
        assert_eq!(dup["person"]["date_of_birth"], "1961-03-03");
        assert_eq!(dup["person"]["nhs_number"], "9434765919");
        assert_eq!(dup["circumstances"], "She had been unwell for a week; the GP was not called.");
        assert_eq!(dup["acknowledged_at"], Value::Null);
        let nid = dup["id"].clone();
        json(app.get_as(&notifications_of(&id), &qa.token).await, 200).await;
        let audited = sql_count(&app, &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'read_notifications' AND subject = 'review:{id}'")).await;
        assert_eq!(audited, 2);
        problem(app.get_as(&notifications_of(&id), &integration).await, 403).await;
        problem(app.get_as(&notifications_of(&id), &other.token).await, 404).await;

        // Another edit by the lead does not clear the flag: only the acknowledgement does.
        json(patch_person(&app, &lead.token, &lead.token, &id, &json!({"place_of_death": "home"})).await, 200).await;
        let (case, _) = review(&app, &lead.token, &id).await;
        assert_eq!(case["has_unreviewed_duplicate"], true);
        let list = json(app.get_as(&notifications_of(&id), &lead.token).await, 200).await;
        assert_eq!(list["items"][1]["differs_in"], json!(["date_of_birth", "place_of_death"]));

        // Only the lead acknowledges; the first notification is no duplicate.
        problem(app.post_as(&acknowledge(&id, &nid), &rory.token, &json!({"apply": true})).await, 403).await;
        problem(app.post_as(&acknowledge(&id, &nid), &qa.token, &json!({})).await, 403).await;
        problem(app.post_as(&acknowledge(&id, &nid), &other.token, &json!({})).await, 404).await;
        problem(app.post_as(&acknowledge(&id, &items[0]["id"]), &lead.token, &json!({})).await, 409).await;
        problem(app.post_as(&acknowledge(&id, &json!("no-such-notification")), &lead.token, &json!({})).await, 404).await;
        let bad = problem(app.post_as(&acknowledge(&id, &nid), &lead.token, &json!({"apply": "yes"})).await, 400).await;
        assert!(bad.to_string().contains("apply"), "{bad}");
        let (still, _) = review(&app, &lead.token, &id).await;
        assert_eq!(still["version"], case["version"], "nothing half-written");

        let done = json(app.post_as(&acknowledge(&id, &nid), &lead.token, &json!({"apply": true})).await, 200).await;
        assert_eq!(done["has_unreviewed_duplicate"], false);
        assert_eq!(done["person"]["date_of_birth"], "1961-03-03");
        assert_eq!(done["person"]["place_of_death"], "hospital", "every fact of the duplicate applied");
        assert_eq!(done["status"], "allocated");
        let list = json(app.get_as(&notifications_of(&id), &lead.token).await, 200).await;
        let dup = &list["items"][1];
        assert_eq!(dup["differs_in"], json!([]));
        assert_eq!(dup["applied"], true);
        assert_eq!(dup["acknowledged_by"], lead.id.as_str());
        assert!(dup["acknowledged_at"].is_string());
        problem(app.post_as(&acknowledge(&id, &nid), &lead.token, &json!({})).await, 409).await;

        let history = json(app.get_as(&format!("/api/v1/reviews/{id}/history"), &lead.token).await, 200).await;
        let actions: Vec<&str> = history.as_array().or(history["items"].as_array()).unwrap()
            .iter().map(|h| h["action"].as_str().unwrap()).collect();
        assert!(actions.ends_with(&["duplicate_acknowledged", "person_corrected"]), "{actions:?}");
        let types: Vec<String> = events(&app).await.into_iter()
            .filter(|e| e.subject_id == id).map(|e| e.event_type).collect();
        assert!(types.contains(&"review.duplicate_acknowledged".to_owned()), "{types:?}");
        let acks = sql_count(&app, &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'acknowledge_duplicate' AND subject = 'review:{id}' AND outcome = 'success'")).await;
        assert_eq!(acks, 1);
    }

    async fn the_flag_stays_until_every_duplicate_is_acknowledged_and_acknowledging_alone_changes_no_fact(app) {
        let lead = person(&app, "lena.lead", &["ics_lead"], "QOP").await;
        let first = new_case(&app, &lead.token, &notification_with(json!({"nhs_number": "9990000018"}))).await;
        let id = id_of(&first);
        for dob in ["1961-03-04", "1961-03-05"] {
            notify(&app, &notification_with(json!({"nhs_number": "9990000018", "date_of_birth": dob}))).await;
        }
        let list = json(app.get_as(&notifications_of(&id), &lead.token).await, 200).await;
        let ids: Vec<Value> = list["items"].as_array().unwrap().iter().map(|n| n["id"].clone()).collect();
        let once = json(app.post_as(&acknowledge(&id, &ids[1]), &lead.token, &json!({"apply": false})).await, 200).await;
        assert_eq!(once["has_unreviewed_duplicate"], true, "one more awaits the lead");
        assert_eq!(once["person"]["date_of_birth"], "1961-03-02");
        let twice = json(app.post_as(&acknowledge(&id, &ids[2]), &lead.token, &json!({})).await, 200).await;
        assert_eq!(twice["has_unreviewed_duplicate"], false);
        assert_eq!(twice["person"]["date_of_birth"], "1961-03-02");
        let list = json(app.get_as(&notifications_of(&id), &lead.token).await, 200).await;
        assert_eq!(list["items"][2]["applied"], false);
        // The NHS number made it the same person; the fixture's family name differs too.
        assert_eq!(list["items"][2]["differs_in"], json!(["family_name", "date_of_birth"]));
    }
}
