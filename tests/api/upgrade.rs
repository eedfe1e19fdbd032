//! The migrations that turn list columns into JSON arrays (and learning themes into rows of
//! their own) carry every row over: a database filled by `seed-demo` and over HTTP reads back
//! the same through the API after a migration is reverted to the comma-joined form it replaced
//! and applied again.

use leder_api::demo;
use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{
    act_ok, add_learning, at_stage, find, learning_point, new_case, notification_with, notify,
    opted_out, person, staff,
};
use crate::helpers::{Config, TestApp, json, sql_count, sql_execute, today, ymd};
use leder_persistence::Backend;

/// The review lists migration's two halves on each engine: (up, down).
const SQLITE: (&str, &str) = (
    include_str!("../../migrations/sqlite/2026-11-28-000008_review_lists_as_json/up.sql"),
    include_str!("../../migrations/sqlite/2026-11-28-000008_review_lists_as_json/down.sql"),
);
const POSTGRES: (&str, &str) = (
    include_str!("../../migrations/postgres/2026-11-28-000008_review_lists_as_json/up.sql"),
    include_str!("../../migrations/postgres/2026-11-28-000008_review_lists_as_json/down.sql"),
);

/// The other lists' migration (users, webhooks, actions, meetings, learning themes): (up, down).
const LISTS_SQLITE: (&str, &str) = (
    include_str!("../../migrations/sqlite/2026-11-29-000009_lists_as_json/up.sql"),
    include_str!("../../migrations/sqlite/2026-11-29-000009_lists_as_json/down.sql"),
);
const LISTS_POSTGRES: (&str, &str) = (
    include_str!("../../migrations/postgres/2026-11-29-000009_lists_as_json/up.sql"),
    include_str!("../../migrations/postgres/2026-11-29-000009_lists_as_json/down.sql"),
);

/// The duplicate look-ups' migration (the identity key and its indexes): (up, down).
const LOOKUPS_SQLITE: (&str, &str) = (
    include_str!("../../migrations/sqlite/2026-11-30-000012_duplicate_lookups/up.sql"),
    include_str!("../../migrations/sqlite/2026-11-30-000012_duplicate_lookups/down.sql"),
);
const LOOKUPS_POSTGRES: (&str, &str) = (
    include_str!("../../migrations/postgres/2026-11-30-000012_duplicate_lookups/up.sql"),
    include_str!("../../migrations/postgres/2026-11-30-000012_duplicate_lookups/down.sql"),
);

/// The oversight columns' migration (first allocation, the form's counted answers): (up, down).
const OVERSIGHT_SQLITE: (&str, &str) = (
    include_str!("../../migrations/sqlite/2026-12-10-000001_oversight_columns/up.sql"),
    include_str!("../../migrations/sqlite/2026-12-10-000001_oversight_columns/down.sql"),
);
const OVERSIGHT_POSTGRES: (&str, &str) = (
    include_str!("../../migrations/postgres/2026-12-10-000001_oversight_columns/up.sql"),
    include_str!("../../migrations/postgres/2026-12-10-000001_oversight_columns/down.sql"),
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

both_backends! {
    async fn the_identity_key_a_migration_fills_in_is_the_one_the_intake_writes(app) {
        let lead = person(&app, "lead", &["ics_lead"], "QOP").await;
        let pool = app.pool().clone();
        tokio::task::spawn_blocking(move || {
            demo::seed(&mut pool.get().unwrap(), 200, 11, false, today(), &mut |_| {})
        })
        .await
        .unwrap()
        .unwrap();
        let mixed = json!({"given_name": "McKENZIE", "family_name": "o'Brien-Smith",
                           "date_of_birth": "1958-01-09", "date_of_death": "2026-07-04"});
        let first = new_case(&app, &lead.token, &notification_with(mixed)).await;
        notify(&app, &opted_out()).await;
        let unnumbered = notification_with(json!({"nhs_number": null}));
        notify(&app, &unnumbered).await;
        sql_execute(&app, "CREATE TABLE keys_before AS SELECT id, identity_key FROM reviews").await;
        let kept = "SELECT COUNT(*) AS n FROM reviews WHERE identity_key IS NOT NULL";
        let with_key = sql_count(&app, kept).await;
        let identifiable = "SELECT COUNT(*) AS n FROM reviews WHERE given_name IS NOT NULL";
        assert_eq!(with_key, sql_count(&app, identifiable).await, "every identifiable review has a key");
        assert!(with_key > 200, "{with_key}");
        let (up, down) = match app.backend() {
            Backend::Sqlite => LOOKUPS_SQLITE,
            Backend::Postgres => LOOKUPS_POSTGRES,
        };
        run_sql(&app, down).await;
        run_sql(&app, up).await;
        // Every key the migration filled in is the one the application wrote, and an opt-out
        // (no names) has none.
        let differ = "SELECT COUNT(*) AS n FROM reviews r JOIN keys_before k ON k.id = r.id \
                      WHERE NOT (r.identity_key = k.identity_key \
                                 OR (r.identity_key IS NULL AND k.identity_key IS NULL))";
        assert_eq!(sql_count(&app, differ).await, 0);
        assert_eq!(sql_count(&app, kept).await, with_key);
        // So a later notification of a person stored before the migration still finds them.
        let shouted = json!({"given_name": "mckenzie", "family_name": "O'BRIEN-SMITH",
                             "date_of_birth": "1958-01-09", "date_of_death": "2026-07-04"});
        let reference = notify(&app, &notification_with(shouted)).await;
        assert_eq!(find(&app, &lead.token, &reference).await["id"], first["id"]);
    }
}

both_backends! {
    async fn the_oversight_columns_a_migration_fills_in_are_the_ones_the_application_writes(app) {
        let s = staff(&app).await;
        let pool = app.pool().clone();
        tokio::task::spawn_blocking(move || {
            demo::seed(&mut pool.get().unwrap(), 300, 12, false, today(), &mut |_| {})
        })
        .await
        .unwrap()
        .unwrap();
        // Allocated, then allocated again: the first allocation is the one kept.
        let id = crate::cases::id_of(&new_case(&app, &s.lead.token, &crate::cases::notification()).await);
        let allocate = |who: &str| json!({"action": "allocate", "reviewer_id": who, "reason": "leave"});
        act_ok(&app, &s.lead.token, &id, allocate(&s.reviewer.id)).await;
        act_ok(&app, &s.lead.token, &id, allocate(&s.reviewer2.id)).await;
        let columns = "id, first_allocated_at, learning_disability_level, referred_to_coroner, \
                       dols_authorisation_in_place, care_package_met_needs, \
                       out_of_area_placement, covid_vaccination";
        sql_execute(&app, &format!("CREATE TABLE oversight_before AS SELECT {columns} FROM reviews")).await;
        let counted = |column: &str| format!("SELECT COUNT(*) AS n FROM reviews WHERE {column} IS NOT NULL");
        let allocated = sql_count(&app, &counted("first_allocated_at")).await;
        let levels = sql_count(&app, &counted("learning_disability_level")).await;
        let answers = sql_count(&app, &counted("covid_vaccination")).await;
        assert!(allocated > 100 && levels > 100 && answers > 100, "{allocated} {levels} {answers}");
        let (up, down) = match app.backend() {
            Backend::Sqlite => OVERSIGHT_SQLITE,
            Backend::Postgres => OVERSIGHT_POSTGRES,
        };
        run_sql(&app, down).await;
        run_sql(&app, up).await;
        let same = |column: &str| format!(
            "SELECT COUNT(*) AS n FROM reviews r JOIN oversight_before b ON b.id = r.id \
             WHERE NOT (r.{column} = b.{column} OR (r.{column} IS NULL AND b.{column} IS NULL))"
        );
        for column in columns.split(", ").skip(2) {
            assert_eq!(sql_count(&app, &same(column)).await, 0, "{column} differs");
        }
        // The application stamps the allocation with the instant it decided it, and the history
        // entry with the instant it stored the change, microseconds apart: within a second.
        let apart = match app.backend() {
            Backend::Sqlite => "abs(julianday(r.first_allocated_at) - julianday(b.first_allocated_at)) * 86400",
            Backend::Postgres => "abs(extract(epoch FROM r.first_allocated_at - b.first_allocated_at))",
        };
        let moved = format!(
            "SELECT COUNT(*) AS n FROM reviews r JOIN oversight_before b ON b.id = r.id \
             WHERE (r.first_allocated_at IS NULL) <> (b.first_allocated_at IS NULL) OR {apart} >= 1"
        );
        assert_eq!(sql_count(&app, &moved).await, 0, "first_allocated_at differs");
        assert_eq!(sql_count(&app, &counted("first_allocated_at")).await, allocated);
        let kept = format!(
            "SELECT COUNT(*) AS n FROM reviews r WHERE r.id = '{id}' AND r.first_allocated_at = \
             (SELECT MIN(occurred_at) FROM review_history h WHERE h.review_id = r.id \
              AND h.action = 'transition:allocate')"
        );
        assert_eq!(sql_count(&app, &kept).await, 1, "the first of two allocations is kept");
    }
}

/// Webhook targets on 127.0.0.1 (where nothing listens, so deliveries fail fast).
fn local_hooks(c: &mut Config) {
    c.webhook_allowed_hosts = vec!["127.0.0.1".into()];
}

/// GET as `token`, answered 200.
async fn read(app: &TestApp, token: &str, path: &str) -> Value {
    json(app.get_as(path, token).await, 200).await
}

/// Every list-valued thing the API shows: users' roles, the caller's own roles, webhooks' event
/// types, actions' links, meetings' lists, learning points' themes (per review, across cases
/// by page, filtered and counted by theme) and the annual report's top themes.
async fn every_list(
    app: &TestApp,
    lead: &str,
    admin: &str,
    multi: &str,
    reviews: &[String],
) -> Value {
    let mut learning = Vec::new();
    for id in reviews {
        learning.push(read(app, lead, &format!("/api/v1/reviews/{id}/learning")).await);
    }
    let mut pages = Vec::new();
    let mut path = "/api/v1/learning?limit=1".to_owned();
    loop {
        let page = read(app, lead, &path).await;
        let next = page["next_cursor"].as_str().map(str::to_owned);
        pages.push(page);
        match next {
            Some(c) => path = format!("/api/v1/learning?limit=1&cursor={c}"),
            None => break,
        }
    }
    let hooks: Vec<Value> = read(app, lead, "/api/v1/webhooks").await["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|h| json!([h["id"], h["url"], h["event_types"]]))
        .collect();
    let plan = read(app, lead, "/api/v1/organisations/QOP/actions?limit=200").await;
    let mut actions = Vec::new();
    for a in plan["items"].as_array().expect("items") {
        let id = a["id"].as_str().expect("id");
        actions.push(read(app, lead, &format!("/api/v1/actions/{id}")).await);
    }
    let year = today().year();
    json!({
        "users": read(app, admin, "/api/v1/users?limit=200").await,
        "me": read(app, multi, "/api/v1/me").await["roles"],
        "webhooks": hooks,
        "plan": plan,
        "actions": actions,
        "meetings": read(app, lead, "/api/v1/organisations/QOP/meetings?limit=200").await["items"],
        "learning": learning,
        "across": pages,
        "themed": read(app, lead, "/api/v1/learning?theme=dysphagia&limit=200").await,
        "concerns": read(app, lead, "/api/v1/learning?kind=concern&limit=200").await,
        "report": read(app, lead, &format!("/api/v1/organisations/QOP/reports/annual?year={year}")).await["top_themes"],
    })
}

both_backends! {
    async fn every_list_reads_back_the_same_across_the_lists_as_json_migration(app, local_hooks) {
        let s = staff(&app).await;
        let admin = app.admin_token().await;
        let multi = person(&app, "mo.multi", &["qa_panel", "ics_lead"], "QOP").await;
        // Seeded learning (with themes) of QOP and other ICBs, then learning added by HTTP.
        let pool = app.pool().clone();
        tokio::task::spawn_blocking(move || {
            demo::seed(&mut pool.get().unwrap(), 60, 11, false, today(), &mut |_| {})
        })
        .await
        .unwrap()
        .unwrap();
        let completed = at_stage(&app, &s, "completed").await;
        let open = at_stage(&app, &s, "in_review").await;
        add_learning(&app, &s.lead.token, &open, &json!({
            "text": "Bowel charts were not kept.", "kind": "concern",
            "themes": ["physical_health_monitoring", "constipation", "dysphagia"]
        })).await;
        add_learning(&app, &s.lead.token, &open, &json!({
            "text": "The family were kept informed.", "kind": "good_practice", "themes": []
        })).await;
        let points: Vec<String> = read(&app, &s.lead.token, &format!("/api/v1/reviews/{open}/learning")).await["items"]
            .as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap().to_owned()).collect();
        let plan = "/api/v1/organisations/QOP/actions";
        json(app.post_as(plan, &s.lead.token, &json!({
            "title": "Repeat swallowing assessments", "outcome_measure": "95% within 7 days",
            "owner": "Community learning disability team", "due_date": ymd(today()),
            "themes": ["dysphagia", "aspiration_pneumonia"], "learning_ids": points,
        })).await, 201).await;
        json(app.post_as(plan, &s.lead.token, &json!({
            "title": "Share hospital passports", "outcome_measure": "Every admission",
            "owner": "Acute liaison nurses", "due_date": ymd(today()),
        })).await, 201).await;
        json(app.post_as("/api/v1/organisations/QOP/meetings", &s.lead.token, &json!({
            "kind": "steering_group", "held_on": ymd(today()),
            "attendee_roles": ["Local Area Contact", "Designated nurse, safeguarding",
                               "The \"LAC\" \\ deputy"],
            "reviews_discussed": [completed, open], "decisions": "Agreed two actions."
        })).await, 201).await;
        for types in [json!(["review.created", "review.status_changed"]), json!([])] {
            json(app.post_as("/api/v1/webhooks", &s.lead.token,
                             &json!({"url": "http://127.0.0.1:9/leder", "event_types": types})).await, 201).await;
        }
        let reviews = [completed.clone(), open.clone()];
        let before = every_list(&app, &s.lead.token, &admin, &multi.token, &reviews).await;
        assert_eq!(before["me"], json!(["ics_lead", "qa_panel"]));
        assert_eq!(before["meetings"][0]["attendee_roles"][2], "The \"LAC\" \\ deputy");
        assert!(before["across"].as_array().unwrap().len() > 3, "{}", before["across"]);

        let (up, down) = match app.backend() {
            Backend::Sqlite => LISTS_SQLITE,
            Backend::Postgres => LISTS_POSTGRES,
        };
        let as_json = "SELECT COUNT(*) AS n FROM users WHERE roles LIKE '[%' \
                       UNION ALL SELECT COUNT(*) AS n FROM webhooks WHERE event_types LIKE '[%' \
                       UNION ALL SELECT COUNT(*) AS n FROM actions WHERE learning_ids LIKE '[%' AND themes LIKE '[%' \
                       UNION ALL SELECT COUNT(*) AS n FROM meetings WHERE attendee_roles LIKE '[%' AND reviews_discussed LIKE '[%'";
        let total = |table: &str| format!("SELECT COUNT(*) AS n FROM {table}");
        let mut rows = 0;
        for table in ["users", "webhooks", "actions", "meetings"] {
            rows += sql_count(&app, &total(table)).await;
        }
        let themes = sql_count(&app, &total("learning_point_themes")).await;
        assert!(themes > 3);

        // Back to the comma-joined form: no brackets anywhere, themes one column again.
        run_sql(&app, down).await;
        let bracketed = format!("SELECT CAST(SUM(n) AS BIGINT) AS n FROM ({as_json}) AS lists");
        assert_eq!(sql_count(&app, &bracketed).await, 0);
        let joined = "SELECT COUNT(*) AS n FROM learning_points \
                      WHERE themes = 'constipation,dysphagia,physical_health_monitoring'";
        assert_eq!(sql_count(&app, joined).await, 1);
        let roles = "SELECT COUNT(*) AS n FROM users WHERE roles = 'ics_lead,qa_panel'";
        assert_eq!(sql_count(&app, roles).await, 1);
        let hooks = "SELECT COUNT(*) AS n FROM webhooks \
                     WHERE event_types IN ('review.created,review.status_changed', '')";
        assert_eq!(sql_count(&app, hooks).await, 2);
        let attendees = "SELECT COUNT(*) AS n FROM meetings \
                         WHERE attendee_roles LIKE 'Local Area Contact_Designated nurse, safeguarding_The \"LAC\" _ deputy'";
        assert_eq!(sql_count(&app, attendees).await, 1);

        // And forward again: every list reads back exactly as before.
        run_sql(&app, up).await;
        assert_eq!(sql_count(&app, &bracketed).await, rows);
        assert_eq!(sql_count(&app, &total("learning_point_themes")).await, themes);
        let after = every_list(&app, &s.lead.token, &admin, &multi.token, &reviews).await;
        assert_eq!(after, before);
    }
}
