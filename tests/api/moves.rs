//! Moving a case between ICBs (issue 15; DOMAIN.md, "Moving between ICBs"): a lead proposes the
//! responsible ICB with a reason, that ICB's lead accepts (the case moves, keeping its history)
//! or declines (it stays); an admin moves a case directly; a corrected area code proposes the
//! move the same way. The receiving ICB sees the case only once it has accepted it.

use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{
    act_ok, at_stage, events, id_of, new_case, notification, patch_person, person, review, staff,
};
use crate::helpers::{json, problem, sql_count};

fn moves_of(id: &str) -> String {
    format!("/api/v1/reviews/{id}/moves")
}

fn answer(id: &str, mid: &Value, what: &str) -> String {
    format!(
        "/api/v1/reviews/{id}/moves/{}/{what}",
        mid.as_str().unwrap()
    )
}

both_backends! {
    async fn a_case_moves_to_another_icb_by_proposal_and_acceptance(app) {
        let s = staff(&app).await;
        let (lena, olga) = (&s.lead.token, &s.other_lead.token);
        let walt = person(&app, "walt.lead", &["ics_lead"], "QWO").await;
        let id = at_stage(&app, &s, "in_review").await;
        let (before, _) = review(&app, lena, &id).await;

        let bad = problem(app.post_as(&moves_of(&id), lena, &json!({"to": "QOP", "reason": "wrong_area"})).await, 422).await;
        assert_eq!(bad["errors"][0]["field"], "to", "the case's own ICB");
        let bad = problem(app.post_as(&moves_of(&id), lena, &json!({"to": "Y62", "reason": "wrong_area"})).await, 422).await;
        assert_eq!(bad["errors"][0]["code"], "not_a_current_icb", "a region is no ICB: {bad}");
        let bad = problem(app.post_as(&moves_of(&id), lena, &json!({"to": "QE1", "reason": "other"})).await, 422).await;
        assert_eq!(bad["errors"][0]["field"], "text");
        problem(app.post_as(&moves_of(&id), &s.qa.token, &json!({"to": "QE1", "reason": "wrong_area"})).await, 403).await;
        problem(app.post_as(&moves_of(&id), olga, &json!({"to": "QE1", "reason": "wrong_area"})).await, 404).await;

        let text = "Placed in Preston by Lancashire and South Cumbria, which funds the placement";
        let proposed = json(app.post_as(&moves_of(&id), lena,
            &json!({"to": "qe1", "reason": "out_of_area_placement", "text": text})).await, 201).await;
        assert_eq!(proposed["status"], "pending");
        assert_eq!((proposed["from"].as_str(), proposed["to"].as_str()), (Some("QOP"), Some("QE1")));
        assert_eq!(proposed["origin"], "proposal");
        assert_eq!(proposed["reference"], before["reference"]);
        problem(app.post_as(&moves_of(&id), lena, &json!({"to": "QWO", "reason": "wrong_area"})).await, 409).await;

        // While pending, the case stays with QOP and its work goes on; QE1 sees the proposal only.
        problem(app.get_as(&format!("/api/v1/reviews/{id}"), olga).await, 404).await;
        let note = json!({"kind": "phone_call", "text": "Spoke to the placement's manager."});
        json(app.post_as(&format!("/api/v1/reviews/{id}/notes"), &s.reviewer.token, &note).await, 201).await;
        let waiting = json(app.get_as("/api/v1/organisations/QE1/moves?status=pending", olga).await, 200).await;
        assert_eq!(waiting["items"].as_array().unwrap().len(), 1);
        assert_eq!(waiting["items"][0]["id"], proposed["id"]);
        assert!(!waiting.to_string().contains(before["person"]["family_name"].as_str().unwrap()),
            "nothing of the person before acceptance: {waiting}");
        problem(app.get_as("/api/v1/organisations/QE1/moves", lena).await, 404).await;
        let outgoing = json(app.get_as("/api/v1/organisations/QOP/moves", lena).await, 200).await;
        assert_eq!(outgoing["items"][0]["id"], proposed["id"]);

        // Only the receiving lead answers: the proposing ICB's team 403, another lead 404.
        let accept = answer(&id, &proposed["id"], "accept");
        problem(app.post_as(&accept, &walt.token, &json!({})).await, 404).await;
        problem(app.post_as(&accept, lena, &json!({})).await, 403).await;
        problem(app.post_as(&accept, &s.qa.token, &json!({})).await, 403).await;
        problem(app.post_as(&format!("/api/v1/reviews/{id}/moves/no-such-move/accept"), olga, &json!({})).await, 404).await;
        let accepted = json(app.post_as(&accept, olga, &json!({})).await, 200).await;
        assert_eq!(accepted["status"], "accepted");
        problem(app.post_as(&accept, olga, &json!({})).await, 409).await;

        // The case is QE1's now, keeping its history; the QOP reviewer's allocation is cleared.
        problem(app.get_as(&format!("/api/v1/reviews/{id}"), lena).await, 404).await;
        problem(app.get_as(&format!("/api/v1/reviews/{id}"), &s.reviewer.token).await, 404).await;
        let (moved, _) = review(&app, olga, &id).await;
        assert_eq!(moved["organisation"], "QE1");
        assert_eq!(moved["status"], "awaiting_allocation");
        assert_eq!(moved["reviewer_id"], Value::Null);
        assert_eq!(moved["findings"]["pen_portrait"], before["findings"]["pen_portrait"], "the work moves with it");
        let history = json(app.get_as(&format!("/api/v1/reviews/{id}/history"), olga).await, 200).await;
        let items = history["items"].as_array().unwrap();
        assert!(items.iter().any(|h| h["action"] == "transition:start"), "the history moved too");
        let moved_entry = items.iter().find(|h| h["action"] == "moved").unwrap();
        assert_eq!(moved_entry["detail"]["allocation_cleared"], true);
        assert!(items.iter().any(|h| h["action"] == "move_proposed" && h["detail"]["comment"] == text));
        let notes = json(app.get_as(&format!("/api/v1/reviews/{id}/notes"), olga).await, 200).await;
        assert_eq!(notes["items"].as_array().unwrap().len(), 1);
        let oscar = person(&app, "oscar.reviewer", &["reviewer"], "QE1").await;
        let allocated = act_ok(&app, olga, &id, json!({"action": "allocate", "reviewer_id": oscar.id})).await;
        assert_eq!(allocated["status"], "allocated");

        // Both feeds say what happened; the other side's copy carries the move, not the person.
        let feed = events(&app).await;
        let of = |org: &str, kind: &str| feed.iter().filter(|e| e.subject_id == id && e.organisation == org
            && e.event_type == kind).map(|e| serde_json::from_str::<Value>(&e.data).unwrap()).collect::<Vec<_>>();
        let qe1_heard = of("QE1", "review.move_proposed");
        assert_eq!(qe1_heard.len(), 1);
        assert_eq!(qe1_heard[0]["move"]["status"], "pending");
        assert_eq!(qe1_heard[0].get("person"), None);
        assert_eq!(of("QOP", "review.move_proposed").len(), 1);
        assert_eq!(of("QE1", "review.moved")[0]["organisation"], "QE1", "the case itself");
        let qop_heard = of("QOP", "review.moved");
        assert_eq!(qop_heard[0]["move"]["status"], "accepted");
        assert_eq!(qop_heard[0].get("person"), None);
        assert_eq!(of("QE1", "review.status_changed").len(), 2, "back to awaiting allocation, then allocated");
        let audited = |action: &'static str, org: &'static str| {
            let sql = format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = '{action}' AND subject = 'review:{id}' \
                               AND subject_organisation = '{org}' AND outcome = 'success'");
            let app = &app;
            async move { sql_count(app, &sql).await }
        };
        assert_eq!(audited("propose_move", "QOP").await, 1);
        assert_eq!(audited("accept_move", "QE1").await, 1);
    }

    async fn a_declined_move_leaves_the_case_where_it_was(app) {
        let s = staff(&app).await;
        let (lena, olga) = (&s.lead.token, &s.other_lead.token);
        let id = id_of(&new_case(&app, lena, &notification()).await);
        let proposed = json(app.post_as(&moves_of(&id), lena, &json!({"to": "QE1", "reason": "wrong_area"})).await, 201).await;
        let decline = answer(&id, &proposed["id"], "decline");
        let bad = problem(app.post_as(&decline, olga, &json!({"reason": "   "})).await, 422).await;
        assert_eq!(bad["errors"][0]["field"], "reason");
        problem(app.post_as(&decline, lena, &json!({"reason": "mine after all"})).await, 403).await;
        let why = "Our records show she lived in Bolton; Greater Manchester is responsible";
        let declined = json(app.post_as(&decline, olga, &json!({"reason": why})).await, 200).await;
        assert_eq!(declined["status"], "declined");
        assert_eq!(declined["decline_reason"], why);
        problem(app.post_as(&answer(&id, &proposed["id"], "accept"), olga, &json!({})).await, 409).await;
        let (stayed, _) = review(&app, lena, &id).await;
        assert_eq!(stayed["organisation"], "QOP");
        problem(app.get_as(&format!("/api/v1/reviews/{id}"), olga).await, 404).await;
        let listed = json(app.get_as(&moves_of(&id), lena).await, 200).await;
        assert_eq!(listed["items"][0]["status"], "declined");
        let feed = events(&app).await;
        let declined_in = |org: &str| feed.iter().filter(|e| e.subject_id == id && e.organisation == org
            && e.event_type == "review.move_declined").count();
        assert_eq!((declined_in("QOP"), declined_in("QE1")), (1, 1));
        // Declined, the case may be proposed again (elsewhere).
        json(app.post_as(&moves_of(&id), lena, &json!({"to": "QWO", "reason": "wrong_area"})).await, 201).await;
    }

    async fn an_admin_moves_a_case_directly_and_a_corrected_area_code_proposes_the_move(app) {
        let s = staff(&app).await;
        let (lena, olga) = (&s.lead.token, &s.other_lead.token);
        let admin = app.admin_token().await;
        let id = at_stage(&app, &s, "allocated").await;
        let moved = json(app.post_as(&moves_of(&id), &admin, &json!({"to": "QE1", "reason": "wrong_area"})).await, 201).await;
        assert_eq!((moved["status"].as_str(), moved["origin"].as_str()), (Some("moved"), Some("admin")));
        assert!(moved.get("person").is_none());
        let (now_qe1, _) = review(&app, olga, &id).await;
        assert_eq!(now_qe1["organisation"], "QE1");
        assert_eq!(now_qe1["status"], "awaiting_allocation");
        problem(app.get_as(&format!("/api/v1/reviews/{id}"), &admin).await, 403).await;

        // A corrected area code routes the case again as at notification: QE1's lead decides.
        let other = id_of(&new_case(&app, lena, &notification()).await);
        let bad = problem(patch_person(&app, lena, lena, &other, &json!({"area_code": "ZZZ"})).await, 422).await;
        assert_eq!(bad["errors"][0]["field"], "area_code");
        let same = json(patch_person(&app, lena, lena, &other, &json!({"area_code": "14L"})).await, 200).await;
        assert_eq!((same["area_code"].as_str(), same["organisation"].as_str()), (Some("14L"), Some("QOP")));
        let corrected = json(patch_person(&app, lena, lena, &other, &json!({"area_code": "QE1"})).await, 200).await;
        assert_eq!(corrected["area_code"], "QE1");
        assert_eq!(corrected["organisation"], "QOP", "until QE1's lead accepts");
        let listed = json(app.get_as(&moves_of(&other), lena).await, 200).await;
        let proposal = &listed["items"][0];
        assert_eq!((proposal["origin"].as_str(), proposal["status"].as_str()), (Some("area_code_correction"), Some("pending")));
        assert_eq!(proposal["text"], "the area code was corrected from 14L to QE1");
        problem(patch_person(&app, lena, lena, &other, &json!({"area_code": "QWO"})).await, 409).await;
        json(app.post_as(&answer(&other, &proposal["id"], "accept"), olga, &json!({})).await, 200).await;
        assert_eq!(review(&app, olga, &other).await.0["organisation"], "QE1");
    }

    async fn two_proposals_at_once_make_one_pending_move(app) {
        let s = staff(&app).await;
        let id = id_of(&new_case(&app, &s.lead.token, &notification()).await);
        let send = |to: &'static str| {
            let (app, token, path) = (&app, s.lead.token.clone(), moves_of(&id));
            async move { app.post_as(&path, &token, &json!({"to": to, "reason": "wrong_area"})).await.status().as_u16() }
        };
        let (a, b) = futures_util::join!(send("QE1"), send("QWO"));
        let mut statuses = [a, b];
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 409]);
        let pending = sql_count(&app, &format!("SELECT COUNT(*) AS n FROM review_moves WHERE review_id = '{id}' AND status = 'pending'")).await;
        assert_eq!(pending, 1);
    }
}
