//! Bodies of notifications and reviews (API.md, "Notifications" and "Reviews").

use serde::Serialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use leder_domain::avoidable::ListVersion;
use leder_domain::eligibility::{Outcome, Reason, Route};
use leder_domain::review_type::{DataQualityFlag, FocusedReason, ReviewType};
use leder_domain::workflow::{HoldReason, Stage};
use leder_domain::{PlaceOfDeath, Sex};

use super::{iso_date, wire};

mod case_notifications;
mod changes;
mod family;
mod findings;
mod notes;
mod notification;
mod reads;

pub use case_notifications::*;
pub use changes::*;
pub use family::*;
pub use findings::*;
pub use notes::*;
pub use notification::*;
pub use reads::*;

/// Eligibility as assessed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EligibilityDto {
    /// `eligible`, `not_eligible` or `opted_out`.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<Outcome>)]
    pub outcome: Outcome,
    /// `leder_review`, `child_death_review` or null.
    #[serde(with = "wire::option")]
    #[schema(schema_with = wire::schema::nullable::<Route>)]
    pub route: Option<Route>,
    /// Reason codes.
    #[serde(with = "wire::list")]
    #[schema(schema_with = wire::schema::list::<Reason>)]
    pub reasons: Vec<Reason>,
    /// The outcome in words.
    pub sentence: String,
}

/// The person, as notified or corrected.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonDto {
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// NHS number (10 digits).
    pub nhs_number: Option<String>,
    /// Date of birth.
    #[serde(with = "iso_date::option")]
    pub date_of_birth: Option<Date>,
    /// Date of death.
    #[serde(with = "iso_date::option")]
    pub date_of_death: Option<Date>,
    /// Sex.
    #[serde(with = "wire::option")]
    #[schema(schema_with = wire::schema::nullable::<Sex>)]
    pub sex: Option<Sex>,
    /// Ethnic category code.
    pub ethnic_category: Option<String>,
    /// Learning disability.
    pub learning_disability: Option<bool>,
    /// Autistic.
    pub autistic: Option<bool>,
    /// Lived in England.
    pub lived_in_england: Option<bool>,
    /// National data opt-out (always false here: opted-out cases keep no person).
    pub national_data_opt_out: bool,
    /// Place of death as notified.
    #[serde(with = "wire::option")]
    #[schema(schema_with = wire::schema::nullable::<PlaceOfDeath>)]
    pub place_of_death: Option<PlaceOfDeath>,
}

/// A current hold.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HoldDto {
    /// Hold reason code.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<HoldReason>)]
    pub reason: HoldReason,
    /// Since when (English date).
    #[serde(with = "iso_date")]
    pub since: Date,
    /// Text given with the reason.
    pub text: Option<String>,
}

/// The avoidable-mortality classification of the underlying cause.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AvoidableDto {
    /// 1 when avoidable, else 0.
    pub avoidable: f64,
    /// 1, 0.5 (on both lists) or 0.
    pub preventable: f64,
    /// 1, 0.5 (on both lists) or 0.
    pub treatable: f64,
}

/// The definition versions a case was assessed with.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionsDto {
    /// Eligibility rules.
    pub eligibility: String,
    /// Avoidable-mortality list.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<ListVersion>)]
    pub avoidable_mortality: ListVersion,
    /// Care grade scale.
    pub care_grade: String,
    /// The review form it was opened with: `leder-form-1` (reviews opened before form 2, which
    /// keep it and do not take form 2's answers) or `leder-form-2`.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<leder_domain::review_form::FormVersion>)]
    pub form: leder_domain::review_form::FormVersion,
}

/// A review (case).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Review {
    /// Id.
    pub id: String,
    /// The first notification's reference.
    pub reference: String,
    /// Stage.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<Stage>)]
    pub status: Stage,
    /// Eligibility.
    pub eligibility: EligibilityDto,
    /// `initial` or `focused` (LeDeR reviews only).
    #[serde(with = "wire::option")]
    #[schema(schema_with = wire::schema::nullable::<ReviewType>)]
    pub review_type: Option<ReviewType>,
    /// Why focused.
    #[serde(with = "wire::list")]
    #[schema(schema_with = wire::schema::list::<FocusedReason>)]
    pub focused_reasons: Vec<FocusedReason>,
    /// Data-quality flags to resolve before submitting.
    #[serde(with = "wire::list")]
    #[schema(schema_with = wire::schema::list::<DataQualityFlag>)]
    pub data_quality_flags: Vec<DataQualityFlag>,
    /// The responsible ICB.
    pub organisation: String,
    /// The sub-ICB location the area code resolved through.
    pub sub_icb_location: Option<String>,
    /// The area code as notified.
    pub area_code: String,
    /// The allocated reviewer.
    pub reviewer_id: Option<String>,
    /// The allocated reviewer with their display name (null until allocated).
    pub reviewer: Option<ReviewerRef>,
    /// The person (null after a national data opt-out).
    pub person: Option<PersonDto>,
    /// Age at death in whole years.
    pub age_at_death: Option<i64>,
    /// When notified.
    #[serde(with = "time::serde::rfc3339")]
    pub notified_at: OffsetDateTime,
    /// The target: notification + 6 calendar months (end-of-month clamped).
    #[serde(with = "iso_date")]
    pub due_date: Date,
    /// The due date extended by the days on hold: what `overdue` is judged against.
    #[serde(with = "iso_date")]
    pub extended_due_date: Date,
    /// Days since notification (to completion when closed).
    pub days_elapsed: i64,
    /// Days on hold.
    pub days_on_hold: i64,
    /// Open, not on hold, and past the extended due date (never on the Child Death Review
    /// route, whose clock belongs to that process).
    pub overdue: bool,
    /// Open, not on hold, not yet overdue, and within 28 days of the extended due date.
    pub due_soon: bool,
    /// The current hold, if on hold.
    pub hold: Option<HoldDto>,
    /// The review form.
    pub findings: FindingsDoc,
    /// Derived from the underlying cause and age at death.
    pub avoidable: Option<AvoidableDto>,
    /// The ETag value.
    pub version: i64,
    /// A later notification of the same person awaits the lead's look.
    pub has_unreviewed_duplicate: bool,
    /// The national data opt-out check: `needed` when the notifier did not know (the case is
    /// allocated only once checked).
    pub opt_out_check: OptOutCheckDto,
    /// The definition versions it was assessed with.
    pub versions: VersionsDto,
    /// When completed.
    #[serde(with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
    /// The Child Death Review outcome, for a child's death.
    pub child_death_review_outcome: Option<serde_json::Value>,
    /// The legal hold that keeps its identifiable data past the retention period (set and
    /// lifted by an admin), or null.
    pub legal_hold: Option<crate::dto::retention::ReviewLegalHold>,
    /// When its identifiable data was disposed of after the retention period, or null. From
    /// then on `person` is null, and the form, the Child Death Review outcome, its history and
    /// learning keep codes and yes/no answers only: their free text reads "disposed of after
    /// the retention period".
    #[serde(with = "time::serde::rfc3339::option")]
    pub disposed_at: Option<OffsetDateTime>,
}

/// The allocated reviewer of a review.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewerRef {
    /// The account's id (the same as `reviewer_id`).
    pub id: String,
    /// Their display name as their account reads now.
    pub display_name: Option<String>,
}

/// A page of reviews.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewPage {
    /// Reviews, by notification time.
    pub items: Vec<Review>,
    /// The next page's cursor, or null.
    pub next_cursor: Option<String>,
}

/// Where a case stands on the national data opt-out check.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OptOutCheckDto {
    /// Not needed, needed (before allocation), or checked.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<leder_domain::review::OptOutCheckStatus>)]
    pub status: leder_domain::review::OptOutCheckStatus,
    /// When checked: whether the person had opted out.
    pub opted_out: Option<bool>,
    /// When checked: the day of the check.
    #[serde(with = "iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub checked_on: Option<Date>,
    /// When checked: where the answer came from.
    pub source: Option<String>,
}
