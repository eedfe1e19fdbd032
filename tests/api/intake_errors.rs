//! The public intake refuses bad notifications field by field, and a refused notification leaves
//! nothing behind: no notification, no review, no event, no idempotency record.

use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{NOTIFICATIONS, notification};
use crate::helpers::{TestApp, json, problem, sql_count, today, ymd};

/// What is sent: a JSON body, or raw text declared as JSON.
enum Sent {
    Json(Value),
    Raw(&'static str),
}

/// A valid notification with the value at `pointer` (e.g. `/person/sex`) set, adding the key
/// when it is not there.
fn set(pointer: &str, value: Value) -> Sent {
    let mut body = notification();
    let (parent, key) = pointer.rsplit_once('/').expect("pointer");
    body.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .expect("parent object")
        .insert(key.to_owned(), value);
    Sent::Json(body)
}

/// A valid notification without the value at `pointer`.
fn without(pointer: &str) -> Sent {
    let mut body = notification();
    let (parent, key) = pointer.rsplit_once('/').expect("pointer");
    body.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .expect("parent object")
        .remove(key)
        .expect("present");
    Sent::Json(body)
}

fn text(len: usize) -> Value {
    Value::String("x".repeat(len))
}

/// Each bad input, the status, the field named and (where the contract fixes it) the code.
fn bad_inputs() -> Vec<(Sent, u16, &'static str, Option<&'static str>)> {
    let tomorrow = ymd(today().next_day().expect("tomorrow"));
    let long_email = format!("{}@example.org", "a".repeat(243));
    vec![
        // Malformed JSON and values of the wrong JSON type: 400.
        (
            Sent::Raw(r#"{"notifier": {"name": "Sam""#),
            400,
            "body",
            Some("malformed_json"),
        ),
        (
            set("/person/learning_disability", json!("yes")),
            400,
            "person.learning_disability",
            Some("invalid_type"),
        ),
        (
            set("/person/autistic", json!(1)),
            400,
            "person.autistic",
            Some("invalid_type"),
        ),
        (
            set("/person/nhs_number", json!(9_434_765_919_u64)),
            400,
            "person.nhs_number",
            Some("invalid_type"),
        ),
        (
            set("/family_requests_focused_review", json!("true")),
            400,
            "family_requests_focused_review",
            Some("invalid_type"),
        ),
        (
            set("/person", json!(["Ada"])),
            400,
            "person",
            Some("invalid_type"),
        ),
        (
            set("/notifier/name", json!(42)),
            400,
            "notifier.name",
            Some("invalid_type"),
        ),
        // Missing required fields: 400, naming the missing field's path.
        (
            without("/person/date_of_birth"),
            400,
            "person.date_of_birth",
            Some("required"),
        ),
        (
            without("/person/area_code"),
            400,
            "person.area_code",
            Some("required"),
        ),
        (
            without("/person/learning_disability"),
            400,
            "person.learning_disability",
            Some("required"),
        ),
        (
            // Absent is `not_known` (the case is checked before allocation); an answer that
            // is neither a wire name nor a boolean is refused.
            set("/person/national_data_opt_out", json!("maybe")),
            400,
            "person.national_data_opt_out",
            None,
        ),
        (without("/notifier"), 400, "notifier", Some("required")),
        (
            without("/notifier/relationship"),
            400,
            "notifier.relationship",
            Some("required"),
        ),
        // Unknown enum values and unknown fields: 400.
        (
            set("/person/sex", json!("unknown")),
            400,
            "person.sex",
            Some("unknown_value"),
        ),
        (
            set("/notifier/relationship", json!("neighbour")),
            400,
            "notifier.relationship",
            Some("unknown_value"),
        ),
        (
            set("/person/place_of_death", json!("garden")),
            400,
            "person.place_of_death",
            Some("unknown_value"),
        ),
        (
            set("/colour", json!("red")),
            400,
            "colour",
            Some("unknown_field"),
        ),
        (
            set("/person/middle_name", json!("Jane")),
            400,
            "person.middle_name",
            Some("unknown_field"),
        ),
        (
            set("/notifier/address", json!("1 High St")),
            400,
            "notifier.address",
            Some("unknown_field"),
        ),
        // Dates that are not dates: 400.
        (
            set("/person/date_of_birth", json!("02/03/1961")),
            400,
            "person.date_of_birth",
            None,
        ),
        (
            set("/person/date_of_death", json!("2026-02-30")),
            400,
            "person.date_of_death",
            None,
        ),
        // Well-formed, but breaking a rule: 422.
        (
            set("/person/nhs_number", json!("9434765918")),
            422,
            "person.nhs_number",
            Some("invalid_check_digit"),
        ),
        (
            set("/person/nhs_number", json!("9990000000")),
            422,
            "person.nhs_number",
            Some("invalid_check_digit"),
        ),
        (
            set("/person/nhs_number", json!("943476591")),
            422,
            "person.nhs_number",
            Some("invalid_length"),
        ),
        (
            set("/person/nhs_number", json!("94347659I9")),
            422,
            "person.nhs_number",
            Some("invalid_character"),
        ),
        (
            set("/person/ethnic_category", json!("T")),
            422,
            "person.ethnic_category",
            Some("unknown_code"),
        ),
        (
            set("/person/ethnic_category", json!("98")),
            422,
            "person.ethnic_category",
            Some("unknown_code"),
        ),
        (
            set("/person/area_code", json!("XYZ")),
            422,
            "person.area_code",
            Some("unknown_area_code"),
        ),
        (
            set("/person/area_code", json!("QM7")),
            422,
            "person.area_code",
            Some("area_split_name_sub_icb_location"),
        ),
        (
            set("/person/area_code", json!("Y61")),
            422,
            "person.area_code",
            Some("not_a_responsible_body"),
        ),
        (
            set("/person/date_of_death", json!("1960-01-01")),
            422,
            "person.date_of_death",
            Some("death_before_birth"),
        ),
        (
            set("/person/date_of_death", json!(tomorrow)),
            422,
            "person.date_of_death",
            Some("death_in_future"),
        ),
        // Implausible people: well-formed, passing every format check, still refused.
        (
            set("/person/date_of_death", json!("2014-12-31")),
            422,
            "person.date_of_death",
            Some("implausible_date"),
        ),
        (
            set("/person/date_of_birth", json!("0000-01-01")),
            422,
            "person.date_of_birth",
            Some("implausible_age"),
        ),
        (
            set("/person/date_of_birth", json!("1800-01-01")),
            422,
            "person.date_of_birth",
            Some("implausible_age"),
        ),
        (
            set("/person/nhs_number", json!("0000000000")),
            422,
            "person.nhs_number",
            Some("implausible_nhs_number"),
        ),
        (
            set("/person/nhs_number", json!("777 777 7777")),
            422,
            "person.nhs_number",
            Some("implausible_nhs_number"),
        ),
        (
            set("/person/given_name", json!("   ")),
            422,
            "person.given_name",
            Some("implausible_name"),
        ),
        (
            set("/person/family_name", json!("\u{200B}")),
            422,
            "person.family_name",
            Some("hidden_character"),
        ),
        (
            set("/person/given_name", json!("Ada\u{FEFF}")),
            422,
            "person.given_name",
            Some("hidden_character"),
        ),
        (
            set("/person/family_name", json!("\u{202E}ecalevoL")),
            422,
            "person.family_name",
            Some("hidden_character"),
        ),
        (
            set("/person/given_name", json!("\u{2066}Ada\u{2069}")),
            422,
            "person.given_name",
            Some("hidden_character"),
        ),
        (
            set("/person/given_name", json!("")),
            422,
            "person.given_name",
            Some("length"),
        ),
        (
            set("/person/given_name", text(101)),
            422,
            "person.given_name",
            Some("length"),
        ),
        (
            set("/person/family_name", json!("")),
            422,
            "person.family_name",
            Some("length"),
        ),
        (
            set("/person/family_name", text(101)),
            422,
            "person.family_name",
            Some("length"),
        ),
        (
            set("/notifier/email", json!("not-an-email")),
            422,
            "notifier.email",
            Some("email"),
        ),
        (
            set("/notifier/email", json!(long_email)),
            422,
            "notifier.email",
            None,
        ),
        (
            set("/notifier/phone", text(31)),
            422,
            "notifier.phone",
            Some("length"),
        ),
        (
            set("/notifier/organisation", text(201)),
            422,
            "notifier.organisation",
            Some("length"),
        ),
        (
            set("/circumstances", text(10_001)),
            422,
            "circumstances",
            Some("length"),
        ),
    ]
}

async fn stored_rows(app: &TestApp) -> [i64; 4] {
    [
        sql_count(app, "SELECT COUNT(*) AS n FROM notifications").await,
        sql_count(app, "SELECT COUNT(*) AS n FROM reviews").await,
        sql_count(app, "SELECT COUNT(*) AS n FROM events").await,
        sql_count(app, "SELECT COUNT(*) AS n FROM idempotency_keys").await,
    ]
}

both_backends! {
    async fn each_bad_notification_is_refused_naming_its_field_and_leaves_no_row(app) {
        let table = bad_inputs();
        assert_eq!(table.len(), 51, "the table lost or gained a row");
        let mut wrong = Vec::new();
        for (n, (sent, status, field, code)) in table.into_iter().enumerate() {
            let req = app
                .client
                .post(app.url(NOTIFICATIONS))
                .header("idempotency-key", format!("bad-input-{n}"));
            let (res, shown) = match sent {
                Sent::Json(body) => {
                    let shown = body.to_string();
                    (req.json(&body).send().await.unwrap(), shown)
                }
                Sent::Raw(raw) => (
                    req.header("content-type", "application/json").body(raw).send().await.unwrap(),
                    raw.to_owned(),
                ),
            };
            if res.status().as_u16() != status {
                let got = res.status();
                wrong.push(format!("row {n} ({field}): expected {status}, got {got}: {}; sent {shown:.200}", res.text().await.unwrap()));
                continue;
            }
            let body = problem(res, status).await;
            let errors = body["errors"].as_array().unwrap_or_else(|| panic!("row {n}: no errors in {body}"));
            if !errors.iter().any(|e| e["field"] == field && code.is_none_or(|c| e["code"] == c)) {
                wrong.push(format!("row {n}: expected {field} ({code:?}), got {}", body["errors"]));
            }
            assert!(errors.iter().all(|e| e["message"].is_string()), "{body}");
        }
        assert_eq!(stored_rows(&app).await, [0, 0, 0, 0], "a refused notification left a row");
        // The body every row started from is itself valid.
        json(app.post_json(NOTIFICATIONS, &notification()).await, 201).await;
        assert_eq!(stored_rows(&app).await[..2], [1, 1]);
        assert!(wrong.is_empty(), "{} of the bad inputs were answered wrongly:\n{}", wrong.len(), wrong.join("\n"));
    }

    async fn a_notification_that_is_not_json_is_a_415_and_leaves_no_row(app) {
        let res = app
            .client
            .post(app.url(NOTIFICATIONS))
            .header("content-type", "text/plain")
            .body(notification().to_string())
            .send()
            .await
            .unwrap();
        problem(res, 415).await;
        let res = app.client.post(app.url(NOTIFICATIONS)).body(notification().to_string()).send().await.unwrap();
        problem(res, 415).await;
        assert_eq!(stored_rows(&app).await, [0, 0, 0, 0]);
    }
}
