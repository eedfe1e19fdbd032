//! Synthetic demo data: `leder seed-demo` and a case-insertion API for tests and benchmarks.
//!
//! Rules: every case goes through the domain's rules (eligibility, review type, data-quality
//! flags, ICD-10 and NHS number parsing, the Child Death Review outcome) and the persistence
//! layer's batch inserts, never raw SQL; it is stored with `synthetic = true`; no event is
//! written, so no webhook fires. NHS numbers come only from the 999 test range. An invalid
//! [`CaseSpec`] is an error naming the case and field, never a panic.

mod findings;
mod generator;
mod ids;
mod rows;
mod tables;
mod timeline;

use std::collections::HashSet;
use std::time::Instant;

use leder_domain::organisations::{Hierarchy, OrgKind};
use leder_persistence::repo::seed::{self, SYNTHETIC_REFERENCE_PREFIX, SeedBatch, SeedRows};
use leder_persistence::repo::{organisations, reviews};
use leder_persistence::{DbConnection, PersistenceError};
use time::Date;

pub use generator::realistic;

/// Cases per transaction when seeding.
pub const BATCH_SIZE: usize = 20_000;

/// One synthetic case, fully specified (tests build constructed populations with it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSpec {
    /// ICB ODS code, e.g. "QOP" (must be an ICB in the organisations table).
    pub organisation: String,
    /// Sex wire name ("female", "male", "indeterminate", "not_known").
    pub sex: String,
    /// NHS ethnic category code "A".."S", "Z", "99". `Z` and `99` raise a data-quality flag
    /// that blocks submission, so they are refused at `awaiting_qa` and later.
    pub ethnic_category: String,
    /// Date of birth.
    pub date_of_birth: Date,
    /// Date of death.
    pub date_of_death: Date,
    /// The English date of notification.
    pub notified_on: Date,
    /// Stage wire name, e.g. "completed", "in_review", "awaiting_allocation", "on_hold"
    /// (a hold resumes to `in_review`); it must be reachable on the case's eligibility route.
    pub status: String,
    /// The completion date: required for "completed", refused otherwise.
    pub completed_on: Option<Date>,
    /// ICD-10 of the underlying cause (normalised via the domain's `IcdCode`); stored in the
    /// findings (or the Child Death Review outcome) and the statistics column.
    pub underlying_icd10: Option<String>,
    /// Care grade 1..=6 (ignored for a Child Death Review, which has no LeDeR grade).
    pub care_grade: Option<u8>,
    /// Had a learning disability.
    pub learning_disability: bool,
    /// Was autistic.
    pub autistic: bool,
    /// NHS number (10 digits), if known.
    pub nhs_number: Option<String>,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// The level of learning disability the form records (a wire name); `None`: drawn at
    /// random for a person with a learning disability, none otherwise.
    pub learning_disability_level: Option<String>,
    /// Learning point theme codes; one learning point carries them (cases at
    /// `awaiting_sign_off` or `completed` on the LeDeR route always get one, as sign-off needs it).
    pub themes: Vec<String>,
    /// The answers to the second form's questions once the review has started; `None`: drawn
    /// at random.
    pub form_answers: Option<FormAnswersSpec>,
}

/// The answers to the five questions `leder-form-2` added, as a synthetic case gives them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FormAnswersSpec {
    /// Referred to the coroner.
    pub referred_to_coroner: Option<bool>,
    /// A DoLS authorisation in place.
    pub dols_authorisation_in_place: Option<bool>,
    /// The care package met the person's needs.
    pub care_package_met_needs: Option<bool>,
    /// An out-of-area placement.
    pub out_of_area_placement: Option<bool>,
    /// COVID-19 vaccination status.
    pub covid_vaccination: Option<leder_domain::review_form::CovidVaccination>,
}

impl CaseSpec {
    /// A completed, eligible adult LeDeR case with sensible defaults (ICB "QOP", female, "A",
    /// J18.9, grade 2, learning disability, NHS number None, notified 14 days after death,
    /// completed 120 days after notification, the second form's questions unanswered), dying on `date_of_death` aged `age` (born on the
    /// same day-of-year, `age` years earlier).
    pub fn completed(date_of_death: Date, age: u32) -> Self {
        let notified_on = date_of_death.saturating_add(time::Duration::days(14));
        Self {
            organisation: "QOP".into(),
            sex: "female".into(),
            ethnic_category: "A".into(),
            date_of_birth: years_before(date_of_death, age),
            date_of_death,
            notified_on,
            status: "completed".into(),
            completed_on: Some(notified_on.saturating_add(time::Duration::days(120))),
            underlying_icd10: Some("J18.9".into()),
            care_grade: Some(2),
            learning_disability: true,
            autistic: false,
            nhs_number: None,
            given_name: "Demo".into(),
            family_name: "Person".into(),
            learning_disability_level: None,
            themes: Vec::new(),
            form_answers: Some(FormAnswersSpec::default()),
        }
    }
}

/// The same day-of-year `years` earlier (29 February becomes 28 February in a common year).
fn years_before(date: Date, years: u32) -> Date {
    let year = date.year() - i32::try_from(years).unwrap_or(0);
    let day = date.day().min(date.month().length(year));
    Date::from_calendar_date(year, date.month(), day).unwrap_or(date)
}

/// Why demo data could not be inserted.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A spec breaks a rule.
    #[error("case {index}: {field}: {message}")]
    InvalidSpec {
        /// Its position in the slice given.
        index: usize,
        /// The field at fault.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The database holds real cases and `--force` was not given.
    #[error(
        "the database holds real (non-synthetic) cases; refusing to add demo data (use --force to add it anyway)"
    )]
    RealCasesPresent,
    /// No synthetic reference numbers are left.
    #[error("no synthetic references are left")]
    ReferencesExhausted,
    /// Storage failed.
    #[error(transparent)]
    Persistence(#[from] PersistenceError),
}

/// What the rows of a batch are checked against.
pub(crate) struct Context {
    /// The organisation hierarchy (a spec's organisation must have been an ICB at some time).
    pub hierarchy: Hierarchy,
    /// Theme codes.
    pub themes: HashSet<String>,
    /// The English date used for eligibility.
    pub today: Date,
}

impl Context {
    /// Whether `code` is (or was) an ICB.
    pub fn is_icb(&self, code: &str) -> bool {
        self.hierarchy
            .entries(code)
            .iter()
            .any(|o| o.kind == OrgKind::Icb)
    }
}

fn context(conn: &mut DbConnection, today: Date) -> Result<Context, DemoError> {
    Ok(Context {
        hierarchy: organisations::load_hierarchy(conn)?,
        themes: reviews::themes(conn)?.into_iter().map(|t| t.code).collect(),
        today,
    })
}

/// The sequence number after the last synthetic reference stored.
fn next_number(conn: &mut DbConnection) -> Result<u64, DemoError> {
    Ok(seed::last_synthetic_reference(conn)?
        .and_then(|r| ids::reference_number(&r))
        .map_or(0, |n| n + 1))
}

/// Inserts the cases (synthetic = true) through domain + persistence in batched transactions;
/// no events, no webhooks. Returns the review ids in order. `today` is the English date used
/// for eligibility. Every spec is checked before anything is stored: an invalid one is an
/// error naming it, and nothing is inserted.
pub fn insert(
    conn: &mut DbConnection,
    specs: &[CaseSpec],
    today: Date,
) -> Result<Vec<String>, DemoError> {
    let ctx = context(conn, today)?;
    if specs.len() > BATCH_SIZE {
        // Several transactions: check every spec first, so an invalid one stores nothing.
        for (index, spec) in specs.iter().enumerate() {
            rows::check(spec, index, &ctx)?;
        }
    }
    let mut number = next_number(conn)?;
    let mut ids = Vec::with_capacity(specs.len());
    for (chunk_index, chunk) in specs.chunks(BATCH_SIZE).enumerate() {
        let mut batch = SeedBatch::default();
        for (i, spec) in chunk.iter().enumerate() {
            let index = chunk_index * BATCH_SIZE + i;
            ids.push(rows::build(spec, index, number, &ctx, &mut batch)?);
            number += 1;
        }
        seed::insert_batch(conn, &batch)?;
    }
    Ok(ids)
}

/// What a seeding did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedSummary {
    /// Reviews inserted.
    pub reviews: usize,
    /// Of those, with an NHS number.
    pub with_nhs_number: usize,
    /// Seconds taken.
    pub seconds: u64,
}

/// `leder seed-demo`: refuses a database with real cases unless `force`, then inserts `n`
/// realistic cases for `seed` in batches of [`BATCH_SIZE`], calling `progress` with the count
/// so far after each batch. NHS numbers already stored are never given again.
pub fn seed(
    conn: &mut DbConnection,
    n: usize,
    seed_value: u64,
    force: bool,
    today: Date,
    progress: &mut dyn FnMut(usize),
) -> Result<SeedSummary, DemoError> {
    let started = Instant::now();
    if !force && seed::has_real_cases(conn)? {
        return Err(DemoError::RealCasesPresent);
    }
    let icbs = icbs_on(conn, today)?;
    seed::bulk_load_mode(conn, true)?;
    let result = seed_batches(conn, n, seed_value, &icbs, today, progress);
    seed::bulk_load_mode(conn, false)?;
    let (done, with_nhs) = result?;
    Ok(SeedSummary {
        reviews: done,
        with_nhs_number: with_nhs,
        seconds: started.elapsed().as_secs(),
    })
}

/// Inserts the realistic cases batch by batch; returns how many, and how many with an NHS
/// number (numbers already stored are never given again). Two threads: one draws the cases and
/// builds each batch's rows through the domain while the other writes the batch before, so the
/// load takes the longer of the two, not their sum.
fn seed_batches(
    conn: &mut DbConnection,
    n: usize,
    seed_value: u64,
    icbs: &[String],
    today: Date,
    progress: &mut dyn FnMut(usize),
) -> Result<(usize, usize), DemoError> {
    let taken: HashSet<String> = seed::nhs_numbers_starting(conn, "999")?
        .into_iter()
        .collect();
    let ctx = context(conn, today)?;
    let first = next_number(conn)?;
    std::thread::scope(|scope| {
        // Two batches in flight at most: memory stays that of three batches.
        let (send, batches) = std::sync::mpsc::sync_channel(1);
        scope.spawn(move || {
            let mut number = first;
            let mut index = 0;
            let mut cases = realistic(n, seed_value, icbs, today).peekable();
            while cases.peek().is_some() {
                let specs = cases.by_ref().take(BATCH_SIZE);
                let built = build_batch(specs, &taken, &ctx, (&mut index, &mut number));
                let failed = built.is_err();
                // The writer has stopped (it failed): nothing more is wanted.
                if send.send(built).is_err() || failed {
                    return;
                }
            }
        });
        let mut done = 0;
        let mut with_nhs = 0;
        for built in batches {
            let (batch, numbered) = built?;
            seed::insert_rows(conn, &batch)?;
            done += batch.reviews();
            with_nhs += numbered;
            progress(done);
        }
        Ok((done, with_nhs))
    })
}

/// The rows of one batch of realistic cases (an NHS number already stored is left out), and how
/// many of its cases have an NHS number; `at` is the next case's index and reference number.
fn build_batch(
    specs: impl Iterator<Item = CaseSpec>,
    taken: &HashSet<String>,
    ctx: &Context,
    at: (&mut usize, &mut u64),
) -> Result<(SeedRows, usize), DemoError> {
    let (index, number) = at;
    let mut batch = SeedBatch::default();
    let mut numbered = 0;
    for mut spec in specs {
        if spec.nhs_number.as_ref().is_some_and(|n| taken.contains(n)) {
            spec.nhs_number = None;
        }
        numbered += usize::from(spec.nhs_number.is_some());
        rows::build(&spec, *index, *number, ctx, &mut batch)?;
        *index += 1;
        *number += 1;
    }
    Ok((SeedRows::of(&batch)?, numbered))
}

/// The ICBs valid on `today`, from the organisations reference table.
pub fn icbs_on(conn: &mut DbConnection, today: Date) -> Result<Vec<String>, DemoError> {
    let filter = organisations::OrganisationFilter {
        kind: Some(OrgKind::Icb),
        valid_on: today,
        parent_code: None,
        after: None,
        limit: 10_000,
    };
    Ok(organisations::list(conn, &filter)?
        .into_iter()
        .map(|o| o.code)
        .collect())
}

/// The prefix every synthetic reference starts with.
pub fn reference_prefix() -> &'static str {
    SYNTHETIC_REFERENCE_PREFIX
}
