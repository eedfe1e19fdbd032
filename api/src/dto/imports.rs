//! The import format (README, "Importing existing reviews"): one existing review per row, as
//! NDJSON (one JSON object a line) or CSV (the same fields, each column named by its path, the
//! nested lists and the review form as JSON), and the report of an import or a dry run.

use std::collections::BTreeMap;

use leder_domain::workflow::{HoldReason, Stage};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use validator::Validate;

use crate::dto::reviews::{
    ChildDeathReviewOutcomeRequest, FindingsDoc, NewLearning, NotificationSource, NotifiedPerson,
    Notifier, OptOutCheckRequest,
};
use crate::dto::{iso_date, wire};

/// One existing review as another system held it. The notification's fields are the intake's
/// (`POST /notifications`) and are checked by the same rules; the rest is checked by the
/// workflow's rules as the case is taken along the stages it reached.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRow {
    /// The system the review comes from and its id for the case, unique per ICB and system: a
    /// row whose source is already stored is skipped, so a re-run changes nothing.
    #[validate(nested)]
    pub source: NotificationSource,
    /// The day the other system was notified: on or after the death, not after today. The
    /// case's due date (six months on) and `overdue` follow from it.
    #[serde(with = "iso_date")]
    pub notified_on: Date,
    /// The responsible ICB (ODS code): the one the person's area code leads to on the day of
    /// notification.
    #[schema(example = "QOP", pattern = "^[A-Za-z0-9]{3,6}$")]
    pub icb: String,
    /// The stage the review stands at: the days the stages were reached and the holds must
    /// take it there.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<Stage>)]
    pub stage: Stage,
    /// The allocated reviewer's username: an active account with the reviewer role in the ICB.
    #[validate(length(min = 1, max = 100, message = "must have 1 to 100 characters"))]
    #[schema(min_length = 1, max_length = 100)]
    pub reviewer: Option<String>,
    /// The person who died, as the intake takes them.
    #[validate(nested)]
    pub person: NotifiedPerson,
    /// Who notified the death, when the other system kept it.
    #[validate(nested)]
    pub notifier: Option<Notifier>,
    /// What happened, in the notifier's words.
    #[validate(length(max = 10000, message = "must have at most 10000 characters"))]
    #[schema(max_length = 10000)]
    pub circumstances: Option<String>,
    /// The family asked for a focused review at notification.
    #[serde(default)]
    pub family_requests_focused_review: bool,
    /// The notifying professional's organisation, an ODS code.
    #[schema(example = "RRK", pattern = "^[A-Za-z0-9]{3,6}$")]
    pub notifying_organisation: Option<String>,
    /// The person's GP practice: a letter and five digits.
    #[schema(example = "M85001", pattern = "^[A-Za-z][0-9]{5}$")]
    pub gp_practice: Option<String>,
    /// The day each stage after notification was reached.
    #[serde(default)]
    pub stages_reached: StagesReached,
    /// Every hold, ended or not (a case `on_hold` has one that has not ended).
    #[serde(default)]
    #[validate(nested)]
    pub holds: Vec<ImportHold>,
    /// The review form so far, as `PATCH /reviews/{id}/findings` takes it.
    pub findings: Option<FindingsDoc>,
    /// The learning points (sign-off needs one of kind `learning`).
    #[serde(default)]
    #[validate(nested)]
    pub learning_points: Vec<NewLearning>,
    /// The national data opt-out check, for a person whose opt-out was not known at
    /// notification (needed before allocation).
    #[validate(nested)]
    pub opt_out_check: Option<OptOutCheckRequest>,
    /// Why an ethnic category `Z` or `99` stands after asking: resolves the data-quality flag
    /// that blocks submission.
    #[validate(length(min = 1, max = 2000, message = "must have 1 to 2000 characters"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub ethnicity_confirmed_reason: Option<String>,
    /// The Child Death Review outcome that completed a child's case.
    #[validate(nested)]
    pub child_death_review_outcome: Option<ChildDeathReviewOutcomeRequest>,
}

/// The day each stage after notification was reached (a stage not reached is absent).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StagesReached {
    /// Allocated to the reviewer.
    #[serde(default, with = "iso_date::option")]
    pub allocated: Option<Date>,
    /// Started by the reviewer.
    #[serde(default, with = "iso_date::option")]
    pub in_review: Option<Date>,
    /// Submitted to QA.
    #[serde(default, with = "iso_date::option")]
    pub awaiting_qa: Option<Date>,
    /// Approved by QA.
    #[serde(default, with = "iso_date::option")]
    pub awaiting_sign_off: Option<Date>,
    /// Signed off (or, for a child's case, the Child Death Review outcome recorded).
    #[serde(default, with = "iso_date::option")]
    pub completed: Option<Date>,
}

impl StagesReached {
    /// The stages given, with their days, in the workflow's order.
    pub fn given(&self) -> Vec<(Stage, Date)> {
        [
            (Stage::Allocated, self.allocated),
            (Stage::InReview, self.in_review),
            (Stage::AwaitingQa, self.awaiting_qa),
            (Stage::AwaitingSignOff, self.awaiting_sign_off),
            (Stage::Completed, self.completed),
        ]
        .into_iter()
        .filter_map(|(stage, day)| day.map(|d| (stage, d)))
        .collect()
    }
}

/// A hold as the other system recorded it.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportHold {
    /// The reason from the list.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<HoldReason>)]
    pub reason: HoldReason,
    /// Its text (required for `other`).
    #[validate(length(min = 1, max = 2000, message = "must have 1 to 2000 characters"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub text: Option<String>,
    /// The first day on hold.
    #[serde(with = "iso_date")]
    pub started_on: Date,
    /// The day it ended; absent while the case is still on hold.
    #[serde(default, with = "iso_date::option")]
    pub ended_on: Option<Date>,
}

/// A row that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImportRowError {
    /// The row: 1 for the first review of the file (the CSV header is not a row).
    pub row: u64,
    /// The field, by its path in the row (e.g. `person.nhs_number`, `holds[0].started_on`).
    pub field: String,
    /// Stable machine-readable code.
    pub code: String,
    /// A sentence for a person.
    pub message: String,
}

/// What an import did, or on a dry run would do.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[schema(example = json!({
    "dry_run": true, "rows": 20, "imported": 18, "already_imported": 2, "failed": 0,
    "by_stage": {"completed": 6, "in_review": 12}, "by_icb": {"QOP": 18},
    "errors": [], "errors_truncated": false
}))]
pub struct ImportReport {
    /// A dry run: nothing was written.
    pub dry_run: bool,
    /// Rows read.
    pub rows: u64,
    /// Reviews imported (on a dry run: that would be); none when a row breaks a rule.
    pub imported: u64,
    /// Rows skipped because their source is already stored.
    pub already_imported: u64,
    /// Rows that break a rule.
    pub failed: u64,
    /// The reviews imported (or that would be) by the stage they stand at.
    pub by_stage: BTreeMap<String, u64>,
    /// The reviews imported (or that would be) by ICB.
    pub by_icb: BTreeMap<String, u64>,
    /// Each rule broken, by row and field (at most 1000).
    pub errors: Vec<ImportRowError>,
    /// More rules were broken than `errors` lists.
    pub errors_truncated: bool,
}
