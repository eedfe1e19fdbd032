//! `leder audit verify` and `leder audit checkpoint`: the trail checked against its key and the
//! last checkpoint, and a checkpoint taken now.

use std::process::ExitCode;

use leder_persistence::Pool;

use super::{fail, on_pool};
use crate::config::Config;
use crate::server::open_cli_database;

/// What the audit commands need: the pool, the audit key and the checkpoint file.
async fn audit_context(
    config: &Config,
) -> Result<
    (
        Pool,
        leder_persistence::repo::audit::AuditKey,
        std::path::PathBuf,
    ),
    String,
> {
    let (url, pool) = open_cli_database(config).await.map_err(|e| e.to_string())?;
    let key = crate::audit::checkpoint::load_key(config, &url)?;
    Ok((pool, key, crate::audit::checkpoint::file(config, &url)))
}

pub(super) async fn verify_audit(config: Config) -> ExitCode {
    let (pool, key, file) = match audit_context(&config).await {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let anchor = match crate::audit::checkpoint::latest(&file, &key) {
        Ok(a) => a,
        Err(e) => {
            println!("audit trail BROKEN: {e}");
            return ExitCode::from(1);
        }
    };
    let result = on_pool(pool, move |conn| {
        leder_persistence::repo::audit::verify(conn, &key, anchor.as_ref())
    })
    .await;
    match result {
        Ok(report) => match report.broken {
            None => {
                println!(
                    "audit trail intact: {} chains, {} entries, {}",
                    report.chains,
                    report.entries,
                    if report.anchored {
                        format!("anchored by the last checkpoint in {}", file.display())
                    } else {
                        format!(
                            "NOT anchored: no checkpoint in {} (take one with `leder audit checkpoint`)",
                            file.display()
                        )
                    }
                );
                ExitCode::SUCCESS
            }
            Some(b) => {
                println!(
                    "audit trail BROKEN in chain {} at entry {}: {} ({} entries verified before it)",
                    b.chain_id, b.seq, b.reason, report.entries
                );
                ExitCode::from(1)
            }
        },
        Err(e) => fail(&e),
    }
}

pub(super) async fn checkpoint_audit(config: Config) -> ExitCode {
    let (pool, key, file) = match audit_context(&config).await {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let target = file.clone();
    match on_pool(pool, move |conn| {
        crate::audit::checkpoint::take(conn, &key, &target)
    })
    .await
    {
        Ok(c) => {
            println!(
                "checkpoint of {} chains appended to {}",
                c.chains.len(),
                file.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}
