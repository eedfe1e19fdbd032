//! Row types, one module per table family: what Diesel reads and writes, nothing more.

pub mod action_plan;
pub mod cases;
pub mod identity;
pub mod organisations;
pub mod webhooks;
