//! Case actions through the transitions endpoint (issue 15): an ethnic category honestly
//! recorded as `Z` or `99` is confirmed and the review submitted; a family's request turns an
//! allocated initial review focused; and a case is held before allocation and resumed.

use serde_json::json;

use crate::both_backends;
use crate::cases::{
    act, act_ok, add_learning, child_of_10, complete_findings, id_of, learning_point, new_case,
    notification, notification_with, patch_findings, patch_person, person, review, staff,
};
use crate::helpers::{json, problem, today, ymd};

both_backends! {
    async fn a_review_with_ethnicity_not_stated_is_confirmed_and_submitted_without_a_focused_review(app) {
        let s = staff(&app).await;
        let (lead, rory) = (&s.lead.token, &s.reviewer.token);
        let case = new_case(&app, lead, &notification_with(json!({"ethnic_category": "Z"}))).await;
        let id = id_of(&case);
        assert_eq!(case["data_quality_flags"], json!(["ethnic_category_unresolved"]));
        assert_eq!(case["review_type"], "initial");
        act_ok(&app, lead, &id, json!({"action": "allocate", "reviewer_id": s.reviewer.id})).await;
        act_ok(&app, rory, &id, json!({"action": "start"})).await;
        json(patch_findings(&app, lead, rory, &id, &complete_findings()).await, 200).await;
        crate::cases::family_informed(&app, rory, &id).await;
        add_learning(&app, rory, &id, &learning_point()).await;
        let refused = problem(act(&app, rory, &id, json!({"action": "submit"})).await, 422).await;
        assert!(refused.to_string().contains("open_data_quality_flag"), "{refused}");

        problem(act(&app, &s.qa.token, &id, json!({"action": "confirm_ethnicity", "reason": "x"})).await, 403).await;
        let bad = problem(act(&app, rory, &id, json!({"action": "confirm_ethnicity"})).await, 422).await;
        assert_eq!(bad["errors"][0]["field"], "reason");
        let done = act_ok(&app, rory, &id, json!({"action": "confirm_ethnicity",
            "reason": "Asked the sister and the GP record: not stated"})).await;
        assert_eq!(done["data_quality_flags"], json!([]));
        assert_eq!(done["review_type"], "initial", "no focused review follows");
        assert_eq!(done["status"], "in_review");
        assert_eq!(done["person"]["ethnic_category"], "Z");
        problem(act(&app, rory, &id, json!({"action": "confirm_ethnicity", "reason": "again"})).await, 409).await;
        // A correction that leaves the category alone keeps the flag resolved.
        let fixed = json(patch_person(&app, lead, rory, &id, &json!({"given_name": "Adaeze"})).await, 200).await;
        assert_eq!(fixed["data_quality_flags"], json!([]));
        let submitted = act_ok(&app, rory, &id, json!({"action": "submit"})).await;
        assert_eq!(submitted["status"], "awaiting_qa");
        let history = json(app.get_as(&format!("/api/v1/reviews/{id}/history"), lead).await, 200).await;
        let entries = history.as_array().or(history["items"].as_array()).unwrap().clone();
        let confirmed = entries.iter().find(|h| h["action"] == "ethnicity_confirmed").expect("in history");
        assert_eq!(confirmed["detail"]["category"], "Z");

        // Not known (99), confirmed by the lead, then changed: the flag is raised again.
        let other = id_of(&new_case(&app, lead, &notification_with(json!({"ethnic_category": "99"}))).await);
        let confirmed = act_ok(&app, lead, &other, json!({"action": "confirm_ethnicity", "reason": "GP record says not known"})).await;
        assert_eq!(confirmed["data_quality_flags"], json!([]));
        let changed = json(patch_person(&app, lead, lead, &other, &json!({"ethnic_category": "Z"})).await, 200).await;
        assert_eq!(changed["data_quality_flags"], json!(["ethnic_category_unresolved"]));
        // A missing category is corrected, not confirmed.
        let none = id_of(&new_case(&app, lead, &notification_with(json!({"ethnic_category": null}))).await);
        problem(act(&app, lead, &none, json!({"action": "confirm_ethnicity", "reason": "x"})).await, 409).await;
    }

    async fn a_family_request_turns_an_allocated_initial_review_focused(app) {
        let s = staff(&app).await;
        let lead = &s.lead.token;
        let id = id_of(&new_case(&app, lead, &notification()).await);
        let allocated = act_ok(&app, lead, &id, json!({"action": "allocate", "reviewer_id": s.reviewer.id})).await;
        assert_eq!(allocated["review_type"], "initial");
        let asked = ymd(today() - time::Duration::days(2));
        let body = json!({"action": "family_request", "requested_by": "Grace Example (sister)", "requested_on": asked});
        problem(act(&app, &s.reviewer.token, &id, body.clone()).await, 403).await;
        problem(act(&app, &s.other_lead.token, &id, body.clone()).await, 404).await;
        let bad = problem(act(&app, lead, &id, json!({"action": "family_request", "requested_on": asked})).await, 422).await;
        assert_eq!(bad["errors"][0]["field"], "requested_by");
        let bad = problem(act(&app, lead, &id, json!({"action": "family_request", "requested_by": "Grace"})).await, 422).await;
        assert_eq!(bad["errors"][0]["field"], "requested_on");
        let tomorrow = ymd(today() + time::Duration::days(1));
        let bad = problem(act(&app, lead, &id, json!({"action": "family_request", "requested_by": "Grace", "requested_on": tomorrow})).await, 422).await;
        assert_eq!(bad["errors"][0]["field"], "requested_on");
        let (unchanged, _) = review(&app, lead, &id).await;
        assert_eq!(unchanged["version"], allocated["version"]);

        let focused = act_ok(&app, lead, &id, body).await;
        assert_eq!(focused["review_type"], "focused");
        assert_eq!(focused["focused_reasons"], json!(["family_request"]));
        assert_eq!(focused["status"], "allocated");
        let history = json(app.get_as(&format!("/api/v1/reviews/{id}/history"), lead).await, 200).await;
        let entries = history.as_array().or(history["items"].as_array()).unwrap().clone();
        let entry = entries.iter().find(|h| h["action"] == "family_request").expect("in history");
        assert_eq!(entry["detail"]["requested_by"], "Grace Example (sister)");
        assert_eq!(entry["detail"]["requested_on"], asked.as_str());
        // A later notification in which the family asks counts as their request too.
        let first = new_case(&app, lead, &notification()).await;
        let other = id_of(&first);
        act_ok(&app, lead, &other, json!({"action": "allocate", "reviewer_id": s.reviewer.id})).await;
        let mut again = notification_with(json!({"family_name": first["person"]["family_name"]}));
        again["family_requests_focused_review"] = json!(true);
        crate::cases::notify(&app, &again).await;
        let (now, _) = review(&app, lead, &other).await;
        assert_eq!(now["review_type"], "focused");
        assert_eq!(now["focused_reasons"], json!(["family_request"]));
        assert_eq!(now["has_unreviewed_duplicate"], true);
        assert_eq!(now["status"], "allocated");
        // A child's case on the Child Death Review route has no LeDeR review to focus.
        let child = id_of(&new_case(&app, lead, &child_of_10()).await);
        problem(act(&app, lead, &child, json!({"action": "family_request", "requested_by": "Mum", "requested_on": asked})).await, 409).await;
    }

    async fn the_lead_holds_a_case_before_allocation_and_it_resumes_awaiting_allocation(app) {
        let s = staff(&app).await;
        let lead = &s.lead.token;
        let id = id_of(&new_case(&app, lead, &notification()).await);
        let hold = json!({"action": "hold", "reason": "coroner_inquest"});
        problem(act(&app, &s.qa.token, &id, hold.clone()).await, 403).await;
        problem(act(&app, &s.reviewer.token, &id, hold.clone()).await, 404).await;
        let held = act_ok(&app, lead, &id, hold).await;
        assert_eq!(held["status"], "on_hold");
        assert_eq!(held["hold"]["reason"], "coroner_inquest");
        assert_eq!(held["overdue"], false);
        let back = act_ok(&app, lead, &id, json!({"action": "resume"})).await;
        assert_eq!(back["status"], "awaiting_allocation");
        assert_eq!(back["hold"], serde_json::Value::Null);
        let _ = person;
    }
}
