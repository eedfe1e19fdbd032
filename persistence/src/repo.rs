//! Repository functions, one module per aggregate. Each takes `&mut DbConnection`; the API layer
//! runs them on a blocking thread through its one database helper.

pub mod action_plan;
pub mod audit;
pub mod clients;
pub mod events;
pub mod governance;
pub mod health;
pub mod idempotency;
pub mod learning;
pub mod national;
pub mod notifications;
pub mod organisations;
pub mod rate_limits;
pub mod reassessment;
pub mod reports;
pub mod retention;
pub mod review_store;
pub mod reviews;
pub mod seed;
pub mod users;
pub mod webhooks;
