//! The life of a webhook subscription: the one vocabulary of its status, from the database to
//! the contract (API.md, "For case systems").

use crate::wire::wire_enum;

wire_enum! {
    /// Where a subscription stands.
    pub enum WebhookStatus as "webhook status" {
        /// Deliveries go out.
        Active => "active",
        /// Deliveries stopped after repeated failures, until the ICB resumes it.
        Paused => "paused",
        /// Deleted by the ICB: kept for its delivery log, never delivered to again.
        Deleted => "deleted",
    }
}
