//! The migration that turns a review's list columns into JSON arrays carries every row over: a
//! database filled by `seed-demo` and by cases taken through their journeys over HTTP reads
//! back the same through the API after the migration is reverted to the first release's
//! comma-joined form and applied again.

use leder_api::demo;
use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{act_ok, add_learning, at_stage, learning_point, staff};
use crate::helpers::{TestApp, json, sql_count, sql_execute, today};
use leder_persistence::Backend;

/// The migration's two halves on each engine: (up, down).
const SQLITE: (&str, &str) = (
    include_str!("../../migrations/sqlite/2026-11-28-000008_review_lists_as_json/up.sql"),
    include_str!("../../migrations/sqlite/2026-11-28-000008_review_lists_as_json/down.sql"),
);
const POSTGRES: (&str, &str) = (
    include_str!("../../migrations/postgres/2026-11-28-000008_review_lists_as_json/up.sql"),
    include_str!("../../migrations/postgres/2026-11-28-000008_review_lists_as_json/down.sql"),
);

/// Every statement of a migration file, run one by one.
async fn run_sql(app: &TestApp, script: &str) {
    let body: String = script
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    for statement in body.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        sql_execute(app, statement).await;
    }
}

/// Every case the lead sees, each with its history and learning, as the API answers them.
async fn everything(app: &TestApp, token: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/reviews?limit=200&cursor={c}"),
            None => "/api/v1/reviews?limit=200".to_owned(),
        };
        let page = json(app.get_as(&path, token).await, 200).await;
        for review in page["items"].as_array().expect("items") {
            let id = review["id"].as_str().expect("id");
            let history = json(
                app.get_as(&format!("/api/v1/reviews/{id}/history"), token)
                    .await,
                200,
            )
            .await;
            let learning = json(
                app.get_as(&format!("/api/v1/reviews/{id}/learning"), token)
                    .await,
                200,
            )
            .await;
            out.push(json!({"review": review, "history": history, "learning": learning}));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    out
}

both_backends! {
    async fn every_review_reads_back_the_same_across_the_list_column_migration(app) {
        let s = staff(&app).await;
        // Seeded cases of QOP and other ICBs, then cases taken along their journeys by HTTP.
        let pool = app.pool().clone();
        tokio::task::spawn_blocking(move || {
            demo::seed(&mut pool.get().unwrap(), 300, 7, false, today(), &mut |_| {})
        })
        .await
        .unwrap()
        .unwrap();
        let mut journeyed = Vec::new();
        for stage in ["awaiting_allocation", "in_review", "on_hold", "completed", "opted_out",
                      "not_eligible", "referred_to_child_death_review", "awaiting_qa"] {
            journeyed.push(at_stage(&app, &s, stage).await);
        }
        // An escalation makes a focused review with two reasons' worth of history.
        act_ok(&app, &s.lead.token, &journeyed[1],
               json!({"action": "escalate", "reason": "The family raised concerns"})).await;
        add_learning(&app, &s.lead.token, &journeyed[1], &learning_point()).await;
        let lead = &s.lead.token;
        let before = everything(&app, lead).await;
        let qop = sql_count(&app, "SELECT COUNT(*) AS n FROM reviews WHERE organisation = 'QOP'").await;
        assert_eq!(before.len() as i64, qop);
        let (up, down) = match app.backend() {
            Backend::Sqlite => SQLITE,
            Backend::Postgres => POSTGRES,
        };
        let two = "SELECT COUNT(*) AS n FROM reviews WHERE focused_reasons LIKE '%,%'";
        let with_two_reasons = sql_count(&app, two).await;
        assert!(with_two_reasons > 0, "the seed gives some review two focused reasons");
        let lists = "SELECT COUNT(*) AS n FROM reviews WHERE focused_reasons LIKE '[%' \
                     OR eligibility_reasons LIKE '[%' OR data_quality_flags LIKE '[%'";
        let all = sql_count(&app, "SELECT COUNT(*) AS n FROM reviews").await;
        assert_eq!(sql_count(&app, lists).await, all);

        // Back to the first release's form: comma-joined text, no brackets anywhere.
        run_sql(&app, down).await;
        assert_eq!(sql_count(&app, lists).await, 0);
        assert_eq!(sql_count(&app, two).await, with_two_reasons);
        // And forward again: every review, reason, flag, learning point, theme and history
        // entry reads back exactly as before.
        run_sql(&app, up).await;
        assert_eq!(sql_count(&app, lists).await, all);
        let after = everything(&app, lead).await;
        assert_eq!(after.len(), before.len());
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(a, b);
        }
    }
}
