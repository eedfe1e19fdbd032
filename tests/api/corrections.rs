//! Correcting the person: If-Match, the same checks as a notification, who may and when, and the
//! re-run of eligibility and review type that can reopen or close a case.

use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{
    act_ok, at_stage, child_of_3, id_of, new_case, notification_with, patch_person, review, staff,
};
use crate::helpers::{json, patch_json, problem};

both_backends! {
    async fn a_correction_that_makes_a_not_eligible_case_eligible_reopens_it(app) {
        let s = staff(&app).await;
        let case = new_case(&app, &s.lead.token, &child_of_3()).await;
        assert_eq!(case["status"], "not_eligible");
        let id = id_of(&case);
        // The date of birth was mistyped: the person was 20, not 3.
        let corrected = json(patch_person(&app, &s.lead.token, &s.lead.token, &id, &json!({"date_of_birth": "2006-01-15"})).await, 200).await;
        assert_eq!(corrected["status"], "awaiting_allocation");
        assert_eq!(corrected["eligibility"]["outcome"], "eligible");
        assert_eq!(corrected["eligibility"]["route"], "leder_review");
        assert_eq!(corrected["eligibility"]["reasons"], json!(["learning_disability_adult"]));
        assert_eq!(corrected["review_type"], "initial");
        assert_eq!(corrected["age_at_death"], 20);
        assert_eq!(corrected["person"]["date_of_birth"], "2006-01-15");
        assert_eq!(corrected["person"]["given_name"], "Ada", "other fields are unchanged");
        assert_eq!(corrected["version"].as_i64(), case["version"].as_i64().map(|v| v + 1));
        // It now goes the usual way.
        let allocated = act_ok(&app, &s.lead.token, &id, json!({"action": "allocate", "reviewer_id": s.reviewer.id})).await;
        assert_eq!(allocated["status"], "allocated");
        let history = json(app.get_as(&format!("/api/v1/reviews/{id}/history"), &s.lead.token).await, 200).await;
        let items = history["items"].as_array().unwrap();
        assert!(items.iter().any(|i| i["from_status"] == "not_eligible" && i["to_status"] == "awaiting_allocation"
            && i["actor_id"] == s.lead.id), "{history}");
        let events = crate::cases::events(&app).await;
        assert!(events.iter().any(|e| e.subject_id == id && e.event_type == "review.status_changed"));
    }

    async fn a_correction_reassesses_eligibility_and_the_review_type(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "allocated").await;
        // Autistic, without a learning disability: still eligible, now focused by rule.
        let focused = json(patch_person(&app, &s.lead.token, &s.reviewer.token, &id,
            &json!({"learning_disability": false, "autistic": true})).await, 200).await;
        assert_eq!(focused["status"], "allocated");
        assert_eq!(focused["review_type"], "focused");
        assert_eq!(focused["focused_reasons"], json!(["autistic_without_learning_disability"]));
        // Neither: the case closes as not eligible.
        let closed = json(patch_person(&app, &s.lead.token, &s.lead.token, &id, &json!({"autistic": false})).await, 200).await;
        assert_eq!(closed["status"], "not_eligible");
        assert_eq!(closed["eligibility"]["reasons"], json!(["neither_learning_disability_nor_autism"]));
        // A child of 10 goes to the Child Death Review.
        let id = at_stage(&app, &s, "awaiting_allocation").await;
        let child = json(patch_person(&app, &s.lead.token, &s.lead.token, &id,
            &json!({"date_of_birth": "2016-01-15", "date_of_death": "2026-09-01"})).await, 200).await;
        assert_eq!(child["status"], "referred_to_child_death_review");
        assert_eq!(child["review_type"], Value::Null);
    }

    async fn a_correction_needs_if_match_and_is_checked_like_a_notification(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "awaiting_allocation").await;
        let path = format!("/api/v1/reviews/{id}/person");
        let (before, tag) = review(&app, &s.lead.token, &id).await;
        let patch = json!({"family_name": "Lovelace"});
        problem(patch_json(&app, &path, &s.lead.token, None, &patch).await, 428).await;
        problem(patch_json(&app, &path, &s.lead.token, Some("\"999\""), &patch).await, 412).await;
        for (patch, status, field) in [
            (json!({"nhs_number": "9434765918"}), 422, "nhs_number"),
            (json!({"ethnic_category": "T"}), 422, "ethnic_category"),
            (json!({"date_of_death": "1950-01-01"}), 422, "date_of_death"),
            (json!({"given_name": ""}), 422, "given_name"),
            (json!({"given_name": "   "}), 422, "given_name"),
            (json!({"family_name": "Love\u{202E}lace"}), 422, "family_name"),
            (json!({"nhs_number": "0000000000"}), 422, "nhs_number"),
            (json!({"date_of_birth": "1800-01-01"}), 422, "date_of_birth"),
            (json!({"date_of_death": "2014-12-31"}), 422, "date_of_death"),
            (json!({"sex": "other"}), 400, "sex"),
            (json!({"learning_disability": "yes"}), 400, "learning_disability"),
            (json!({"shoe_size": 9}), 400, "shoe_size"),
        ] {
            let refused = problem(patch_json(&app, &path, &s.lead.token, Some(&tag), &patch).await, status).await;
            let named = refused["errors"][0]["field"].as_str().unwrap_or_default();
            assert!(named.ends_with(field), "{patch}: {refused}");
        }
        let (after, _) = review(&app, &s.lead.token, &id).await;
        assert_eq!(after["version"], before["version"]);
        assert_eq!(after["person"], before["person"]);
        let fixed = json(patch_json(&app, &path, &s.lead.token, Some(&tag), &json!({"nhs_number": "999 000 0018"})).await, 200).await;
        assert_eq!(fixed["person"]["nhs_number"], "9990000018");
        let cleared = json(patch_person(&app, &s.lead.token, &s.lead.token, &id, &json!({"nhs_number": null})).await, 200).await;
        assert_eq!(cleared["person"]["nhs_number"], Value::Null);
    }

    async fn the_lead_or_allocated_reviewer_correct_the_person_while_the_case_is_open(app) {
        let s = staff(&app).await;
        let admin = app.admin_token().await;
        let lead = &s.lead.token;
        let patch = json!({"place_of_death": "care_home"});
        let at = |stage: &'static str| at_stage(&app, &s, stage);
        let (allocated, awaiting_qa, completed, opted_out, cdr) =
            (at("allocated").await, at("awaiting_qa").await, at("completed").await, at("opted_out").await,
             at("referred_to_child_death_review").await);
        for (token, id, status, who) in [
            (&s.reviewer.token, &allocated, 200, "the allocated reviewer"),
            (&s.reviewer.token, &awaiting_qa, 200, "the allocated reviewer at QA"),
            (&s.reviewer2.token, &allocated, 404, "another reviewer"),
            (&s.qa.token, &allocated, 403, "the QA panel"),
            (&s.integration, &allocated, 403, "the case system"),
            (&admin, &allocated, 403, "the admin"),
            (&s.other_lead.token, &allocated, 404, "another ICB's lead"),
            (lead, &awaiting_qa, 200, "the lead at QA"),
            (lead, &cdr, 200, "the lead, child death review"),
            (lead, &completed, 409, "the lead, completed"),
            (lead, &opted_out, 409, "the lead, opted out"),
            (&s.reviewer.token, &completed, 409, "the reviewer, completed"),
        ] {
            let res = patch_person(&app, lead, token, id, &patch).await;
            let got = res.status().as_u16();
            assert_eq!(got, status, "{who}: {}", res.text().await.unwrap());
        }
        let (case, _) = review(&app, lead, &allocated).await;
        assert_eq!(case["person"]["place_of_death"], "care_home");
        assert_eq!(case["status"], "allocated");
    }

    async fn an_opted_out_case_has_no_person_to_correct(app) {
        let s = staff(&app).await;
        let case = new_case(&app, &s.lead.token, &notification_with(json!({"national_data_opt_out": true}))).await;
        let refused = patch_person(&app, &s.lead.token, &s.lead.token, &id_of(&case), &json!({"sex": "male"})).await;
        problem(refused, 409).await;
    }
}
