//! The settings of documents and records requests (issue 16).

use super::{ConfigError, flag, number};

/// 25 MB, the default largest document.
pub const DEFAULT_ATTACHMENT_MAX_BYTES: u64 = 25_000_000;

/// Where documents are kept and how uploads are bounded.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `LEDER_STORAGE_URL`: `s3://bucket/root?endpoint=..&region=..` (credentials as OpenDAL's
    /// S3 options or the usual `AWS_*` variables), `file:///folder` or a folder. Default: the
    /// folder `attachments` beside the SQLite database; on PostgreSQL, `attachments` in the
    /// working folder (set it there: replicas must share one store).
    pub storage_url: Option<String>,
    /// `LEDER_ATTACHMENT_MAX_BYTES`: the largest document (default 25 MB; 413 above).
    pub attachment_max_bytes: u64,
    /// `LEDER_UPLOAD_LINK_DAYS`: how long a records request's upload link works (default 14).
    pub upload_link_days: u32,
    /// `LEDER_UPLOAD_LINK_RATE_LIMIT`: requests to upload links per minute from one address,
    /// counted across replicas (default 30).
    pub upload_link_rate_limit: u32,
    /// `LEDER_STORAGE_SWEEP_EVERY_MINUTES`: how often a running server removes stored objects
    /// no row names (default 60; 0: only `leder storage sweep`).
    pub sweep_every_minutes: u64,
    /// `LEDER_STORAGE_SWEEP_AGE_MINUTES`: how old an unnamed object must be before the sweep
    /// removes it, so an upload still in flight keeps its object (default 60).
    pub sweep_age_minutes: u64,
    /// `LEDER_TEST_CRASH_BEFORE_ATTACHMENT_COMMIT`: for the crash test only, the process aborts
    /// once a document's object is written and before its row is committed (default false).
    pub crash_before_commit: bool,
}

impl Settings {
    /// Reads the settings.
    pub(super) fn read(get: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Settings {
            storage_url: get("LEDER_STORAGE_URL").filter(|v| !v.trim().is_empty()),
            attachment_max_bytes: number(
                get,
                "LEDER_ATTACHMENT_MAX_BYTES",
                DEFAULT_ATTACHMENT_MAX_BYTES,
                1024,
                1 << 40,
            )?,
            upload_link_days: number(get, "LEDER_UPLOAD_LINK_DAYS", 14, 1, 90)?,
            upload_link_rate_limit: number(get, "LEDER_UPLOAD_LINK_RATE_LIMIT", 30, 1, 100_000)?,
            sweep_every_minutes: number(get, "LEDER_STORAGE_SWEEP_EVERY_MINUTES", 60, 0, 10_080)?,
            sweep_age_minutes: number(get, "LEDER_STORAGE_SWEEP_AGE_MINUTES", 60, 0, 10_080)?,
            crash_before_commit: flag(get, "LEDER_TEST_CRASH_BEFORE_ATTACHMENT_COMMIT", false)?,
        })
    }

    /// The storage URL to open for a database at `database_url`.
    pub fn storage_url_for(&self, database_url: &leder_persistence::DatabaseUrl) -> String {
        if let Some(url) = &self.storage_url {
            return url.clone();
        }
        match database_url {
            leder_persistence::DatabaseUrl::Sqlite(path) => path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."))
                .join("attachments")
                .display()
                .to_string(),
            leder_persistence::DatabaseUrl::Postgres(_) => "attachments".to_owned(),
        }
    }
}
