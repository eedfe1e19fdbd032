//! Batch inserts of synthetic demo data (`leder seed-demo`).
