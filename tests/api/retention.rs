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
