//! The rules each action carries beyond the table: reasons and comments, who may allocate, the
//! QA panel's own reviews, learning points at sign-off, data-quality flags, holds.

use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{
    act, act_ok, add_learning, at_stage, complete_findings, focused_extras, id_of, learning_point,
    new_case, notification_with, patch_findings, patch_person, person, review, staff,
};
use crate::helpers::{json, problem, today, ymd};

fn fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default()
}

both_backends! {
    async fn a_reviewer_on_the_qa_panel_cannot_approve_a_review_they_conducted(app) {
        let s = staff(&app).await;
        let senior = person(&app, "sita.senior", &["reviewer", "qa_panel"], "QOP").await;
        let id = id_of(&new_case(&app, &s.lead.token, &notification_with(json!({}))).await);
        act_ok(&app, &s.lead.token, &id, json!({"action": "allocate", "reviewer_id": senior.id})).await;
        act_ok(&app, &senior.token, &id, json!({"action": "start"})).await;
        json(patch_findings(&app, &s.lead.token, &senior.token, &id, &complete_findings()).await, 200).await;
        crate::cases::family_informed(&app, &senior.token, &id).await;
        add_learning(&app, &senior.token, &id, &learning_point()).await;
        act_ok(&app, &senior.token, &id, json!({"action": "submit"})).await;
        problem(act(&app, &senior.token, &id, json!({"action": "approve"})).await, 403).await;
        let (still, _) = review(&app, &s.lead.token, &id).await;
        assert_eq!(still["status"], "awaiting_qa");
        // Another member of the panel may.
        let approved = act_ok(&app, &s.qa.token, &id, json!({"action": "approve"})).await;
        assert_eq!(approved["status"], "awaiting_sign_off");
        // And the senior reviewer approves someone else's review.
        let other = at_stage(&app, &s, "awaiting_qa").await;
        act_ok(&app, &senior.token, &other, json!({"action": "approve"})).await;
    }

    async fn sign_off_needs_a_learning_point(app) {
        let s = staff(&app).await;
        let id = id_of(&new_case(&app, &s.lead.token, &notification_with(json!({}))).await);
        act_ok(&app, &s.lead.token, &id, json!({"action": "allocate", "reviewer_id": s.reviewer.id})).await;
        act_ok(&app, &s.reviewer.token, &id, json!({"action": "start"})).await;
        json(patch_findings(&app, &s.lead.token, &s.reviewer.token, &id, &complete_findings()).await, 200).await;
        crate::cases::family_informed(&app, &s.reviewer.token, &id).await;
        act_ok(&app, &s.reviewer.token, &id, json!({"action": "submit"})).await;
        act_ok(&app, &s.qa.token, &id, json!({"action": "approve"})).await;
        problem(act(&app, &s.lead.token, &id, json!({"action": "sign_off"})).await, 422).await;
        // Good practice and concerns are recorded, but they are not learning.
        for kind in ["good_practice", "concern"] {
            let mut point = learning_point();
            point["kind"] = json!(kind);
            add_learning(&app, &s.lead.token, &id, &point).await;
            problem(act(&app, &s.lead.token, &id, json!({"action": "sign_off"})).await, 422).await;
        }
        add_learning(&app, &s.lead.token, &id, &learning_point()).await;
        let done = act_ok(&app, &s.lead.token, &id, json!({"action": "sign_off"})).await;
        assert_eq!(done["status"], "completed");
        let points = json(app.get_as(&format!("/api/v1/reviews/{id}/learning"), &s.qa.token).await, 200).await;
        let kinds: Vec<&str> = points["items"].as_array().unwrap().iter().map(|p| p["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["good_practice", "concern", "learning"]);
    }

    async fn a_rule_broken_where_the_stage_allows_the_action_is_a_422_naming_the_field(app) {
        let s = staff(&app).await;
        let qa_only = s.qa.id.clone();
        let elsewhere = person(&app, "eli.reviewer", &["reviewer"], "QE1").await;
        let lead = &s.lead.token;
        let waiting = at_stage(&app, &s, "awaiting_allocation").await;
        for (body, field) in [
            (json!({"action": "allocate"}), "reviewer_id"),
            (json!({"action": "allocate", "reviewer_id": elsewhere.id}), "reviewer_id"),
            (json!({"action": "allocate", "reviewer_id": qa_only}), "reviewer_id"),
            (json!({"action": "allocate", "reviewer_id": uuid::Uuid::now_v7().to_string()}), "reviewer_id"),
        ] {
            let refused = problem(act(&app, lead, &waiting, body.clone()).await, 422).await;
            assert_eq!(fields(&refused), [field], "{body}: {refused}");
        }
        let in_review = at_stage(&app, &s, "in_review").await;
        let reallocate = json!({"action": "allocate", "reviewer_id": s.reviewer2.id});
        assert_eq!(fields(&problem(act(&app, lead, &in_review, reallocate).await, 422).await), ["reason"]);
        for reason in [json!(null), json!("   ")] {
            let escalate = json!({"action": "escalate", "reason": reason});
            assert_eq!(fields(&problem(act(&app, lead, &in_review, escalate).await, 422).await), ["reason"]);
        }
        let hold = json!({"action": "hold", "reason": "holiday"});
        assert_eq!(fields(&problem(act(&app, lead, &in_review, hold).await, 422).await), ["reason"]);
        let hold = json!({"action": "hold", "reason": "other"});
        assert_eq!(fields(&problem(act(&app, lead, &in_review, hold).await, 422).await), ["comment"]);
        let awaiting_qa = at_stage(&app, &s, "awaiting_qa").await;
        let ret = json!({"action": "return"});
        assert_eq!(fields(&problem(act(&app, &s.qa.token, &awaiting_qa, ret.clone()).await, 422).await), ["comment"]);
        // The stage is checked before the rule: returning an allocated case, even without a
        // comment, is a conflict.
        let allocated = at_stage(&app, &s, "allocated").await;
        problem(act(&app, &s.qa.token, &allocated, ret).await, 409).await;
        problem(act(&app, lead, &allocated, json!({"action": "sign_off"})).await, 409).await;
        // An action that does not exist is a malformed request.
        let unknown = problem(act(&app, lead, &allocated, json!({"action": "fly"})).await, 400).await;
        assert_eq!(fields(&unknown), ["action"]);
        problem(act(&app, lead, &allocated, json!({})).await, 400).await;
        let (case, _) = review(&app, lead, &waiting).await;
        assert_eq!((case["status"].as_str(), case["version"].as_i64()), (Some("awaiting_allocation"), Some(1)));
        assert_eq!(case["reviewer_id"], Value::Null);
        let (case, _) = review(&app, lead, &in_review).await;
        assert_eq!((case["status"].as_str(), case["review_type"].as_str()), (Some("in_review"), Some("initial")));
        assert_eq!(case["reviewer_id"], s.reviewer.id);
        assert_eq!(case["hold"], Value::Null);
    }

    async fn a_reallocation_hands_the_case_to_the_new_reviewer(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "in_review").await;
        let body = json!({"action": "allocate", "reviewer_id": s.reviewer2.id, "reason": "Rory is on long-term leave"});
        let moved = act_ok(&app, &s.lead.token, &id, body).await;
        assert_eq!(moved["status"], "in_review");
        assert_eq!(moved["reviewer_id"], s.reviewer2.id);
        problem(app.get_as(&format!("/api/v1/reviews/{id}"), &s.reviewer.token).await, 404).await;
        let (seen, _) = review(&app, &s.reviewer2.token, &id).await;
        assert_eq!(seen["reviewer_id"], s.reviewer2.id);
        let listed = json(app.get_as("/api/v1/reviews", &s.reviewer.token).await, 200).await;
        assert_eq!(listed["items"], json!([]));
        act_ok(&app, &s.reviewer2.token, &id, json!({"action": "submit"})).await;
    }

    async fn a_reviewer_who_escalates_makes_the_review_focused_and_it_then_needs_more(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "in_review").await;
        let reason = "Care at the hospital may have contributed to the death";
        let moved = act_ok(&app, &s.reviewer.token, &id, json!({"action": "escalate", "reason": reason})).await;
        assert_eq!(moved["status"], "in_review");
        assert_eq!(moved["review_type"], "focused");
        assert_eq!(moved["focused_reasons"], json!(["reviewer_concern"]));
        let refused = problem(act(&app, &s.reviewer.token, &id, json!({"action": "submit"})).await, 422).await;
        assert_eq!(refused["errors"][0]["code"], "findings_incomplete", "{refused}");
        let said = refused["errors"].to_string();
        assert!(said.contains("key_episodes") && said.contains("contributors"), "{refused}");
        json(patch_findings(&app, &s.lead.token, &s.reviewer.token, &id, &focused_extras()).await, 200).await;
        act_ok(&app, &s.reviewer.token, &id, json!({"action": "submit"})).await;
        let history = json(app.get_as(&format!("/api/v1/reviews/{id}/history"), &s.lead.token).await, 200).await;
        assert!(history["items"].as_array().unwrap().iter().any(|i| i["action"].as_str().is_some_and(|a| a.ends_with("escalate"))
            && i["actor_id"] == s.reviewer.id && i["detail"].to_string().contains("hospital")), "{history}");
    }

    async fn an_open_data_quality_flag_blocks_submission_until_the_person_is_corrected(app) {
        let s = staff(&app).await;
        for unresolved in ["Z", "99"] {
            let case = new_case(&app, &s.lead.token, &notification_with(json!({"ethnic_category": unresolved}))).await;
            assert_eq!(case["data_quality_flags"], json!(["ethnic_category_unresolved"]));
            assert_eq!(case["review_type"], "initial");
            let id = id_of(&case);
            act_ok(&app, &s.lead.token, &id, json!({"action": "allocate", "reviewer_id": s.reviewer.id})).await;
            act_ok(&app, &s.reviewer.token, &id, json!({"action": "start"})).await;
            json(patch_findings(&app, &s.lead.token, &s.reviewer.token, &id, &complete_findings()).await, 200).await;
            crate::cases::family_informed(&app, &s.reviewer.token, &id).await;
            problem(act(&app, &s.reviewer.token, &id, json!({"action": "submit"})).await, 422).await;
            // The reviewer resolves it: Bangladeshi, which also makes the review focused.
            let corrected = json(patch_person(&app, &s.lead.token, &s.reviewer.token, &id, &json!({"ethnic_category": "K"})).await, 200).await;
            assert_eq!(corrected["data_quality_flags"], json!([]));
            assert_eq!(corrected["person"]["ethnic_category"], "K");
            assert_eq!(corrected["review_type"], "focused");
            assert_eq!(corrected["focused_reasons"], json!(["ethnic_minority"]));
            assert_eq!(corrected["status"], "in_review");
            json(patch_findings(&app, &s.lead.token, &s.reviewer.token, &id, &focused_extras()).await, 200).await;
            let submitted = act_ok(&app, &s.reviewer.token, &id, json!({"action": "submit"})).await;
            assert_eq!(submitted["status"], "awaiting_qa");
        }
    }

    async fn a_hold_keeps_its_reason_and_resume_returns_to_the_stage_it_left(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "awaiting_qa").await;
        let body = json!({"action": "hold", "reason": "other", "comment": "Awaiting the post-mortem report"});
        let held = act_ok(&app, &s.reviewer.token, &id, body).await;
        assert_eq!(held["status"], "on_hold");
        assert_eq!(held["hold"]["reason"], "other");
        assert_eq!(held["hold"]["text"], "Awaiting the post-mortem report");
        assert_eq!(held["hold"]["since"], ymd(today()));
        assert_eq!(held["overdue"], false);
        // Nothing moves while it is held, not even QA.
        problem(act(&app, &s.qa.token, &id, json!({"action": "approve"})).await, 409).await;
        let resumed = act_ok(&app, &s.reviewer.token, &id, json!({"action": "resume"})).await;
        assert_eq!(resumed["status"], "awaiting_qa");
        assert_eq!(resumed["hold"], Value::Null);
        assert_eq!(resumed["days_on_hold"], 0);
        act_ok(&app, &s.qa.token, &id, json!({"action": "approve"})).await;
        // Every reason of the list is accepted.
        for reason in ["coroner_inquest", "police_investigation", "safeguarding_adults_review", "safeguarding_enquiry",
                       "domestic_homicide_review", "patient_safety_investigation", "child_death_review", "family_request"] {
            let id = at_stage(&app, &s, "allocated").await;
            let held = act_ok(&app, &s.lead.token, &id, json!({"action": "hold", "reason": reason})).await;
            assert_eq!(held["hold"]["reason"], reason);
        }
    }

    async fn of_two_concurrent_decisions_on_one_case_exactly_one_is_taken(app) {
        let s = staff(&app).await;
        for round in 0..6 {
            let id = at_stage(&app, &s, "awaiting_qa").await;
            let approve = json!({"action": "approve"});
            let give_back = json!({"action": "return", "comment": format!("round {round}")});
            let (a, b) = tokio::join!(act(&app, &s.qa.token, &id, approve), act(&app, &s.qa.token, &id, give_back));
            let (sa, sb) = (a.status().as_u16(), b.status().as_u16());
            let mut statuses = [sa, sb];
            statuses.sort_unstable();
            assert_eq!(statuses, [200, 409], "round {round}");
            let (case, _) = review(&app, &s.lead.token, &id).await;
            let expected = if sa == 200 { "awaiting_sign_off" } else { "in_review" };
            assert_eq!(case["status"], expected);
            let history = json(app.get_as(&format!("/api/v1/reviews/{id}/history"), &s.lead.token).await, 200).await;
            let from_qa = history["items"].as_array().unwrap().iter().filter(|i| i["from_status"] == "awaiting_qa").count();
            assert_eq!(from_qa, 1, "{history}");
        }
    }
}
