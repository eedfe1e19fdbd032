//! What the repositories hand out: typed records, not rows. A row (`crate::rows`) is Diesel's
//! shape of a table, with list-valued columns as JSON text and enumerations as their wire
//! names; a record is what the rest of leder reads, with every list and name already parsed.
//! The mapping between the two lives here and nowhere else, and a stored value that does not
//! parse is [`crate::PersistenceError::Corrupt`] naming the row, never an empty default.
//! `scripts/check-deps.sh` fails when a file of `api/` names a row.

pub mod action_plan;
pub mod case_notes;
pub mod cases;
pub mod evidence;
pub mod family;
pub mod idempotency;
pub mod identity;
pub mod moves;
pub mod organisations;
pub mod sessions;
pub mod webhooks;
