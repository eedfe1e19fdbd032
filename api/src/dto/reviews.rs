//! Bodies of notifications and reviews (API.md, "Notifications" and "Reviews").

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use validator::Validate;

use leder_domain::avoidable::ListVersion;
use leder_domain::eligibility::{Outcome, Reason, Route};
use leder_domain::review::LearningKind;
use leder_domain::review_type::{DataQualityFlag, FocusedReason, ReviewType};
use leder_domain::workflow::{Action, HoldReason, Stage};
use leder_domain::{LearningDisabilityLevel, PlaceOfDeath, Sex};

use super::{iso_date, patch_field, wire};

/// How the notifier knew the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    /// A family member.
    Family,
    /// A paid or unpaid carer.
    Carer,
    /// A health professional.
    HealthProfessional,
    /// A social care professional.
    SocialCareProfessional,
    /// Someone else.
    Other,
}

/// Who reported the death.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Notifier {
    /// Name.
    #[validate(length(min = 1, max = 200, message = "must have 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Relationship to the person.
    pub relationship: Relationship,
    /// Email, to contact them.
    #[validate(
        email(message = "must be an email address"),
        length(max = 254, message = "must have at most 254 characters")
    )]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    /// Phone.
    #[validate(length(max = 30, message = "must have at most 30 characters"))]
    #[schema(max_length = 30)]
    pub phone: Option<String>,
    /// Their organisation, if any.
    #[validate(length(max = 200, message = "must have at most 200 characters"))]
    #[schema(max_length = 200)]
    pub organisation: Option<String>,
}

/// The person who died, as notified.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifiedPerson {
    /// Given name: at least one letter, and no zero-width (U+200B to U+200D, U+2060, U+FEFF) or
    /// text-direction control (U+202A to U+202E, U+2066 to U+2069) characters.
    #[validate(length(min = 1, max = 100, message = "must have 1 to 100 characters"))]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub given_name: String,
    /// Family name: at least one letter, and no zero-width or text-direction control characters.
    #[validate(length(min = 1, max = 100, message = "must have 1 to 100 characters"))]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub family_name: String,
    /// NHS number (10 digits, spaces allowed, a valid Modulus 11 check digit, not one digit ten
    /// times); absent when unknown.
    #[schema(example = "943 476 5919", pattern = "^ *([0-9] *){10}$")]
    pub nhs_number: Option<String>,
    /// Date of birth: at most 120 years before the date of death.
    #[serde(with = "iso_date")]
    pub date_of_birth: Date,
    /// Date of death: on or after 2015-01-01 (the programme's start), not after today.
    #[serde(with = "iso_date")]
    pub date_of_death: Date,
    /// Sex.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<Sex>)]
    pub sex: Sex,
    /// NHS Data Dictionary ethnic category (A–S, Z not stated, 99 not known).
    #[schema(example = "A", pattern = "^([A-HJ-NPRSZa-hj-nprsz]|99)$")]
    pub ethnic_category: Option<String>,
    /// Had a learning disability.
    pub learning_disability: bool,
    /// Was autistic.
    pub autistic: bool,
    /// Lived in England.
    pub lived_in_england: bool,
    /// Registered a national data opt-out.
    pub national_data_opt_out: bool,
    /// ICB, sub-ICB location or CCG ODS code of where the person lived.
    #[schema(example = "QOP")]
    pub area_code: String,
    /// Where the person died.
    #[serde(default, with = "wire::option")]
    #[schema(schema_with = wire::schema::nullable::<PlaceOfDeath>)]
    pub place_of_death: Option<PlaceOfDeath>,
}

/// A reported death.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "notifier": {"name": "Sam Carer", "relationship": "carer", "email": "sam@example.org"},
    "person": {"given_name": "Alex", "family_name": "Example", "nhs_number": "9434765919",
               "date_of_birth": "1961-03-02", "date_of_death": "2026-10-01", "sex": "female",
               "ethnic_category": "A", "learning_disability": true, "autistic": false,
               "lived_in_england": true, "national_data_opt_out": false, "area_code": "QOP",
               "place_of_death": "hospital"},
    "circumstances": "Died in hospital after a short illness.",
    "family_requests_focused_review": false
}))]
pub struct NewNotification {
    /// Who reports.
    #[validate(nested)]
    pub notifier: Notifier,
    /// Who died.
    #[validate(nested)]
    pub person: NotifiedPerson,
    /// What happened, in the notifier's words.
    #[validate(length(max = 10000, message = "must have at most 10000 characters"))]
    #[schema(max_length = 10000)]
    pub circumstances: Option<String>,
    /// The family asks for a focused review (always granted).
    #[serde(default)]
    pub family_requests_focused_review: bool,
}

/// The answer to a notification: only the reference.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NotificationReceipt {
    /// Quote it in any contact about this death.
    #[schema(example = "LDR-7K3QZ9MA")]
    pub reference: String,
    /// When it was received.
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
}

/// The cause of death as on the MCCD.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CauseOfDeathDoc {
    /// Part 1a.
    pub part_1a: Option<String>,
    /// Part 1b.
    pub part_1b: Option<String>,
    /// Part 1c.
    pub part_1c: Option<String>,
    /// Part 2.
    pub part_2: Option<String>,
    /// ICD-10 code of the underlying cause (normalised, e.g. `J18.9`).
    pub underlying_icd10: Option<String>,
    /// Why the underlying cause is not known (instead of a code).
    pub underlying_not_known_reason: Option<String>,
}

/// DNACPR answers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DnacprDoc {
    /// A DNACPR was in place.
    pub in_place: Option<bool>,
    /// Its process was correct.
    pub process_correct: Option<bool>,
}

/// Mental Capacity Act answers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MentalCapacityActDoc {
    /// The Act was relevant.
    pub relevant: Option<bool>,
    /// It was followed.
    pub followed: Option<bool>,
}

/// Family involvement.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FamilyInvolvementDoc {
    /// The family was contacted.
    pub contacted: Option<bool>,
    /// They declined to take part.
    pub declined: Option<bool>,
    /// Feedback was shared with them.
    pub feedback_shared: Option<bool>,
    /// Why they were not contacted.
    pub reason_not_contacted: Option<String>,
}

/// A key episode of care.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyEpisodeDoc {
    /// When.
    #[serde(with = "iso_date")]
    pub date: Date,
    /// Where (setting).
    pub setting: String,
    /// What happened.
    pub description: String,
}

/// The review form (DOMAIN.md, "What a review records").
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingsDoc {
    /// Who the person was.
    pub pen_portrait: Option<String>,
    /// The cause of death.
    pub cause_of_death: Option<CauseOfDeathDoc>,
    /// Where the person died.
    #[serde(default, with = "wire::option")]
    #[schema(schema_with = wire::schema::nullable::<PlaceOfDeath>)]
    pub place_of_death: Option<PlaceOfDeath>,
    /// DNACPR.
    pub dnacpr: Option<DnacprDoc>,
    /// Mental Capacity Act.
    pub mental_capacity_act: Option<MentalCapacityActDoc>,
    /// An annual health check in the last 12 months.
    pub annual_health_check_last_12_months: Option<bool>,
    /// Reasonable adjustments were made.
    pub reasonable_adjustments_made: Option<bool>,
    /// There were delays in care.
    pub delays_in_care: Option<bool>,
    /// Level of learning disability.
    #[serde(default, with = "wire::option")]
    #[schema(schema_with = wire::schema::nullable::<LearningDisabilityLevel>)]
    pub learning_disability_level: Option<LearningDisabilityLevel>,
    /// Long-term conditions.
    pub long_term_conditions: Option<Vec<String>>,
    /// Overall quality-of-care grade, 1 (excellent) to 6 (fell far short, contributed to death).
    #[serde(default, deserialize_with = "super::whole_number")]
    #[schema(minimum = 1, maximum = 6)]
    pub care_grade: Option<i64>,
    /// Areas of good practice.
    pub good_practice: Option<String>,
    /// Areas of concern.
    pub concerns: Option<String>,
    /// Family involvement.
    pub family_involvement: Option<FamilyInvolvementDoc>,
    /// Key episodes of care.
    pub key_episodes: Option<Vec<KeyEpisodeDoc>>,
    /// Roles of the professionals who contributed.
    pub contributors: Option<Vec<String>>,
}

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
    /// Open, not on hold, and past the due date.
    pub overdue: bool,
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

/// A page of reviews.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewPage {
    /// Reviews, by notification time.
    pub items: Vec<Review>,
    /// The next page's cursor, or null.
    pub next_cursor: Option<String>,
}

/// Corrections to the person (JSON Merge Patch).
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonPatch {
    /// Given name.
    #[validate(length(min = 1, max = 100, message = "must have 1 to 100 characters"))]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub given_name: Option<String>,
    /// Family name.
    #[validate(length(min = 1, max = 100, message = "must have 1 to 100 characters"))]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub family_name: Option<String>,
    /// NHS number (10 digits, spaces allowed); `null` when unknown.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>, pattern = "^ *([0-9] *){10}$")]
    pub nhs_number: Option<Option<String>>,
    /// Date of birth.
    #[serde(default, with = "iso_date::option")]
    pub date_of_birth: Option<Date>,
    /// Date of death.
    #[serde(default, with = "iso_date::option")]
    pub date_of_death: Option<Date>,
    /// Sex.
    #[serde(default, with = "wire::option")]
    #[schema(schema_with = wire::schema::named::<Sex>)]
    pub sex: Option<Sex>,
    /// Ethnic category (A–S, Z not stated, 99 not known); `null` when not known.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>, pattern = "^([A-HJ-NPRSZa-hj-nprsz]|99)$")]
    pub ethnic_category: Option<Option<String>>,
    /// Learning disability.
    pub learning_disability: Option<bool>,
    /// Autistic.
    pub autistic: Option<bool>,
    /// Lived in England.
    pub lived_in_england: Option<bool>,
    /// Place of death.
    #[serde(default, deserialize_with = "wire::patch")]
    #[schema(schema_with = wire::schema::nullable::<PlaceOfDeath>)]
    pub place_of_death: Option<Option<PlaceOfDeath>>,
}

/// A stage change.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"action": "allocate", "reviewer_id": "0194f1c2-7a4e-7b1a-9f00-000000000000"}))]
pub struct TransitionRequest {
    /// allocate, start, escalate, submit, return, approve, sign_off, hold or resume.
    #[schema(schema_with = action_names)]
    pub action: String,
    /// For allocate: the reviewer.
    pub reviewer_id: Option<String>,
    /// For escalate and a reallocation: why; for hold: the reason code.
    #[validate(length(max = 2000, message = "must have at most 2000 characters"))]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
    /// For return: the QA comment; for hold `other`: the text.
    #[validate(length(max = 10000, message = "must have at most 10000 characters"))]
    #[schema(max_length = 10000)]
    pub comment: Option<String>,
}

/// `action` in the contract: the workflow's action names but the Child Death Review outcome's,
/// which has its own endpoint.
fn action_names() -> utoipa::openapi::Object {
    let actions = Action::ALL
        .iter()
        .filter(|a| **a != Action::RecordChildDeathReviewOutcome);
    let mut schema = super::names_schema(actions.map(|a| a.as_str()));
    schema.description = Some(
        "allocate, start, escalate, submit, return, approve, sign_off, hold or resume.".to_owned(),
    );
    schema
}

/// The outcome of a Child Death Review.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildDeathReviewOutcomeRequest {
    /// When LeDeR received it.
    #[serde(with = "iso_date")]
    pub received_on: Date,
    /// ICD-10 of the underlying cause, if the review gave one (e.g. `J18.9`; a code absent from
    /// the WHO 2019 classification is a 422).
    #[schema(pattern = "^[A-Za-z][0-9]{2}\\.?[0-9]?[Xx]?$")]
    pub underlying_icd10: Option<String>,
    /// Summary.
    #[validate(length(min = 1, max = 20000, message = "must have 1 to 20000 characters"))]
    #[schema(
        min_length = 1,
        max_length = 20000,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub summary: String,
    /// Modifiable factors were identified.
    pub modifiable_factors: bool,
    /// Learning from it.
    #[serde(default)]
    pub learning: Vec<String>,
}

/// A new learning point.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "Dysphagia care plan not shared with the ward.", "themes": ["aspiration_pneumonia"], "kind": "learning"}))]
pub struct NewLearning {
    /// The learning.
    #[validate(length(min = 1, max = 10000, message = "must have 1 to 10000 characters"))]
    #[schema(min_length = 1, max_length = 10000)]
    pub text: String,
    /// Theme codes from GET /api/v1/themes.
    pub themes: Vec<String>,
    /// learning, good_practice or concern.
    #[serde(with = "wire")]
    #[schema(schema_with = wire::schema::named::<LearningKind>)]
    pub kind: LearningKind,
}

/// A learning point.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LearningPoint {
    /// Id.
    pub id: String,
    /// The review.
    pub review_id: String,
    /// Text.
    pub text: String,
    /// Theme codes.
    pub themes: Vec<String>,
    /// Kind.
    pub kind: String,
    /// Author's user id.
    pub created_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Learning points of a review.
#[derive(Debug, Serialize, ToSchema)]
pub struct LearningList {
    /// Oldest first.
    pub items: Vec<LearningPoint>,
}

/// A theme.
#[derive(Debug, Serialize, ToSchema)]
pub struct Theme {
    /// Code.
    pub code: String,
    /// Label.
    pub label: String,
}

/// The theme taxonomy.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThemeList {
    /// In display order.
    pub items: Vec<Theme>,
}

/// A history entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// Id.
    pub id: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    /// Who (null for the public intake).
    pub actor_id: Option<String>,
    /// What.
    pub action: String,
    /// Stage before.
    pub from_status: Option<String>,
    /// Stage after.
    pub to_status: Option<String>,
    /// Details.
    pub detail: serde_json::Value,
}

/// A review's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct History {
    /// Oldest first.
    pub items: Vec<HistoryEntry>,
}

/// A transfer of a dissolved ICB's open reviews.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// Explicit targets: review id → ICB code (needed for reviews of a split ICB that have no
    /// sub-ICB location).
    #[serde(default)]
    pub targets: std::collections::BTreeMap<String, String>,
}

/// One review moved.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Transferred {
    /// The review.
    pub review_id: String,
    /// From this ICB.
    pub from: String,
    /// To this ICB.
    pub to: String,
}

/// What a transfer did.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransferResult {
    /// The reviews moved.
    pub transferred: Vec<Transferred>,
}
