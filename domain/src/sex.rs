//! Sex as notified (API.md: `female|male|indeterminate|not_known`).
//!
//! A quasi-identifier of the national extract (DOMAIN.md, "Publishing anonymised data").

use crate::wire::wire_enum;

wire_enum! {
    /// The person's sex as notified.
    pub enum Sex as "sex" {
        /// Female.
        Female => "female",
        /// Male.
        Male => "male",
        /// Indeterminate (unable to be classified as either male or female).
        Indeterminate => "indeterminate",
        /// Not known (not recorded).
        NotKnown => "not_known",
    }
}
