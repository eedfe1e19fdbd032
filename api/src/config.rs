//! Configuration from the environment. A bad value stops start-up with one line naming the
//! variable; nothing is silently defaulted once a variable is set.

use std::net::SocketAddr;
use std::time::Duration;

/// The default embedded database: a file under `data/`, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/leder.db";
/// The default listen address.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// The default request body limit: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The server's configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `LEDER_DATABASE_URL`: `sqlite://...` (default `sqlite://data/leder.db`) or `postgres://...`.
    pub database_url: String,
    /// `LEDER_BIND`: the listen address (default `127.0.0.1:8080`; port 0 picks a free port).
    pub bind: SocketAddr,
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
        Ok(Config {
            database_url,
            bind,
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
        })
    }
}

fn number<T>(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: T,
    min: T,
    max: T,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let Some(text) = get(var) else {
        return Ok(default);
    };
    match text.trim().parse::<T>() {
        Ok(v) if v >= min && v <= max => Ok(v),
        _ => Err(ConfigError {
            var,
            message: format!("`{text}` is not a whole number from {min} to {max}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn the_defaults_are_the_embedded_database_on_localhost() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.bind.to_string(), DEFAULT_BIND);
        assert_eq!(c.body_limit, 1024 * 1024);
        assert_eq!(c.pool_size, 10);
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        assert_eq!(
            config(&[("LEDER_POOL_SIZE", "lots")]).unwrap_err().var,
            "LEDER_POOL_SIZE"
        );
        assert_eq!(
            config(&[("LEDER_POOL_SIZE", "0")]).unwrap_err().var,
            "LEDER_POOL_SIZE"
        );
        assert_eq!(
            config(&[("LEDER_BIND", "nowhere")]).unwrap_err().var,
            "LEDER_BIND"
        );
        assert_eq!(
            config(&[("LEDER_DATABASE_URL", "mysql://x")])
                .unwrap_err()
                .var,
            "LEDER_DATABASE_URL"
        );
    }
}
