//! `leder import <file> [--dry-run]`: existing reviews from another system, read from the file
//! a row at a time (README, "Importing existing reviews"). Progress goes to standard error, the
//! report to standard output; the exit code is 1 when a row breaks a rule (nothing is then
//! imported) and 2 when the import could not run.

use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_persistence::repo::organisations;

use crate::app::imports::{Format, Importer, Rows, Settings, run};
use crate::config::Config;
use crate::dto::imports::ImportReport;

use super::{cli_entry, cli_state, fail, on_pool};

/// The format `--format` names, or else the file name's extension says.
fn format_of(file: &std::path::Path, named: Option<&str>) -> Result<Format, String> {
    match named.map(str::to_ascii_lowercase).as_deref() {
        Some("csv") => Ok(Format::Csv),
        Some("ndjson" | "jsonl") => Ok(Format::Ndjson),
        Some(other) => Err(format!("--format {other}: the formats are csv and ndjson")),
        None => Format::of_file_name(&file.to_string_lossy()).ok_or_else(|| {
            format!(
                "{}: name a .csv, .ndjson or .jsonl file, or say which with --format",
                file.display()
            )
        }),
    }
}

/// The report as lines for a person.
fn print(report: &ImportReport, seconds: f64) {
    let verb = if report.dry_run {
        "would import"
    } else {
        "imported"
    };
    println!(
        "import: {} rows read in {seconds:.1}s: {verb} {}, {} already imported, {} breaking a rule",
        report.rows, report.imported, report.already_imported, report.failed
    );
    let line = |counts: &std::collections::BTreeMap<String, u64>| {
        counts
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !report.by_stage.is_empty() {
        println!("  by stage: {}", line(&report.by_stage));
        println!("  by ICB: {}", line(&report.by_icb));
    }
    for e in &report.errors {
        println!("  row {}: {}: {} ({})", e.row, e.field, e.message, e.code);
    }
    if report.errors_truncated {
        println!("  (more errors than the {} shown)", report.errors.len());
    }
    if report.failed > 0 && !report.dry_run {
        println!("import: nothing was imported; correct the rows and run it again");
    }
}

/// `leder import <file>`.
pub(super) async fn import_reviews(
    config: Config,
    file: PathBuf,
    dry_run: bool,
    format: Option<String>,
) -> ExitCode {
    let format = match format_of(&file, format.as_deref()) {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    let opened = match std::fs::File::open(&file) {
        Ok(f) => f,
        Err(e) => return fail(&format!("{}: {e}", file.display())),
    };
    let (pool, audit) = match cli_state(&config).await {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let hierarchy = match on_pool(pool.clone(), organisations::load_hierarchy).await {
        Ok(h) => Arc::new(h),
        Err(e) => return fail(&e),
    };
    let route = if dry_run {
        "import --dry-run"
    } else {
        "import"
    };
    let settings = Settings {
        dry_run,
        chain: audit.chain().sibling("import"),
        importer: Importer {
            id: None,
            roles: String::new(),
            entry: cli_entry(route, AuditAction::ImportReview, None),
        },
        hierarchy,
        today: crate::clock::today_in_england(),
    };
    let started = std::time::Instant::now();
    let outcome = on_pool(pool, move |conn| {
        let rows = match Rows::open(format, BufReader::new(opened)) {
            Ok(rows) => rows,
            Err(e) => return Ok(Err(e)),
        };
        let mut progress = |r: &ImportReport| {
            if r.rows > 0 && r.rows.is_multiple_of(10_000) {
                eprintln!("import: {} rows read, {} failing so far", r.rows, r.failed);
            }
        };
        run(conn, rows, settings, &mut progress)
    })
    .await;
    let report = match outcome {
        Ok(Ok(report)) => report,
        Ok(Err(e)) => return fail(&e.to_string()),
        Err(e) => return fail(&e),
    };
    print(&report, started.elapsed().as_secs_f64());
    let action = if dry_run {
        AuditAction::ImportDryRun
    } else {
        AuditAction::Import
    };
    let subject = format!("import:{}", file.display());
    let mut entry = cli_entry(route, action, Some(subject));
    if report.failed > 0 {
        entry.outcome = AuditOutcome::Refused.as_str().to_owned();
    }
    if let Err(e) = audit.record(entry).await {
        return fail(&e.problem().detail);
    }
    if report.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
