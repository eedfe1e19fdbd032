//! The data commands: `leder seed-demo` (synthetic cases for demos and benchmarks) and
//! `leder reassess-avoidable` (completed reviews onto the current avoidable-mortality list).

use leder_domain::audit::AuditAction;
use std::process::ExitCode;

use crate::config::Config;

use super::{cli_entry, cli_state, fail, on_pool};

/// `leder seed-demo`: synthetic cases in batches, with progress, then one audit entry.
pub(super) async fn seed_demo(config: Config, reviews: usize, seed: u64, force: bool) -> ExitCode {
    let (pool, audit) = match cli_state(&config).await {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let today = crate::clock::today_in_england();
    let started = std::time::Instant::now();
    let result = on_pool(pool, move |conn| {
        let mut progress = |done: usize| {
            if done.is_multiple_of(50_000) || done == reviews {
                println!("seed-demo: {done} of {reviews} reviews");
            }
        };
        crate::demo::seed(conn, reviews, seed, force, today, &mut progress)
    })
    .await;
    let summary = match result {
        Ok(summary) => summary,
        Err(e) => return fail(&e),
    };
    let subject = format!("synthetic reviews: {} (seed {seed})", summary.reviews);
    if let Err(e) = audit
        .record(cli_entry("seed-demo", AuditAction::Create, Some(subject)))
        .await
    {
        return fail(&e.problem().detail);
    }
    println!(
        "seed-demo: inserted {} synthetic reviews ({} with a test-range NHS number) in {:.1}s",
        summary.reviews,
        summary.with_nhs_number,
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

/// `leder reassess-avoidable`: completed reviews onto the current list, in audited batches.
pub(super) async fn reassess_avoidable(
    config: Config,
    year: Option<i32>,
    dry_run: bool,
) -> ExitCode {
    let (pool, audit) = match cli_state(&config).await {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let route = if dry_run {
        "reassess-avoidable --dry-run"
    } else {
        "reassess-avoidable"
    };
    let mut entry = cli_entry(route, AuditAction::Update, None);
    let chain = audit.chain().clone();
    let batch_entry = entry.clone();
    let result = on_pool(pool, move |conn| {
        crate::app::reassessment::reassess_avoidable(conn, year, dry_run, &chain, &batch_entry)
    })
    .await;
    let summary = match result {
        Ok(summary) => summary,
        Err(e) => return fail(&e),
    };
    let current = leder_domain::avoidable::AVOIDABLE_LIST_VERSION;
    let from: Vec<String> = summary
        .from_versions
        .iter()
        .map(|(v, n)| format!("{v}: {n}"))
        .collect();
    let changes: Vec<String> = summary
        .changes
        .iter()
        .map(|(c, n)| format!("  {c}: {n}"))
        .collect();
    entry.subject = Some(format!(
        "avoidable list {current}: {} reviews, {} classifications changed, {} recorded",
        summary.reviews, summary.changed, summary.recorded
    ));
    if let Err(e) = audit.record(entry).await {
        return fail(&e.problem().detail);
    }
    println!(
        "reassess-avoidable{}: {} completed reviews{} on another list version ({}); {} \
         classifications change under {current}; {} reviews recorded on {current}",
        if dry_run { " (dry run)" } else { "" },
        summary.reviews,
        year.map(|y| format!(" of deaths in {y}"))
            .unwrap_or_default(),
        if from.is_empty() {
            "none".to_owned()
        } else {
            from.join(", ")
        },
        summary.changed,
        summary.recorded,
    );
    if !changes.is_empty() {
        println!("{}", changes.join("\n"));
    }
    ExitCode::SUCCESS
}
