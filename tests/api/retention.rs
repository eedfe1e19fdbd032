//! Retention (DOMAIN.md, "Retention"): a closed review past `LEDER_RETENTION_YEARS` loses its
//! identifiable part and keeps its anonymised row (still counted nationally); a newer one and
//! one under legal hold keep everything; a dry run changes nothing; every disposal has its own
//! audit entry, and the audit trail verifies afterwards.

use std::process::ExitCode;

use leder_api::cli::{AuditCommand, Command, RetentionCommand, run_with};
use leder_api::config::Config;
use leder_api::demo::CaseSpec;
use serde_json::{Value, json};
use time::macros::date;

use crate::both_backends;
use crate::helpers::{AUDIT_KEY, TestApp, json, problem, sql_count, sql_execute};
use crate::national_records::{analyst, insert};

/// The command line's configuration against the app's database, key and checkpoints.
fn cli_config(app: &TestApp) -> Config {
    let mut config = Config::from_lookup(|_| None).expect("defaults");
    config.database_url = app.database_url.clone();
    config.replica_id = "retention".into();
    config.pseudonym_key = Some("a-test-pseudonym-key-of-at-least-32-bytes".into());
    config.audit_key = Some(AUDIT_KEY.into());
    config.audit_checkpoint_file = Some(app.keys_dir.join("audit-checkpoints.ndjson"));
    config
}

async fn retention_run(app: &TestApp, dry_run: bool) -> ExitCode {
    let command = Command::Retention {
        command: RetentionCommand::Run { dry_run },
    };
    run_with(command, cli_config(app)).await
}

async fn deaths_in_2024(app: &TestApp, analyst: &str) -> Value {
    let stats = json(
        app.get_as("/api/v1/national/statistics?year=2024", analyst)
            .await,
        200,
    )
    .await;
    stats["total"]["deaths"].clone()
}

async fn disposed(app: &TestApp) -> i64 {
    sql_count(
        app,
        "SELECT COUNT(*) AS n FROM reviews WHERE disposed_at IS NOT NULL",
    )
    .await
}

async fn named(app: &TestApp, id: &str) -> i64 {
    sql_count(
        app,
        &format!(
            "SELECT COUNT(*) AS n FROM reviews WHERE id = '{id}' AND given_name IS NOT NULL \
             AND nhs_number IS NOT NULL AND date_of_birth IS NOT NULL AND disposed_at IS NULL"
        ),
    )
    .await
}

async fn put_hold(app: &TestApp, token: &str, id: &str, reason: &str) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/api/v1/reviews/{id}/legal-hold")))
        .bearer_auth(token)
        .json(&json!({"reason": reason}))
        .send()
        .await
        .unwrap()
}

async fn lift_hold(app: &TestApp, token: &str, id: &str) -> reqwest::Response {
    app.client
        .delete(app.url(&format!("/api/v1/reviews/{id}/legal-hold")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

both_backends! {
    async fn a_review_past_retention_is_disposed_of_unless_newer_or_held(app, |c| c.retention_every_hours = 0) {
        let mut spec = CaseSpec::completed(date!(2024 - 05 - 17), 60);
        spec.nhs_number = Some("9434765919".into());
        let ids = insert(&app, vec![spec.clone(), spec.clone(), spec]).await;
        let (old, held, newer) = (&ids[0], &ids[1], &ids[2]);
        // Two closed 21 years ago; the default period is 20 years.
        sql_execute(
            &app,
            &format!("UPDATE reviews SET completed_on = '2005-01-10' WHERE id IN ('{old}', '{held}')"),
        )
        .await;
        let admin = app.admin_token().await;
        let nina = analyst(&app).await;
        let (_, lead) = app.user("lena.lead", &["ics_lead"], Some("QOP")).await;
        assert_eq!(deaths_in_2024(&app, &nina).await, 3);

        let hold = json(put_hold(&app, &admin, held, "Coroner's inquest 2046/113").await, 200).await;
        assert_eq!(hold["review_id"], held.as_str());
        assert_eq!(hold["reason"], "Coroner's inquest 2046/113");
        // The review states its hold to whoever may read it.
        let view = json(app.get_as(&format!("/api/v1/reviews/{held}"), &lead).await, 200).await;
        assert_eq!(view["legal_hold"], json!({"reason": "Coroner's inquest 2046/113", "since": hold["since"]}));
        assert_eq!(view["disposed_at"], Value::Null);
        assert_eq!(
            sql_count(&app, &format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'legal_hold' AND subject = 'review:{held}'")).await,
            1
        );

        assert_eq!(retention_run(&app, true).await, ExitCode::SUCCESS);
        assert_eq!(disposed(&app).await, 0, "a dry run changes nothing");
        assert_eq!(named(&app, old).await, 1);

        assert_eq!(retention_run(&app, false).await, ExitCode::SUCCESS);
        assert_eq!(disposed(&app).await, 1);
        assert_eq!(named(&app, old).await, 0);
        assert_eq!(named(&app, held).await, 1, "a legal hold keeps everything");
        assert_eq!(named(&app, newer).await, 1, "a newer review keeps everything");
        assert_eq!(
            sql_count(
                &app,
                &format!(
                    "SELECT COUNT(*) AS n FROM reviews WHERE id = '{old}' AND given_name IS NULL \
                     AND family_name IS NULL AND nhs_number IS NULL AND date_of_birth IS NULL \
                     AND identity_key IS NULL AND date_of_death = '2024-04-01' \
                     AND age_at_death = 60 AND sex = 'female' AND year_of_death = 2024"
                )
            )
            .await,
            1,
            "the anonymised row keeps what the national figures read, the quarter of death"
        );
        assert_eq!(
            sql_count(&app, &format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'dispose' AND subject = 'review:{old}'")).await,
            1
        );
        assert_eq!(
            sql_count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'dispose'").await,
            1,
            "one audit entry per review disposed of"
        );
        assert_eq!(deaths_in_2024(&app, &nina).await, 3, "still counted nationally");
        let case = json(app.get_as(&format!("/api/v1/reviews/{old}"), &lead).await, 200).await;
        assert_eq!(case["person"], Value::Null);
        assert!(!case.to_string().contains("9434765919"));
        assert!(case["disposed_at"].is_string(), "{case}");
        assert_eq!(case["legal_hold"], Value::Null);
        let kept = json(app.get_as(&format!("/api/v1/reviews/{newer}"), &lead).await, 200).await;
        assert_eq!((&kept["disposed_at"], &kept["legal_hold"]), (&Value::Null, &Value::Null));

        // Disposed of: there is nothing left to hold.
        problem(put_hold(&app, &admin, old, "too late").await, 409).await;
        // A second run finds nothing more; lifting the hold lets the next one dispose of it.
        assert_eq!(retention_run(&app, false).await, ExitCode::SUCCESS);
        assert_eq!(disposed(&app).await, 1);
        assert_eq!(lift_hold(&app, &admin, held).await.status(), 204);
        assert_eq!(retention_run(&app, false).await, ExitCode::SUCCESS);
        assert_eq!(disposed(&app).await, 2);
        assert_eq!(named(&app, newer).await, 1);
        assert_eq!(deaths_in_2024(&app, &nina).await, 3);

        let verify = Command::Audit { command: AuditCommand::Verify };
        assert_eq!(run_with(verify, cli_config(&app)).await, ExitCode::SUCCESS);
    }

    async fn only_an_admin_sets_a_legal_hold_and_it_needs_a_reason(app, |c| c.retention_every_hours = 0) {
        let ids = insert(&app, vec![CaseSpec::completed(date!(2024 - 05 - 17), 60)]).await;
        let (_, lead) = app.user("lena.lead", &["ics_lead"], Some("QOP")).await;
        let admin = app.admin_token().await;
        problem(put_hold(&app, &lead, &ids[0], "inquest").await, 403).await;
        problem(lift_hold(&app, &lead, &ids[0]).await, 403).await;
        problem(put_hold(&app, &admin, "no-such-review", "inquest").await, 404).await;
        problem(lift_hold(&app, &admin, "no-such-review").await, 404).await;
        let blank = problem(put_hold(&app, &admin, &ids[0], "   ").await, 422).await;
        assert_eq!(blank["errors"][0]["field"], "reason");
        let first = json(put_hold(&app, &admin, &ids[0], "inquest").await, 200).await;
        let second = json(put_hold(&app, &admin, &ids[0], "inquest, extended").await, 200).await;
        assert_eq!(second["since"], first["since"], "a new reason keeps the hold's start");
        assert_eq!(second["reason"], "inquest, extended");
        assert_eq!(lift_hold(&app, &admin, &ids[0]).await.status(), 204);
        assert_eq!(lift_hold(&app, &admin, &ids[0]).await.status(), 204);
    }
}

/// A string planted in every free-text field of a review; no other test writes it.
const MARK: &str = "quokkamarker";

#[derive(diesel::QueryableByName)]
struct TextColumn {
    #[diesel(sql_type = diesel::sql_types::Text)]
    t: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    c: String,
}

/// Every text column of every table, as `(table, column)`.
async fn text_columns(app: &TestApp) -> Vec<(String, String)> {
    use diesel::RunQueryDsl;
    let sql = match app.backend() {
        crate::helpers::Backend::Sqlite => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND upper(p.type) IN ('TEXT', 'VARCHAR')"
        }
        crate::helpers::Backend::Postgres => {
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
             WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')"
        }
    };
    let pool = app.pool().clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        diesel::sql_query(sql)
            .load::<TextColumn>(&mut *conn)
            .unwrap()
            .into_iter()
            .map(|r| (r.t, r.c))
            .collect()
    })
    .await
    .unwrap()
}

/// The `table.column`s where [`MARK`] occurs, any case, with their counts.
async fn marked(app: &TestApp) -> Vec<(String, i64)> {
    let columns = text_columns(app).await;
    assert!(columns.len() > 50, "every text column: {columns:?}");
    let mut found = Vec::new();
    for (table, column) in columns {
        let n = sql_count(
            app,
            &format!(
                "SELECT COUNT(*) AS n FROM \"{table}\" WHERE lower(\"{column}\") LIKE '%{MARK}%'"
            ),
        )
        .await;
        if n > 0 {
            found.push((format!("{table}.{column}"), n));
        }
    }
    found
}

/// The national statistics of deaths in 2026, by each grouping the reviews fall in, without the
/// time of the extract.
async fn national_2026(app: &TestApp, analyst: &str) -> Vec<Value> {
    let mut all = Vec::new();
    for by in ["sex", "age_band", "ethnic_group", "organisation", "region"] {
        let mut stats = json(
            app.get_as(
                &format!("/api/v1/national/statistics?year=2026&by={by}"),
                analyst,
            )
            .await,
            200,
        )
        .await;
        stats.as_object_mut().unwrap().remove("extracted_at");
        all.push(stats);
    }
    all
}

both_backends! {
    async fn disposal_leaves_no_free_text_of_a_review_anywhere_in_the_database(app, |c| c.retention_every_hours = 0) {
        use crate::cases::{act_ok, add_learning, cdr_outcome, child_of_10, id_of, new_case, notification_with, patch_findings, patch_person, staff, NOTIFICATIONS};
        let s = staff(&app).await;
        let (lead, reviewer, qa) = (&s.lead.token, &s.reviewer.token, &s.qa.token);
        let admin = app.admin_token().await;
        let nina = analyst(&app).await;
        let marked_text = |what: &str| format!("{what} told by Mrs {MARK}, 12 Acacia Road");

        // An adult's review, with the mark in every free text it has.
        let mut body = notification_with(json!({"given_name": "Ada", "family_name": format!("{MARK}son"), "nhs_number": "9434765919"}));
        body["notifier"] = json!({"name": format!("Sam {MARK}"), "relationship": "carer",
                                  "email": format!("sam.{MARK}@example.org"), "organisation": format!("{MARK} Care Ltd")});
        body["circumstances"] = json!(marked_text("Died in hospital"));
        let adult = id_of(&new_case(&app, lead, &body).await);
        // A second notification of the same person, with its own notifier and circumstances.
        let mut again = body.clone();
        again["circumstances"] = json!(marked_text("Second notification"));
        json(app.post_json(NOTIFICATIONS, &again).await, 201).await;
        json(patch_person(&app, lead, lead, &adult, &json!({"given_name": format!("Ada {MARK}ine")})).await, 200).await;
        act_ok(&app, lead, &adult, json!({"action": "allocate", "reviewer_id": s.reviewer.id, "reason": marked_text("Allocated")})).await;
        act_ok(&app, lead, &adult, json!({"action": "escalate", "reason": marked_text("Escalated")})).await;
        act_ok(&app, reviewer, &adult, json!({"action": "start"})).await;
        act_ok(&app, lead, &adult, json!({"action": "hold", "reason": "other", "comment": marked_text("Held")})).await;
        act_ok(&app, lead, &adult, json!({"action": "resume"})).await;
        let findings = json!({
            "pen_portrait": marked_text("Pen portrait"),
            "cause_of_death": {"part_1a": marked_text("1a"), "part_1b": marked_text("1b"), "part_1c": marked_text("1c"),
                               "part_2": marked_text("2"), "underlying_icd10": "J18.9"},
            "place_of_death": "hospital", "care_grade": 4,
            "dnacpr": {"in_place": false}, "mental_capacity_act": {"relevant": false},
            "annual_health_check_last_12_months": true,
            "long_term_conditions": [marked_text("Condition")],
            "good_practice": marked_text("Good practice"), "concerns": marked_text("Concerns"),
            "key_episodes": [{"date": "2026-09-20", "setting": marked_text("Setting"), "description": marked_text("Episode")}],
            "contributors": [marked_text("Contributor")]
        });
        json(patch_findings(&app, lead, reviewer, &adult, &findings).await, 200).await;
        // The family record: a contact, what happened, and a move proposed and declined.
        let contacts = format!("/api/v1/reviews/{adult}/family-contacts");
        let contact = json(app.post_as(&contacts, reviewer, &json!({
            "name": format!("Mary {MARK}"), "relationship": marked_text("Sister"),
            "phone": "07700 900123", "email": format!("mary.{MARK}@example.org"),
            "address": marked_text("Address"), "preferred_contact": "letter",
            "accessibility_needs": ["interpreter", "other"], "interpreter_language": format!("{MARK}ish"),
            "accessibility_note": marked_text("Needs")})).await, 201).await;
        let events = format!("{contacts}/{}/events", contact["id"].as_str().unwrap());
        let today = crate::helpers::ymd(crate::helpers::today());
        json(app.post_as(&events, reviewer, &json!({"kind": "not_reachable", "on": today, "note": marked_text("Unreachable")})).await, 201).await;
        json(app.post_as(&events, reviewer, &json!({"kind": "informed", "on": today, "note": marked_text("Informed")})).await, 201).await;
        let proposed = json(app.post_as(&format!("/api/v1/reviews/{adult}/moves"), lead, &json!({
            "to": "QE1", "reason": "other", "text": marked_text("Placed out of area")})).await, 201).await;
        json(app.post_as(&format!("/api/v1/reviews/{adult}/moves/{}/decline", proposed["id"].as_str().unwrap()),
            &s.other_lead.token, &json!({"reason": marked_text("Not ours")})).await, 200).await;
        add_learning(&app, reviewer, &adult, &json!({"text": marked_text("Learning"), "themes": ["aspiration_pneumonia"], "kind": "learning"})).await;
        add_learning(&app, reviewer, &adult, &json!({"text": marked_text("Concern"), "themes": [], "kind": "concern"})).await;
        json(app.post_as(&format!("/api/v1/reviews/{adult}/notes"), reviewer,
            &json!({"kind": "phone_call", "text": marked_text("Phone call")})).await, 201).await;
        act_ok(&app, reviewer, &adult, json!({"action": "submit"})).await;
        act_ok(&app, qa, &adult, json!({"action": "return", "comment": marked_text("Returned")})).await;
        act_ok(&app, reviewer, &adult, json!({"action": "submit"})).await;
        act_ok(&app, qa, &adult, json!({"action": "approve"})).await;
        assert_eq!(act_ok(&app, lead, &adult, json!({"action": "sign_off"})).await["status"], "completed");
        json(app.post_as(&events, lead, &json!({"kind": "copy_sent", "on": today, "note": marked_text("Copy sent")})).await, 201).await;
        // A legal hold, with a written reason, set and lifted.
        json(put_hold(&app, &admin, &adult, &marked_text("Inquest")).await, 200).await;
        assert_eq!(lift_hold(&app, &admin, &adult).await.status(), 204);

        // A child's review, completed by the Child Death Review's outcome.
        let mut child = child_of_10();
        child["person"]["family_name"] = json!(format!("{MARK}child"));
        let child = id_of(&new_case(&app, lead, &child).await);
        let mut outcome = cdr_outcome();
        outcome["summary"] = json!(marked_text("Summary"));
        outcome["learning"] = json!([marked_text("CDR learning")]);
        let done = json(app.post_as(&format!("/api/v1/reviews/{child}/child-death-review-outcome"), lead, &outcome).await, 200).await;
        assert_eq!(done["status"], "completed");

        let planted: Vec<String> = marked(&app).await.into_iter().map(|(c, _)| c).collect();
        for column in ["reviews.family_name", "reviews.findings", "reviews.child_death_review_outcome",
                       "reviews.reviewer_concern", "notifications.person_json", "notifications.notifier_json",
                       "notifications.circumstances", "review_history.detail", "review_holds.reason_text",
                       "learning_points.text", "events.data", "family_contacts.name",
                       "family_contacts.relationship", "family_contacts.email", "family_contacts.address",
                       "family_contacts.interpreter_language", "family_contacts.accessibility_note",
                       "family_events.note", "review_moves.text", "review_moves.decline_reason"] {
            assert!(planted.contains(&column.to_owned()), "{column} holds no mark: {planted:?}");
        }
        let before = national_2026(&app, &nina).await;
        assert!(before[0]["total"]["deaths"].as_i64() >= Some(1), "the adult is counted: {}", before[0]);

        // Both closed 21 years ago: past the default 20 years.
        sql_execute(&app, &format!("UPDATE reviews SET completed_on = '2005-01-10' WHERE id IN ('{adult}', '{child}')")).await;
        assert_eq!(retention_run(&app, false).await, ExitCode::SUCCESS);
        assert_eq!(disposed(&app).await, 2);
        assert_eq!(marked(&app).await, Vec::<(String, i64)>::new(), "the mark is nowhere");
        assert_eq!(national_2026(&app, &nina).await, before, "the national figures are unchanged");
        // What stays: the codes and answers.
        let (case, _) = crate::cases::review(&app, lead, &adult).await;
        assert_eq!(case["person"], Value::Null);
        assert_eq!(case["findings"]["cause_of_death"]["underlying_icd10"], "J18.9");
        assert_eq!(case["findings"]["care_grade"], 4);
        // The family answers stay (derived from the record, which keeps its kinds and days).
        assert_eq!(case["findings"]["family_involvement"]["recorded"], true);
        assert_eq!(case["findings"]["family_involvement"]["contacted"], true);
        assert_eq!(case["findings"]["family_involvement"]["feedback_shared"], true);
        assert_eq!(case["review_type"], "focused");
        assert!(case["disposed_at"].is_string(), "{case}");
        assert_eq!(case["legal_hold"], Value::Null);
        let learning = json(app.get_as(&format!("/api/v1/reviews/{adult}/learning"), lead).await, 200).await;
        assert_eq!(learning["items"][0]["themes"], json!(["aspiration_pneumonia"]));
        let (case, _) = crate::cases::review(&app, lead, &child).await;
        assert_eq!(case["child_death_review_outcome"]["underlying_icd10"], "G40.9");

        let verify = Command::Audit { command: AuditCommand::Verify };
        assert_eq!(run_with(verify, cli_config(&app)).await, ExitCode::SUCCESS);
    }
}
