//! The authorisation matrix's requests for the evidence operations (issue 16): each call that
//! changes something gets a fresh subject of its own (an organisation, a request, a document),
//! made by the lead of the subject's ICB.

use reqwest::Method;
use serde_json::{Value, json};

use crate::evidence_support::{Part, pdf, post_form};
use crate::helpers::{TestApp, json};

/// The evidence operations.
pub const OPERATIONS: [&str; 11] = [
    "record_involved_organisation",
    "list_involved_organisations",
    "correct_involved_organisation",
    "request_records",
    "list_records_requests",
    "change_records_request",
    "upload_records",
    "add_attachment",
    "list_attachments",
    "download_attachment",
    "withdraw_attachment",
];

/// The operations whose body is a form.
pub const MULTIPART: [&str; 2] = ["add_attachment", "upload_records"];

async fn organisation(app: &TestApp, review: &str, lead: &str) -> String {
    let body = json!({"kind": "acute_trust", "ods_code": "RW3"});
    let made = app
        .post_as(
            &format!("/api/v1/reviews/{review}/organisations"),
            lead,
            &body,
        )
        .await;
    json(made, 201).await["id"].as_str().unwrap().to_owned()
}

async fn records_request(app: &TestApp, review: &str, lead: &str) -> Value {
    let org = organisation(app, review, lead).await;
    let body =
        json!({"organisation_id": org, "asked_for": "Records", "contact_email": "a@nhs.net"});
    let made = app
        .post_as(
            &format!("/api/v1/reviews/{review}/records-requests"),
            lead,
            &body,
        )
        .await;
    json(made, 201).await
}

async fn document(app: &TestApp, review: &str, lead: &str) -> String {
    let path = format!("/api/v1/reviews/{review}/attachments");
    let made = post_form(
        app,
        &path,
        Some(lead),
        &[Part::File("file", "a.pdf", &pdf(1))],
    )
    .await;
    json(made, 201).await["id"].as_str().unwrap().to_owned()
}

/// A valid request of `op` on `review`, whose ICB's lead is `reader`; upload links are made
/// on `mine` (a case of the callers' own ICB) by its lead, `mine_lead`.
pub async fn request(
    app: &TestApp,
    op: &str,
    (review, reader): (&str, &str),
    (mine, mine_lead): (&str, &str),
) -> (Method, String, Option<Value>, Vec<(String, String)>) {
    let path = |tail: &str| format!("/api/v1/reviews/{review}{tail}");
    match op {
        "record_involved_organisation" => (
            Method::POST,
            path("/organisations"),
            Some(json!({"kind": "police", "name": "Greater Manchester Police"})),
            vec![],
        ),
        "list_involved_organisations" => (Method::GET, path("/organisations"), None, vec![]),
        "correct_involved_organisation" => {
            let id = organisation(app, review, reader).await;
            (
                Method::PATCH,
                path(&format!("/organisations/{id}")),
                Some(json!({"name": "Manchester University NHS FT"})),
                vec![],
            )
        }
        "request_records" => {
            let org = organisation(app, review, reader).await;
            (
                Method::POST,
                path("/records-requests"),
                Some(
                    json!({"organisation_id": org, "asked_for": "Records", "contact_email": "a@nhs.net"}),
                ),
                vec![],
            )
        }
        "list_records_requests" => (Method::GET, path("/records-requests"), None, vec![]),
        "change_records_request" => {
            let made = records_request(app, review, reader).await;
            let id = made["request"]["id"].as_str().unwrap();
            (
                Method::PATCH,
                path(&format!("/records-requests/{id}")),
                Some(json!({"status": "declined"})),
                vec![],
            )
        }
        "upload_records" => {
            let made = records_request(app, mine, mine_lead).await;
            let link = made["upload_url"].as_str().unwrap().to_owned();
            (Method::POST, link, None, vec![])
        }
        "add_attachment" => (Method::POST, path("/attachments"), None, vec![]),
        "list_attachments" => (Method::GET, path("/attachments"), None, vec![]),
        "download_attachment" => {
            let id = document(app, review, reader).await;
            (
                Method::GET,
                format!("/api/v1/attachments/{id}/content"),
                None,
                vec![],
            )
        }
        "withdraw_attachment" => {
            let id = document(app, review, reader).await;
            (
                Method::POST,
                format!("/api/v1/attachments/{id}/withdraw"),
                Some(json!({"reason": "Wrong case"})),
                vec![],
            )
        }
        other => panic!("not an evidence operation: {other}"),
    }
}
