//! The national outputs (DOMAIN.md, "Publishing anonymised data"; API.md, "National"): the
//! k-anonymous row-level extract ([`extract`], streamed by [`stream`]) and the statistics
//! ([`statistics`]).

pub mod csv;
pub mod extract;
pub mod statistics;
pub mod stream;

use leder_domain::Versions;
use leder_domain::breakdown::NATIONAL_FIGURES_VERSION;
use leder_domain::disclosure::DISCLOSURE_RULE_VERSION;
use leder_domain::ethnic_category::ETHNIC_CATEGORY_CODES_VERSION;
use leder_domain::pseudonym::PseudonymKey;
use leder_persistence::DatabaseUrl;

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
        national_figures: NATIONAL_FIGURES_VERSION,
    }
}

/// The pseudonymisation key: `LEDER_PSEUDONYM_KEY`, or on SQLite `<data folder>/pseudonym.key`
/// (generated on first start, mode 0600). PostgreSQL means several replicas, which must give a
/// person the same pseudonym, so there the key must be configured.
pub fn load_pseudonym_key(config: &Config, url: &DatabaseUrl) -> Result<PseudonymKey, String> {
    let text = crate::secrets::load(
        config.pseudonym_key.as_deref(),
        url,
        "LEDER_PSEUDONYM_KEY",
        "pseudonym.key",
        "every replica gives a person the same pseudonym",
    )?;
    PseudonymKey::new(text.trim().as_bytes()).map_err(|e| format!("LEDER_PSEUDONYM_KEY: {e}"))
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
