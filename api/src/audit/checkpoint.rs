//! Checkpoints: every audit chain's head, sealed with the audit key and appended to a file
//! outside the database, at intervals and on demand (`leder audit checkpoint`). Each is also
//! recorded in the trail itself. `leder audit verify` checks the trail against the last one, so
//! a chain deleted, truncated, rewound or rewritten since is found even by someone who could
//! rewrite the database and its chain heads together.

use leder_domain::audit::{ActorKind, AuditAction, AuditOutcome};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use actix_web::web;
use leder_persistence::repo::audit::{self, AuditKey, Checkpoint};
use leder_persistence::{DatabaseUrl, DbConnection};

use crate::config::Config;
use crate::state::AppState;

/// The audit key: `LEDER_AUDIT_KEY`, or on SQLite `<data folder>/audit.key`.
pub fn load_key(config: &Config, url: &DatabaseUrl) -> Result<AuditKey, String> {
    let text = crate::secrets::load(
        config.audit_key.as_deref(),
        url,
        "LEDER_AUDIT_KEY",
        "audit.key",
        "every replica's audit chain verifies with one key",
    )?;
    AuditKey::new(text.trim().as_bytes()).map_err(|e| format!("LEDER_AUDIT_KEY: {e}"))
}

/// Where checkpoints go: `LEDER_AUDIT_CHECKPOINT_FILE`, else beside the SQLite database, else
/// the working folder.
pub fn file(config: &Config, url: &DatabaseUrl) -> PathBuf {
    if let Some(file) = &config.audit_checkpoint_file {
        return file.clone();
    }
    let dir = match url {
        DatabaseUrl::Sqlite(path) => path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf(),
        DatabaseUrl::Postgres(_) => PathBuf::from("."),
    };
    dir.join("audit-checkpoints.ndjson")
}

/// Takes a checkpoint and appends it to `file` (created readable by its owner only).
pub fn take(conn: &mut DbConnection, key: &AuditKey, file: &Path) -> Result<Checkpoint, String> {
    let checkpoint = audit::checkpoint(conn, key).map_err(|e| e.to_string())?;
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut out = options
        .open(file)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    writeln!(out, "{}", checkpoint.to_line())
        .and_then(|()| out.sync_data())
        .map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(checkpoint)
}

/// The last checkpoint in `file` (none when the file does not exist). Every line must be a
/// checkpoint sealed by `key`: one that is not means the file itself was tampered with.
pub fn latest(file: &Path, key: &AuditKey) -> Result<Option<Checkpoint>, String> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", file.display())),
    };
    let mut last = None;
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let checkpoint = Checkpoint::parse(line)
            .map_err(|e| format!("{} line {}: {e}", file.display(), n + 1))?;
        if !checkpoint.is_sealed_by(key) {
            return Err(format!(
                "{} line {}: the checkpoint is not sealed by the audit key (altered, or another key)",
                file.display(),
                n + 1
            ));
        }
        last = Some(checkpoint);
    }
    Ok(last)
}

/// Takes a checkpoint every `interval` while the server runs, recording each in the trail.
pub async fn every(state: web::Data<AppState>, key: AuditKey, file: PathBuf, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        let (pool, key, target) = (state.pool.clone(), key.clone(), file.clone());
        let taken = web::block(move || {
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            take(&mut conn, &key, &target)
        })
        .await;
        match taken {
            Ok(Ok(checkpoint)) => {
                let entry = audit::NewAuditEntry {
                    occurred_at: leder_persistence::reference::now_utc(),
                    actor_kind: ActorKind::System.as_str().to_owned(),
                    actor_id: None,
                    actor_roles: String::new(),
                    actor_organisation: None,
                    method: "SYSTEM".into(),
                    route: "audit checkpoint".into(),
                    action: AuditAction::AuditCheckpoint.as_str().to_owned(),
                    subject: Some(format!("audit:checkpoint:{}", &checkpoint.seal[..16])),
                    subject_organisation: None,
                    outcome: AuditOutcome::Success.as_str().to_owned(),
                    client_address: None,
                };
                if let Err(e) = state.audit.record(entry).await {
                    log::error!("audit checkpoint taken but not recorded in the trail: {e:?}");
                }
            }
            Ok(Err(e)) => log::error!("audit checkpoint failed: {e}"),
            Err(e) => log::error!("audit checkpoint failed: {e}"),
        }
    }
}
