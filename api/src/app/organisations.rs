//! The organisation hierarchy as the use cases need it: loaded once per reference import and
//! shared through the application state.

use std::sync::Arc;

use leder_domain::organisations::Hierarchy;
use leder_persistence::repo::organisations as orgs;

use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// The organisation hierarchy. It is loaded again only when a newer reference import has been
/// recorded (one small query), so every replica sees an import at once.
pub async fn hierarchy(state: &AppState) -> Result<Arc<Hierarchy>, ApiError> {
    let latest = db::run(state, orgs::latest_import).await?;
    if let Ok(cached) = state.hierarchy.lock()
        && let Some((import, h)) = cached.as_ref()
        && *import == latest
    {
        return Ok(h.clone());
    }
    let loaded = Arc::new(db::run(state, orgs::load_hierarchy).await?);
    if let Ok(mut cached) = state.hierarchy.lock() {
        *cached = Some((latest, loaded.clone()));
    }
    Ok(loaded)
}
