//! Row types, one module per table family: what Diesel reads and writes, nothing more.

pub mod identity;
pub mod organisations;
