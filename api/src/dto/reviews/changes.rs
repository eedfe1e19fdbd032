//! Bodies that change a review: a correction, a transition, a Child Death Review outcome, a
//! learning point and a transfer.

use crate::dto::{iso_date, patch_field, wire};
use leder_domain::review::{CaseAction, LearningKind};
use leder_domain::workflow::Action;
use leder_domain::{PlaceOfDeath, Sex};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use validator::Validate;

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
    /// The ICB, sub-ICB location or CCG code of where the person lived, corrected: routing
    /// runs again as at notification, and when the code routes the case to another ICB the
    /// move is proposed to that ICB's lead (`/reviews/{id}/moves`).
    #[validate(length(min = 1, max = 10, message = "must have 1 to 10 characters"))]
    #[schema(min_length = 1, max_length = 10, example = "QE1")]
    pub area_code: Option<String>,
}

/// A stage change.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"action": "allocate", "reviewer_id": "0194f1c2-7a4e-7b1a-9f00-000000000000"}))]
pub struct TransitionRequest {
    /// allocate, start, escalate, submit, return, approve, sign_off, hold, resume,
    /// family_request, confirm_ethnicity or no_family_contact.
    #[schema(schema_with = action_names)]
    pub action: String,
    /// For allocate: the reviewer.
    pub reviewer_id: Option<String>,
    /// For family_request: who in the family asked (required).
    #[validate(length(max = 200, message = "must have at most 200 characters"))]
    #[schema(max_length = 200)]
    pub requested_by: Option<String>,
    /// For family_request: the day they asked (YYYY-MM-DD, not after today; required).
    #[serde(default, with = "iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub requested_on: Option<Date>,
    /// For escalate and a reallocation: why; for hold: the reason code; for confirm_ethnicity:
    /// why the category stays Z or 99 (whom was asked; required); for no_family_contact: why
    /// no family member or anyone close can be contacted (required).
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
        .filter(|a| **a != Action::RecordChildDeathReviewOutcome)
        .map(|a| a.as_str())
        .chain(CaseAction::ALL.iter().map(|a| a.as_str()));
    let mut schema = crate::dto::names_schema(actions);
    schema.description = Some(
        "allocate, start, escalate, submit, return, approve, sign_off, hold, resume, \
         family_request, confirm_ethnicity or no_family_contact."
            .to_owned(),
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

impl ChildDeathReviewOutcomeRequest {
    /// The outcome in the domain's terms (a code absent from the WHO 2019 classification is
    /// named: `underlying_icd10`).
    pub fn to_domain(
        self,
    ) -> Result<leder_domain::workflow::ChildDeathReviewOutcome, crate::error::FieldError> {
        let underlying_cause = self
            .underlying_icd10
            .as_deref()
            .map(leder_domain::IcdCode::parse)
            .transpose()
            .map_err(|e| {
                crate::error::FieldError::new("underlying_icd10", e.code(), e.to_string())
            })?;
        Ok(leder_domain::workflow::ChildDeathReviewOutcome {
            received_on: self.received_on,
            underlying_cause,
            summary: self.summary,
            modifiable_factors: self.modifiable_factors,
            learning: self.learning,
        })
    }
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

/// The outcome of a national data opt-out check, as the lead or the ICB's system records it.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"opted_out": false, "checked_on": "2026-11-02", "source": "NDOP check via MESH"}))]
pub struct OptOutCheckRequest {
    /// The person had registered a national data opt-out: the case closes as `opted_out` and
    /// nothing identifiable is kept.
    pub opted_out: bool,
    /// The day of the check: not after today.
    #[serde(with = "iso_date")]
    pub checked_on: Date,
    /// Where the answer came from (for example the national opt-out service's check).
    #[validate(length(min = 1, max = 200, message = "must have 1 to 200 characters"))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub source: String,
}
