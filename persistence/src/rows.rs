//! Row types, one module per table family: what Diesel reads and writes, nothing more.

pub mod cases;
pub mod identity;
pub mod organisations;
