//! Synthetic demo data: `leder seed-demo` and a case-insertion API for tests.
