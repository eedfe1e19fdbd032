//! The hot queries search an index on SQLite, never scan a growing table.
//!
//! Each hot path (the intake's duplicate look-ups, an ICB's first page of reviews, one review,
//! the learning list, the events feed, a subject's audit entries) runs through its real
//! repository function on a freshly migrated database while every statement it sends is
//! recorded; each recorded statement is then asked for `EXPLAIN QUERY PLAN`. A `SCAN` of
//! `reviews`, `audit_log`, `events` or `learning_points` fails the test (SQLite's `SCAN t
//! USING INDEX` walks an index in order, and `SEARCH` is a look-up: both are fine). With no
//! statistics gathered, SQLite plans for large tables, as it would in production.
#![allow(
    clippy::unwrap_used,
    missing_docs,
    reason = "a test fails by panicking, and its name says what it checks"
)]

use std::sync::{Arc, Mutex};

use diesel::connection::{Connection, InstrumentationEvent};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use leder_domain::review::{NewCase, NotifiedPerson, Resolution, Review};
use leder_domain::{NhsNumber, OdsCode, Sex};
use leder_persistence::repo::learning::{self, LearningFilter};
use leder_persistence::repo::notifications::{PersonKey, same_person};
use leder_persistence::repo::reviews::{self, CaseScope, ReviewFilter};
use leder_persistence::repo::{audit, events, users};
use leder_persistence::schema::reviews as reviews_table;
use leder_persistence::stored::review::row_from_review;
use leder_persistence::{DatabaseUrl, DbConnection};
use time::macros::{date, datetime};

/// Tables that grow with use: a full scan of one is a query that slows as the service ages.
const GROWING: [&str; 4] = ["reviews", "audit_log", "events", "learning_points"];

#[derive(QueryableByName)]
struct PlanRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    detail: String,
}

/// A migrated SQLite database in a folder of its own, removed when dropped.
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch() -> (Scratch, DatabaseUrl) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "query-plans-{}-{}",
        std::process::id(),
        uuid::Uuid::now_v7()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let url = DatabaseUrl::parse(&format!("sqlite://{}", dir.join("plans.db").display())).unwrap();
    let mut conn = url.connect().unwrap();
    leder_persistence::migrate::run(&mut conn).unwrap();
    (Scratch(dir), url)
}

/// Runs `work` on a connection that records every statement it sends (without its binds).
fn statements_of(url: &DatabaseUrl, work: impl FnOnce(&mut DbConnection)) -> Vec<String> {
    let mut conn = url.connect().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let DbConnection::Sqlite(sqlite) = &mut conn else {
        panic!("a SQLite connection")
    };
    let sink = Arc::clone(&seen);
    sqlite.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            let text = query.to_string();
            let sql = text
                .rsplit_once(" -- binds: ")
                .map_or(text.as_str(), |(sql, _)| sql);
            sink.lock().unwrap().push(sql.to_owned());
        }
    });
    work(&mut conn);
    let seen = seen.lock().unwrap().clone();
    seen.into_iter()
        .filter(|sql| sql.trim_start().to_ascii_uppercase().starts_with("SELECT"))
        .collect()
}

/// The plan of each statement (parameters left unbound: the plan does not depend on them).
fn full_scans(url: &DatabaseUrl, statements: &[String]) -> Vec<String> {
    let mut conn = url.connect().unwrap();
    let mut scans = Vec::new();
    for sql in statements {
        let plan: Vec<PlanRow> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
            .load(&mut conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        for step in plan {
            let mut words = step.detail.split_whitespace();
            let scans_growing = words.next() == Some("SCAN")
                && words.next().is_some_and(|t| GROWING.contains(&t))
                && !step.detail.contains(" USING ");
            if scans_growing {
                scans.push(format!("{} (step {}) in: {sql}", step.detail, step.id));
            }
        }
    }
    scans
}

fn assert_searches(url: &DatabaseUrl, what: &str, work: impl FnOnce(&mut DbConnection)) {
    let statements = statements_of(url, work);
    assert!(!statements.is_empty(), "{what}: no statement recorded");
    let scans = full_scans(url, &statements);
    assert!(
        scans.is_empty(),
        "{what} scans a growing table:\n{}",
        scans.join("\n")
    );
}

/// One stored review, so that reading it runs every statement a read runs.
fn one_review(url: &DatabaseUrl) -> String {
    let (review, _) = Review::notified(NewCase {
        id: uuid::Uuid::now_v7().to_string(),
        reference: "LDR-0000000A".into(),
        person: NotifiedPerson {
            given_name: "Ada".into(),
            family_name: "Lovelace".into(),
            nhs_number: Some(NhsNumber::parse("9434765919").unwrap()),
            date_of_birth: date!(1961 - 03 - 02),
            date_of_death: date!(2026 - 10 - 01),
            sex: Sex::Female,
            ethnic_category: None,
            learning_disability: true,
            autistic: false,
            lived_in_england: true,
            place_of_death: None,
        },
        opt_out: leder_domain::review::OptOutAnswer::No,
        family_request: false,
        resolution: Resolution {
            icb: OdsCode::parse("QOP").unwrap(),
            area_code: "QOP".into(),
            sub_icb_location: None,
        },
        notified_at: datetime!(2026 - 10 - 05 10:00),
        notified_on: date!(2026 - 10 - 05),
    })
    .unwrap();
    let mut conn = url.connect().unwrap();
    diesel::insert_into(reviews_table::table)
        .values(&row_from_review(&review))
        .execute(&mut conn)
        .unwrap();
    review.id.clone()
}

#[test]
fn the_hot_queries_search_indexes_and_never_scan_a_growing_table() {
    let (_dir, url) = scratch();
    let id = one_review(&url);
    let icb = CaseScope::Icb("QOP".into());
    // The check sees a scan: the duplicate look-up as one `OR` (before migration 000012).
    let old_lookup = "SELECT id FROM reviews WHERE nhs_number = ? OR (lower(given_name) = ? \
                      AND lower(family_name) = ? AND date_of_birth = ? AND date_of_death = ?) \
                      ORDER BY notified_at LIMIT 1";
    assert_eq!(full_scans(&url, &[old_lookup.to_owned()]).len(), 1);

    assert_searches(&url, "the intake's duplicate look-ups", |conn| {
        let person = PersonKey {
            nhs_number: Some("9434765919".into()),
            given_name: "Ada".into(),
            family_name: "Lovelace".into(),
            date_of_birth: date!(1961 - 03 - 02),
            date_of_death: date!(2026 - 10 - 01),
        };
        assert!(same_person(conn, &person).unwrap().is_some());
        let unnumbered = PersonKey {
            nhs_number: None,
            ..person
        };
        assert!(same_person(conn, &unnumbered).unwrap().is_some());
    });
    assert_searches(&url, "an ICB's first page of reviews", |conn| {
        let rows = reviews::list(conn, &icb, &ReviewFilter::default(), 26).unwrap();
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        reviews::holds_of(conn, &ids).unwrap();
    });
    assert_searches(
        &url,
        "an ICB's filtered and later pages of reviews",
        |conn| {
            let filters = [
                ReviewFilter {
                    status: Some("awaiting_allocation".into()),
                    ..ReviewFilter::default()
                },
                ReviewFilter {
                    reviewer_id: Some("someone".into()),
                    ..ReviewFilter::default()
                },
                ReviewFilter {
                    reference: Some("LDR-0000000A".into()),
                    ..ReviewFilter::default()
                },
                ReviewFilter {
                    review_type: Some("initial".into()),
                    ..ReviewFilter::default()
                },
                ReviewFilter {
                    notified_from: Some(date!(2026 - 10 - 01)),
                    notified_to: Some(date!(2026 - 10 - 31)),
                    ..ReviewFilter::default()
                },
                ReviewFilter {
                    after: Some((datetime!(2026 - 10 - 05 10:00), id.clone())),
                    ..ReviewFilter::default()
                },
            ];
            for filter in &filters {
                reviews::list(conn, &icb, filter, 26).unwrap();
            }
        },
    );
    assert_searches(&url, "a search by NHS number or by date of birth", |conn| {
        for filter in [
            ReviewFilter {
                nhs_number: Some("9434765919".into()),
                ..ReviewFilter::default()
            },
            ReviewFilter {
                date_of_birth: Some(date!(1961 - 03 - 02)),
                ..ReviewFilter::default()
            },
        ] {
            assert_eq!(reviews::list(conn, &icb, &filter, 26).unwrap().len(), 1);
        }
    });
    assert_searches(&url, "a reviewer's first page of reviews", |conn| {
        let mine = CaseScope::Reviewer {
            organisation: "QOP".into(),
            user_id: "someone".into(),
        };
        reviews::list(conn, &mine, &ReviewFilter::default(), 26).unwrap();
    });
    assert_searches(&url, "one review by id", |conn| {
        assert!(reviews::get_scoped(conn, &id, &icb).unwrap().is_some());
    });
    assert_searches(&url, "one review's history and learning", |conn| {
        reviews::history(conn, &id).unwrap();
        reviews::learning(conn, &id).unwrap();
        reviews::learning_point(conn, "no such point").unwrap();
    });
    assert_searches(&url, "an ICB's open reviews (a transfer)", |conn| {
        reviews::open_of(conn, "QOP").unwrap();
    });
    assert_searches(&url, "the account behind a token", |conn| {
        users::get(conn, "no such user").unwrap();
    });
    assert_searches(&url, "an audit append (the chain's head)", |conn| {
        let key = audit::AuditKey::new(&[7u8; 32]).unwrap();
        let chain = audit::AuditChain::new("plans", key);
        let entry = audit::NewAuditEntry {
            occurred_at: datetime!(2026 - 10 - 05 10:00),
            actor_kind: "anonymous".into(),
            actor_id: None,
            actor_roles: String::new(),
            actor_organisation: None,
            method: "GET".into(),
            route: "/plans".into(),
            action: "read".into(),
            subject: Some(format!("review:{id}")),
            subject_organisation: Some("QOP".into()),
            outcome: "success".into(),
            client_address: None,
        };
        audit::append_batch(conn, &chain, &[entry]).unwrap();
    });
    assert_searches(&url, "an ICB's learning list", |conn| {
        let filter = LearningFilter::default();
        learning::page_across(conn, "QOP", &filter, None, 26).unwrap();
        learning::page_across(conn, "QOP", &filter, Some(&id), 26).unwrap();
    });
    assert_searches(&url, "a page of the events feed", |conn| {
        events::after(conn, "QOP", 0, 50).unwrap();
        events::after(conn, "QOP", 1_000, 50).unwrap();
    });
    assert_searches(&url, "a subject's audit entries", |conn| {
        let subject = format!("review:{id}");
        audit::by_subject(conn, &subject, Some("QOP"), None, 26).unwrap();
        let after = Some((datetime!(2026 - 10 - 05 10:00), "chain".to_owned(), 3));
        audit::by_subject(conn, &subject, None, after, 26).unwrap();
    });
}

/// The plan steps of every statement `work` sends.
fn plans_of(url: &DatabaseUrl, work: impl FnOnce(&mut DbConnection)) -> Vec<(String, String)> {
    let statements = statements_of(url, work);
    let mut conn = url.connect().unwrap();
    let mut steps = Vec::new();
    for sql in statements {
        let plan: Vec<PlanRow> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
            .load(&mut conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        steps.extend(plan.into_iter().map(|p| (p.detail, sql.clone())));
    }
    steps
}

/// A dashboard's days from notification to first allocation come from one range of
/// `reviews_first_allocation` per ICB, never from the history: looked up in the history once
/// per review of the ICBs, a region's dashboard took 0.27 s warm and 3.8 s cold at 1,000,000
/// reviews (and over ten minutes when SQLite walked the history by action).
#[test]
fn a_dashboard_reads_first_allocations_from_their_index_never_the_history() {
    let (_dir, url) = scratch();
    let steps = plans_of(&url, |conn| {
        leder_persistence::repo::dashboard::dashboard_counts(
            conn,
            &["QOP".to_owned(), "QE1".to_owned()],
            date!(2026 - 10 - 01),
            datetime!(2025 - 11 - 29 00:00),
            date!(2025 - 11 - 29),
        )
        .unwrap();
    });
    let history: Vec<_> = steps
        .iter()
        .filter(|(_, sql)| sql.contains("review_history"))
        .collect();
    assert!(
        history.is_empty(),
        "a dashboard read the history: {history:?}"
    );
    assert!(
        steps.iter().any(|(detail, _)| detail
            == "SEARCH reviews USING COVERING INDEX reviews_first_allocation \
                (organisation=? AND first_allocated_at>?)"),
        "days to allocation not read from reviews_first_allocation: {steps:#?}"
    );
}

/// Every national figure, by every breakdown, is counted from the covering index
/// `reviews_national`: none reads the wide rows (the form's JSON was parsed per review for the
/// level of learning disability and the second form's answers: 8 s at 1,000,000 reviews).
#[test]
fn national_statistics_read_the_covering_index_only() {
    use leder_domain::Cohort;
    use leder_domain::breakdown::Breakdown;
    use leder_persistence::repo::national::{Selection, statistics_counts};

    let (_dir, url) = scratch();
    let selection = Selection {
        year: Some(2025),
        include_open: false,
        cohort: Some(Cohort::AdultsLd),
        real_only: true,
    };
    for by in [
        None,
        Some(Breakdown::Cohort),
        Some(Breakdown::LearningDisabilityLevel),
        Some(Breakdown::AgeBand),
        Some(Breakdown::EthnicGroup),
    ] {
        let steps = plans_of(&url, |conn| {
            statistics_counts(conn, &selection, by).unwrap();
        });
        let reads: Vec<_> = steps
            .iter()
            .filter(|(detail, _)| {
                detail.starts_with("SCAN reviews") || detail.starts_with("SEARCH reviews")
            })
            .collect();
        assert_eq!(
            reads.len(),
            5,
            "{by:?}: one read of reviews per query: {steps:#?}"
        );
        for (detail, sql) in reads {
            assert!(
                detail.contains("USING COVERING INDEX reviews_national"),
                "{by:?}: {detail} in: {sql}"
            );
        }
    }
}
