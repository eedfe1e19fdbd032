//! The sweep: removes stored objects that no document row names once they are older than a
//! few minutes (`LEDER_STORAGE_SWEEP_AGE_MINUTES`): those of an upload whose process died
//! between writing the object and committing its row, and those whose rows an opt-out or a
//! disposal removed when their own removal failed. A running server sweeps every
//! `LEDER_STORAGE_SWEEP_EVERY_MINUTES`; `leder storage sweep` sweeps now. Replicas may sweep
//! at once: a removal is idempotent, and an object a row names is never removed.

use std::time::Duration;

use leder_persistence::Pool;
use leder_persistence::repo::evidence::attachments;

use crate::error::ApiError;
use crate::storage::Storage;

/// What a sweep saw and did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepSummary {
    /// Objects older than the age.
    pub examined: u64,
    /// Of which no row named, removed now.
    pub removed: u64,
}

/// Sweeps objects older than `age` that no row names.
pub async fn run(storage: &Storage, pool: &Pool, age: Duration) -> Result<SweepSummary, ApiError> {
    let keys = storage
        .older_than(age)
        .await
        .map_err(super::receive::unavailable)?;
    let mut summary = SweepSummary {
        examined: keys.len() as u64,
        removed: 0,
    };
    for batch in keys.chunks(500) {
        let batch = batch.to_vec();
        let asked = batch.clone();
        let named = crate::db::run_on(pool, move |conn| attachments::named(conn, &asked)).await?;
        for key in batch.iter().filter(|k| !named.contains(*k)) {
            storage
                .delete(key)
                .await
                .map_err(super::receive::unavailable)?;
            log::info!("storage sweep: removed {key}, which no document names");
            summary.removed += 1;
        }
    }
    Ok(summary)
}

/// The server's sweep, every `minutes`.
pub async fn every(state: actix_web::web::Data<crate::state::AppState>, minutes: u64) {
    let interval = Duration::from_secs(minutes * 60);
    let age = Duration::from_secs(state.config.evidence.sweep_age_minutes * 60);
    let mut ticks =
        actix_web::rt::time::interval_at(actix_web::rt::time::Instant::now() + interval, interval);
    loop {
        ticks.tick().await;
        if let Err(e) = run(&state.storage, &state.pool, age).await {
            log::warn!("storage sweep: nothing removed this time: {e}");
        }
    }
}
