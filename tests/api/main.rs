//! Black-box tests of leder over real HTTP: each test starts the real server on port 0 with a
//! fresh database, on SQLite and (when `LEDER_TEST_POSTGRES_URL` is set) on PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "tests fail by panicking, and their names say what they check"
)]

mod helpers;
mod process;

mod actions;
mod annual_report;
mod audit;
mod authorize;
mod avoidable_versions;
mod backup;
mod bringing_cases_in;
mod case_actions;
mod case_notes;
mod case_notifications;
mod cases;
mod client_assertion;
mod clocks;
mod contract;
mod control_characters;
mod corrections;
mod dashboard;
mod disk_full;
mod errors;
mod events;
mod evidence;
mod evidence_lifecycle;
mod evidence_memory;
mod evidence_support;
mod family;
mod faults;
mod federation;
mod governance;
mod hardening;
mod idempotency;
mod identity;
mod import;
mod intake_errors;
mod interrupted_migration;
mod journeys;
mod learning;
mod matrix;
mod matrix_evidence;
mod moves;
mod national_access;
mod national_cohorts;
mod national_records;
mod national_statistics;
mod notifications;
mod oidc;
mod operations;
mod organisations;
mod overload;
mod quarterly_report;
mod races;
mod refusals;
mod regional;
mod replicas;
mod retention;
mod review_form;
mod review_lists;
mod reviews;
mod rotation;
mod search;
mod second_factor;
mod seed_demo;
mod sessions;
mod staff;
mod tokens;
mod transfers;
mod transitions;
mod upgrade;
mod webhook_kill;
mod webhook_safety;
mod webhooks;
mod workflow_rules;
