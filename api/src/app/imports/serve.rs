//! An import started over HTTP (`POST /imports`): the body is kept in a temporary file as it
//! arrives (never whole in memory), then read from there by [`super::run`] on a blocking
//! thread; the run is audited whatever its outcome.

use std::io::{BufReader, Seek, Write};

use actix_web::web;
use futures_util::StreamExt;
use leder_domain::audit::{AuditAction, AuditOutcome};

use super::{Format, Importer, Rows, Settings, run};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::clock::today_in_england;
use crate::db;
use crate::dto::imports::ImportReport;
use crate::error::ApiError;
use crate::state::AppState;

/// How much of the body is held before it is written to the file.
const SPOOL_CHUNK: usize = 4 * 1024 * 1024;

/// Writes `buffer` to the end of `file` on a blocking thread.
async fn write_out(
    file: std::fs::File,
    buffer: Vec<u8>,
) -> Result<(std::fs::File, Vec<u8>), ApiError> {
    web::block(move || {
        let mut file = file;
        let mut buffer = buffer;
        file.write_all(&buffer)?;
        buffer.clear();
        Ok::<_, std::io::Error>((file, buffer))
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)
}

/// The body, kept in an anonymous temporary file: 413 once it passes `limit` bytes (at once
/// when `declared` says so).
pub async fn spool(
    mut payload: web::Payload,
    declared: Option<usize>,
    limit: usize,
) -> Result<std::fs::File, ApiError> {
    if declared.is_some_and(|len| len > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut file = web::block(tempfile::tempfile)
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let mut buffer = Vec::with_capacity(SPOOL_CHUNK);
    let mut total = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::bad_field("body", "unreadable_body", e.to_string()))?;
        total += chunk.len();
        if total > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        buffer.extend_from_slice(&chunk);
        if buffer.len() >= SPOOL_CHUNK {
            (file, buffer) = write_out(file, buffer).await?;
        }
    }
    (file, _) = write_out(file, buffer).await?;
    web::block(move || {
        file.rewind()?;
        Ok::<_, std::io::Error>(file)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)
}

/// Imports (or checks, on a dry run) the file as an admin; the run is audited (`import` or
/// `import_dry_run`, refused when a row breaks a rule). Answers the report, or 400 when the
/// file cannot be read.
pub async fn import(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    format: Format,
    file: std::fs::File,
    dry_run: bool,
) -> Result<ImportReport, ApiError> {
    let settings = Settings {
        dry_run,
        chain: state.audit.chain().sibling("import"),
        importer: Importer {
            id: Some(caller.id.clone()),
            roles: caller.roles_text(),
            entry: caller.audit_entry(info, AuditAction::ImportReview, AuditOutcome::Success),
        },
        hierarchy: crate::app::organisations::hierarchy(state).await?,
        today: today_in_england(),
    };
    let outcome = db::run(state, move |conn| {
        match Rows::open(format, BufReader::new(file)) {
            Ok(rows) => run(conn, rows, settings, &mut |_| {}),
            Err(e) => Ok(Err(e)),
        }
    })
    .await?;
    let action = if dry_run {
        AuditAction::ImportDryRun
    } else {
        AuditAction::Import
    };
    let outcome_of_run = match &outcome {
        Ok(report) if report.failed == 0 => AuditOutcome::Success,
        _ => AuditOutcome::Refused,
    };
    state
        .audit
        .record(caller.audit_entry(info, action, outcome_of_run))
        .await?;
    Ok(outcome?)
}
