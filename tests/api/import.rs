//! Importing existing reviews (issue 19): `POST /imports` and `leder import` check every row
//! by the intake's and the workflow's rules, load all of a file or nothing, keep the cases'
//! own dates, and change nothing when the same file comes again.

use std::process::ExitCode;

use leder_api::cli::{Command, run_with};
use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{find, id_of, notification, notify, review, staff};
use crate::helpers::{
    AUDIT_KEY, Config, TestApp, add_months, json, problem, sql_count, today, ymd,
};

const IMPORTS: &str = "/api/v1/imports";

/// The day `days` from today (negative: before), as the file writes it.
fn day(days: i64) -> String {
    ymd(today().saturating_add(time::Duration::days(days)))
}

/// A QOP adult with a learning disability, notified 60 days ago, awaiting allocation.
fn adult(source_id: &str) -> Value {
    json!({
        "source": {"system": "legacy-leder", "id": source_id},
        "notified_on": day(-60),
        "icb": "QOP",
        "stage": "awaiting_allocation",
        "person": {
            "given_name": "Imogen",
            "family_name": format!("Imported-{source_id}"),
            "date_of_birth": "1958-05-17",
            "date_of_death": day(-64),
            "sex": "female",
            "ethnic_category": "A",
            "learning_disability": true,
            "autistic": false,
            "lived_in_england": true,
            "national_data_opt_out": "no",
            "area_code": "QOP",
            "place_of_death": "hospital"
        },
        "notifier": {"name": "Legacy case system", "relationship": "health_professional"}
    })
}

/// [`adult`] taken to `stage` by `reviewer`, each stage reached a few days after the last,
/// with what the workflow needs on the way (complete findings, a learning point, a hold).
fn at_stage(source_id: &str, stage: &str, reviewer: &str) -> Value {
    let mut row = adult(source_id);
    row["stage"] = json!(stage);
    let path = [
        ("allocated", -55),
        ("in_review", -50),
        ("awaiting_qa", -40),
        ("awaiting_sign_off", -35),
        ("completed", -30),
    ];
    let last = match stage {
        "on_hold" => 2,
        other => path
            .iter()
            .position(|(s, _)| *s == other)
            .map_or(0, |i| i + 1),
    };
    if last == 0 {
        return row;
    }
    row["reviewer"] = json!(reviewer);
    let reached: serde_json::Map<String, Value> = path[..last]
        .iter()
        .map(|(s, d)| ((*s).to_owned(), json!(day(*d))))
        .collect();
    row["stages_reached"] = Value::Object(reached);
    let mut findings = crate::cases::complete_findings();
    if let (Some(f), Some(extra)) = (
        findings.as_object_mut(),
        crate::cases::focused_extras().as_object(),
    ) {
        f.extend(extra.clone());
        // The other system's record of the family's involvement comes with the form.
        f.insert(
            "family_involvement".into(),
            json!({"contacted": true, "declined": false, "feedback_shared": true}),
        );
    }
    row["findings"] = findings;
    row["learning_points"] = json!([crate::cases::learning_point()]);
    if stage == "on_hold" {
        row["holds"] = json!([{"reason": "coroner_inquest", "started_on": day(-45)}]);
    }
    row
}

fn ndjson(rows: &[Value]) -> String {
    rows.iter().map(|r| format!("{r}\n")).collect()
}

/// POSTs a file to the import endpoint.
async fn send(
    app: &TestApp,
    token: &str,
    body: String,
    content_type: &str,
    dry_run: bool,
) -> reqwest::Response {
    let path = if dry_run {
        format!("{IMPORTS}?dry_run=true")
    } else {
        IMPORTS.to_owned()
    };
    app.client
        .post(app.url(&path))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("request")
}

/// How many rows each table an import writes to holds.
async fn stored(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for sql in [
        "SELECT COUNT(*) AS n FROM reviews",
        "SELECT COUNT(*) AS n FROM notifications",
        "SELECT COUNT(*) AS n FROM review_history",
        "SELECT COUNT(*) AS n FROM review_holds",
        "SELECT COUNT(*) AS n FROM learning_points",
        "SELECT COUNT(*) AS n FROM events",
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'import_review'",
    ] {
        counts.push(sql_count(app, sql).await);
    }
    counts
}

/// Five reviews at five stages, the third with `nhs_number`.
fn five(nhs_number: &str) -> Vec<Value> {
    let mut rows = vec![
        adult("A-1"),
        at_stage("A-2", "in_review", "rory.reviewer"),
        at_stage("A-3", "awaiting_qa", "rory.reviewer"),
        at_stage("A-4", "completed", "rory.reviewer"),
        at_stage("A-5", "on_hold", "rory.reviewer"),
    ];
    rows[2]["person"]["nhs_number"] = json!(nhs_number);
    rows
}

/// The configuration of `leder` run against the app's database.
fn cli_config(app: &TestApp) -> Config {
    let mut config = Config::from_lookup(|_| None).expect("defaults");
    config.database_url = app.database_url.clone();
    config.replica_id = "import".into();
    config.pseudonym_key = Some("a-test-pseudonym-key-of-at-least-32-bytes".into());
    config.audit_key = Some(AUDIT_KEY.into());
    config.audit_checkpoint_file = Some(app.keys_dir.join("audit-checkpoints.ndjson"));
    config
}

both_backends! {
    async fn a_file_with_one_bad_row_loads_nothing_then_fixed_loads_once(app) {
        let s = staff(&app).await;
        let admin = app.admin_token().await;
        let before = stored(&app).await;
        // The third review's NHS number fails its check digit: nothing of the five is kept.
        let bad = ndjson(&five("9434765918"));
        let refused = problem(send(&app, &admin, bad, "application/x-ndjson", false).await, 422).await;
        assert_eq!(refused["errors"].as_array().map(Vec::len), Some(1), "{refused}");
        assert_eq!(refused["errors"][0]["field"], "rows[3].person.nhs_number", "{refused}");
        assert_eq!(refused["errors"][0]["code"], "invalid_check_digit");
        assert_eq!(refused["failed"], 1);
        assert_eq!(stored(&app).await, before, "a refused import leaves nothing");
        // Fixed, it loads: five cases, each with its notification, history, event and audit.
        let good = ndjson(&five("9434765919"));
        let report = json(send(&app, &admin, good.clone(), "application/x-ndjson", false).await, 200).await;
        assert_eq!(report["imported"], 5, "{report}");
        assert_eq!(report["already_imported"], 0);
        assert_eq!(
            report["by_stage"],
            json!({"awaiting_allocation": 1, "awaiting_qa": 1, "completed": 1, "in_review": 1, "on_hold": 1})
        );
        assert_eq!(report["by_icb"], json!({"QOP": 5}));
        // 5 reviews, notifications, history entries; 1 hold; 4 learning points (from in_review
        // on); 5 events; 5 audit entries.
        let after = stored(&app).await;
        let grown: Vec<i64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
        assert_eq!(grown, [5, 5, 5, 1, 4, 5, 5]);
        // Loading it again changes nothing.
        let again = json(send(&app, &admin, good, "application/x-ndjson", false).await, 200).await;
        assert_eq!(again["imported"], 0, "{again}");
        assert_eq!(again["already_imported"], 5);
        assert_eq!(stored(&app).await, after);
        // One `review.imported` event per case, in the QOP feed, numbered after what was there.
        let events = crate::cases::events(&app).await;
        let imported: Vec<_> = events.iter().filter(|e| e.event_type == "review.imported").collect();
        assert_eq!(imported.len(), 5);
        assert!(imported.iter().all(|e| e.organisation == "QOP" && e.seq > 0));
        // Each carries the case as the API shows it, its reviewer named.
        let data: Value = serde_json::from_str(&imported[3].data).unwrap();
        assert_eq!(data["status"], "completed");
        assert_eq!(data["reviewer"]["display_name"], "rory.reviewer", "{data}");
        let feed = json(app.get_as("/api/v1/events", &s.integration).await, 200).await;
        let types: Vec<&str> = feed["items"].as_array().unwrap().iter().filter_map(|e| e["type"].as_str()).collect();
        assert_eq!(types, ["review.imported"; 5]);
        // The completed case keeps its days; its history says imported, with the source.
        let case = find(&app, &s.lead.token, imported[3].reference.as_str()).await;
        let id = id_of(&case);
        let (case, _) = review(&app, &s.lead.token, &id).await;
        assert_eq!(case["status"], "completed");
        assert_eq!(case["reviewer"]["display_name"], "rory.reviewer");
        assert_eq!(case["notified_at"].as_str().unwrap()[..10], day(-60)[..]);
        assert_eq!(case["completed_at"].as_str().unwrap()[..10], day(-30)[..]);
        assert_eq!(case["findings"]["cause_of_death"]["underlying_icd10"], "J18.9");
        let history = json(app.get_as(&format!("/api/v1/reviews/{id}/history"), &s.lead.token).await, 200).await;
        let entries = history["items"].as_array().unwrap();
        assert_eq!(entries.len(), 1, "{history}");
        assert_eq!(entries[0]["action"], "imported");
        assert_eq!(entries[0]["detail"]["source"], json!({"system": "legacy-leder", "id": "A-4"}));
        assert_eq!(entries[0]["detail"]["stages_reached"]["completed"], day(-30));
        // Its audit trail names the admin who imported it.
        let audit = json(app.get_as(&format!("/api/v1/audit?subject=review:{id}"), &admin).await, 200).await;
        assert!(
            audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "import_review"),
            "{audit}"
        );
    }

    async fn an_imported_case_notified_seven_months_ago_is_overdue_at_once(app) {
        let s = staff(&app).await;
        let admin = app.admin_token().await;
        let notified = add_months(today(), -7);
        let mut open = at_stage("O-1", "in_review", "rory.reviewer");
        let mut held = at_stage("O-2", "on_hold", "rory.reviewer");
        for row in [&mut open, &mut held] {
            row["notified_on"] = json!(ymd(notified));
            row["person"]["date_of_death"] = json!(ymd(notified.saturating_sub(time::Duration::days(3))));
        }
        let report = json(send(&app, &admin, ndjson(&[open, held]), "application/x-ndjson", false).await, 200).await;
        assert_eq!(report["imported"], 2, "{report}");
        let page = json(app.get_as("/api/v1/reviews?overdue=true", &s.lead.token).await, 200).await;
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{page}");
        let case = &items[0];
        assert_eq!(case["status"], "in_review");
        assert_eq!(case["overdue"], true);
        assert_eq!(case["due_date"], ymd(add_months(notified, 6)));
        // On hold since 45 days ago: not overdue while held, its clock extended by the hold.
        let page = json(app.get_as("/api/v1/reviews?status=on_hold", &s.lead.token).await, 200).await;
        let held = &page["items"][0];
        assert_eq!(held["overdue"], false, "{held}");
        assert_eq!(held["hold"]["reason"], "coroner_inquest");
        assert_eq!(held["hold"]["since"], day(-45));
        assert!(held["days_on_hold"].as_i64().unwrap() >= 45, "{held}");
    }

    async fn a_dry_run_reports_counts_and_failing_rows_and_writes_nothing(app) {
        staff(&app).await;
        let admin = app.admin_token().await;
        let before = stored(&app).await;
        let mut elsewhere = adult("D-3");
        elsewhere["icb"] = json!("QE1");
        elsewhere["person"]["area_code"] = json!("QE1");
        // Signed off without a learning point: the workflow refuses sign-off.
        let mut unsigned = at_stage("D-4", "completed", "rory.reviewer");
        unsigned["learning_points"] = json!([]);
        let file = ndjson(&[adult("D-1"), at_stage("D-2", "allocated", "rory.reviewer"), elsewhere, unsigned]);
        let report = json(send(&app, &admin, file.clone(), "application/x-ndjson", true).await, 200).await;
        assert_eq!(report["dry_run"], true);
        assert_eq!(report["rows"], 4, "{report}");
        assert_eq!(report["imported"], 3);
        assert_eq!(report["failed"], 1);
        assert_eq!(report["by_stage"], json!({"allocated": 1, "awaiting_allocation": 2}));
        assert_eq!(report["by_icb"], json!({"QE1": 1, "QOP": 2}));
        assert_eq!(
            report["errors"],
            json!([{"row": 4, "field": "stages_reached.completed", "code": "no_learning_point",
                    "message": "a review is signed off with at least one learning point"}])
        );
        assert_eq!(stored(&app).await, before, "a dry run writes nothing");
        let audited = sql_count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'import_dry_run' AND outcome = 'refused'").await;
        assert_eq!(audited, 1);
        // The command line's dry run says the same and writes nothing either (exit 1: a row
        // breaks a rule); its real run of the fixed file imports it.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reviews.ndjson");
        std::fs::write(&path, &file).unwrap();
        let dry = Command::Import { file: path.clone(), dry_run: true, format: None };
        assert_eq!(run_with(dry, cli_config(&app)).await, ExitCode::from(1));
        assert_eq!(stored(&app).await, before);
        let fixed = file.lines().take(3).map(|l| format!("{l}\n")).collect::<String>();
        std::fs::write(&path, fixed).unwrap();
        let real = Command::Import { file: path, dry_run: false, format: None };
        assert_eq!(run_with(real, cli_config(&app)).await, ExitCode::SUCCESS);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM reviews").await, before[0] + 3);
    }

    async fn only_an_admin_imports_and_bad_files_are_refused_whole(app, |c| c.import_body_limit = 4096) {
        let s = staff(&app).await;
        let admin = app.admin_token().await;
        let file = ndjson(&[adult("F-1")]);
        for token in [&s.lead.token, &s.reviewer.token, &s.integration] {
            problem(send(&app, token, file.clone(), "application/x-ndjson", false).await, 403).await;
        }
        let anonymous = app.client.post(app.url(IMPORTS)).header("content-type", "application/x-ndjson")
            .body(file.clone()).send().await.unwrap();
        problem(anonymous, 401).await;
        let refusals = sql_count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'refused' AND route LIKE '%imports%'").await;
        assert!(refusals >= 3, "each refusal is audited: {refusals}");
        problem(send(&app, &admin, file.clone(), "application/json", false).await, 415).await;
        let big = ndjson(&(0..40).map(|i| adult(&format!("F-{i}"))).collect::<Vec<_>>());
        assert!(big.len() > 4096);
        problem(send(&app, &admin, big, "application/x-ndjson", false).await, 413).await;
        let csv = "source.system,source.id,favourite_colour\nlegacy,F-1,blue\n".to_owned();
        let refused = problem(send(&app, &admin, csv, "text/csv", false).await, 400).await;
        assert_eq!(refused["errors"][0]["field"], "columns.favourite_colour", "{refused}");
        // A header with a control character is named with it escaped: a problem never carries
        // one (the contract's pattern on every text of a problem).
        let csv = "source.system,source.id,colour\u{84}\nlegacy,F-1,blue\n".to_owned();
        let refused = problem(send(&app, &admin, csv, "text/csv", false).await, 400).await;
        assert_eq!(refused["errors"][0]["field"], "columns.colour\\u{84}", "{refused}");
        assert!(!refused.to_string().chars().any(|c| c == '\u{84}'), "{refused}");
        let malformed = "{\"source\": \n".to_owned();
        let refused = problem(send(&app, &admin, malformed, "application/x-ndjson", false).await, 422).await;
        assert!(refused["errors"][0]["field"].as_str().unwrap().starts_with("rows[1]"), "{refused}");
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM reviews").await, 0);
    }

    async fn every_row_is_held_to_the_intake_and_workflow_rules(app) {
        staff(&app).await;
        let admin = app.admin_token().await;
        crate::cases::person(&app, "olly.reviewer", &["reviewer"], "QE1").await;
        // A person the intake already knows.
        let mut known = notification();
        known["person"]["nhs_number"] = json!("9990000018");
        notify(&app, &known).await;
        let mut rows = Vec::new();
        let mut wrong_icb_reviewer = at_stage("R-1", "allocated", "olly.reviewer");
        wrong_icb_reviewer["person"]["family_name"] = json!("Imported-R-1");
        rows.push(wrong_icb_reviewer);
        let mut incomplete = at_stage("R-2", "awaiting_qa", "rory.reviewer");
        incomplete["findings"] = json!({"pen_portrait": "Loved the seaside."});
        rows.push(incomplete);
        let mut future = adult("R-3");
        future["notified_on"] = json!(day(3));
        rows.push(future);
        let mut mismatch = adult("R-4");
        mismatch["icb"] = json!("QE1");
        rows.push(mismatch);
        let mut repeated = adult("R-1");
        repeated["person"]["family_name"] = json!("Imported-R-1-again");
        rows.push(repeated);
        let mut already = adult("R-6");
        already["person"]["nhs_number"] = json!("9990000018");
        rows.push(already);
        let mut theme = at_stage("R-7", "in_review", "rory.reviewer");
        theme["learning_points"][0]["themes"] = json!(["not_a_theme"]);
        rows.push(theme);
        let mut hold = at_stage("R-8", "on_hold", "rory.reviewer");
        hold["holds"] = json!([{"reason": "other", "started_on": day(-45)}]);
        rows.push(hold);
        let mut stage = at_stage("R-9", "in_review", "rory.reviewer");
        stage["stage"] = json!("awaiting_qa");
        rows.push(stage);
        let mut unchecked = at_stage("R-10", "allocated", "rory.reviewer");
        unchecked["person"]["national_data_opt_out"] = json!("not_known");
        rows.push(unchecked);
        let mut twice = adult("R-11");
        twice["person"]["family_name"] = json!("Imported-R-6");
        rows.push(twice);
        let refused = problem(send(&app, &admin, ndjson(&rows), "application/x-ndjson", false).await, 422).await;
        let named: Vec<(String, String)> = refused["errors"].as_array().unwrap().iter()
            .map(|e| (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
            .collect();
        let expected = [
            ("rows[1].reviewer", "not_a_reviewer_in_this_icb"),
            ("rows[2].stages_reached.awaiting_qa", "findings_incomplete"),
            ("rows[3].notified_on", "in_the_future"),
            ("rows[4].icb", "icb_mismatch"),
            ("rows[5].source.id", "repeated"),
            ("rows[6].person", "already_has_a_review"),
            ("rows[7].learning_points[0].themes", "unknown_theme"),
            ("rows[8].holds[0]", "hold_reason_text_required"),
            ("rows[9].stage", "stage_not_reached"),
            ("rows[10].stages_reached.allocated", "opt_out_check_needed"),
            ("rows[11].person", "repeated_person"),
        ];
        let expected: Vec<(String, String)> = expected.iter().map(|(f, c)| ((*f).to_owned(), (*c).to_owned())).collect();
        assert_eq!(named, expected, "{refused}");
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM reviews").await, 1);
    }

    async fn the_example_files_import_and_a_csv_file_is_its_ndjson_twin(app) {
        crate::cases::person(&app, "reviewer.qop", &["reviewer"], "QOP").await;
        let admin = app.admin_token().await;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let csv = std::fs::read_to_string(dir.join("import-reviews.csv")).unwrap();
        let ndjson = std::fs::read_to_string(dir.join("import-reviews.ndjson")).unwrap();
        let checked = json(send(&app, &admin, csv.clone(), "text/csv; charset=utf-8", true).await, 200).await;
        assert_eq!(checked["imported"], 20, "{checked}");
        assert_eq!(checked["failed"], 0);
        let imported = json(send(&app, &admin, ndjson, "application/x-ndjson", false).await, 200).await;
        assert_eq!(imported["imported"], 20, "{imported}");
        assert_eq!(imported["by_stage"], checked["by_stage"]);
        // The CSV names the same sources: every review of it is already imported.
        let again = json(send(&app, &admin, csv, "text/csv", false).await, 200).await;
        assert_eq!(again["already_imported"], 20, "{again}");
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM reviews").await, 20);
    }

    async fn the_same_file_imported_twice_at_once_is_stored_once(app) {
        staff(&app).await;
        let admin = app.admin_token().await;
        let rows: Vec<Value> = (0..30).map(|i| at_stage(&format!("C-{i}"), "in_review", "rory.reviewer")).collect();
        let file = ndjson(&rows);
        let (a, b) = futures_util::join!(
            send(&app, &admin, file.clone(), "application/x-ndjson", false),
            send(&app, &admin, file.clone(), "application/x-ndjson", false),
        );
        let (a, b) = (json(a, 200).await, json(b, 200).await);
        let imported = a["imported"].as_u64().unwrap() + b["imported"].as_u64().unwrap();
        let skipped = a["already_imported"].as_u64().unwrap() + b["already_imported"].as_u64().unwrap();
        assert_eq!((imported, skipped), (30, 30), "{a} {b}");
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM reviews").await, 30);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM events WHERE seq < 1").await, 0);
        let seqs = sql_count(&app, "SELECT COUNT(DISTINCT seq) AS n FROM events WHERE organisation = 'QOP'").await;
        assert_eq!(seqs, 30);
    }
}
