//! Case notes (issue 15): an append-only, typed timeline per review, readable by the case team;
//! a mistake is corrected by a new note pointing at the old one, never by an edit. Audited.

use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{act_ok, events, id_of, new_case, notification, person, review};
use crate::helpers::{etag_of, json, problem, sql_count, today, ymd};

fn notes_of(id: &str) -> String {
    format!("/api/v1/reviews/{id}/notes")
}

both_backends! {
    async fn the_case_team_keeps_a_timeline_and_corrects_it_by_a_new_note(app) {
        let lead = person(&app, "lena.lead", &["ics_lead"], "QOP").await;
        let qa = person(&app, "quinn.qa", &["qa_panel"], "QOP").await;
        let rory = person(&app, "rory.reviewer", &["reviewer"], "QOP").await;
        let ruth = person(&app, "ruth.reviewer", &["reviewer"], "QOP").await;
        let other = person(&app, "olga.lead", &["ics_lead"], "QE1").await;
        let (_, _, integration) = app.machine_client("QOP").await;
        let id = id_of(&new_case(&app, &lead.token, &notification()).await);
        let elsewhere = id_of(&new_case(&app, &lead.token, &notification()).await);
        act_ok(&app, &lead.token, &id, json!({"action": "allocate", "reviewer_id": rory.id})).await;
        let (before, _) = review(&app, &lead.token, &id).await;

        let yesterday = ymd(today() - time::Duration::days(1));
        let res = app.post_as(&notes_of(&id), &rory.token, &json!({
            "kind": "phone_call", "occurred_on": yesterday,
            "text": "Spoke to the sister: the GP visited on the Monday."})).await;
        let tag = etag_of(&res);
        let call = json(res, 201).await;
        assert_eq!(tag, format!("\"{}\"", before["version"].as_i64().unwrap() + 1));
        assert_eq!(call["kind"], "phone_call");
        assert_eq!(call["occurred_on"], yesterday.as_str());
        assert_eq!(call["author"], json!({"id": rory.id, "display_name": "rory.reviewer"}));
        assert_eq!(call["corrects"], Value::Null);
        let seen = json(app.post_as(&notes_of(&id), &qa.token, &json!({
            "kind": "records_seen", "text": "GP record: no annual health check since 2023."})).await, 201).await;
        assert_eq!(seen["occurred_on"], ymd(today()).as_str(), "today when not given");
        json(app.post_as(&notes_of(&id), &lead.token, &json!({
            "kind": "meeting", "text": "Multi-agency meeting booked."})).await, 201).await;
        // The call was on the Tuesday: a new note corrects it; the first stays as written.
        let fix = json(app.post_as(&notes_of(&id), &rory.token, &json!({
            "kind": "phone_call", "corrects": call["id"],
            "text": "Correction: the GP visited on the Tuesday, not the Monday."})).await, 201).await;
        assert_eq!(fix["corrects"], call["id"]);

        let list = json(app.get_as(&notes_of(&id), &lead.token).await, 200).await;
        let items = list["items"].as_array().unwrap();
        let kinds: Vec<&str> = items.iter().map(|n| n["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["phone_call", "records_seen", "meeting", "phone_call"]);
        assert_eq!(items[0]["text"], "Spoke to the sister: the GP visited on the Monday.");
        assert_eq!(items[0]["corrected_by"], json!([fix["id"]]));
        assert_eq!(items[3]["corrected_by"], json!([]));
        assert_eq!(items[1]["author"]["display_name"], "quinn.qa");
        json(app.get_as(&notes_of(&id), &rory.token).await, 200).await;

        // Refusals, and nothing half-written.
        let problem_of = |r| async move { problem(r, 422).await };
        let bad = problem_of(app.post_as(&notes_of(&id), &rory.token, &json!({
            "kind": "note", "text": "x", "corrects": "no-such-note"})).await).await;
        assert_eq!(bad["errors"][0]["field"], "corrects");
        let theirs = json(app.post_as(&notes_of(&elsewhere), &lead.token, &json!({
            "kind": "note", "text": "Another case's note."})).await, 201).await;
        let bad = problem_of(app.post_as(&notes_of(&id), &lead.token, &json!({
            "kind": "note", "text": "x", "corrects": theirs["id"]})).await).await;
        assert_eq!(bad["errors"][0]["field"], "corrects");
        let tomorrow = ymd(today() + time::Duration::days(1));
        let bad = problem_of(app.post_as(&notes_of(&id), &rory.token, &json!({
            "kind": "note", "text": "x", "occurred_on": tomorrow})).await).await;
        assert_eq!(bad["errors"][0]["field"], "occurred_on");
        let bad = problem(app.post_as(&notes_of(&id), &rory.token, &json!({"kind": "gossip", "text": "x"})).await, 400).await;
        assert!(bad.to_string().contains("kind"), "{bad}");
        problem(app.post_as(&notes_of(&id), &ruth.token, &json!({"kind": "note", "text": "x"})).await, 404).await;
        problem(app.post_as(&notes_of(&id), &other.token, &json!({"kind": "note", "text": "x"})).await, 404).await;
        problem(app.post_as(&notes_of(&id), &integration, &json!({"kind": "note", "text": "x"})).await, 403).await;
        problem(app.get_as(&notes_of(&id), &integration).await, 403).await;
        problem(app.get_as(&notes_of(&id), &ruth.token).await, 404).await;
        let edit = app.client.patch(app.url(&notes_of(&id))).bearer_auth(&lead.token).json(&json!({})).send().await.unwrap();
        assert_eq!(edit.status().as_u16(), 405, "notes are never edited");
        let stored = sql_count(&app, &format!("SELECT COUNT(*) AS n FROM case_notes WHERE review_id = '{id}'")).await;
        assert_eq!(stored, 4);

        let history = json(app.get_as(&format!("/api/v1/reviews/{id}/history"), &lead.token).await, 200).await;
        let added = history.as_array().or(history["items"].as_array()).unwrap().iter()
            .filter(|h| h["action"] == "note_added").count();
        assert_eq!(added, 4);
        let noted = events(&app).await.into_iter()
            .filter(|e| e.subject_id == id && e.event_type == "review.note_added").count();
        assert_eq!(noted, 4);
        assert!(!events(&app).await.iter().any(|e| e.data.contains("GP visited")), "no note text in the feed");
        let audited = |action: &'static str| {
            let sql = format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = '{action}' AND subject = 'review:{id}' AND outcome = 'success'");
            let app = &app;
            async move { sql_count(app, &sql).await }
        };
        assert_eq!(audited("add_note").await, 4);
        assert_eq!(audited("read_notes").await, 2);
    }
}
