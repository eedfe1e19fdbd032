//! Whole journeys, from a reported death to a signed-off review (or to where the rules end it),
//! for each kind of person DOMAIN.md names.

use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{
    Staff, act, act_ok, add_learning, cdr_outcome, child_of_3, child_of_10, complete_findings,
    events, find, focused_extras, id_of, learning_point, new_case, notification_with, notify,
    patch_findings, person, review, staff,
};
use crate::helpers::{TestApp, json, problem, today, ymd};

/// Takes an allocated-and-started case through submission, a return, QA approval and sign-off,
/// asserting each step; `findings` must be complete for the case's review type.
async fn review_to_completion(app: &TestApp, s: &Staff, id: &str, findings: &Value) -> Value {
    let (lead, reviewer, qa) = (&s.lead.token, &s.reviewer.token, &s.qa.token);
    let allocated = act_ok(
        app,
        lead,
        id,
        json!({"action": "allocate", "reviewer_id": s.reviewer.id}),
    )
    .await;
    assert_eq!(allocated["status"], "allocated");
    assert_eq!(allocated["reviewer_id"], s.reviewer.id);
    let started = act_ok(app, reviewer, id, json!({"action": "start"})).await;
    assert_eq!(started["status"], "in_review");
    let updated = json(patch_findings(app, lead, reviewer, id, findings).await, 200).await;
    crate::cases::family_informed(app, reviewer, id).await;
    assert_eq!(
        updated["findings"]["pen_portrait"],
        findings["pen_portrait"]
    );
    add_learning(app, reviewer, id, &learning_point()).await;
    let submitted = act_ok(app, reviewer, id, json!({"action": "submit"})).await;
    assert_eq!(submitted["status"], "awaiting_qa");
    let returned = act_ok(
        app,
        qa,
        id,
        json!({"action": "return", "comment": "Say more about the GP's part."}),
    )
    .await;
    assert_eq!(returned["status"], "in_review");
    let patch = json!({"good_practice": "The GP visited at home every week."});
    json(patch_findings(app, lead, reviewer, id, &patch).await, 200).await;
    act_ok(app, reviewer, id, json!({"action": "submit"})).await;
    let approved = act_ok(app, qa, id, json!({"action": "approve"})).await;
    assert_eq!(approved["status"], "awaiting_sign_off");
    let done = act_ok(app, lead, id, json!({"action": "sign_off"})).await;
    assert_eq!(done["status"], "completed");
    assert!(done["completed_at"].is_string(), "{done}");
    assert_eq!(done["overdue"], false);
    done
}

/// The transitions recorded in a review's history, in order.
async fn history_actions(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let history = json(
        app.get_as(&format!("/api/v1/reviews/{id}/history"), token)
            .await,
        200,
    )
    .await;
    let items = history["items"].as_array().unwrap().clone();
    let times: Vec<&str> = items
        .iter()
        .map(|i| i["occurred_at"].as_str().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_unstable();
    assert_eq!(times, sorted, "history is oldest first");
    items
}

/// The action of a history entry; transitions may be written `transition:<action>`.
fn action_of(item: &Value) -> &str {
    let action = item["action"].as_str().unwrap();
    action.strip_prefix("transition:").unwrap_or(action)
}

fn transitions_of(items: &[Value]) -> Vec<(String, String, String)> {
    items
        .iter()
        .filter(|i| {
            i["from_status"].is_string()
                && i["to_status"].is_string()
                && i["from_status"] != i["to_status"]
        })
        .map(|i| {
            (
                action_of(i).to_owned(),
                i["from_status"].as_str().unwrap().to_owned(),
                i["to_status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

both_backends! {
    async fn an_adult_with_a_learning_disability_is_reviewed_from_notification_to_sign_off(app) {
        let s = staff(&app).await;
        let case = new_case(&app, &s.lead.token, &notification_with(json!({"nhs_number": "9434765919"}))).await;
        assert_eq!(case["status"], "awaiting_allocation");
        assert_eq!(case["eligibility"]["outcome"], "eligible");
        assert_eq!(case["eligibility"]["route"], "leder_review");
        assert_eq!(case["eligibility"]["reasons"], json!(["learning_disability_adult"]));
        assert!(case["eligibility"]["sentence"].as_str().is_some_and(|s| !s.is_empty()));
        assert_eq!(case["review_type"], "initial");
        assert_eq!(case["focused_reasons"], json!([]));
        assert_eq!(case["data_quality_flags"], json!([]));
        assert_eq!(case["organisation"], "QOP");
        assert_eq!(case["area_code"], "QOP");
        assert_eq!(case["sub_icb_location"], Value::Null);
        assert_eq!(case["reviewer_id"], Value::Null);
        assert_eq!(case["age_at_death"], 65);
        assert_eq!(case["person"]["given_name"], "Ada");
        assert_eq!(case["person"]["date_of_birth"], "1961-03-02");
        assert_eq!(case["person"]["sex"], "female");
        assert_eq!(case["person"]["ethnic_category"], "A");
        assert_eq!(case["person"]["place_of_death"], "hospital");
        assert_eq!(case["days_elapsed"], 0);
        assert_eq!(case["days_on_hold"], 0);
        assert_eq!(case["overdue"], false);
        assert_eq!(case["hold"], Value::Null);
        assert_eq!(case["avoidable"], Value::Null);
        assert_eq!(case["completed_at"], Value::Null);
        assert_eq!(case["versions"], json!({
            "eligibility": "leder-eligibility-1", "avoidable_mortality": "ons-2020/leder-2", "care_grade": "leder-2016",
            "form": "leder-form-2"
        }));
        let six_months = crate::helpers::add_months(today(), 6);
        assert_eq!(case["due_date"], ymd(six_months));
        let id = id_of(&case);
        let done = review_to_completion(&app, &s, &id, &complete_findings()).await;
        // J18.9 at 65: pneumonia is treatable, under 75.
        assert_eq!(done["avoidable"]["treatable"].as_f64(), Some(1.0));
        assert_eq!(done["avoidable"]["preventable"].as_f64(), Some(0.0));
        assert_eq!(done["avoidable"]["avoidable"].as_f64(), Some(1.0));
        let items = history_actions(&app, &s.lead.token, &id).await;
        let moves = transitions_of(&items);
        let expected = [
            ("allocate", "awaiting_allocation", "allocated"),
            ("start", "allocated", "in_review"),
            ("submit", "in_review", "awaiting_qa"),
            ("return", "awaiting_qa", "in_review"),
            ("submit", "in_review", "awaiting_qa"),
            ("approve", "awaiting_qa", "awaiting_sign_off"),
            ("sign_off", "awaiting_sign_off", "completed"),
        ];
        let expected: Vec<(String, String, String)> =
            expected.iter().map(|(a, f, t)| ((*a).into(), (*f).into(), (*t).into())).collect();
        assert_eq!(moves, expected);
        let by = |action: &str| items.iter().find(|i| action_of(i) == action).unwrap()["actor_id"].clone();
        assert_eq!(by("allocate"), s.lead.id);
        assert_eq!(by("start"), s.reviewer.id);
        assert_eq!(by("approve"), s.qa.id);
        // The two findings edits, the family record and the learning point appear too, by the
        // reviewer, between their three transitions.
        let by_reviewer: Vec<&str> = items.iter().filter(|i| i["actor_id"] == s.reviewer.id).map(action_of).collect();
        assert_eq!(by_reviewer, ["start", "findings_updated", "family_contact_added", "family_event_recorded",
                                 "learning_added", "submit", "findings_updated", "submit"],
            "edits missing from the history: {items:?}");
        let learning = json(app.get_as(&format!("/api/v1/reviews/{id}/learning"), &s.lead.token).await, 200).await;
        assert_eq!(learning["items"].as_array().unwrap().len(), 1);
        assert_eq!(learning["items"][0]["kind"], "learning");
        assert_eq!(learning["items"][0]["themes"], json!(["aspiration_pneumonia", "reasonable_adjustments"]));
        // The ICB's events: one per change, numbered 1, 2, 3, ... without a gap.
        let events: Vec<_> = events(&app).await.into_iter().filter(|e| e.organisation == "QOP").collect();
        let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (1..=i64::try_from(events.len()).unwrap()).collect::<Vec<_>>());
        let count = |t: &str| events.iter().filter(|e| e.event_type == t).count();
        assert_eq!(count("review.created"), 1);
        assert_eq!(count("review.status_changed"), 7);
        // The two findings edits and the learning point.
        assert_eq!(count("review.findings_updated"), 3);
        assert!(events.iter().all(|e| e.subject_id == id));
        // A completed review takes no more edits.
        problem(patch_findings(&app, &s.lead.token, &s.lead.token, &id, &json!({"concerns": "late"})).await, 409).await;
    }

    async fn an_autistic_adult_without_a_learning_disability_gets_a_focused_review_by_rule(app) {
        let s = staff(&app).await;
        let body = notification_with(json!({"learning_disability": false, "autistic": true}));
        let case = new_case(&app, &s.lead.token, &body).await;
        assert_eq!(case["status"], "awaiting_allocation");
        assert_eq!(case["eligibility"]["reasons"], json!(["autistic_adult"]));
        assert_eq!(case["review_type"], "focused");
        assert_eq!(case["focused_reasons"], json!(["autistic_without_learning_disability"]));
        let id = id_of(&case);
        act_ok(&app, &s.lead.token, &id, json!({"action": "allocate", "reviewer_id": s.reviewer.id})).await;
        act_ok(&app, &s.reviewer.token, &id, json!({"action": "start"})).await;
        // What is enough for an initial review is not enough for a focused one.
        json(patch_findings(&app, &s.lead.token, &s.reviewer.token, &id, &complete_findings()).await, 200).await;
        crate::cases::family_informed(&app, &s.reviewer.token, &id).await;
        let refused = problem(act(&app, &s.reviewer.token, &id, json!({"action": "submit"})).await, 422).await;
        assert_eq!(refused["errors"][0]["code"], "findings_incomplete", "{refused}");
        let said = refused["errors"].to_string();
        assert!(said.contains("key_episodes") && said.contains("contributors"), "{refused}");
        json(patch_findings(&app, &s.lead.token, &s.reviewer.token, &id, &focused_extras()).await, 200).await;
        // Escalating a review that is already focused is not possible.
        problem(act(&app, &s.lead.token, &id, json!({"action": "escalate", "reason": "worried"})).await, 409).await;
        add_learning(&app, &s.reviewer.token, &id, &learning_point()).await;
        act_ok(&app, &s.reviewer.token, &id, json!({"action": "submit"})).await;
        act_ok(&app, &s.qa.token, &id, json!({"action": "approve"})).await;
        let done = act_ok(&app, &s.lead.token, &id, json!({"action": "sign_off"})).await;
        assert_eq!(done["status"], "completed");
        assert_eq!(done["review_type"], "focused");
    }

    async fn a_person_of_pakistani_ethnicity_gets_a_focused_review_by_rule(app) {
        let s = staff(&app).await;
        let case = new_case(&app, &s.lead.token, &notification_with(json!({"ethnic_category": "J"}))).await;
        assert_eq!(case["review_type"], "focused");
        assert_eq!(case["focused_reasons"], json!(["ethnic_minority"]));
        assert_eq!(case["data_quality_flags"], json!([]));
        assert_eq!(case["person"]["ethnic_category"], "J");
        let mut findings = complete_findings();
        for (k, v) in focused_extras().as_object().unwrap() {
            findings[k] = v.clone();
        }
        let done = review_to_completion(&app, &s, &id_of(&case), &findings).await;
        assert_eq!(done["focused_reasons"], json!(["ethnic_minority"]));
        assert_eq!(done["findings"]["contributors"], json!(["GP", "Community learning disability nurse"]));
    }

    async fn a_family_request_makes_a_review_focused(app) {
        let s = staff(&app).await;
        let mut body = notification_with(json!({"ethnic_category": "C"}));
        body["family_requests_focused_review"] = json!(true);
        let case = new_case(&app, &s.lead.token, &body).await;
        assert_eq!(case["review_type"], "focused");
        assert_eq!(case["focused_reasons"], json!(["family_request"]));
    }

    async fn a_child_of_ten_is_referred_to_the_child_death_review_whose_outcome_completes_it(app) {
        let s = staff(&app).await;
        let case = new_case(&app, &s.lead.token, &child_of_10()).await;
        assert_eq!(case["status"], "referred_to_child_death_review");
        assert_eq!(case["eligibility"]["outcome"], "eligible");
        assert_eq!(case["eligibility"]["route"], "child_death_review");
        assert_eq!(case["eligibility"]["reasons"], json!(["learning_disability_child"]));
        assert_eq!(case["review_type"], Value::Null);
        assert_eq!(case["age_at_death"], 10);
        let id = id_of(&case);
        let path = format!("/api/v1/reviews/{id}/child-death-review-outcome");
        // No LeDeR review: it cannot be allocated.
        problem(act(&app, &s.lead.token, &id, json!({"action": "allocate", "reviewer_id": s.reviewer.id})).await, 409).await;
        // Only the lead records the outcome, and it cannot arrive before the death.
        problem(app.post_as(&path, &s.qa.token, &cdr_outcome()).await, 403).await;
        let mut early = cdr_outcome();
        early["received_on"] = json!("2026-08-01");
        let refused = problem(app.post_as(&path, &s.lead.token, &early).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], "received_on", "{refused}");
        let done = json(app.post_as(&path, &s.lead.token, &cdr_outcome()).await, 200).await;
        assert_eq!(done["status"], "completed");
        assert!(done["completed_at"].is_string());
        assert_eq!(done["child_death_review_outcome"]["summary"], cdr_outcome()["summary"]);
        assert_eq!(done["child_death_review_outcome"]["modifiable_factors"], false);
        // Recorded once: a second outcome is a conflict.
        problem(app.post_as(&path, &s.lead.token, &cdr_outcome()).await, 409).await;
        let items = history_actions(&app, &s.lead.token, &id).await;
        let moves = transitions_of(&items);
        assert_eq!(moves.last().map(|m| (m.1.as_str(), m.2.as_str())), Some(("referred_to_child_death_review", "completed")));
    }

    async fn a_child_of_three_is_not_eligible_and_nothing_can_start(app) {
        let s = staff(&app).await;
        let case = new_case(&app, &s.lead.token, &child_of_3()).await;
        assert_eq!(case["status"], "not_eligible");
        assert_eq!(case["eligibility"]["outcome"], "not_eligible");
        assert_eq!(case["eligibility"]["route"], Value::Null);
        assert!(case["eligibility"]["reasons"].as_array().unwrap().contains(&json!("age_under_4")), "{case}");
        assert_eq!(case["review_type"], Value::Null);
        assert_eq!(case["overdue"], false);
        let id = id_of(&case);
        problem(act(&app, &s.lead.token, &id, json!({"action": "allocate", "reviewer_id": s.reviewer.id})).await, 409).await;
        problem(act(&app, &s.lead.token, &id, json!({"action": "hold", "reason": "family_request"})).await, 409).await;
    }

    async fn a_ccg_code_notified_after_july_2022_reaches_the_icb_that_now_holds_it(app) {
        let s = staff(&app).await;
        let manchester = new_case(&app, &s.lead.token, &notification_with(json!({"area_code": "14L"}))).await;
        assert_eq!(manchester["organisation"], "QOP");
        assert_eq!(manchester["sub_icb_location"], "14L");
        assert_eq!(manchester["area_code"], "14L");
        // 06K was a Hertfordshire CCG under QM7; since April 2026 its location sits in S1Y5D.
        let central = person(&app, "cel.lead", &["ics_lead"], "S1Y5D").await;
        let reference = notify(&app, &notification_with(json!({"area_code": "06K"}))).await;
        let herts = find(&app, &central.token, &reference).await;
        assert_eq!(herts["organisation"], "S1Y5D");
        assert_eq!(herts["sub_icb_location"], "06K");
        assert_eq!(herts["area_code"], "06K");
        // Each ICB sees its own case and not the other's.
        let page = json(app.get_as(&format!("/api/v1/reviews?reference={reference}"), &s.lead.token).await, 200).await;
        assert_eq!(page["items"], json!([]));
        problem(app.get_as(&format!("/api/v1/reviews/{}", herts["id"].as_str().unwrap()), &s.lead.token).await, 404).await;
        // A dissolved ICB named directly follows its whole successor.
        let reference = notify(&app, &notification_with(json!({"area_code": "QUE"}))).await;
        let cambs = find(&app, &central.token, &reference).await;
        assert_eq!(cambs["organisation"], "S1Y5D");
        assert_eq!(cambs["area_code"], "QUE");
        let seqs: Vec<i64> = events(&app).await.iter().filter(|e| e.organisation == "S1Y5D").map(|e| e.seq).collect();
        assert_eq!(seqs, [1, 2]);
    }

    async fn a_notification_from_another_icb_is_the_other_icbs_case(app) {
        let s = staff(&app).await;
        let reference = notify(&app, &notification_with(json!({"area_code": "QE1"}))).await;
        let theirs = find(&app, &s.other_lead.token, &reference).await;
        assert_eq!(theirs["organisation"], "QE1");
        let (_, _) = review(&app, &s.other_lead.token, &id_of(&theirs)).await;
        problem(app.get_as(&format!("/api/v1/reviews/{}", id_of(&theirs)), &s.lead.token).await, 404).await;
    }

    async fn people_the_rules_leave_out_are_not_eligible_with_their_reasons(app) {
        let s = staff(&app).await;
        for (facts, reasons) in [
            (json!({"lived_in_england": false}), json!(["did_not_live_in_england"])),
            (json!({"learning_disability": false, "autistic": false}), json!(["neither_learning_disability_nor_autism"])),
            (json!({"learning_disability": false, "autistic": true, "date_of_death": "2021-12-31"}), json!(["autism_before_programme_start"])),
            (json!({"learning_disability": false, "autistic": true, "date_of_birth": "2010-05-05"}), json!(["autistic_under_18"])),
        ] {
            let case = new_case(&app, &s.lead.token, &notification_with(facts.clone())).await;
            assert_eq!(case["status"], "not_eligible", "{facts}");
            assert_eq!(case["eligibility"]["outcome"], "not_eligible");
            assert_eq!(case["eligibility"]["reasons"], reasons, "{facts}");
            assert_eq!(case["review_type"], Value::Null);
        }
    }
}
