//! Clocks that call out (issue 15): under a clock moved forward (the case's notification moved
//! back, since the clock cannot be), a review emits `review.due_soon` and then `review.overdue`
//! exactly once each, through the feed; a case on the Child Death Review route never does, and
//! is never shown overdue.

use std::process::ExitCode;

use leder_api::cli::{ClocksCommand, Command, run_with};
use leder_api::config::Config;
use serde_json::json;

use crate::both_backends;
use crate::cases::{child_of_10, id_of, new_case, notification, person, review};
use crate::helpers::{AUDIT_KEY, TestApp, add_months, json, sql_execute, today, ymd};

async fn clocks_run(app: &TestApp) -> ExitCode {
    let mut config = Config::from_lookup(|_| None).expect("defaults");
    config.database_url = app.database_url.clone();
    config.replica_id = "clocks".into();
    config.pseudonym_key = Some("a-test-pseudonym-key-of-at-least-32-bytes".into());
    config.audit_key = Some(AUDIT_KEY.into());
    config.audit_checkpoint_file = Some(app.keys_dir.join("audit-checkpoints.ndjson"));
    let command = Command::Clocks {
        command: ClocksCommand::Run,
    };
    run_with(command, config).await
}

async fn notified_on(app: &TestApp, id: &str, day: time::Date) {
    let d = ymd(day);
    sql_execute(
        app,
        &format!(
            "UPDATE reviews SET notified_on = '{d}', notified_at = '{d} 09:00:00' WHERE id = '{id}'"
        ),
    )
    .await;
}

async fn alerts(app: &TestApp, lead: &str, id: &str) -> Vec<String> {
    let feed = json(app.get_as("/api/v1/events?limit=200", lead).await, 200).await;
    feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["subject_id"] == id)
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .filter(|t| t == "review.due_soon" || t == "review.overdue")
        .collect()
}

both_backends! {
    async fn a_review_calls_out_due_soon_then_overdue_exactly_once_and_a_cdr_case_never(app, |c| c.clocks_every_minutes = 0) {
        let lead = person(&app, "lena.lead", &["ics_lead"], "QOP").await;
        let case = id_of(&new_case(&app, &lead.token, &notification()).await);
        let child = id_of(&new_case(&app, &lead.token, &child_of_10()).await);
        let fresh = id_of(&new_case(&app, &lead.token, &notification()).await);
        // Due in ten days: within the 28 days before its due date.
        let six_months_ago = add_months(today(), -6);
        notified_on(&app, &case, six_months_ago + time::Duration::days(10)).await;
        notified_on(&app, &child, add_months(today(), -8)).await;
        let (shown, _) = review(&app, &lead.token, &case).await;
        assert_eq!((shown["due_soon"].clone(), shown["overdue"].clone()), (json!(true), json!(false)));

        // Two replicas' schedulers at once: the case still calls out once.
        let (one, two) = tokio::join!(clocks_run(&app), clocks_run(&app));
        assert_eq!((one, two), (ExitCode::SUCCESS, ExitCode::SUCCESS));
        assert_eq!(clocks_run(&app).await, ExitCode::SUCCESS);
        assert_eq!(alerts(&app, &lead.token, &case).await, ["review.due_soon"]);
        assert!(alerts(&app, &lead.token, &fresh).await.is_empty());

        // The clock moves on: the case is a day past its due date.
        notified_on(&app, &case, six_months_ago - time::Duration::days(1)).await;
        let (shown, _) = review(&app, &lead.token, &case).await;
        assert_eq!(shown["overdue"], true);
        for _ in 0..3 {
            assert_eq!(clocks_run(&app).await, ExitCode::SUCCESS);
        }
        assert_eq!(alerts(&app, &lead.token, &case).await, ["review.due_soon", "review.overdue"]);

        // The Child Death Review's case: never called out, never shown overdue or due soon.
        assert!(alerts(&app, &lead.token, &child).await.is_empty());
        let (cdr, _) = review(&app, &lead.token, &child).await;
        assert_eq!(cdr["status"], "referred_to_child_death_review");
        assert_eq!((cdr["overdue"].clone(), cdr["due_soon"].clone()), (json!(false), json!(false)));
        let listed = json(app.get_as("/api/v1/reviews?overdue=true", &lead.token).await, 200).await;
        let ids: Vec<&str> = listed["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, [case.as_str()]);
    }
}
