//! How the domain's types are stored: a review's row to [`leder_domain::review::Review`] and
//! back, and the stored JSON shapes, which are this crate's own and versioned.

pub mod findings;
pub mod lists;
pub mod notified;
pub mod review;
