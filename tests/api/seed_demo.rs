//! `leder seed-demo` and the demo case-insertion API.
