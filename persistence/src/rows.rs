//! Row types, one module per table family: what Diesel reads and writes, nothing more.
//!
//! Every insertable row writes `None` as `NULL` (`treat_none_as_default_value = false`; no
//! nullable column has another default). Otherwise Diesel leaves `None` columns out of a
//! SQLite `INSERT`, so the statement's text depends on the values, and it is built and
//! compiled anew for every row rather than prepared once (most of a notification's
//! instructions, measured with `make bench`).

pub mod action_plan;
pub mod case_notes;
pub mod cases;
pub mod evidence;
pub mod family;
pub mod identity;
pub mod moves;
pub mod organisations;
pub mod sessions;
pub mod webhooks;
