//! Evidence (issue 16): a records request from creation to download over HTTP, on both
//! engines and both storage back ends (a folder, and an S3 bucket of moto's), with what the
//! link, the upload and the download refuse.

use serde_json::{Value, json};

use crate::both_stores;
use crate::cases::{NOTIFICATIONS, act_ok, events, id_of, notification, staff};
use crate::evidence_support::{Part, exe, pdf, post_form, sha256};
use crate::helpers::{Http, json, problem, sql_count, today, ymd};

/// A notification from the QOP case system naming the person's GP practice.
pub fn with_practice() -> Value {
    let mut body = notification();
    body["source"] = json!({"system": "qop-ics-hub", "id": uuid::Uuid::new_v4().to_string()});
    body["gp_practice"] = json!("m85001");
    body
}

/// A case of QOP with its GP practice, allocated to the fixtures' reviewer; its id.
pub async fn allocated_case(app: &Http, s: &crate::cases::Staff) -> String {
    let made = json(
        app.post_as(NOTIFICATIONS, &s.integration, &with_practice())
            .await,
        201,
    )
    .await;
    let case = crate::cases::find(app, &s.lead.token, made["reference"].as_str().unwrap()).await;
    let id = id_of(&case);
    act_ok(
        app,
        &s.lead.token,
        &id,
        json!({"action": "allocate", "reviewer_id": s.reviewer.id}),
    )
    .await;
    id
}

/// Asks the case's GP practice for records as `token`; the created request and its link.
pub async fn ask_the_practice(app: &Http, token: &str, id: &str) -> (Value, String) {
    let orgs = json(
        app.get_as(&format!("/api/v1/reviews/{id}/organisations"), token)
            .await,
        200,
    )
    .await;
    let practice = orgs["items"][0]["id"].as_str().unwrap().to_owned();
    let made = json(
        app.post_as(
            &format!("/api/v1/reviews/{id}/records-requests"),
            token,
            &json!({"organisation_id": practice, "asked_for": "Three years of GP records",
                    "contact_email": "practice.manager@nhs.net"}),
        )
        .await,
        201,
    )
    .await;
    let link = made["upload_url"].as_str().unwrap().to_owned();
    (made["request"].clone(), link)
}

both_stores! {
    async fn a_reviewer_requests_gp_records_and_downloads_the_same_bytes_the_practice_sent(app, store) {
        let s = staff(&app).await;
        let id = allocated_case(&app, &s).await;
        // The practice the notification named is the first organisation involved.
        let orgs = json(app.get_as(&format!("/api/v1/reviews/{id}/organisations"), &s.reviewer.token).await, 200).await;
        assert_eq!(orgs["items"].as_array().unwrap().len(), 1, "{orgs}");
        assert_eq!(orgs["items"][0]["kind"], "gp_practice");
        assert_eq!(orgs["items"][0]["ods_code"], "M85001");
        assert_eq!(orgs["items"][0]["from_notification"], true);

        let (request, link) = ask_the_practice(&app, &s.reviewer.token, &id).await;
        assert_eq!(request["status"], "requested");
        assert_eq!(request["overdue"], false);
        assert_eq!(request["due_on"], ymd(today() + time::Duration::days(14)).as_str());
        assert!(link.starts_with("/api/v1/uploads/") && link.len() == "/api/v1/uploads/".len() + 43, "{link}");
        let token = link.trim_start_matches("/api/v1/uploads/");
        // Only the token's hash is stored.
        assert_eq!(sql_count(&app, &format!("SELECT COUNT(*) AS n FROM records_requests WHERE link_hash = '{}'", sha256(token.as_bytes()))).await, 1);
        assert_eq!(sql_count(&app, &format!("SELECT COUNT(*) AS n FROM records_requests WHERE link_hash LIKE '%{token}%'")).await, 0);
        let staff_view = json(app.get_as("/api/v1/organisations/QOP/staff", &s.lead.token).await, 200).await;
        assert_eq!(staff_view["open_records_requests"], 1, "{staff_view}");
        let rory = staff_view["items"].as_array().unwrap().iter().find(|m| m["id"] == s.reviewer.id.as_str()).unwrap();
        assert_eq!(rory["open_reviews"]["open_records_requests"], 1);

        // A program renamed .pdf through the link is refused by its bytes, and that use of the
        // link is audited against the case like any other; the link stays open.
        problem(post_form(&app, &link, None, &[Part::File("file", "records.pdf", &exe())]).await, 415).await;
        assert_eq!(sql_count(&app, &format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'upload_through_link' AND outcome = 'refused' AND client_address = '127.0.0.1' AND subject = 'review:{id}'")).await, 1);

        // The practice uploads a PDF through the link, without an account.
        let document = pdf(1);
        let res = post_form(&app, &link, None, &[Part::File("file", "GP record 2023-2026.pdf", &document)]).await;
        let receipt = json(res, 201).await;
        assert_eq!(receipt["received"][0]["sha256"], sha256(&document).as_str());
        assert_eq!(receipt["received"][0]["size_bytes"], document.len());
        assert!(receipt.get("review_id").is_none() && !receipt.to_string().contains(&id), "{receipt}");

        let requests = json(app.get_as(&format!("/api/v1/reviews/{id}/records-requests"), &s.reviewer.token).await, 200).await;
        assert_eq!(requests["items"][0]["status"], "received");
        assert_eq!(requests["items"][0]["documents"], 1);
        assert_eq!(requests["items"][0]["link_revoked"], true);
        let staff_view = json(app.get_as("/api/v1/organisations/QOP/staff", &s.lead.token).await, 200).await;
        assert_eq!(staff_view["open_records_requests"], 0);

        let docs = json(app.get_as(&format!("/api/v1/reviews/{id}/attachments"), &s.reviewer.token).await, 200).await;
        let doc = &docs["items"][0];
        assert_eq!(doc["records_request_id"], request["id"]);
        assert_eq!(doc["uploaded_by"], Value::Null);
        assert_eq!(doc["document_type"], "pdf");
        assert_eq!(doc["file_name"], "GP record 2023-2026.pdf");
        let res = app.get_as(&format!("/api/v1/attachments/{}/content", doc["id"].as_str().unwrap()), &s.reviewer.token).await;
        assert_eq!(res.status(), 200);
        let h = res.headers().clone();
        assert_eq!(h["content-type"], "application/pdf");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["content-disposition"], "attachment; filename=\"GP record 2023-2026.pdf\"; filename*=UTF-8''GP%20record%202023-2026.pdf");
        let bytes = res.bytes().await.unwrap();
        assert_eq!(sha256(&bytes), sha256(&document));
        assert_eq!(doc["sha256"], sha256(&document).as_str());
        // The one stored object is the document, under ids, not its name.
        let keys = store.keys(&app).await;
        assert_eq!(keys, vec![format!("reviews/{id}/{}", doc["id"].as_str().unwrap())]);

        // The link worked once.
        problem(post_form(&app, &link, None, &[Part::File("file", "again.pdf", &pdf(2))]).await, 410).await;
        assert_eq!(store.keys(&app).await.len(), 1, "nothing of the refused upload stays");

        // The case's feed, history and audit trail say what happened.
        let kinds: Vec<String> = events(&app).await.into_iter().filter(|e| e.subject_id == id).map(|e| e.event_type).collect();
        assert!(kinds.contains(&"review.records_requested".to_owned()), "{kinds:?}");
        // One upload is one receipt: the event once, not once by the change and again by the link.
        assert_eq!(kinds.iter().filter(|k| *k == "review.records_received").count(), 1, "{kinds:?}");
        let history = json(app.get_as(&format!("/api/v1/reviews/{id}/history"), &s.lead.token).await, 200).await;
        let actions: Vec<&str> = history["items"].as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
        assert!(actions.contains(&"records_requested") && actions.contains(&"records_received"), "{actions:?}");
        let audited = |sql: String| { let app = &app; async move { sql_count(app, &sql).await } };
        assert_eq!(audited(format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'upload_through_link' AND outcome = 'success' AND actor_kind = 'anonymous' AND client_address = '127.0.0.1' AND subject = 'review:{id}'")).await, 1);
        // Refused: the program renamed .pdf, and the second upload (410).
        assert_eq!(audited(format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'upload_through_link' AND outcome = 'refused' AND client_address = '127.0.0.1' AND subject = 'review:{id}'")).await, 2);
        assert_eq!(audited(format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'download_attachment' AND actor_id = '{}' AND subject = 'review:{id}'", s.reviewer.id)).await, 1);
        assert_eq!(audited(format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'request_records' AND actor_id = '{}'", s.reviewer.id)).await, 1);
    }

    async fn uploads_are_refused_by_their_bytes_their_size_and_their_scope_and_leave_nothing(app, store) {
        let s = staff(&app).await;
        let id = allocated_case(&app, &s).await;
        let docs = format!("/api/v1/reviews/{id}/attachments");
        // An executable renamed .pdf, sent as application/pdf: 415 by its bytes.
        let refused = problem(post_form(&app, &docs, Some(&s.reviewer.token), &[Part::File("file", "records.pdf", &exe())]).await, 415).await;
        assert_eq!(refused["type"], "/problems/unsupported-media-type");
        // 26 MB, over the 25 MB limit: 413.
        let mut big = b"%PDF-1.7\n".to_vec();
        big.resize(26 * 1024 * 1024, b'0');
        problem(post_form(&app, &docs, Some(&s.reviewer.token), &[Part::File("file", "big.pdf", &big)]).await, 413).await;
        // An empty file, no file part, a part the form does not take.
        let empty = problem(post_form(&app, &docs, Some(&s.reviewer.token), &[Part::File("file", "empty.pdf", b"")]).await, 422).await;
        assert_eq!(empty["errors"][0]["code"], "empty_file");
        let none = problem(post_form(&app, &docs, Some(&s.reviewer.token), &[Part::Text("description", "no file")]).await, 422).await;
        assert_eq!(none["errors"][0]["field"], "file");
        let odd = problem(post_form(&app, &docs, Some(&s.reviewer.token), &[Part::Text("path", "/etc")]).await, 400).await;
        assert_eq!(odd["errors"][0]["field"], "path");
        let json_body = app.post_as(&docs, &s.reviewer.token, &json!({"file": "x"})).await;
        problem(json_body, 415).await;
        // A form without its boundary, with no body or with one: a problem, never a dropped
        // connection.
        for body in ["", "--x\r\n"] {
            let res = app.client.post(app.url(&docs)).bearer_auth(&s.reviewer.token)
                .header("content-type", "multipart/form-data").body(body).send().await.expect("an answer, not a dropped connection");
            problem(res, 400).await;
        }
        // Scope: another ICB's lead and a reviewer not allocated see nothing (404); the QA
        // panel reads but does not add (403).
        problem(post_form(&app, &docs, Some(&s.other_lead.token), &[Part::File("file", "a.pdf", &pdf(1))]).await, 404).await;
        problem(post_form(&app, &docs, Some(&s.reviewer2.token), &[Part::File("file", "a.pdf", &pdf(1))]).await, 404).await;
        problem(post_form(&app, &docs, Some(&s.qa.token), &[Part::File("file", "a.pdf", &pdf(1))]).await, 403).await;
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM attachments").await, 0);
        assert!(store.keys(&app).await.is_empty(), "nothing refused stays stored");

        // A name like a path is kept as text only.
        let text = "Discharge summary\nSeen by the ward team.\n".as_bytes();
        let kept = json(post_form(&app, &docs, Some(&s.reviewer.token), &[
            Part::File("file", "../../etc/passwd", text), Part::Text("description", "Discharge summary")]).await, 201).await;
        assert_eq!(kept["file_name"], "../../etc/passwd");
        assert_eq!(kept["document_type"], "text");
        assert_eq!(kept["description"], "Discharge summary");
        assert_eq!(kept["uploaded_by"]["id"], s.reviewer.id.as_str());
        let doc_id = kept["id"].as_str().unwrap().to_owned();
        assert_eq!(store.keys(&app).await, vec![format!("reviews/{id}/{doc_id}")]);
        let content = format!("/api/v1/attachments/{doc_id}/content");
        let res = app.get_as(&content, &s.qa.token).await;
        assert_eq!(res.headers()["content-disposition"], "attachment; filename=\"passwd\"; filename*=UTF-8''passwd");
        assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
        assert_eq!(res.bytes().await.unwrap().as_ref(), text);
        problem(app.get_as(&content, &s.other_lead.token).await, 404).await;
        problem(app.get_as(&content, &s.reviewer2.token).await, 404).await;
        problem(app.get_as(&docs, &s.reviewer2.token).await, 404).await;
        problem(app.get_as("/api/v1/attachments/no-such-document/content", &s.lead.token).await, 404).await;
        assert_eq!(sql_count(&app, &format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'refused' AND actor_id = '{}' AND subject = 'attachment:{doc_id}'", s.reviewer2.id)).await, 1);

        // Only the lead withdraws; the document stays listed and stored.
        let withdraw = format!("/api/v1/attachments/{doc_id}/withdraw");
        problem(app.post_as(&withdraw, &s.reviewer.token, &json!({"reason": "Wrong person"})).await, 403).await;
        let gone = json(app.post_as(&withdraw, &s.lead.token, &json!({"reason": "Uploaded to the wrong case"})).await, 200).await;
        assert_eq!(gone["withdrawn_reason"], "Uploaded to the wrong case");
        assert!(gone["withdrawn_at"].is_string());
        problem(app.post_as(&withdraw, &s.lead.token, &json!({"reason": "again"})).await, 409).await;
        let listed = json(app.get_as(&docs, &s.lead.token).await, 200).await;
        assert_eq!(listed["items"][0]["withdrawn_reason"], "Uploaded to the wrong case");
        assert_eq!(store.keys(&app).await.len(), 1, "a withdrawn document stays until retention");
    }

    async fn an_upload_link_answers_404_or_410_once_wrong_revoked_expired_or_used(app, store) {
        let s = staff(&app).await;
        let id = allocated_case(&app, &s).await;
        let file = pdf(7);
        let send = |link: String| { let app = &app; let file = file.clone(); async move {
            post_form(app, &link, None, &[Part::File("file", "records.pdf", &file)]).await } };
        // Names nothing, or is not a token at all: 404.
        problem(send(format!("/api/v1/uploads/{}", "A".repeat(43))).await, 404).await;
        problem(send("/api/v1/uploads/short".into()).await, 404).await;
        // Revoked by cancelling its request: 410.
        let (cancelled, link) = ask_the_practice(&app, &s.lead.token, &id).await;
        let path = format!("/api/v1/reviews/{id}/records-requests/{}", cancelled["id"].as_str().unwrap());
        let res = crate::helpers::patch_json(&app, &path, &s.reviewer.token, None, &json!({"status": "cancelled"})).await;
        assert_eq!(json(res, 200).await["status"], "cancelled");
        problem(send(link).await, 410).await;
        let res = crate::helpers::patch_json(&app, &path, &s.reviewer.token, None, &json!({"status": "declined"})).await;
        problem(res, 409).await;
        // Expired: the request reads `expired` and its link is gone.
        let (expiring, link) = ask_the_practice(&app, &s.reviewer.token, &id).await;
        crate::helpers::sql_execute(&app, &format!(
            "UPDATE records_requests SET link_expires_at = '2026-01-01 00:00:00' WHERE id = '{}'",
            expiring["id"].as_str().unwrap())).await;
        problem(send(link).await, 410).await;
        let list = json(app.get_as(&format!("/api/v1/reviews/{id}/records-requests"), &s.qa.token).await, 200).await;
        let statuses: Vec<&str> = list["items"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
        assert_eq!(statuses, ["cancelled", "expired"]);
        let path = format!("/api/v1/reviews/{id}/records-requests/{}", expiring["id"].as_str().unwrap());
        let res = crate::helpers::patch_json(&app, &path, &s.reviewer.token, None, &json!({"status": "expired"})).await;
        assert_eq!(problem(res, 422).await["errors"][0]["code"], "not_settable");
        // Used: a second upload after receipt.
        let (_, link) = ask_the_practice(&app, &s.reviewer.token, &id).await;
        json(send(link.clone()).await, 201).await;
        problem(send(link.clone()).await, 410).await;
        // A refused type through a live link stores nothing and keeps the link.
        let (_, live) = ask_the_practice(&app, &s.reviewer.token, &id).await;
        problem(post_form(&app, &live, None, &[Part::File("file", "setup.pdf", &exe())]).await, 415).await;
        assert_eq!(store.keys(&app).await.len(), 1);
        json(send(live).await, 201).await;
        // Every use audited with the client's address: 2 refused on unknown tokens, 3 on links
        // of the case (revoked, expired, used) and 1 for the refused type through a live link.
        let refusals = sql_count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'upload_through_link' AND outcome = 'refused' AND client_address = '127.0.0.1'").await;
        assert_eq!(refusals, 6);
    }
}
