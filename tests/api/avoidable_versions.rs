//! The avoidable-mortality list, version `ons-2020/leder-2` (DOMAIN.md, "Avoidable deaths"): new
//! assessments record it, a review assessed with `ons-2020/leder-1` keeps that version (and is
//! counted under it) until `leder reassess-avoidable` moves completed reviews to the current
//! one, reporting how many classifications changed; the national figures say which versions
//! they count.

use std::process::ExitCode;

use leder_api::app::reassessment::{ReassessmentSummary, reassess_avoidable};
use leder_api::cli::{Command, run_with};
use leder_api::config::Config;
use leder_api::demo::CaseSpec;
use leder_persistence::repo::audit::{AuditChain, AuditKey, NewAuditEntry, ensure_chain, verify};
use serde_json::{Value, json};
use time::macros::date;

use crate::both_backends;
use crate::helpers::{AUDIT_KEY, TestApp, json, sql_count, sql_execute};
use crate::national_records::{analyst, insert};

const LEDER_1: &str = "ons-2020/leder-1";
const LEDER_2: &str = "ons-2020/leder-2";

/// A completed death in 2024 at `age` from `icd10`.
fn death(age: u32, icd10: &str) -> CaseSpec {
    let mut spec = CaseSpec::completed(date!(2024 - 03 - 05), age);
    spec.underlying_icd10 = Some(icd10.into());
    spec
}

async fn statistics(app: &TestApp, token: &str) -> Value {
    json(
        app.get_as("/api/v1/national/statistics?year=2024", token)
            .await,
        200,
    )
    .await
}

/// (avoidable, preventable, treatable) of the national total.
fn split(stats: &Value) -> (f64, f64, f64) {
    let total = &stats["total"];
    let figure = |name: &str| total[name].as_f64().expect(name);
    (
        figure("avoidable"),
        figure("preventable"),
        figure("treatable"),
    )
}

async fn lead(app: &TestApp) -> String {
    app.user("lena.lead", &["ics_lead"], Some("QOP")).await.1
}

async fn review(app: &TestApp, token: &str, id: &str) -> Value {
    json(
        app.get_as(&format!("/api/v1/reviews/{id}"), token).await,
        200,
    )
    .await
}

/// The library call behind the command, with an audit chain of the test's own.
async fn reassess(app: &TestApp, year: Option<i32>, dry_run: bool) -> ReassessmentSummary {
    let pool = app.pool().clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("connection");
        ensure_chain(&mut conn, "test-reassess").expect("chain");
        let entry = NewAuditEntry {
            occurred_at: leder_persistence::reference::now_utc(),
            actor_kind: "cli".into(),
            actor_id: None,
            actor_roles: String::new(),
            actor_organisation: None,
            method: "CLI".into(),
            route: "leder reassess-avoidable".into(),
            action: "update".into(),
            subject: None,
            subject_organisation: None,
            outcome: "success".into(),
            client_address: None,
        };
        let key = AuditKey::new(AUDIT_KEY.as_bytes()).expect("key");
        reassess_avoidable(
            &mut conn,
            year,
            dry_run,
            &AuditChain::new("test-reassess", key),
            &entry,
        )
        .expect("reassess")
    })
    .await
    .expect("join")
}

both_backends! {
    async fn an_i71_death_at_60_counts_half_preventable_and_half_treatable_and_c92_1_none(app) {
        let ids = insert(&app, vec![death(60, "I71.4"), death(60, "C92.1")]).await;
        let token = analyst(&app).await;
        let stats = statistics(&app, &token).await;
        assert_eq!(split(&stats), (1.0, 0.5, 0.5));
        assert_eq!(stats["definitions"]["avoidable_mortality"], LEDER_2);
        assert_eq!(stats["avoidable_mortality_versions"], json!({LEDER_2: 2}));
        // The case itself says the same, and which version it was assessed with.
        let lead = lead(&app).await;
        let i71 = review(&app, &lead, &ids[0]).await;
        assert_eq!(i71["versions"]["avoidable_mortality"], LEDER_2);
        assert_eq!(
            i71["avoidable"],
            json!({"avoidable": 1.0, "preventable": 0.5, "treatable": 0.5})
        );
        let c92 = review(&app, &lead, &ids[1]).await;
        assert_eq!(
            c92["avoidable"],
            json!({"avoidable": 0.0, "preventable": 0.0, "treatable": 0.0})
        );
    }

    async fn a_review_assessed_under_leder_1_keeps_it_until_reassessed(app) {
        let ids = insert(
            &app,
            vec![
                death(60, "I71.4"), // leder-1 treatable, leder-2 both
                death(60, "C92.1"), // treatable, then not avoidable
                death(74, "N23"),   // not avoidable, then treatable
                death(75, "N23"),   // never avoidable at 75
                death(60, "R99"),   // not on either list
                death(60, "J18.9"), // treatable on both
            ],
        )
        .await;
        // One open case on leder-1: the command moves completed reviews only.
        let mut open = death(61, "I71.4");
        open.status = "in_review".into();
        open.completed_on = None;
        let open_id = insert(&app, vec![open]).await.remove(0);
        // These reviews were assessed before the corrected list shipped.
        assert_eq!(
            sql_execute(&app, &format!("UPDATE reviews SET avoidable_version = '{LEDER_1}'")).await,
            7
        );
        let token = analyst(&app).await;
        let before = statistics(&app, &token).await;
        assert_eq!(split(&before), (3.0, 0.0, 3.0));
        assert_eq!(before["avoidable_mortality_versions"], json!({LEDER_1: 6}));
        let lead = lead(&app).await;
        let etag_before = review(&app, &lead, &ids[0]).await["version"].clone();
        assert_eq!(
            review(&app, &lead, &ids[0]).await["avoidable"]["treatable"],
            json!(1.0)
        );

        // A dry run counts and changes nothing.
        let dry = reassess(&app, Some(2024), true).await;
        assert_eq!(dry.reviews, 6);
        assert_eq!(dry.changed, 3);
        assert_eq!(dry.recorded, 0);
        assert_eq!(
            sql_count(&app, &format!("SELECT COUNT(*) AS n FROM reviews WHERE avoidable_version = '{LEDER_1}'")).await,
            7
        );
        // Another year has nothing to re-assess.
        assert_eq!(reassess(&app, Some(2023), false).await.reviews, 0);

        let done = reassess(&app, Some(2024), false).await;
        assert_eq!(done.reviews, 6);
        assert_eq!(done.recorded, 6);
        assert_eq!(done.changed, 3);
        assert_eq!(
            done.changes.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(),
            vec![
                ("not avoidable → treatable", 1),
                ("treatable → both", 1),
                ("treatable → not avoidable", 1),
            ]
        );
        let after = statistics(&app, &token).await;
        assert_eq!(split(&after), (3.0, 0.5, 2.5));
        assert_eq!(after["avoidable_mortality_versions"], json!({LEDER_2: 6}));

        // The case shows its new version, a new ETag and a history entry saying what changed.
        let i71 = review(&app, &lead, &ids[0]).await;
        assert_eq!(i71["versions"]["avoidable_mortality"], LEDER_2);
        assert_eq!(i71["avoidable"]["preventable"], json!(0.5));
        assert_ne!(i71["version"], etag_before);
        let history = json(
            app.get_as(&format!("/api/v1/reviews/{}/history", ids[0]), &lead).await,
            200,
        )
        .await;
        let last = history["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["action"], "avoidable_reassessed");
        assert_eq!(last["detail"]["classification"], json!({"from": "treatable", "to": "both"}));
        assert_eq!(last["detail"]["avoidable_mortality"], json!({"from": LEDER_1, "to": LEDER_2}));

        // The open case kept its version; a second run finds nothing; the batch was audited.
        assert_eq!(review(&app, &lead, &open_id).await["versions"]["avoidable_mortality"], LEDER_1);
        assert_eq!(reassess(&app, None, false).await.reviews, 0);
        assert_eq!(
            sql_count(
                &app,
                "SELECT COUNT(*) AS n FROM audit_log WHERE chain_id = 'test-reassess' \
                 AND route = 'leder reassess-avoidable' AND action = 'update' \
                 AND subject = 'reviews re-assessed under avoidable list ons-2020/leder-2: 6'"
            )
            .await,
            1
        );
        let pool = app.pool().clone();
        let report = tokio::task::spawn_blocking(move || verify(&mut pool.get().unwrap(), &AuditKey::new(AUDIT_KEY.as_bytes()).unwrap(), None).unwrap())
            .await
            .unwrap();
        assert!(report.broken.is_none(), "{report:?}");
    }

    async fn the_extract_names_each_rows_list_version(app) {
        // Five of each, so that k-anonymity (k = 5) publishes every row.
        let mut specs: Vec<CaseSpec> = (0..5).map(|_| death(60, "I71.4")).collect();
        specs.extend((0..5).map(|_| death(60, "C92.1")));
        insert(&app, specs).await;
        let token = analyst(&app).await;
        let res = app
            .client
            .get(app.url("/api/v1/national/records?year=2024"))
            .bearer_auth(&token)
            .header("Accept", "text/csv")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let body = res.text().await.unwrap();
        let mut lines = body.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let column = header
            .iter()
            .position(|c| *c == "avoidable_mortality_version")
            .expect("column");
        let preventable = header.iter().position(|c| *c == "preventable").unwrap();
        let mut rows: Vec<(String, String)> = lines
            .map(|l| {
                let cells: Vec<&str> = l.split(',').collect();
                (cells[preventable].to_owned(), cells[column].to_owned())
            })
            .collect();
        rows.sort();
        rows.dedup();
        assert_eq!(
            rows,
            vec![("0".to_owned(), LEDER_2.to_owned()), ("0.5".to_owned(), LEDER_2.to_owned())]
        );
        assert_eq!(body.lines().count(), 11);
    }

    async fn the_command_reassesses_and_writes_its_audit_entry(app) {
        insert(&app, vec![death(60, "I71.4")]).await;
        sql_execute(&app, &format!("UPDATE reviews SET avoidable_version = '{LEDER_1}'")).await;
        let mut config = Config::from_lookup(|_| None).expect("defaults");
        config.database_url = app.database_url.clone();
        config.replica_id = "reassess".into();
        config.pseudonym_key = Some("a-test-pseudonym-key-of-at-least-32-bytes".into());
        config.audit_key = Some(AUDIT_KEY.into());
        let code = run_with(
            Command::ReassessAvoidable { year: None, dry_run: false },
            config,
        )
        .await;
        assert_eq!(code, ExitCode::SUCCESS);
        assert_eq!(
            sql_count(&app, &format!("SELECT COUNT(*) AS n FROM reviews WHERE avoidable_version = '{LEDER_2}'")).await,
            1
        );
        assert_eq!(
            sql_count(
                &app,
                "SELECT COUNT(*) AS n FROM audit_log WHERE chain_id = 'reassess-cli' \
                 AND route = 'leder reassess-avoidable' AND subject = \
                 'avoidable list ons-2020/leder-2: 1 reviews, 1 classifications changed, 1 recorded'"
            )
            .await,
            1
        );
    }
}
