//! Configuration from the environment. A bad value stops start-up with one line naming the
//! variable; nothing is silently defaulted once a variable is set.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use parse::{flag, list, number};

/// The default embedded database: a file under `data/`, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/leder.db";
/// The default listen address.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// The default request body limit: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
/// The default limit of an import's file sent over HTTP: 256 MiB.
pub const DEFAULT_IMPORT_BODY_LIMIT: usize = 256 * 1024 * 1024;

/// The server's configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `LEDER_DATABASE_URL`: `sqlite://...` (default `sqlite://data/leder.db`) or `postgres://...`.
    pub database_url: String,
    /// `LEDER_BIND`: the listen address (default `127.0.0.1:8080`; port 0 picks a free port).
    pub bind: SocketAddr,
    /// `LEDER_ADMIN_BIND`: a second, internal listen address where `/metrics` needs no token.
    pub admin_bind: Option<SocketAddr>,
    /// `LEDER_POOL_SIZE`: the most database connections (default 10).
    pub pool_size: u32,
    /// `LEDER_POOL_TIMEOUT_MS`: how long a request waits for a connection before a 503 (default 2000).
    pub pool_timeout: Duration,
    /// `LEDER_BODY_LIMIT`: the largest request body in bytes (default 1 MiB).
    pub body_limit: usize,
    /// `LEDER_WORKERS`: HTTP worker threads (default: one per core).
    pub workers: usize,
    /// `LEDER_SHUTDOWN_TIMEOUT_SECS`: how long in-flight requests may run after SIGTERM (default 30).
    pub shutdown_timeout: u64,
    /// `LEDER_JWT_KEYS_DIR`: folder of Ed25519 keys (`<kid>.pem` private, `<kid>.pub.pem`
    /// verify-only). Default on SQLite: `<data folder>/jwt-keys`, generated on first start;
    /// required on PostgreSQL, where replicas must share keys.
    pub jwt_keys_dir: Option<PathBuf>,
    /// `LEDER_JWT_SIGNING_KID`: which private key signs (default: the last kid in name order).
    pub jwt_signing_kid: Option<String>,
    /// `LEDER_JWT_ISSUER` (default `leder`).
    pub jwt_issuer: String,
    /// `LEDER_JWT_AUDIENCE` (default `leder-api`).
    pub jwt_audience: String,
    /// `LEDER_TOKEN_LIFETIME_SECS`: access-token lifetime (default 900, 15 minutes).
    pub token_lifetime: Duration,
    /// `LEDER_BOOTSTRAP_ADMIN_PASSWORD`: the first admin's password (else random, logged once).
    pub bootstrap_admin_password: Option<String>,
    /// `LEDER_REPLICA_ID`: this replica's audit chain (default: the host name).
    pub replica_id: String,
    /// `LEDER_TRUSTED_PROXIES`: comma-separated proxy addresses whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// `LEDER_CORS_ORIGINS`: comma-separated front-end origins allowed by CORS (default none: off).
    pub cors_origins: Vec<String>,
    /// `LEDER_NOTIFICATION_RATE_LIMIT`: notifications per minute from one address (default 120,
    /// generous so that a busy hospital is not blocked).
    pub notification_rate_limit: u32,
    /// `LEDER_WEBHOOK_ALLOWED_HOSTS`: hosts that may receive webhooks over plain http (local
    /// systems and tests); every other target must be https.
    pub webhook_allowed_hosts: Vec<String>,
    /// `LEDER_WEBHOOK_RESOLVE`: comma-separated `name=address` pairs, addresses the delivery
    /// worker uses for these names instead of asking DNS (as `curl --resolve` does); they pass
    /// the same address rules as resolved ones.
    pub webhook_resolve: Vec<(String, IpAddr)>,
    /// `LEDER_WEBHOOK_POLL_MS`: how often the delivery worker looks for work (default 1000).
    pub webhook_poll: Duration,
    /// `LEDER_WEBHOOK_BACKOFF_MS`: the first retry delay, doubled per failure up to an hour
    /// (default 2000).
    pub webhook_backoff: Duration,
    /// `LEDER_WEBHOOK_MAX_FAILURES`: failed attempts in a row before a subscription is paused
    /// (default 10).
    pub webhook_max_failures: i64,
    /// `LEDER_WEBHOOK_TIMEOUT_MS`: how long one delivery may take (default 10000).
    pub webhook_timeout: Duration,
    /// `LEDER_LOGIN_MAX_FAILURES`: failed sign-ins in a row before the account locks (default 5).
    pub login_max_failures: i64,
    /// `LEDER_LOGIN_LOCK_SECS`: how long a locked account stays locked (default 900).
    pub login_lock: Duration,
    /// `LEDER_LOGIN_FAILURE_DELAY_MS`: added to every failed sign-in answer (default 300).
    pub login_failure_delay: Duration,
    /// `LEDER_PASSWORD_HASH_MEMORY_KIB` and `LEDER_PASSWORD_HASH_ITERATIONS`: the argon2id cost
    /// of new password hashes (default 19456 KiB and 2 passes, OWASP's minimum). Lower only for
    /// throwaway accounts, as the tests do.
    pub password_cost: crate::auth::password::Cost,
    /// `LEDER_PSEUDONYM_KEY`: the secret key of the national extract's pseudonyms (its UTF-8
    /// bytes, at least 32). Default on SQLite: `<data folder>/pseudonym.key`, generated on first
    /// start; required on PostgreSQL, where every replica must give a person the same pseudonym.
    pub pseudonym_key: Option<String>,
    /// `LEDER_AUDIT_KEY`: the secret that keys the audit trail's hashes (its UTF-8 bytes, at
    /// least 32), kept outside the database so that someone who can write to it cannot rewrite
    /// the trail unseen. Default on SQLite: `<data folder>/audit.key`, generated on first start;
    /// required on PostgreSQL, where every replica's chain is verified with it.
    pub audit_key: Option<String>,
    /// `LEDER_AUDIT_CHECKPOINT_FILE`: where checkpoints of every audit chain's head are appended,
    /// one sealed JSON line each, for an operator to ship elsewhere; `leder audit verify` checks
    /// the trail against the last. Default: `<data folder>/audit-checkpoints.ndjson` on SQLite,
    /// `audit-checkpoints.ndjson` in the working folder on PostgreSQL.
    pub audit_checkpoint_file: Option<std::path::PathBuf>,
    /// `LEDER_AUDIT_CHECKPOINT_SECONDS`: how often a running server takes a checkpoint (default
    /// 3600; 0: only `leder audit checkpoint` takes one).
    pub audit_checkpoint_seconds: u64,
    /// `LEDER_K_ANONYMITY`: the k of the national extract's k-anonymity (default 5, at least 2).
    pub k_anonymity: usize,
    /// `LEDER_RETENTION_YEARS`: how long a closed review keeps its identifiable part (DOMAIN.md,
    /// "Retention"; default 20, 1 to 100).
    pub retention: leder_domain::retention::RetentionPeriod,
    /// `LEDER_RETENTION_EVERY_HOURS`: how often a running server disposes of what is past
    /// retention (default 24; 0: only `leder retention run`). The first run is an hour after
    /// start.
    pub retention_every_hours: u64,
    /// `LEDER_ALLOW_PASSWORD_GRANT`: whether the token endpoint takes `grant_type=password`
    /// (default false: RFC 9700 forbids it; for the command line and tests only).
    pub allow_password_grant: bool,
    /// `LEDER_OAUTH_CLIENTS`: the registered front-end (public) clients of the
    /// authorization-code flow, `client_id=redirect_uri` pairs.
    pub oauth_clients: Vec<oauth::PublicClient>,
    /// `LEDER_SESSION_LIFETIME_SECS`: how long a session lasts however often it is refreshed
    /// (default 12 hours, a working day).
    pub session_lifetime: Duration,
    /// `LEDER_REFRESH_IDLE_SECS`: how long a refresh token works unused (default 2 hours); each
    /// refresh issues a new one.
    pub refresh_idle: Duration,
    /// `LEDER_PUBLIC_URL`: the address people reach this server at (`https://leder.example`),
    /// for Swagger UI's sign-in redirect; without it, only loopback addresses of the bound port.
    pub public_url: Option<String>,
    /// How often, in minutes, a running server emits `review.due_soon` and `review.overdue`
    /// (`0`: only `leder clocks run`).
    pub clocks_every_minutes: u64,
    /// `LEDER_IMPORT_BODY_LIMIT`: the largest file `POST /imports` takes, in bytes (default
    /// 256 MiB; larger files go through `leder import`).
    pub import_body_limit: usize,
    /// Documents: where they are stored, their size limit, upload links and the sweep.
    pub evidence: evidence::Settings,
    /// `LEDER_OIDC_*`: federation with an OpenID Connect provider (none: leder's page only).
    pub federation: Option<federation::Federation>,
}

/// A variable whose value cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    /// The variable's name.
    pub var: &'static str,
    /// What is wrong with its value.
    pub message: String,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads the configuration through a lookup function (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let database_url = get("LEDER_DATABASE_URL")
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        leder_persistence::DatabaseUrl::parse(&database_url).map_err(|e| ConfigError {
            var: "LEDER_DATABASE_URL",
            message: e.to_string(),
        })?;
        let bind_text = get("LEDER_BIND").unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let bind = bind_text.parse().map_err(|_| ConfigError {
            var: "LEDER_BIND",
            message: format!("`{bind_text}` is not an address like 127.0.0.1:8080"),
        })?;
        let default_workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let admin_bind = get("LEDER_ADMIN_BIND")
            .filter(|v| !v.is_empty())
            .map(|v| {
                v.parse().map_err(|_| ConfigError {
                    var: "LEDER_ADMIN_BIND",
                    message: format!("`{v}` is not an address like 127.0.0.1:9090"),
                })
            })
            .transpose()?;
        Ok(Config {
            database_url,
            bind,
            admin_bind,
            pool_size: number(&get, "LEDER_POOL_SIZE", 10, 1, 1000)?,
            pool_timeout: Duration::from_millis(number(
                &get,
                "LEDER_POOL_TIMEOUT_MS",
                2000,
                1,
                600_000,
            )?),
            body_limit: number(&get, "LEDER_BODY_LIMIT", DEFAULT_BODY_LIMIT, 1024, 1 << 30)?,
            workers: number(&get, "LEDER_WORKERS", default_workers, 1, 256)?,
            shutdown_timeout: number(&get, "LEDER_SHUTDOWN_TIMEOUT_SECS", 30, 0, 3600)?,
            jwt_keys_dir: get("LEDER_JWT_KEYS_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            jwt_signing_kid: get("LEDER_JWT_SIGNING_KID").filter(|v| !v.is_empty()),
            jwt_issuer: get("LEDER_JWT_ISSUER")
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "leder".into()),
            jwt_audience: get("LEDER_JWT_AUDIENCE")
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "leder-api".into()),
            token_lifetime: Duration::from_secs(number(
                &get,
                "LEDER_TOKEN_LIFETIME_SECS",
                900,
                30,
                86_400,
            )?),
            bootstrap_admin_password: get("LEDER_BOOTSTRAP_ADMIN_PASSWORD")
                .filter(|v| !v.is_empty()),
            replica_id: get("LEDER_REPLICA_ID")
                .filter(|v| !v.is_empty())
                .or_else(|| get("HOSTNAME").filter(|v| !v.is_empty()))
                .or_else(|| {
                    std::fs::read_to_string("/etc/hostname")
                        .ok()
                        .map(|h| h.trim().to_owned())
                        .filter(|h| !h.is_empty())
                })
                .unwrap_or_else(|| "leder".into()),
            trusted_proxies: list(&get, "LEDER_TRUSTED_PROXIES", |v| v.parse::<IpAddr>().ok())?,
            cors_origins: list(&get, "LEDER_CORS_ORIGINS", |v| {
                (v.starts_with("http://") || v.starts_with("https://"))
                    .then(|| v.trim_end_matches('/').to_owned())
            })?,
            notification_rate_limit: number(
                &get,
                "LEDER_NOTIFICATION_RATE_LIMIT",
                120,
                1,
                1_000_000,
            )?,
            webhook_allowed_hosts: list(&get, "LEDER_WEBHOOK_ALLOWED_HOSTS", |v| {
                Some(v.to_ascii_lowercase())
            })?,
            webhook_resolve: list(&get, "LEDER_WEBHOOK_RESOLVE", |v| {
                let (name, address) = v.split_once('=')?;
                let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
                let address = address.trim().trim_matches(|c| c == '[' || c == ']');
                (!name.is_empty()).then_some((name, address.parse().ok()?))
            })?,
            webhook_poll: Duration::from_millis(number(
                &get,
                "LEDER_WEBHOOK_POLL_MS",
                1000,
                10,
                600_000,
            )?),
            webhook_backoff: Duration::from_millis(number(
                &get,
                "LEDER_WEBHOOK_BACKOFF_MS",
                2000,
                1,
                3_600_000,
            )?),
            webhook_max_failures: number(&get, "LEDER_WEBHOOK_MAX_FAILURES", 10, 1, 1000)?,
            webhook_timeout: Duration::from_millis(number(
                &get,
                "LEDER_WEBHOOK_TIMEOUT_MS",
                10_000,
                10,
                600_000,
            )?),
            login_max_failures: number(&get, "LEDER_LOGIN_MAX_FAILURES", 5, 1, 1000)?,
            login_lock: Duration::from_secs(number(&get, "LEDER_LOGIN_LOCK_SECS", 900, 1, 86_400)?),
            login_failure_delay: Duration::from_millis(number(
                &get,
                "LEDER_LOGIN_FAILURE_DELAY_MS",
                300,
                0,
                10_000,
            )?),
            password_cost: crate::auth::password::Cost {
                memory_kib: number(
                    &get,
                    "LEDER_PASSWORD_HASH_MEMORY_KIB",
                    crate::auth::password::Cost::DEFAULT.memory_kib,
                    crate::auth::password::Cost::CHEAPEST.memory_kib,
                    4 * 1024 * 1024,
                )?,
                iterations: number(
                    &get,
                    "LEDER_PASSWORD_HASH_ITERATIONS",
                    crate::auth::password::Cost::DEFAULT.iterations,
                    crate::auth::password::Cost::CHEAPEST.iterations,
                    100,
                )?,
            },
            pseudonym_key: get("LEDER_PSEUDONYM_KEY").filter(|v| !v.is_empty()),
            audit_key: get("LEDER_AUDIT_KEY").filter(|v| !v.is_empty()),
            audit_checkpoint_file: get("LEDER_AUDIT_CHECKPOINT_FILE")
                .filter(|v| !v.is_empty())
                .map(std::path::PathBuf::from),
            audit_checkpoint_seconds: number(
                &get,
                "LEDER_AUDIT_CHECKPOINT_SECONDS",
                3600,
                0,
                604_800,
            )?,
            k_anonymity: number(
                &get,
                "LEDER_K_ANONYMITY",
                leder_domain::disclosure::DEFAULT_K,
                2,
                1000,
            )?,
            retention: match get("LEDER_RETENTION_YEARS").filter(|v| !v.is_empty()) {
                None => leder_domain::retention::RetentionPeriod::DEFAULT,
                Some(v) => leder_domain::retention::RetentionPeriod::parse(&v).map_err(|e| {
                    ConfigError {
                        var: "LEDER_RETENTION_YEARS",
                        message: e.to_string(),
                    }
                })?,
            },
            retention_every_hours: number(&get, "LEDER_RETENTION_EVERY_HOURS", 24, 0, 8760)?,
            allow_password_grant: flag(&get, "LEDER_ALLOW_PASSWORD_GRANT", false)?,
            oauth_clients: oauth::parse(get(oauth::VAR).filter(|v| !v.trim().is_empty()))?,
            session_lifetime: Duration::from_secs(number(
                &get,
                "LEDER_SESSION_LIFETIME_SECS",
                43_200,
                60,
                2_592_000,
            )?),
            public_url: match get("LEDER_PUBLIC_URL").filter(|v| !v.trim().is_empty()) {
                None => None,
                Some(v) => {
                    let v = v.trim().trim_end_matches('/').to_owned();
                    if !oauth::redirect_uri_ok(&format!("{v}/swagger-ui/oauth2-redirect.html")) {
                        return Err(ConfigError {
                            var: "LEDER_PUBLIC_URL",
                            message: format!(
                                "`{v}` is not an https:// address (or http:// on a loopback host)"
                            ),
                        });
                    }
                    Some(v)
                }
            },
            refresh_idle: Duration::from_secs(number(
                &get,
                "LEDER_REFRESH_IDLE_SECS",
                7_200,
                60,
                2_592_000,
            )?),
            clocks_every_minutes: number(&get, "LEDER_CLOCKS_EVERY_MINUTES", 60, 0, 10080)?,
            import_body_limit: number(
                &get,
                "LEDER_IMPORT_BODY_LIMIT",
                DEFAULT_IMPORT_BODY_LIMIT,
                1024,
                1 << 34,
            )?,
            evidence: evidence::Settings::read(&get)?,
            federation: federation::parse(&get)?,
        })
    }
}

pub mod evidence;
pub mod federation;
pub mod oauth;
mod parse;

#[cfg(test)]
mod tests;
