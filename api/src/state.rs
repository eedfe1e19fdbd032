//! What every handler shares: the pool, the configuration and the metrics.

use std::sync::Arc;

use leder_domain::organisations::Hierarchy;
use leder_persistence::{DatabaseUrl, Pool};

use crate::audit::AuditWriter;
use crate::auth::caller::AuthState;
use crate::config::Config;
use crate::metrics::Metrics;

/// The hierarchy with the id of the reference import it was loaded after.
pub type CachedHierarchy = (Option<String>, Arc<Hierarchy>);

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
    /// The organisation hierarchy, loaded once per reference import.
    pub hierarchy: Arc<std::sync::Mutex<Option<CachedHierarchy>>>,
    /// Per-address limit of the public intake, shared by the replicas.
    pub rate_limiter: Arc<crate::rate_limit::SharedLimit>,
    /// Per-address budget of failed sign-ins (token endpoint and `/me/password`), shared by the
    /// replicas.
    pub sign_in_limiter: Arc<crate::rate_limit::SharedLimit>,
    /// The key of the national extract's pseudonyms.
    pub pseudonym_key: Arc<leder_domain::pseudonym::PseudonymKey>,
    /// Hashes new passwords at the configured cost.
    pub passwords: Arc<crate::auth::password::Hasher>,
    /// Where documents are kept.
    pub storage: crate::storage::Storage,
    /// Per-address limit of upload links, shared by the replicas.
    pub upload_limiter: Arc<crate::rate_limit::SharedLimit>,
    /// The OpenID provider leder federates with, if any.
    pub federation: Option<Arc<crate::app::federation::Provider>>,
}
