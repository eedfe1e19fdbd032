//! Rows of the case journey: notifications, reviews, holds, learning points, history, events
//! and idempotency records.

use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};

use crate::schema::{
    events, idempotency_keys, learning_point_themes, learning_points, notifications,
    review_escalations, review_history, review_holds, reviews, themes,
};

/// A notification as received.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    /// Id.
    pub id: String,
    /// `LDR-` reference given to the notifier.
    pub reference: String,
    /// The review it created or was linked to.
    pub review_id: String,
    /// Linked to an earlier review of the same person.
    pub duplicate: bool,
    /// When received (UTC).
    pub received_at: PrimitiveDateTime,
    /// The area code as notified.
    pub area_code: String,
    /// The person as notified (JSON); NULL for an opt-out.
    pub person_json: Option<String>,
    /// The notifier (JSON); NULL for an opt-out.
    pub notifier_json: Option<String>,
    /// Free text; NULL for an opt-out.
    pub circumstances: Option<String>,
    /// The family asked for a focused review.
    pub family_requests_focused_review: bool,
    /// When the lead acknowledged it (a duplicate).
    pub acknowledged_at: Option<PrimitiveDateTime>,
    /// Who acknowledged it.
    pub acknowledged_by: Option<String>,
    /// Whether its facts were applied to the person when acknowledged.
    pub applied: bool,
    /// The ICB whose lead or system sent it (professional intake).
    pub source_organisation: Option<String>,
    /// The sending system's name.
    pub source_system: Option<String>,
    /// The sending system's id for the case.
    pub source_id: Option<String>,
    /// The notifying professional's organisation (ODS code).
    pub notifying_organisation: Option<String>,
    /// The person's GP practice (ODS code).
    pub gp_practice: Option<String>,
}

/// A review (case).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = reviews, treat_none_as_null = true)]
pub struct ReviewRow {
    /// Id (UUID v7).
    pub id: String,
    /// The first notification's reference.
    pub reference: String,
    /// Stage wire name.
    pub status: String,
    /// The stage a hold returns to.
    pub resume_to: Option<String>,
    /// Eligibility outcome.
    pub eligibility_outcome: String,
    /// Eligibility route.
    pub eligibility_route: Option<String>,
    /// Reason codes, comma-separated.
    pub eligibility_reasons: String,
    /// `initial` or `focused`, for LeDeR reviews.
    pub review_type: Option<String>,
    /// Focused reasons, comma-separated.
    pub focused_reasons: String,
    /// The family asked for a focused review.
    pub family_request: bool,
    /// The written reason a reviewer or lead escalated.
    pub reviewer_concern: Option<String>,
    /// Open data-quality flags, comma-separated.
    pub data_quality_flags: String,
    /// The responsible ICB.
    pub organisation: String,
    /// The area code as notified.
    pub area_code: String,
    /// The sub-ICB location it resolved through.
    pub sub_icb_location: Option<String>,
    /// The allocated reviewer.
    pub reviewer_id: Option<String>,
    /// Person: given name.
    pub given_name: Option<String>,
    /// Person: family name.
    pub family_name: Option<String>,
    /// Person: NHS number (10 digits).
    pub nhs_number: Option<String>,
    /// Person: date of birth.
    pub date_of_birth: Option<Date>,
    /// Person: date of death.
    pub date_of_death: Option<Date>,
    /// Person: sex.
    pub sex: Option<String>,
    /// Person: ethnic category code.
    pub ethnic_category: Option<String>,
    /// Person: learning disability.
    pub learning_disability: Option<bool>,
    /// Person: autistic.
    pub autistic: Option<bool>,
    /// Person: lived in England.
    pub lived_in_england: Option<bool>,
    /// Place of death as notified.
    pub place_of_death: Option<String>,
    /// Year of death (kept for opt-outs).
    pub year_of_death: i64,
    /// Age at death in whole years.
    pub age_at_death: Option<i64>,
    /// The review form (JSON).
    pub findings: String,
    /// The underlying cause (ICD-10, normalised), copied from the form for statistics.
    pub underlying_icd10: Option<String>,
    /// The care grade, copied from the form for statistics.
    pub care_grade: Option<i64>,
    /// The Child Death Review outcome (JSON).
    pub child_death_review_outcome: Option<String>,
    /// A later notification of the same person awaits the lead's look.
    pub has_unreviewed_duplicate: bool,
    /// Eligibility rules version.
    pub eligibility_version: String,
    /// Avoidable-mortality list version.
    pub avoidable_version: String,
    /// Care grade scale version.
    pub care_grade_version: String,
    /// Created by `leder seed-demo`.
    pub synthetic: bool,
    /// When notified (UTC).
    pub notified_at: PrimitiveDateTime,
    /// The English date of notification.
    pub notified_on: Date,
    /// When completed (UTC).
    pub completed_at: Option<PrimitiveDateTime>,
    /// The English date of completion (or of closing as not eligible).
    pub completed_on: Option<Date>,
    /// Optimistic-concurrency version (the ETag).
    pub version: i64,
    /// Last change (UTC).
    pub updated_at: PrimitiveDateTime,
    /// The person's lower-cased names and dates, which the duplicate rule matches on
    /// ([`crate::stored::review::identity_key`]); NULL when nothing identifiable is kept.
    pub identity_key: Option<String>,
    /// Why the review is under legal hold (DOMAIN.md, "Retention"); NULL when it is not.
    pub legal_hold_reason: Option<String>,
    /// Since when it is under legal hold (UTC).
    pub legal_hold_since: Option<PrimitiveDateTime>,
    /// When its identifiable part was disposed of (UTC).
    pub disposed_at: Option<PrimitiveDateTime>,
    /// `not_needed`, `needed` or `checked` (the opt-out check).
    pub opt_out_check: String,
    /// When checked: whether the person had opted out.
    pub opt_out_checked_opted_out: Option<bool>,
    /// When checked: the day of the check.
    pub opt_out_checked_on: Option<Date>,
    /// When checked: where the answer came from.
    pub opt_out_check_source: Option<String>,
    /// The review form version it was opened with.
    pub form_version: String,
    /// When it was first allocated (UTC), for the dashboards.
    pub first_allocated_at: Option<PrimitiveDateTime>,
    /// The level of learning disability, copied from the form for statistics.
    pub learning_disability_level: Option<String>,
    /// Referred to the coroner, copied from the form (`leder-form-2`) for statistics.
    pub referred_to_coroner: Option<bool>,
    /// A DoLS authorisation in place, copied from the form for statistics.
    pub dols_authorisation_in_place: Option<bool>,
    /// The care package met the person's needs, copied from the form for statistics.
    pub care_package_met_needs: Option<bool>,
    /// An out-of-area placement, copied from the form for statistics.
    pub out_of_area_placement: Option<bool>,
    /// COVID-19 vaccination status (its wire name), copied from the form for statistics.
    pub covid_vaccination: Option<String>,
}

/// One hold interval.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = review_holds)]
pub struct HoldRow {
    /// Id.
    pub id: String,
    /// The review.
    pub review_id: String,
    /// Hold reason code.
    pub reason: String,
    /// Text (for `other`).
    pub reason_text: Option<String>,
    /// The stage it left.
    pub from_stage: String,
    /// First day on hold.
    pub started_on: Date,
    /// When it started.
    pub started_at: PrimitiveDateTime,
    /// The day it ended.
    pub ended_on: Option<Date>,
    /// When it ended.
    pub ended_at: Option<PrimitiveDateTime>,
}

/// A learning point's row (its themes are rows of `learning_point_themes`).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = learning_points)]
pub struct LearningRow {
    /// Id.
    pub id: String,
    /// The review.
    pub review_id: String,
    /// The review's ICB (for learning across cases).
    pub organisation: String,
    /// `learning`, `good_practice` or `concern`.
    pub kind: String,
    /// The text.
    pub text: String,
    /// Who wrote it.
    pub created_by: String,
    /// When.
    pub created_at: PrimitiveDateTime,
}

/// An escalation by a regional coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = review_escalations)]
pub struct EscalationRow {
    /// Id.
    pub id: String,
    /// The review.
    pub review_id: String,
    /// The review's ICB when it was recorded.
    pub organisation: String,
    /// The coordinator's region.
    pub region: String,
    /// Why.
    pub reason: String,
    /// What was agreed.
    pub agreed: String,
    /// By when.
    pub by_when: Date,
    /// The coordinator's user id.
    pub created_by: String,
    /// When (UTC).
    pub created_at: PrimitiveDateTime,
}

/// One theme of a learning point.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = learning_point_themes)]
pub struct LearningThemeRow {
    /// The learning point.
    pub learning_id: String,
    /// A theme code of the taxonomy.
    pub theme: String,
}

/// A history entry.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = review_history)]
pub struct HistoryRow {
    /// Id (UUID v7, so ids sort by time).
    pub id: String,
    /// The review.
    pub review_id: String,
    /// When.
    pub occurred_at: PrimitiveDateTime,
    /// Who (none for the public intake).
    pub actor_id: Option<String>,
    /// Their roles, comma-separated.
    pub actor_roles: String,
    /// What happened.
    pub action: String,
    /// Stage before.
    pub from_status: Option<String>,
    /// Stage after.
    pub to_status: Option<String>,
    /// Details (JSON).
    pub detail: String,
}

/// An outbox event.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = events)]
pub struct EventRow {
    /// The ICB whose feed it is in.
    pub organisation: String,
    /// Position in that feed (commit order).
    pub seq: i64,
    /// Id.
    pub id: String,
    /// `review.created`, ...
    pub event_type: String,
    /// The review (or action) id.
    pub subject_id: String,
    /// The review's reference.
    pub reference: String,
    /// When.
    pub occurred_at: PrimitiveDateTime,
    /// Payload version (1).
    pub payload_version: i64,
    /// The subject's new state (JSON).
    pub data: String,
}

/// A stored first response to an idempotent request.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = idempotency_keys)]
pub struct IdempotencyRow {
    /// Route and caller the key belongs to.
    pub scope: String,
    /// The client's key.
    pub idempotency_key: String,
    /// SHA-256 of the request body.
    pub request_hash: String,
    /// HTTP status (0 while the first request is still running).
    pub status: i64,
    /// Response headers worth replaying (JSON object).
    pub headers: String,
    /// Response body.
    pub body: String,
    /// When stored.
    pub created_at: PrimitiveDateTime,
}

/// A theme of the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = themes)]
pub struct ThemeRow {
    /// Code.
    pub code: String,
    /// Label.
    pub label: String,
    /// Display order.
    pub position: i64,
}
