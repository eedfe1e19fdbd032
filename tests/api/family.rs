//! The family record (issue 15; DOMAIN.md, "Families"): a review's family contacts and the
//! dated, append-only record of each commitment, from "informed" to "copy sent"; submission
//! waits for it (or for the reason why not); the form's family answers are derived from it;
//! another ICB's lead sees nothing of it.

use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{
    act, act_ok, add_learning, complete_findings, events, id_of, learning_point, new_case,
    notification, notification_with, patch_findings, review, staff,
};
use crate::helpers::{etag_of, json, patch_json, problem, sql_count, today, ymd};

fn contacts_of(id: &str) -> String {
    format!("/api/v1/reviews/{id}/family-contacts")
}

fn day(offset: i64) -> String {
    ymd(today() + time::Duration::days(offset))
}

both_backends! {
    async fn a_family_timeline_runs_from_informed_to_copy_sent_and_submission_waits_for_it(app) {
        let s = staff(&app).await;
        let (lead, rory, qa, olga) = (&s.lead.token, &s.reviewer.token, &s.qa.token, &s.other_lead.token);
        let id = id_of(&new_case(&app, lead, &notification()).await);
        act_ok(&app, lead, &id, json!({"action": "allocate", "reviewer_id": s.reviewer.id})).await;
        act_ok(&app, rory, &id, json!({"action": "start"})).await;
        json(patch_findings(&app, lead, rory, &id, &complete_findings()).await, 200).await;
        add_learning(&app, rory, &id, &learning_point()).await;

        // Submission is refused until the family's involvement is recorded, and says why.
        let refused = problem(act(&app, rory, &id, json!({"action": "submit"})).await, 422).await;
        let errors = refused["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{refused}");
        assert_eq!(errors[0]["field"], "findings.family_involvement");
        assert!(errors[0]["message"].as_str().unwrap().contains("family-contacts"), "{refused}");

        // Another ICB's lead: as if the case did not exist; the QA panel reads but does not write.
        let contacts = contacts_of(&id);
        let mary = json!({"name": "Mary Evans", "relationship": "sister", "phone": "07700 900123",
                          "preferred_contact": "text_message", "accessibility_needs": ["easy_read", "interpreter"],
                          "interpreter_language": "Welsh"});
        problem(app.get_as(&contacts, olga).await, 404).await;
        problem(app.post_as(&contacts, olga, &mary).await, 404).await;
        problem(app.post_as(&contacts, qa, &mary).await, 403).await;
        problem(app.post_as(&contacts, &s.integration, &mary).await, 403).await;
        let empty = json(app.get_as(&contacts, qa).await, 200).await;
        assert_eq!(empty["items"], json!([]));
        assert_eq!(empty["involvement"], Value::Null);

        // The contact's own rules, each naming its field.
        let mut no_language = mary.clone();
        no_language["interpreter_language"] = Value::Null;
        let bad = problem(app.post_as(&contacts, rory, &no_language).await, 422).await;
        assert_eq!(bad["errors"][0]["field"], "interpreter_language", "{bad}");
        let bad = problem(app.post_as(&contacts, rory, &json!({"name": "Tom Evans", "relationship": "brother",
            "preferred_contact": "letter"})).await, 422).await;
        assert_eq!(bad["errors"][0]["field"], "preferred_contact", "{bad}");
        let res = app.post_as(&contacts, rory, &mary).await;
        let tag = etag_of(&res);
        let contact = json(res, 201).await;
        assert_eq!(contact["accessibility_needs"], json!(["easy_read", "interpreter"]));
        assert_eq!(contact["events"], json!([]));
        let (now, _) = review(&app, lead, &id).await;
        assert_eq!(tag, format!("\"{}\"", now["version"]));
        let cid = contact["id"].as_str().unwrap();
        let events_path = format!("{contacts}/{cid}/events");

        // The record, in order; each day not after today, and the copy only once completed.
        for (kind, on) in [("informed", day(-20)), ("invited", day(-20)), ("contributed", day(-10)),
                           ("draft_shared", day(-3)), ("comments_received", day(-1))] {
            let entry = json(app.post_as(&events_path, rory, &json!({"kind": kind, "on": on})).await, 201).await;
            assert_eq!(entry["kind"], kind);
            assert_eq!(entry["recorded_by"]["id"], s.reviewer.id);
        }
        let early = problem(app.post_as(&events_path, lead, &json!({"kind": "copy_offered", "on": day(0)})).await, 409).await;
        assert!(early["detail"].as_str().unwrap().contains("completed"), "{early}");
        let bad = problem(app.post_as(&events_path, lead, &json!({"kind": "not_reachable", "on": day(0)})).await, 422).await;
        assert_eq!(bad["errors"][0]["field"], "note");
        let bad = problem(app.post_as(&events_path, lead, &json!({"kind": "informed", "on": day(1)})).await, 422).await;
        assert_eq!(bad["errors"][0]["field"], "on");
        let bad = problem(app.post_as(&events_path, lead, &json!({"kind": "no_family_contact", "on": day(0), "note": "x"})).await, 422).await;
        assert_eq!(bad["errors"][0]["field"], "kind");
        problem(app.post_as(&events_path, qa, &json!({"kind": "informed", "on": day(0)})).await, 403).await;
        problem(app.post_as(&format!("{contacts}/no-such-contact/events"), lead, &json!({"kind": "informed", "on": day(0)})).await, 404).await;
        problem(app.post_as(&events_path, olga, &json!({"kind": "informed", "on": day(0)})).await, 404).await;

        // The form's family answers are derived from the record, and cannot be written.
        let (case, _) = review(&app, lead, &id).await;
        assert_eq!(case["findings"]["family_involvement"], json!({"contacted": true, "declined": false,
            "feedback_shared": true, "reason_not_contacted": null, "recorded": true}));
        let derived = problem(patch_findings(&app, lead, rory, &id,
            &json!({"family_involvement": {"contacted": false}})).await, 422).await;
        assert_eq!(derived["errors"][0]["code"], "derived_from_family_record", "{derived}");

        // Submitted, approved and signed off; then the copy is offered and sent.
        act_ok(&app, rory, &id, json!({"action": "submit"})).await;
        act_ok(&app, qa, &id, json!({"action": "approve"})).await;
        assert_eq!(act_ok(&app, lead, &id, json!({"action": "sign_off"})).await["status"], "completed");
        json(app.post_as(&events_path, lead, &json!({"kind": "copy_offered", "on": day(0)})).await, 201).await;
        json(app.post_as(&events_path, lead, &json!({"kind": "copy_sent", "on": day(0),
            "note": "Posted in easy read, with a Welsh translation"})).await, 201).await;

        let res = app.get_as(&contacts, rory).await;
        let tag = etag_of(&res);
        let record = json(res, 200).await;
        let kinds: Vec<&str> = record["items"][0]["events"].as_array().unwrap().iter()
            .map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["informed", "invited", "contributed", "draft_shared", "comments_received",
                           "copy_offered", "copy_sent"]);
        assert_eq!(record["involvement"]["recorded"], true);
        assert_eq!(record["no_family_contact"], json!([]));
        let listed = json(app.get_as(&events_path, qa).await, 200).await;
        assert_eq!(listed["items"].as_array().unwrap().len(), 7);
        problem(app.get_as(&events_path, olga).await, 404).await;
        let delete = app.client.delete(app.url(&events_path)).bearer_auth(lead).send().await.unwrap();
        assert_eq!(delete.status().as_u16(), 405, "entries are never removed");

        // A contact's details change with If-Match (the review's ETag); a stale one is 412.
        let path = format!("{contacts}/{cid}");
        let moved = json(patch_json(&app, &path, lead, Some(&tag),
            &json!({"phone": "07700 900999", "address": "1 New Street, Bolton"})).await, 200).await;
        assert_eq!(moved["phone"], "07700 900999");
        assert_eq!(moved["preferred_contact"], "text_message");
        problem(patch_json(&app, &path, lead, Some(&tag), &json!({"phone": "0"})).await, 412).await;

        // History, events (without the family's details) and audit entries say what happened.
        let history = json(app.get_as(&format!("/api/v1/reviews/{id}/history"), lead).await, 200).await;
        let actions: Vec<String> = history["items"].as_array().unwrap().iter()
            .map(|h| h["action"].as_str().unwrap().to_owned()).collect();
        assert_eq!(actions.iter().filter(|a| *a == "family_event_recorded").count(), 7);
        assert_eq!(actions.iter().filter(|a| *a == "family_contact_added").count(), 1);
        assert_eq!(actions.iter().filter(|a| *a == "family_contact_changed").count(), 1);
        let feed = events(&app).await;
        let updated = feed.iter().filter(|e| e.subject_id == id && e.event_type == "review.family_updated").count();
        assert_eq!(updated, 9);
        assert!(!feed.iter().any(|e| e.data.contains("Mary Evans") || e.data.contains("07700")),
            "no contact details in the feed");
        let audited = |action: &'static str| {
            let sql = format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = '{action}' \
                               AND subject = 'review:{id}' AND outcome = 'success'");
            let app = &app;
            async move { sql_count(app, &sql).await }
        };
        assert_eq!(audited("record_family_event").await, 7);
        assert_eq!(audited("add_family_contact").await, 1);
        assert_eq!(audited("update_family_contact").await, 1);
        assert_eq!(audited("read_family").await, 3);
    }

    async fn with_no_family_to_contact_the_reason_why_not_lets_the_review_be_submitted(app) {
        let s = staff(&app).await;
        let (lead, rory) = (&s.lead.token, &s.reviewer.token);
        let id = id_of(&new_case(&app, lead, &notification()).await);
        act_ok(&app, lead, &id, json!({"action": "allocate", "reviewer_id": s.reviewer.id})).await;
        act_ok(&app, rory, &id, json!({"action": "start"})).await;
        json(patch_findings(&app, lead, rory, &id, &complete_findings()).await, 200).await;
        let bad = problem(act(&app, rory, &id, json!({"action": "no_family_contact"})).await, 422).await;
        assert_eq!(bad["errors"][0]["field"], "reason");
        problem(act(&app, &s.qa.token, &id, json!({"action": "no_family_contact", "reason": "x"})).await, 403).await;
        let why = "No living relatives; the care home manager and an IMCA were asked";
        let done = act_ok(&app, rory, &id, json!({"action": "no_family_contact", "reason": why})).await;
        assert_eq!(done["findings"]["family_involvement"], json!({"contacted": false, "declined": false,
            "feedback_shared": false, "reason_not_contacted": why, "recorded": true}));
        assert_eq!(act_ok(&app, rory, &id, json!({"action": "submit"})).await["status"], "awaiting_qa");
        let record = json(app.get_as(&contacts_of(&id), lead).await, 200).await;
        assert_eq!(record["items"], json!([]));
        assert_eq!(record["no_family_contact"][0]["note"], why);
        assert_eq!(record["no_family_contact"][0]["contact_id"], Value::Null);
    }

    async fn a_review_written_before_the_record_keeps_its_answers_readable_until_it_is_recorded(app) {
        let s = staff(&app).await;
        let (lead, rory) = (&s.lead.token, &s.reviewer.token);
        let id = id_of(&new_case(&app, lead, &notification()).await);
        act_ok(&app, lead, &id, json!({"action": "allocate", "reviewer_id": s.reviewer.id})).await;
        act_ok(&app, rory, &id, json!({"action": "start"})).await;
        // The form's own answers, as clients wrote them before the record existed.
        let mut form = complete_findings();
        form["family_involvement"] = json!({"contacted": true, "declined": false, "feedback_shared": true});
        let written = json(patch_findings(&app, lead, rory, &id, &form).await, 200).await;
        assert_eq!(written["findings"]["family_involvement"], json!({"contacted": true, "declined": false,
            "feedback_shared": true, "reason_not_contacted": null, "recorded": false}));
        let claimed = problem(patch_findings(&app, lead, rory, &id,
            &json!({"family_involvement": {"recorded": true}})).await, 422).await;
        assert_eq!(claimed["errors"][0]["code"], "derived_from_family_record");
        let refused = problem(act(&app, rory, &id, json!({"action": "submit"})).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], "findings.family_involvement");
        crate::cases::family_informed(&app, rory, &id).await;
        let (case, _) = review(&app, lead, &id).await;
        assert_eq!(case["findings"]["family_involvement"]["recorded"], true);
        assert_eq!(case["findings"]["family_involvement"]["feedback_shared"], false, "derived, not kept");
        assert_eq!(act_ok(&app, rory, &id, json!({"action": "submit"})).await["status"], "awaiting_qa");
    }

    async fn an_opt_out_found_at_the_check_erases_the_family_record(app) {
        let s = staff(&app).await;
        let lead = &s.lead.token;
        let case = new_case(&app, lead, &notification_with(json!({"national_data_opt_out": "not_known"}))).await;
        let id = id_of(&case);
        let contacts = contacts_of(&id);
        let contact = json(app.post_as(&contacts, lead, &json!({"name": "Mary Evans", "relationship": "sister"})).await, 201).await;
        let events_path = format!("{contacts}/{}/events", contact["id"].as_str().unwrap());
        json(app.post_as(&events_path, lead, &json!({"kind": "informed", "on": day(0)})).await, 201).await;
        let count = |table: &'static str| {
            let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE review_id = '{id}'");
            let app = &app;
            async move { sql_count(app, &sql).await }
        };
        assert_eq!((count("family_contacts").await, count("family_events").await), (1, 1));
        let checked = json(app.post_as(&format!("/api/v1/reviews/{id}/opt-out-check"), lead,
            &json!({"opted_out": true, "checked_on": day(0), "source": "NDOP check"})).await, 200).await;
        assert_eq!(checked["status"], "opted_out");
        assert_eq!(checked["findings"]["family_involvement"], Value::Null);
        assert_eq!((count("family_contacts").await, count("family_events").await), (0, 0));
        let gone = problem(app.post_as(&contacts, lead, &json!({"name": "Tom", "relationship": "brother"})).await, 409).await;
        assert!(gone["detail"].as_str().unwrap().contains("identifiable"), "{gone}");
        assert!(!events(&app).await.iter().any(|e| e.subject_id == id && e.data.contains("Mary Evans")));
    }
}
