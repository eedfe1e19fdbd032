//! Secrets kept outside the database: configured, or on the embedded default generated once
//! beside the database file (mode 0600). PostgreSQL means several replicas that must share a
//! secret, so there it must be configured.

use std::path::Path;

use leder_persistence::DatabaseUrl;

use crate::auth::keys::write_new_secret;

/// The secret named by `var`: its configured value, or on SQLite the file `file_name` in the
/// data folder (generated on first start); on PostgreSQL an unset secret is an error saying
/// why it must be shared (`shared_because`).
pub fn load(
    configured: Option<&str>,
    url: &DatabaseUrl,
    var: &str,
    file_name: &str,
    shared_because: &str,
) -> Result<String, String> {
    match (configured, url) {
        (Some(value), _) => Ok(value.to_owned()),
        (None, DatabaseUrl::Sqlite(path)) => {
            let file = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .join(file_name);
            read_or_create(&file, var)
        }
        (None, DatabaseUrl::Postgres(_)) => Err(format!(
            "{var}: required on PostgreSQL, so that {shared_because} (at least 32 characters of \
             secret; on SQLite one is generated)"
        )),
    }
}

fn read_or_create(file: &Path, var: &str) -> Result<String, String> {
    let err = |e: std::io::Error| format!("{var} ({}): {e}", file.display());
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
    log::info!("generated a new secret {} ({var})", file.display());
    Ok(text)
}
