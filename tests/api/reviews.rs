//! Reading a review and recording its findings: ETags, If-Match, merge patches, field checks,
//! the derived avoidable classification, who may edit when, and concurrent edits.

use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{
    act_ok, at_stage, complete_findings, id_of, new_case, notification_with, patch_findings,
    person, review, staff,
};
use crate::helpers::{TestApp, etag_of, json, patch_json, problem};

fn findings_path(id: &str) -> String {
    format!("/api/v1/reviews/{id}/findings")
}

/// PATCHes the findings as the lead with the current ETag; returns the response.
async fn lead_patch(app: &TestApp, lead: &str, id: &str, patch: Value) -> reqwest::Response {
    patch_findings(app, lead, lead, id, &patch).await
}

/// A case in review whose person died on 2026-10-01, born on `date_of_birth`.
async fn case_born(app: &TestApp, lead: &str, date_of_birth: &str) -> String {
    id_of(
        &new_case(
            app,
            lead,
            &notification_with(json!({"date_of_birth": date_of_birth})),
        )
        .await,
    )
}

both_backends! {
    async fn a_review_carries_its_version_as_etag_and_each_edit_moves_it(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "awaiting_allocation").await;
        let (case, tag) = review(&app, &s.lead.token, &id).await;
        assert_eq!(tag, format!("\"{}\"", case["version"]));
        let res = patch_json(&app, &findings_path(&id), &s.lead.token, Some(&tag), &json!({"pen_portrait": "Ada sang."})).await;
        let new_tag = etag_of(&res);
        let updated = json(res, 200).await;
        assert_eq!(updated["version"].as_i64(), case["version"].as_i64().map(|v| v + 1));
        assert_eq!(new_tag, format!("\"{}\"", updated["version"]));
        let (again, again_tag) = review(&app, &s.lead.token, &id).await;
        assert_eq!(again_tag, new_tag);
        assert_eq!(again["findings"]["pen_portrait"], "Ada sang.");
    }

    async fn findings_need_if_match_and_a_stale_one_is_refused(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "awaiting_allocation").await;
        let (_, tag) = review(&app, &s.lead.token, &id).await;
        let patch = json!({"concerns": "Delays in the emergency department"});
        problem(patch_json(&app, &findings_path(&id), &s.lead.token, None, &patch).await, 428).await;
        problem(patch_json(&app, &findings_path(&id), &s.lead.token, Some("\"999\""), &patch).await, 412).await;
        json(patch_json(&app, &findings_path(&id), &s.lead.token, Some(&tag), &patch).await, 200).await;
        // The tag that was current a moment ago is now stale.
        let other = json!({"concerns": "Something else"});
        problem(patch_json(&app, &findings_path(&id), &s.lead.token, Some(&tag), &other).await, 412).await;
        let (case, _) = review(&app, &s.lead.token, &id).await;
        assert_eq!(case["findings"]["concerns"], "Delays in the emergency department");
    }

    async fn findings_are_a_json_merge_patch(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "awaiting_allocation").await;
        let lead = &s.lead.token;
        json(lead_patch(&app, lead, &id, json!({
            "pen_portrait": "Ada loved music.",
            "concerns": "Late referral",
            "cause_of_death": {"part_1a": "Aspiration pneumonia", "part_2": "Cerebral palsy"},
            "long_term_conditions": ["epilepsy", "dysphagia"],
            "learning_disability_level": "severe",
            "reasonable_adjustments_made": false,
            "delays_in_care": true
        })).await, 200).await;
        let updated = json(lead_patch(&app, lead, &id, json!({
            "concerns": null,
            "cause_of_death": {"part_2": null, "underlying_icd10": "J69.0"},
            "long_term_conditions": ["epilepsy"]
        })).await, 200).await;
        let f = &updated["findings"];
        assert_eq!(f["pen_portrait"], "Ada loved music.", "absent is unchanged");
        assert_eq!(f["concerns"], Value::Null, "null clears");
        assert_eq!(f["cause_of_death"]["part_1a"], "Aspiration pneumonia", "objects merge");
        assert_eq!(f["cause_of_death"]["part_2"], Value::Null);
        assert_eq!(f["cause_of_death"]["underlying_icd10"], "J69.0");
        assert_eq!(f["long_term_conditions"], json!(["epilepsy"]), "arrays are replaced");
        assert_eq!(f["learning_disability_level"], "severe");
        assert_eq!(f["reasonable_adjustments_made"], false);
        assert_eq!(f["delays_in_care"], true);
    }

    async fn an_icd10_code_is_checked_against_the_classification_and_normalised(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "awaiting_allocation").await;
        for bad in ["Z99.99", "J18.99", "XYZ", "18.9", ""] {
            let refused = problem(lead_patch(&app, &s.lead.token, &id, json!({"cause_of_death": {"underlying_icd10": bad}})).await, 422).await;
            assert_eq!(refused["errors"][0]["field"], "cause_of_death.underlying_icd10", "{bad}: {refused}");
        }
        for (written, stored) in [("J189", "J18.9"), ("J18.9X", "J18.9"), ("j18.9", "J18.9"), ("I10X", "I10"), ("C18", "C18")] {
            let updated = json(lead_patch(&app, &s.lead.token, &id, json!({"cause_of_death": {"underlying_icd10": written}})).await, 200).await;
            assert_eq!(updated["findings"]["cause_of_death"]["underlying_icd10"], stored, "{written}");
        }
    }

    async fn a_care_grade_is_one_to_six(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "awaiting_allocation").await;
        for bad in [0, 7] {
            let refused = problem(lead_patch(&app, &s.lead.token, &id, json!({"care_grade": bad})).await, 422).await;
            assert_eq!(refused["errors"][0]["field"], "care_grade", "{bad}: {refused}");
        }
        let refused = problem(lead_patch(&app, &s.lead.token, &id, json!({"care_grade": "3"})).await, 400).await;
        assert_eq!(refused["errors"][0]["field"], "care_grade");
        for good in 1..=6 {
            let updated = json(lead_patch(&app, &s.lead.token, &id, json!({"care_grade": good})).await, 200).await;
            assert_eq!(updated["findings"]["care_grade"], good);
        }
    }

    async fn other_bad_findings_are_refused_naming_the_field(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "awaiting_allocation").await;
        let (before, _) = review(&app, &s.lead.token, &id).await;
        for (patch, status, field) in [
            (json!({"learning_disability_level": "very"}), 400, "learning_disability_level"),
            (json!({"place_of_death": "garden"}), 400, "place_of_death"),
            (json!({"colour": "red"}), 400, "colour"),
            (json!({"dnacpr": {"in_place": "no"}}), 400, "dnacpr.in_place"),
            (json!({"long_term_conditions": "epilepsy"}), 400, "long_term_conditions"),
            (json!({"key_episodes": [{"date": "2026-13-01", "setting": "home", "description": "x"}]}), 400, "key_episodes"),
            (json!({"family_involvement": {"called": true}}), 400, "family_involvement.called"),
        ] {
            let refused = problem(lead_patch(&app, &s.lead.token, &id, patch.clone()).await, status).await;
            let named = refused["errors"][0]["field"].as_str().unwrap_or_default().to_owned();
            assert!(named.starts_with(field), "{patch}: {refused}");
        }
        let (after, _) = review(&app, &s.lead.token, &id).await;
        assert_eq!(after["version"], before["version"]);
        assert_eq!(after["findings"], before["findings"]);
    }

    async fn the_avoidable_classification_follows_the_cause_and_the_age_at_death(app) {
        let lead = person(&app, "lead", &["ics_lead"], "QOP").await;
        for (born, code, expected) in [
            ("1966-01-10", "J18.9", Some([0.0, 1.0, 1.0])),   // 60: treatable
            ("1966-01-10", "I21", Some([0.5, 0.5, 1.0])),     // 60: on both lists
            ("1966-01-10", "C18", Some([0.0, 1.0, 1.0])),     // 60: treatable
            ("1966-01-10", "U07.1", Some([1.0, 0.0, 1.0])),   // 60: COVID-19 is preventable
            ("1966-01-10", "G80.9", Some([0.0, 0.0, 0.0])),   // cerebral palsy: on neither list
            ("1951-10-02", "J18.9", Some([0.0, 1.0, 1.0])),   // 74
            ("1951-10-01", "J18.9", Some([0.0, 0.0, 0.0])),   // 75 on the day: never avoidable
            ("1946-01-10", "I21", Some([0.0, 0.0, 0.0])),     // 80
        ] {
            let id = case_born(&app, &lead.token, born).await;
            let updated = json(lead_patch(&app, &lead.token, &id, json!({"cause_of_death": {"underlying_icd10": code}})).await, 200).await;
            let got = &updated["avoidable"];
            let [preventable, treatable, avoidable] = expected.unwrap();
            assert_eq!(got["preventable"].as_f64(), Some(preventable), "{born} {code}: {got}");
            assert_eq!(got["treatable"].as_f64(), Some(treatable), "{born} {code}: {got}");
            assert_eq!(got["avoidable"].as_f64(), Some(avoidable), "{born} {code}: {got}");
            let (read, _) = review(&app, &lead.token, &id).await;
            assert_eq!(&read["avoidable"], got);
        }
        // No code yet, or explicitly not known: nothing to classify.
        let id = case_born(&app, &lead.token, "1966-01-10").await;
        let (fresh, _) = review(&app, &lead.token, &id).await;
        assert_eq!(fresh["avoidable"], Value::Null);
        let updated = json(lead_patch(&app, &lead.token, &id, json!({"cause_of_death": {"underlying_not_known_reason": "Awaiting the inquest"}})).await, 200).await;
        assert_eq!(updated["avoidable"], Value::Null);
        assert_eq!(updated["findings"]["cause_of_death"]["underlying_not_known_reason"], "Awaiting the inquest");
    }

    async fn a_cause_explicitly_not_known_with_a_reason_completes_the_form(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "allocated").await;
        act_ok(&app, &s.reviewer.token, &id, json!({"action": "start"})).await;
        let mut findings = complete_findings();
        findings["cause_of_death"] = json!({"part_1a": "Unascertained", "underlying_not_known_reason": "The post-mortem was inconclusive"});
        json(patch_findings(&app, &s.lead.token, &s.reviewer.token, &id, &findings).await, 200).await;
        crate::cases::family_informed(&app, &s.reviewer.token, &id).await;
        let submitted = act_ok(&app, &s.reviewer.token, &id, json!({"action": "submit"})).await;
        assert_eq!(submitted["status"], "awaiting_qa");
    }

    async fn only_the_allocated_reviewer_in_review_and_the_lead_while_open_edit_findings(app) {
        let s = staff(&app).await;
        let admin = app.admin_token().await;
        let patch = json!({"good_practice": "Easy-read letters"});
        let at = |stage: &'static str| at_stage(&app, &s, stage);
        let (allocated, in_review, awaiting_qa, completed) = (at("allocated").await, at("in_review").await, at("awaiting_qa").await, at("completed").await);
        let lead = &s.lead.token;
        for (token, id, status, who) in [
            (&s.reviewer.token, &allocated, 409, "the reviewer before starting"),
            (&s.reviewer.token, &in_review, 200, "the reviewer in review"),
            (&s.reviewer.token, &awaiting_qa, 409, "the reviewer once submitted"),
            (&s.reviewer2.token, &in_review, 404, "another reviewer"),
            (&s.qa.token, &in_review, 403, "the QA panel"),
            (&s.qa.token, &completed, 403, "the QA panel, closed case"),
            (&s.integration, &in_review, 403, "the case system"),
            (&admin, &in_review, 403, "the admin"),
            (&s.other_lead.token, &in_review, 404, "another ICB's lead"),
            (lead, &allocated, 200, "the lead, allocated"),
            (lead, &awaiting_qa, 200, "the lead at QA"),
            (lead, &completed, 409, "the lead, completed"),
        ] {
            let res = patch_findings(&app, lead, token, id, &patch).await;
            assert_eq!(res.status().as_u16(), status, "{who}: {}", res.text().await.unwrap());
        }
    }

    async fn of_two_concurrent_findings_updates_exactly_one_wins_and_the_other_is_412(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "in_review").await;
        let path = findings_path(&id);
        for round in 0..10 {
            let (before, tag) = review(&app, &s.lead.token, &id).await;
            let a = json!({"concerns": format!("reviewer's view {round}")});
            let b = json!({"concerns": format!("lead's view {round}")});
            let (ra, rb) = tokio::join!(
                patch_json(&app, &path, &s.reviewer.token, Some(&tag), &a),
                patch_json(&app, &path, &s.lead.token, Some(&tag), &b),
            );
            let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
            statuses.sort_unstable();
            assert_eq!(statuses, [200, 412], "round {round}");
            let winner = if ra.status() == 200 { &a } else { &b };
            let (after, _) = review(&app, &s.lead.token, &id).await;
            assert_eq!(after["version"].as_i64(), before["version"].as_i64().map(|v| v + 1));
            assert_eq!(after["findings"]["concerns"], winner["concerns"]);
        }
    }

    async fn a_findings_update_is_recorded_in_the_history_and_the_event_feed(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "awaiting_allocation").await;
        json(lead_patch(&app, &s.lead.token, &id, json!({"care_grade": 2})).await, 200).await;
        let history = json(app.get_as(&format!("/api/v1/reviews/{id}/history"), &s.lead.token).await, 200).await;
        let last = history["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["actor_id"], s.lead.id);
        assert!(last["occurred_at"].is_string() && last["id"].is_string(), "{last}");
        let events = crate::cases::events(&app).await;
        let last = events.last().unwrap();
        assert_eq!((last.event_type.as_str(), last.subject_id.as_str(), last.seq), ("review.findings_updated", id.as_str(), 2));
    }

    async fn reading_and_changing_a_case_are_in_its_audit_trail(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "allocated").await;
        review(&app, &s.reviewer.token, &id).await;
        json(crate::cases::patch_person(&app, &s.lead.token, &s.lead.token, &id, &json!({"sex": "female"})).await, 200).await;
        let trail = json(app.get_as(&format!("/api/v1/audit?subject=review:{id}"), &s.lead.token).await, 200).await;
        let items = trail["items"].as_array().unwrap();
        let read = items
            .iter()
            .find(|e| e["method"] == "GET" && e["actor_roles"] == json!(["reviewer"]))
            .unwrap_or_else(|| panic!("the reviewer's read is not audited: {trail}"));
        assert_eq!(read["route"], "/api/v1/reviews/{id}");
        assert_eq!(read["outcome"], "success");
        assert!(
            items.iter().any(|e| e["method"] == "PATCH" && e["route"] == "/api/v1/reviews/{id}/person"),
            "the correction is not audited: {trail}"
        );
        // Another ICB's lead may not read this case's trail.
        problem(app.get_as(&format!("/api/v1/audit?subject=review:{id}"), &s.other_lead.token).await, 404).await;
    }
}
