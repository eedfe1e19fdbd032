//! The national outputs (DOMAIN.md, "Publishing anonymised data"; API.md, "National"): the
//! k-anonymous row-level extract ([`extract`], streamed by [`stream`]) and the statistics
//! ([`statistics`]).

pub mod csv;
pub mod extract;
pub mod statistics;
pub mod stream;

use std::path::Path;

use leder_domain::Versions;
use leder_domain::disclosure::DISCLOSURE_RULE_VERSION;
use leder_domain::ethnic_category::ETHNIC_CATEGORY_CODES_VERSION;
use leder_domain::pseudonym::PseudonymKey;
use leder_persistence::DatabaseUrl;

use crate::auth::keys::write_new_secret;
use crate::config::Config;
use crate::dto::national::Definitions;

/// The definition versions every national figure names.
pub fn definitions() -> Definitions {
    Definitions {
        eligibility: Versions::CURRENT.eligibility,
        avoidable_mortality: Versions::CURRENT.avoidable_mortality,
        care_grade: Versions::CURRENT.care_grade,
        ethnicity: ETHNIC_CATEGORY_CODES_VERSION,
        disclosure: DISCLOSURE_RULE_VERSION,
    }
}

/// The pseudonymisation key: `LEDER_PSEUDONYM_KEY`, or on SQLite `<data folder>/pseudonym.key`
/// (generated on first start, mode 0600). PostgreSQL means several replicas, which must give a
/// person the same pseudonym, so there the key must be configured.
pub fn load_pseudonym_key(config: &Config, url: &DatabaseUrl) -> Result<PseudonymKey, String> {
    let text = match (&config.pseudonym_key, url) {
        (Some(key), _) => key.clone(),
        (None, DatabaseUrl::Sqlite(path)) => {
            let file = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .join("pseudonym.key");
            read_or_create(&file)?
        }
        (None, DatabaseUrl::Postgres(_)) => {
            return Err(
                "LEDER_PSEUDONYM_KEY: required on PostgreSQL, so that every replica gives \
                 a person the same pseudonym (at least 32 characters of secret; on SQLite one is \
                 generated)"
                    .into(),
            );
        }
    };
    PseudonymKey::new(text.trim().as_bytes()).map_err(|e| format!("LEDER_PSEUDONYM_KEY: {e}"))
}

fn read_or_create(file: &Path) -> Result<String, String> {
    let err = |e: std::io::Error| format!("pseudonym key ({}): {e}", file.display());
    match std::fs::read_to_string(file) {
        Ok(text) => return Ok(text),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(err(e)),
        Err(_) => {}
    }
    let mut secret = [0u8; 32];
    rand::fill(&mut secret);
    let text = leder_domain::hex::encode(&secret);
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    match write_new_secret(file, text.as_bytes()) {
        Ok(()) => {}
        // Another process on the same data folder created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return std::fs::read_to_string(file).map_err(err);
        }
        Err(e) => return Err(err(e)),
    }
    log::info!("generated a new pseudonym key {}", file.display());
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(key: Option<&str>) -> Config {
        let mut config = Config::from_lookup(|_| None).expect("defaults");
        config.pseudonym_key = key.map(str::to_owned);
        config
    }

    #[test]
    fn postgresql_needs_a_configured_key() {
        let url = DatabaseUrl::parse("postgres://localhost/leder").expect("url");
        let refused = load_pseudonym_key(&config(None), &url).expect_err("refused");
        assert!(refused.starts_with("LEDER_PSEUDONYM_KEY: required on PostgreSQL"));
        assert!(
            load_pseudonym_key(&config(Some("a-secret-of-at-least-32-bytes-long")), &url).is_ok()
        );
    }

    #[test]
    fn a_short_key_is_refused_by_name() {
        let url = DatabaseUrl::parse("postgres://localhost/leder").expect("url");
        let refused = load_pseudonym_key(&config(Some("short")), &url).expect_err("refused");
        assert!(refused.starts_with("LEDER_PSEUDONYM_KEY:"), "{refused}");
    }
}
