//! Importing existing reviews (issue 19): `leder import <file>` and `POST /imports` take a file
//! of reviews another system held (README, "Importing existing reviews") and bring them in.
//!
//! Rules:
//! - Every row is checked by the rules of live intake and of the workflow ([`case::build`]);
//!   a row whose source (the ICB's system and its id) is already stored is skipped, so a re-run
//!   of the same file changes nothing; a source or a person twice in the file, or a person who
//!   already has a review, is refused (the person would otherwise have two).
//! - All or nothing: the file is read once, in batches of [`BATCH_ROWS`], inside one write
//!   transaction; each batch is written as it is checked, and when any row breaks a rule the
//!   transaction is rolled back, so nothing stays. A dry run checks the same way and writes
//!   nothing (no transaction, no lock).
//! - Memory stays flat: one batch at a time, plus a 64-bit hash per row of its source and
//!   person (to find repeats within the file), and at most [`MAX_ERRORS`] errors reported.
//! - Each case is audited (`import_review`, naming it) in the transaction, on a chain of the
//!   import's own so that the server's other appends never wait for it; the run itself is
//!   audited by the caller.

pub mod case;
pub mod read;
pub mod serve;

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::BufRead;
use std::sync::Arc;

use leder_domain::organisations::Hierarchy;
use leder_domain::workflow::Actor;
use leder_persistence::connection::commit_if_ok;
use leder_persistence::records::cases::Source;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::audit::AuditChain;
use leder_persistence::repo::imports::{self, ImportedCase, PendingEvents};
use leder_persistence::repo::notifications::PersonKey;
use leder_persistence::repo::{reviews, users};
use leder_persistence::{DbConnection, PersistenceError};
use time::Date;

use crate::app::intake::new_reference;
use crate::dto::imports::{ImportReport, ImportRow, ImportRowError};
use crate::error::FieldError;

pub use case::Importer;
pub use read::{FileError, Format, Rows};

/// Rows checked and written together.
pub const BATCH_ROWS: usize = 1000;

/// The most rule-breaking fields a report lists.
pub const MAX_ERRORS: usize = 1000;

/// How to run an import.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Check only; write nothing.
    pub dry_run: bool,
    /// The chain the cases' audit entries go on.
    pub chain: AuditChain,
    /// Who imports.
    pub importer: Importer,
    /// The organisation hierarchy.
    pub hierarchy: Arc<Hierarchy>,
    /// Today, in England.
    pub today: Date,
}

/// Runs an import (or, with `dry_run`, checks one) of `rows` on `conn`, calling `progress` with
/// the report so far after each batch. The report says what was (or would be) imported and
/// every row that breaks a rule; when one does, a real import has written nothing.
pub fn run<R: BufRead>(
    conn: &mut DbConnection,
    rows: Rows<R>,
    settings: Settings,
    progress: &mut dyn FnMut(&ImportReport),
) -> Result<Result<ImportReport, FileError>, PersistenceError> {
    let themes = reviews::themes(conn)?.into_iter().map(|t| t.code).collect();
    let mut import = Import {
        rows,
        report: ImportReport {
            dry_run: settings.dry_run,
            ..ImportReport::default()
        },
        ctx: case::Context {
            hierarchy: settings.hierarchy,
            themes,
            reviewers: HashMap::new(),
            today: settings.today,
            now: now_utc(),
            importer: settings.importer,
        },
        seen: Seen::default(),
        pending: PendingEvents::default(),
        chain: settings.chain,
        file_error: None,
    };
    if settings.dry_run {
        while import.batch(conn)? {
            progress(&import.report);
        }
        progress(&import.report);
        return Ok(import.file_error.take().map_or(Ok(import.report), Err));
    }
    let done = commit_if_ok(conn, |conn| {
        imports::lock_imports(conn)?;
        while import.batch(conn)? {
            progress(&import.report);
        }
        progress(&import.report);
        if let Some(e) = import.file_error.take() {
            return Ok(Err(Err(e)));
        }
        if import.report.failed > 0 {
            return Ok(Err(Ok(std::mem::take(&mut import.report))));
        }
        imports::number_events(conn, std::mem::take(&mut import.pending))?;
        Ok(Ok(std::mem::take(&mut import.report)))
    })?;
    Ok(match done {
        Ok(report) => Ok(report),
        Err(declined) => declined.map(|mut report| {
            // Nothing was written.
            report.imported = 0;
            report.by_stage.clear();
            report.by_icb.clear();
            report
        }),
    })
}

/// 64-bit hashes of what each row used, with the row that used it first.
#[derive(Debug, Default)]
struct Seen {
    sources: HashMap<u64, u64>,
    nhs_numbers: HashMap<u64, u64>,
    identities: HashMap<u64, u64>,
    references: HashSet<u64>,
}

fn hash(parts: &[&str]) -> u64 {
    let mut h = DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

/// An import under way.
struct Import<R: BufRead> {
    rows: Rows<R>,
    report: ImportReport,
    ctx: case::Context,
    seen: Seen,
    pending: PendingEvents,
    chain: AuditChain,
    file_error: Option<FileError>,
}

impl<R: BufRead> Import<R> {
    /// Records the rules a row breaks.
    fn fail(&mut self, row: u64, errors: Vec<FieldError>) {
        self.report.failed += 1;
        for e in errors {
            if self.report.errors.len() < MAX_ERRORS {
                self.report.errors.push(ImportRowError {
                    row,
                    field: e.field,
                    code: e.code,
                    message: e.message,
                });
            } else {
                self.report.errors_truncated = true;
            }
        }
    }

    /// Reads, checks and (unless a dry run, or a row already failed) writes one batch; answers
    /// whether the file has more.
    fn batch(&mut self, conn: &mut DbConnection) -> Result<bool, PersistenceError> {
        let reported = self.report.errors.len();
        let more = self.check_batch(conn)?;
        // A batch's errors are found check by check; the report lists them row by row.
        self.report.errors[reported..].sort_by_key(|e| e.row);
        Ok(more)
    }

    /// [`Import::batch`]'s work, its errors in the order each check finds them.
    fn check_batch(&mut self, conn: &mut DbConnection) -> Result<bool, PersistenceError> {
        let mut read: Vec<(u64, ImportRow)> = Vec::with_capacity(BATCH_ROWS);
        let mut more = true;
        while read.len() < BATCH_ROWS {
            match self.rows.next_row() {
                Ok(Some(row)) => {
                    self.report.rows += 1;
                    match row.parsed {
                        Ok(parsed) => read.push((row.number, parsed)),
                        Err(errors) => self.fail(row.number, errors),
                    }
                }
                Ok(None) => {
                    more = false;
                    break;
                }
                Err(e) => {
                    self.file_error = Some(e);
                    return Ok(false);
                }
            }
        }
        let fresh = self.new_sources(conn, read)?;
        self.look_up_reviewers(conn, &fresh)?;
        let references = self.references(conn, fresh.len())?;
        let mut cases = Vec::with_capacity(fresh.len());
        for ((number, row), reference) in fresh.into_iter().zip(references) {
            match case::build(row, reference, &self.ctx) {
                Ok(case) => cases.push((number, case)),
                Err(errors) => self.fail(number, errors),
            }
        }
        let cases = self.new_people(conn, cases)?;
        for (_, case) in &cases {
            self.report.imported += 1;
            *self
                .report
                .by_stage
                .entry(case.review.stage.as_str().to_owned())
                .or_default() += 1;
            *self
                .report
                .by_icb
                .entry(case.review.organisation.as_str().to_owned())
                .or_default() += 1;
        }
        if !self.report.dry_run && self.report.failed == 0 {
            let cases: Vec<ImportedCase> = cases.into_iter().map(|(_, c)| c).collect();
            imports::insert(conn, &cases, &self.chain, &mut self.pending)?;
        }
        Ok(more)
    }

    /// The rows whose source is new: one repeated in the file is refused, one already stored
    /// skipped.
    fn new_sources(
        &mut self,
        conn: &mut DbConnection,
        read: Vec<(u64, ImportRow)>,
    ) -> Result<Vec<(u64, ImportRow)>, PersistenceError> {
        let mut fresh: Vec<(u64, ImportRow, Source)> = Vec::with_capacity(read.len());
        for (number, row) in read {
            let source = case::source_of(&row);
            let key = hash(&[&source.organisation, &source.system, &source.id]);
            match self.seen.sources.get(&key) {
                Some(first) => {
                    let message = format!("row {first} has the same source (ICB, system and id)");
                    self.fail(
                        number,
                        vec![FieldError::new("source.id", "repeated", message)],
                    );
                }
                None => {
                    self.seen.sources.insert(key, number);
                    fresh.push((number, row, source));
                }
            }
        }
        let sources: Vec<Source> = fresh.iter().map(|(_, _, s)| s.clone()).collect();
        let taken = imports::sources_taken(conn, &sources)?;
        let mut out = Vec::with_capacity(fresh.len());
        for (number, row, source) in fresh {
            if taken.contains(&(source.organisation, source.system, source.id)) {
                self.report.already_imported += 1;
            } else {
                out.push((number, row));
            }
        }
        Ok(out)
    }

    /// Looks up (once each) the reviewers the rows name: an active account, as an actor.
    fn look_up_reviewers(
        &mut self,
        conn: &mut DbConnection,
        rows: &[(u64, ImportRow)],
    ) -> Result<(), PersistenceError> {
        for (_, row) in rows {
            let Some(name) = row.reviewer.as_deref().map(str::trim) else {
                continue;
            };
            if self.ctx.reviewers.contains_key(name) {
                continue;
            }
            let actor = users::by_username(conn, name)?
                .filter(|u| !u.disabled)
                .and_then(|u| {
                    let org = u
                        .organisation
                        .as_deref()
                        .and_then(|o| leder_domain::OdsCode::parse(o).ok());
                    let name = u.display_name.clone();
                    Actor::new(u.id, &u.roles, org).ok().map(|a| (a, name))
                });
            self.ctx.reviewers.insert(name.to_owned(), actor);
        }
        Ok(())
    }

    /// `n` new references, used by no stored case and by no other row.
    fn references(
        &mut self,
        conn: &mut DbConnection,
        n: usize,
    ) -> Result<Vec<String>, PersistenceError> {
        let mut out: Vec<String> = (0..n).map(|_| self.fresh_reference()).collect();
        loop {
            let taken = imports::references_taken(conn, &out)?;
            if taken.is_empty() {
                return Ok(out);
            }
            for reference in &mut out {
                if taken.contains(reference) {
                    *reference = self.fresh_reference();
                }
            }
        }
    }

    fn fresh_reference(&mut self) -> String {
        loop {
            let reference = new_reference();
            if self.seen.references.insert(hash(&[&reference])) {
                return reference;
            }
        }
    }

    /// The cases whose person has no review yet: one who came earlier in the file, or who
    /// already has a review, is refused.
    fn new_people(
        &mut self,
        conn: &mut DbConnection,
        cases: Vec<(u64, ImportedCase)>,
    ) -> Result<Vec<(u64, ImportedCase)>, PersistenceError> {
        let mut checked = Vec::with_capacity(cases.len());
        for (number, case) in cases {
            let Some(person) = PersonKey::of(&case.review) else {
                checked.push((number, case, None));
                continue;
            };
            let identity = person.identity_key();
            let by_number = person
                .nhs_number
                .as_deref()
                .and_then(|n| self.seen.nhs_numbers.get(&hash(&[n])).copied());
            let by_identity = self.seen.identities.get(&hash(&[&identity])).copied();
            if let Some(first) = by_number.or(by_identity) {
                let message = format!("row {first} is the same person: a person has one review");
                self.fail(
                    number,
                    vec![FieldError::new("person", "repeated_person", message)],
                );
                continue;
            }
            if let Some(n) = &person.nhs_number {
                self.seen.nhs_numbers.insert(hash(&[n]), number);
            }
            self.seen.identities.insert(hash(&[&identity]), number);
            checked.push((number, case, Some((person.nhs_number, identity))));
        }
        let numbers: Vec<String> = checked
            .iter()
            .filter_map(|(_, _, p)| p.as_ref().and_then(|(n, _)| n.clone()))
            .collect();
        let identities: Vec<String> = checked
            .iter()
            .filter_map(|(_, _, p)| p.as_ref().map(|(_, i)| i.clone()))
            .collect();
        let (numbers, identities) = imports::people_taken(conn, &numbers, &identities)?;
        let mut out = Vec::with_capacity(checked.len());
        for (number, case, person) in checked {
            let known = person.is_some_and(|(n, i)| {
                n.is_some_and(|n| numbers.contains(&n)) || identities.contains(&i)
            });
            if known {
                let message = "this person already has a review (the same NHS number, or the \
                               same names and dates of birth and death): a person has one review";
                self.fail(
                    number,
                    vec![FieldError::new("person", "already_has_a_review", message)],
                );
            } else {
                out.push((number, case));
            }
        }
        Ok(out)
    }
}
