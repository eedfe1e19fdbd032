//! Fixtures for the case journey: the people of an ICB, notification bodies, and cases brought
//! to any stage through the public API (never by writing rows), so every test starts from a
//! state the server itself produced.

use std::sync::atomic::{AtomicU64, Ordering};

use diesel::RunQueryDsl;
use serde_json::{Value, json};

use crate::helpers::{Http, TestApp, etag_of, json, patch_json};

/// The notification endpoint.
pub const NOTIFICATIONS: &str = "/api/v1/notifications";

static SURNAMES: AtomicU64 = AtomicU64::new(0);

/// A person's account: their id and a token.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub token: String,
}

/// The people of NHS Greater Manchester ICB (QOP) who work on cases, and a lead elsewhere.
pub struct Staff {
    pub lead: User,
    pub qa: User,
    /// The reviewer the fixtures allocate cases to.
    pub reviewer: User,
    /// A second reviewer of QOP (for reallocations, and as someone a case is not allocated to).
    pub reviewer2: User,
    /// The QOP case system's token.
    pub integration: String,
    /// The lead of NHS Lancashire and South Cumbria ICB (QE1).
    pub other_lead: User,
}

/// Creates a user with these roles in `org`.
pub async fn person(app: &Http, username: &str, roles: &[&str], org: &str) -> User {
    let (id, token) = app.user(username, roles, Some(org)).await;
    User { id, token }
}

/// Creates the staff of QOP and a lead of QE1.
pub async fn staff(app: &Http) -> Staff {
    let (_, _, integration) = app.machine_client("QOP").await;
    Staff {
        lead: person(app, "lena.lead", &["ics_lead"], "QOP").await,
        qa: person(app, "quinn.qa", &["qa_panel"], "QOP").await,
        reviewer: person(app, "rory.reviewer", &["reviewer"], "QOP").await,
        reviewer2: person(app, "ruth.reviewer", &["reviewer"], "QOP").await,
        integration,
        other_lead: person(app, "olga.lead", &["ics_lead"], "QE1").await,
    }
}

/// A valid notification of an adult with a learning disability who lived in Greater Manchester
/// (white British, so no focused review and no data-quality flag), with a family name no other
/// notification in this process shares (so no two fixtures are taken for duplicates).
pub fn notification() -> Value {
    let n = SURNAMES.fetch_add(1, Ordering::Relaxed);
    json!({
        "notifier": {
            "name": "Sam Okafor",
            "relationship": "carer",
            "email": "sam.okafor@example.org",
            "phone": "0161 496 0000",
            "organisation": "Northern Home Care"
        },
        "person": {
            "given_name": "Ada",
            "family_name": format!("Testperson-{n}"),
            "date_of_birth": "1961-03-02",
            "date_of_death": "2026-10-01",
            "sex": "female",
            "ethnic_category": "A",
            "learning_disability": true,
            "autistic": false,
            "lived_in_england": true,
            "national_data_opt_out": false,
            "area_code": "QOP",
            "place_of_death": "hospital"
        },
        "circumstances": "Died in hospital after a short chest infection.",
        "family_requests_focused_review": false
    })
}

/// A notification with these person fields changed.
pub fn notification_with(person: Value) -> Value {
    let mut body = notification();
    for (k, v) in person.as_object().expect("object") {
        body["person"][k] = v.clone();
    }
    body
}

/// A child aged 10 at death, with a learning disability (referred to the Child Death Review).
pub fn child_of_10() -> Value {
    notification_with(json!({"date_of_birth": "2016-01-15", "date_of_death": "2026-09-01"}))
}

/// A child aged 3 at death, with a learning disability (not eligible).
pub fn child_of_3() -> Value {
    notification_with(json!({"date_of_birth": "2023-01-15", "date_of_death": "2026-09-01"}))
}

/// An adult who registered a national data opt-out.
pub fn opted_out() -> Value {
    notification_with(json!({"national_data_opt_out": true}))
}

/// POSTs a notification, asserting 201; returns the reference.
pub async fn notify(app: &Http, body: &Value) -> String {
    let created = json(app.post_json(NOTIFICATIONS, body).await, 201).await;
    created["reference"].as_str().expect("reference").to_owned()
}

/// The review a reference leads to, as `token` sees it in the list.
pub async fn find(app: &Http, token: &str, reference: &str) -> Value {
    let page = json(
        app.get_as(&format!("/api/v1/reviews?reference={reference}"), token)
            .await,
        200,
    )
    .await;
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "one review for {reference}: {page}");
    items[0].clone()
}

/// Notifies a death and returns its review as the lead of its ICB sees it.
pub async fn new_case(app: &Http, lead: &str, body: &Value) -> Value {
    let reference = notify(app, body).await;
    find(app, lead, &reference).await
}

/// The id of a review.
pub fn id_of(review: &Value) -> String {
    review["id"].as_str().expect("id").to_owned()
}

/// GETs a review, asserting 200; returns it and its ETag.
pub async fn review(app: &Http, token: &str, id: &str) -> (Value, String) {
    let res = app.get_as(&format!("/api/v1/reviews/{id}"), token).await;
    let tag = etag_of(&res);
    (json(res, 200).await, tag)
}

/// POSTs a transition.
pub async fn act(app: &Http, token: &str, id: &str, body: Value) -> reqwest::Response {
    app.post_as(&format!("/api/v1/reviews/{id}/transitions"), token, &body)
        .await
}

/// POSTs a transition, asserting 200; returns the review.
pub async fn act_ok(app: &Http, token: &str, id: &str, body: Value) -> Value {
    json(act(app, token, id, body).await, 200).await
}

/// PATCHes the findings as `token`, with the current ETag (read by `reader`, who can see the case).
pub async fn patch_findings(
    app: &Http,
    reader: &str,
    token: &str,
    id: &str,
    patch: &Value,
) -> reqwest::Response {
    let (_, tag) = review(app, reader, id).await;
    patch_json(
        app,
        &format!("/api/v1/reviews/{id}/findings"),
        token,
        Some(&tag),
        patch,
    )
    .await
}

/// PATCHes the person as `token`, with the current ETag (read by `reader`).
pub async fn patch_person(
    app: &Http,
    reader: &str,
    token: &str,
    id: &str,
    patch: &Value,
) -> reqwest::Response {
    let (_, tag) = review(app, reader, id).await;
    patch_json(
        app,
        &format!("/api/v1/reviews/{id}/person"),
        token,
        Some(&tag),
        patch,
    )
    .await
}

/// Findings complete for an initial review.
pub fn complete_findings() -> Value {
    json!({
        "pen_portrait": "Ada loved music, her garden and Saturday trips to the market.",
        "cause_of_death": {"part_1a": "Pneumonia", "part_2": "Epilepsy", "underlying_icd10": "J18.9"},
        "place_of_death": "hospital",
        "care_grade": 3,
        "dnacpr": {"in_place": false},
        "mental_capacity_act": {"relevant": false},
        "annual_health_check_last_12_months": true
    })
}

/// Records the family's involvement as submission needs it (DOMAIN.md, "Families"): a family
/// contact, told about the review today. Returns the contact.
pub async fn family_informed(app: &Http, token: &str, id: &str) -> Value {
    let contacts = format!("/api/v1/reviews/{id}/family-contacts");
    let body = json!({"name": "Mary Evans", "relationship": "sister", "phone": "07700 900123",
                      "preferred_contact": "phone"});
    let contact = json(app.post_as(&contacts, token, &body).await, 201).await;
    let cid = contact["id"].as_str().expect("contact id");
    let told = json!({"kind": "informed", "on": crate::helpers::ymd(crate::helpers::today())});
    json(
        app.post_as(&format!("{contacts}/{cid}/events"), token, &told)
            .await,
        201,
    )
    .await;
    contact
}

/// What a focused review needs on top of [`complete_findings`].
pub fn focused_extras() -> Value {
    json!({
        "key_episodes": [{"date": "2026-09-20", "setting": "hospital", "description": "Admitted with a chest infection"}],
        "contributors": ["GP", "Community learning disability nurse"]
    })
}

/// A learning point of kind `learning`.
pub fn learning_point() -> Value {
    json!({
        "text": "Swallowing assessments were not repeated after the first admission.",
        "themes": ["aspiration_pneumonia", "reasonable_adjustments"],
        "kind": "learning"
    })
}

/// Adds a learning point, asserting 201.
pub async fn add_learning(app: &Http, token: &str, id: &str, body: &Value) -> Value {
    json(
        app.post_as(&format!("/api/v1/reviews/{id}/learning"), token, body)
            .await,
        201,
    )
    .await
}

/// A Child Death Review outcome received today.
pub fn cdr_outcome() -> Value {
    json!({
        "received_on": crate::helpers::ymd(crate::helpers::today()),
        "underlying_icd10": "G40.9",
        "summary": "The panel found the death was expected; epilepsy care plans were in place.",
        "modifiable_factors": false,
        "learning": ["Share seizure plans with school nurses"]
    })
}

/// Every stage of DOMAIN.md's diagram.
pub const STAGES: [&str; 10] = [
    "awaiting_allocation",
    "allocated",
    "in_review",
    "awaiting_qa",
    "awaiting_sign_off",
    "completed",
    "on_hold",
    "not_eligible",
    "opted_out",
    "referred_to_child_death_review",
];

/// A new QOP case brought to `stage` through the API. Adult cases are allocated to
/// `staff.reviewer`; in review they have complete findings and one learning point; `on_hold` is
/// held by the lead from `allocated`.
pub async fn at_stage(app: &Http, s: &Staff, stage: &str) -> String {
    let lead = &s.lead.token;
    let body = match stage {
        "not_eligible" => child_of_3(),
        "opted_out" => opted_out(),
        "referred_to_child_death_review" => child_of_10(),
        _ => notification(),
    };
    let case = new_case(app, lead, &body).await;
    let id = id_of(&case);
    if matches!(
        stage,
        "awaiting_allocation" | "not_eligible" | "opted_out" | "referred_to_child_death_review"
    ) {
        assert_eq!(case["status"], stage, "{case}");
        return id;
    }
    act_ok(
        app,
        lead,
        &id,
        json!({"action": "allocate", "reviewer_id": s.reviewer.id}),
    )
    .await;
    if stage == "on_hold" {
        act_ok(
            app,
            lead,
            &id,
            json!({"action": "hold", "reason": "family_request"}),
        )
        .await;
    }
    if matches!(stage, "allocated" | "on_hold") {
        return id;
    }
    let reviewer = &s.reviewer.token;
    act_ok(app, reviewer, &id, json!({"action": "start"})).await;
    json(
        patch_findings(app, lead, reviewer, &id, &complete_findings()).await,
        200,
    )
    .await;
    family_informed(app, reviewer, &id).await;
    add_learning(app, reviewer, &id, &learning_point()).await;
    if stage == "in_review" {
        return id;
    }
    act_ok(app, reviewer, &id, json!({"action": "submit"})).await;
    if stage == "awaiting_qa" {
        return id;
    }
    act_ok(app, &s.qa.token, &id, json!({"action": "approve"})).await;
    if stage == "awaiting_sign_off" {
        return id;
    }
    let done = act_ok(app, lead, &id, json!({"action": "sign_off"})).await;
    assert_eq!(done["status"], "completed", "{stage}: {done}");
    id
}

/// One row of the event outbox.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct EventRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub organisation: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub seq: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub event_type: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub subject_id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub reference: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub data: String,
}

/// Every event stored, by organisation then sequence.
pub async fn events(app: &TestApp) -> Vec<EventRow> {
    let pool = app.pool().clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("connection");
        diesel::sql_query(
            "SELECT organisation, seq, event_type, subject_id, reference, data FROM events \
             ORDER BY organisation, seq",
        )
        .load(&mut *conn)
        .expect("events")
    })
    .await
    .expect("join")
}
