//! Repository functions, one module per aggregate. Each takes `&mut DbConnection`; the API layer
//! runs them on a blocking thread through its one database helper.
//!
//! A look-up of one row by a key takes the first row with `get_result`, not `first`: `first`
//! binds `LIMIT ?`, and SQLite (3.47 on) prepares a statement whose `LIMIT` is a bound value
//! twice, once more whenever the value is bound, which made each such look-up cost two
//! statement compilations (a third of an audited case read's instructions, measured with
//! `make bench`). `first` stays where a query may match many rows.

pub mod action_plan;
pub mod audit;
pub mod authorization_codes;
pub(crate) mod bulk;
pub mod case_notes;
pub mod case_notifications;
pub mod clients;
pub mod clocks;
pub mod dashboard;
pub mod escalations;
pub mod events;
pub mod evidence;
pub mod family;
pub mod governance;
pub mod health;
pub mod idempotency;
pub mod imports;
pub mod learning;
pub mod moves;
pub mod national;
pub mod notifications;
pub mod organisations;
pub mod rate_limits;
pub mod reassessment;
pub mod reports;
pub mod retention;
pub mod review_store;
pub mod reviews;
pub mod second_factor;
pub mod seed;
pub mod sessions;
pub mod staff;
pub mod used_once;
pub mod users;
pub mod webhooks;
