//! The anonymised national extract (DOMAIN.md, "Publishing anonymised data"): nothing that
//! identifies a person leaves, pseudonyms are stable per key, and small classes are
//! generalised or withheld exactly as the rule says.

use hmac::{Hmac, Mac};
use leder_api::demo::{self, CaseSpec};
use serde_json::{Value, json};
use sha2::Sha256;
use time::macros::date;

use crate::both_backends;
use crate::cases::{
    act_ok, add_learning, complete_findings, focused_extras, id_of, new_case, notification,
    patch_findings, staff,
};
use crate::helpers::{PSEUDONYM_KEY, TestApp, json, today};

pub const RECORDS: &str = "/api/v1/national/records";

/// A national analyst's token.
pub async fn analyst(app: &TestApp) -> String {
    app.user("nina.analyst", &["national_analyst"], None)
        .await
        .1
}

/// Inserts a constructed population through the same code as `leder seed-demo`.
pub async fn insert(app: &TestApp, specs: Vec<CaseSpec>) -> Vec<String> {
    let pool = app.pool().clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("connection");
        demo::insert(&mut conn, &specs, today()).expect("demo cases")
    })
    .await
    .expect("join")
}

/// Inserts a constructed population as [`insert`] does, then marks it real (`synthetic =
/// false`): synthetic reviews are not counted while a real one exists, so a test that mixes
/// cases made through the API with constructed ones needs the constructed ones real too.
pub async fn insert_real(app: &TestApp, specs: Vec<CaseSpec>) -> Vec<String> {
    let ids = insert(app, specs).await;
    for chunk in ids.chunks(500) {
        let list: Vec<String> = chunk.iter().map(|id| format!("'{id}'")).collect();
        let sql = format!(
            "UPDATE reviews SET synthetic = FALSE WHERE id IN ({})",
            list.join(",")
        );
        assert_eq!(crate::helpers::sql_execute(app, &sql).await, chunk.len());
    }
    ids
}

/// GETs the extract; returns the response's headers and body.
pub async fn export(
    app: &TestApp,
    token: &str,
    query: &str,
    accept: &str,
) -> (reqwest::header::HeaderMap, String) {
    let res = app
        .client
        .get(app.url(&format!("{RECORDS}{query}")))
        .bearer_auth(token)
        .header("accept", accept)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    (headers, res.text().await.expect("body"))
}

/// The rows and the summary of an NDJSON extract.
pub fn ndjson(body: &str) -> (Vec<Value>, Value) {
    let mut lines: Vec<Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let summary = lines.pop().expect("a summary line");
    (lines, summary["summary"].clone())
}

fn hmac_hex(key: &str, message: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()).expect("key");
    mac.update(message.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn header(headers: &reqwest::header::HeaderMap, name: &str) -> i64 {
    headers[name]
        .to_str()
        .expect("text")
        .parse()
        .expect("number")
}

/// Every distinctive string a case was given; none may leave in an extract.
const MARKERS: [&str; 17] = [
    "Zebedee",
    "Quarrington-Vexley",
    "9434765919",
    "943 476 5919",
    "1957-07-19",
    "2026-08-23",
    "Xanthe Notifier",
    "xanthe.notifier@example.org",
    "0161 496 0777",
    "Ultraviolet Care Homes",
    "CIRCUMSTANCE-MARKER-7731",
    "PENPORTRAIT-MARKER-4412",
    "PART1A-MARKER",
    "CONCERN-MARKER",
    "GOODPRACTICE-MARKER",
    "LEARNING-MARKER-9921",
    "EPISODE-MARKER",
];

/// A focused case with distinctive identifiers and free text, brought to completion over HTTP.
async fn distinctive_case(app: &TestApp) -> Vec<String> {
    let s = staff(app).await;
    let mut body = notification();
    body["notifier"] = json!({
        "name": "Xanthe Notifier", "relationship": "carer",
        "email": "xanthe.notifier@example.org", "phone": "0161 496 0777",
        "organisation": "Ultraviolet Care Homes"
    });
    for (k, v) in [
        ("given_name", json!("Zebedee")),
        ("family_name", json!("Quarrington-Vexley")),
        ("nhs_number", json!("943 476 5919")),
        ("date_of_birth", json!("1957-07-19")),
        ("date_of_death", json!("2026-08-23")),
        ("ethnic_category", json!("H")),
    ] {
        body["person"][k] = v;
    }
    body["circumstances"] = json!("CIRCUMSTANCE-MARKER-7731 at home");
    let case = new_case(app, &s.lead.token, &body).await;
    let id = id_of(&case);
    let lead = &s.lead.token;
    let reviewer = &s.reviewer.token;
    act_ok(
        app,
        lead,
        &id,
        json!({"action": "allocate", "reviewer_id": s.reviewer.id}),
    )
    .await;
    act_ok(app, reviewer, &id, json!({"action": "start"})).await;
    let mut findings = complete_findings();
    for (k, v) in focused_extras().as_object().expect("object") {
        findings[k] = v.clone();
    }
    findings["pen_portrait"] = json!("PENPORTRAIT-MARKER-4412 loved trains");
    findings["cause_of_death"]["part_1a"] = json!("PART1A-MARKER");
    findings["concerns"] = json!("CONCERN-MARKER");
    findings["good_practice"] = json!("GOODPRACTICE-MARKER");
    findings["key_episodes"][0]["description"] = json!("EPISODE-MARKER");
    json(
        patch_findings(app, lead, reviewer, &id, &findings).await,
        200,
    )
    .await;
    crate::cases::family_informed(app, reviewer, &id).await;
    let point = json!({"text": "LEARNING-MARKER-9921", "themes": ["sepsis"], "kind": "learning"});
    add_learning(app, reviewer, &id, &point).await;
    act_ok(app, reviewer, &id, json!({"action": "submit"})).await;
    act_ok(app, &s.qa.token, &id, json!({"action": "approve"})).await;
    let done = act_ok(app, lead, &id, json!({"action": "sign_off"})).await;
    assert_eq!(done["status"], "completed");
    let mut identities = vec![id, done["reference"].as_str().expect("ref").to_owned()];
    identities.extend([s.reviewer.id, s.lead.id, s.qa.id]);
    identities.extend(["rory.reviewer", "lena.lead", "quinn.qa"].map(str::to_owned));
    identities
}

/// Five completed synthetic cases in the distinctive case's class (female, Asian, 65-74, QOP,
/// 2026 Q3), so that its row is published at k = 5.
fn its_class() -> Vec<CaseSpec> {
    (0..5)
        .map(|n| {
            let mut spec = CaseSpec::completed(date!(2026 - 08 - 10), 69);
            spec.ethnic_category = "H".into();
            spec.family_name = format!("Classmate-{n}");
            spec.completed_on = Some(date!(2026 - 11 - 01));
            spec
        })
        .collect()
}

both_backends! {
    async fn no_identifier_leaves_in_either_format(app) {
        let identities = distinctive_case(&app).await;
        insert_real(&app, its_class()).await;
        let token = analyst(&app).await;
        let expected = hmac_hex(PSEUDONYM_KEY, "9434765919");
        for accept in ["application/x-ndjson", "text/csv"] {
            for query in ["?year=2026", "?year=2026&include_open=true", ""] {
                let (headers, body) = export(&app, &token, query, accept).await;
                for marker in MARKERS.iter().copied().chain(identities.iter().map(String::as_str)) {
                    assert!(!body.contains(marker), "{marker} left in {accept}{query}: {body}");
                    for value in headers.values() {
                        assert!(!value.to_str().unwrap_or("").contains(marker), "{marker} in a header");
                    }
                }
                assert!(body.contains(&expected), "the keyed pseudonym is there: {body}");
            }
        }
        let (headers, body) = export(&app, &token, "?year=2026", "application/x-ndjson").await;
        let (rows, summary) = ndjson(&body);
        assert_eq!(rows.len(), 6, "{body}");
        assert_eq!(summary["rows_published"], 6);
        assert_eq!(header(&headers, "leder-rows-published"), 6);
        let row = rows.iter().find(|r| r["pseudonym"] == expected.as_str()).expect("its row");
        assert_eq!(row["age_band"], "65-74");
        assert_eq!(row["ethnic_group"], "asian_or_asian_british");
        assert_eq!(row["organisation"], "QOP");
        assert_eq!(row["region"], "Y62");
        assert_eq!(row["year_of_death"], 2026);
        assert_eq!(row["quarter_of_death"], 3);
        assert_eq!(row["underlying_cause"], "J18");
        assert_eq!(row["treatable"], 1.0);
        assert_eq!(row["themes"], json!(["sepsis"]));
        assert_eq!(row["review_type"], "focused");
        assert_eq!(row["family_contacted"], true);
        let (_, csv) = export(&app, &token, "?year=2026", "text/csv").await;
        assert_eq!(csv.lines().count(), 7, "a header and six rows: {csv}");
        assert!(csv.starts_with("pseudonym,age_band,sex,ethnic_group,organisation,region,"));
    }

    async fn the_same_person_has_the_same_pseudonym_under_a_key_and_another_under_another(app) {
        let mut seen = Vec::new();
        for key in ["first-deployment-key-is-32-bytes-long!", "second-deployment-key-is-32-bytes-long"] {
            let app = app.another(|c| {
                c.pseudonym_key = Some(key.to_owned());
                c.k_anonymity = 2;
            })
            .await;
            let mut specs = Vec::new();
            for n in 0..2 {
                let mut spec = CaseSpec::completed(date!(2025 - 03 - 10), 50);
                spec.nhs_number = Some(["9990000018", "9990000026"][n].to_owned());
                spec.family_name = format!("Pseudo-{n}");
                specs.push(spec);
            }
            insert(&app, specs).await;
            let token = analyst(&app).await;
            let first = export(&app, &token, "?year=2025", "application/x-ndjson").await.1;
            let again = export(&app, &token, "?year=2025", "application/x-ndjson").await.1;
            let pseudonyms = |body: &str| -> Vec<String> {
                let mut p: Vec<String> = ndjson(body).0.iter()
                    .map(|r| r["pseudonym"].as_str().expect("pseudonym").to_owned()).collect();
                p.sort();
                p
            };
            assert_eq!(pseudonyms(&first), pseudonyms(&again), "stable under one key");
            let mut expected = vec![hmac_hex(key, "9990000018"), hmac_hex(key, "9990000026")];
            expected.sort();
            assert_eq!(pseudonyms(&first), expected);
            seen.push(pseudonyms(&first));
        }
        assert!(seen[0].iter().all(|p| !seen[1].contains(p)), "another key, other pseudonyms");
    }
}

both_backends! {
    async fn an_extract_longer_than_a_chunk_streams_every_row_once(app) {
        let specs: Vec<CaseSpec> = (0..2345)
            .map(|n| {
                let mut spec = CaseSpec::completed(date!(2025 - 06 - 01), 40 + (n % 30));
                spec.family_name = format!("Chunked-{n}");
                spec
            })
            .collect();
        insert(&app, specs).await;
        let token = analyst(&app).await;
        let (headers, body) = export(&app, &token, "?year=2025", "application/x-ndjson").await;
        let (rows, summary) = ndjson(&body);
        assert_eq!(rows.len(), 2345);
        assert_eq!(summary["rows_published"], 2345);
        assert_eq!(header(&headers, "leder-rows-selected"), 2345);
        let mut pseudonyms: Vec<&str> =
            rows.iter().map(|r| r["pseudonym"].as_str().expect("pseudonym")).collect();
        pseudonyms.sort_unstable();
        pseudonyms.dedup();
        assert_eq!(pseudonyms.len(), 2345, "each review once");
        let (_, csv) = export(&app, &token, "?year=2025", "text/csv").await;
        assert_eq!(csv.lines().count(), 2346);
    }
}

#[actix_web::test]
async fn on_sqlite_a_key_is_generated_into_the_data_folder_and_kept() {
    let app = TestApp::sqlite_with(|c| c.pseudonym_key = None).await;
    let folder = std::path::Path::new(app.database_url.trim_start_matches("sqlite://"))
        .parent()
        .expect("data folder")
        .to_owned();
    let key = std::fs::read_to_string(folder.join("pseudonym.key")).expect("a key file");
    assert_eq!(key.len(), 64, "32 random bytes in hex: {key}");
    assert!(key.chars().all(|c| c.is_ascii_hexdigit()), "{key}");
    let mut specs = vec![CaseSpec::completed(date!(2025 - 03 - 10), 50); 5];
    specs[0].nhs_number = Some("9990000018".into());
    insert(&app, specs).await;
    let token = analyst(&app).await;
    let (_, body) = export(&app, &token, "", "application/x-ndjson").await;
    assert!(body.contains(&hmac_hex(key.trim(), "9990000018")), "{body}");
    let second = TestApp::sqlite_with(|c| {
        c.pseudonym_key = None;
        c.database_url = app.database_url.clone();
    })
    .await;
    let again = std::fs::read_to_string(folder.join("pseudonym.key")).expect("a key file");
    assert_eq!(key, again, "the key is kept, not replaced");
    drop(second);
}
