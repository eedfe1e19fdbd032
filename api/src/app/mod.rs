//! The application layer: the use cases between the routes and persistence. A handler extracts
//! and parses its request, calls one function here, and renders what it returns; the rules
//! themselves are the domain's.

pub mod accounts;
pub mod actions;
pub mod authorize;
pub mod case_actions;
pub mod case_notes;
pub mod case_notifications;
pub mod clocks;
pub mod dashboard;
pub mod escalations;
pub mod evidence;
pub mod family;
pub mod federated_sign_in;
pub mod federation;
pub mod governance;
pub mod imports;
pub mod intake;
pub mod learning;
pub mod moves;
pub mod opt_out;
pub mod organisations;
pub mod passwords;
pub mod reassessment;
pub mod reports;
pub mod retention;
pub mod reviews;
pub mod routing;
pub mod second_factor;
pub mod session_ends;
pub mod sessions;
pub mod sign_in;
pub mod transfers;
pub mod transitions;
pub mod webhooks;
