//! A search within an ICB (by NHS number, by date of birth for names) reads an index on both
//! engines. SQLite's plans of the statements the repository really sends are checked in
//! `query_plans.rs`; here PostgreSQL is asked, with sequential scans priced out, to plan the
//! same statements (written as the repository sends them, with values in place of binds): a
//! plan with no usable index would still scan `reviews`.
#![allow(
    clippy::unwrap_used,
    missing_docs,
    reason = "a test fails by panicking, and its name says what it checks"
)]

mod common;

use diesel::prelude::*;
use diesel::sql_types::Text;
use leder_persistence::DbConnection;

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

const SEARCHES: [&str; 2] = [
    "SELECT id FROM reviews WHERE organisation = 'QOP' AND nhs_number = '9434765919' \
     ORDER BY notified_at, id LIMIT 27",
    "SELECT id FROM reviews WHERE organisation = 'QOP' AND date_of_birth = '1961-03-02' \
     ORDER BY notified_at, id LIMIT 27",
];

#[derive(QueryableByName)]
struct SqlitePlanRow {
    #[diesel(sql_type = Text)]
    detail: String,
}

fn sqlite_plans_search(conn: &mut DbConnection) {
    let DbConnection::Sqlite(lite) = conn else {
        panic!("a SQLite connection")
    };
    for sql in SEARCHES {
        let plan: Vec<SqlitePlanRow> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
            .load(lite)
            .unwrap();
        let text: Vec<String> = plan.into_iter().map(|p| p.detail).collect();
        assert!(
            text.iter()
                .any(|d| d.starts_with("SEARCH reviews USING") && d.contains("INDEX")),
            "{sql}\n{text:?}"
        );
        assert!(!text.iter().any(|d| d == "SCAN reviews"), "{sql}\n{text:?}");
    }
}

fn plans_use_indexes(conn: &mut DbConnection) {
    let DbConnection::Postgresql(pg) = conn else {
        panic!("a PostgreSQL connection")
    };
    diesel::sql_query("SET enable_seqscan = off")
        .execute(pg)
        .unwrap();
    for sql in SEARCHES {
        let plan: Vec<PlanLine> = diesel::sql_query(format!("EXPLAIN {sql}"))
            .load(pg)
            .unwrap();
        let text: Vec<String> = plan.into_iter().map(|p| p.line).collect();
        let text = text.join("\n");
        assert!(!text.contains("Seq Scan on reviews"), "{sql}\n{text}");
        assert!(
            text.contains("reviews_nhs_number")
                || text.contains("reviews_nhs_first")
                || text.contains("reviews_org_date_of_birth"),
            "{sql}\n{text}"
        );
    }
}

#[test]
fn a_search_by_nhs_number_or_date_of_birth_reads_an_index_on_sqlite() {
    common::on_sqlite("search_plans", sqlite_plans_search);
}

#[test]
fn a_search_by_nhs_number_or_date_of_birth_reads_an_index_on_postgres() {
    common::on_postgres("search_plans", plans_use_indexes);
}
