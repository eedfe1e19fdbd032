//! What every handler shares: the pool, the configuration and the metrics.

use std::sync::Arc;

use leder_persistence::{DatabaseUrl, Pool};

use crate::audit::AuditWriter;
use crate::auth::caller::AuthState;
use crate::config::Config;
use crate::metrics::Metrics;

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub pool: Pool,
    /// The parsed database URL (readiness checks the SQLite file is still there).
    pub database_url: DatabaseUrl,
    /// The configuration the server started with.
    pub config: Arc<Config>,
    /// Request and pool metrics.
    pub metrics: Arc<Metrics>,
    /// Keys, token settings and the account-state cache.
    pub auth: Arc<AuthState>,
    /// The audit writer.
    pub audit: Arc<AuditWriter>,
    /// Per-address limits of the public intake.
    pub rate_limiter: Arc<crate::rate_limit::RateLimiter>,
}
