//! The rules of the LeDeR programme (`DOMAIN.md`) as pure functions and value types.
//!
//! Nothing here performs I/O or knows about HTTP, SQL or JSON: the persistence and API layers
//! load data, call these rules and store or present the result. "Today" is always passed in as an
//! English calendar date, so every rule is deterministic and testable. Reference tables (the WHO
//! ICD-10 classification, the avoidable mortality list, the ethnic categories, the grade scale)
//! are embedded at compile time and parsed once, on first use.
//!
//! Every parse error has a stable machine-readable `code()` and a human `Display` message; every
//! enum with a wire name has `as_str()` and `parse()` over exactly the names of API.md.

pub mod action_plan;
pub mod age;
pub mod age_band;
pub mod audit;
pub mod avoidable;
pub mod breakdown;
pub mod care_grade;
pub mod case_notes;
pub mod cohort;
pub mod disclosure;
pub mod eligibility;
pub mod ethnic_category;
pub mod evidence;
pub mod family;
pub mod hex;
pub mod icd_code;
pub mod learning_disability_level;
pub mod moves;
pub mod nhs_number;
pub mod notifier;
pub mod ods_code;
pub mod organisations;
pub mod place_of_death;
pub mod plausibility;
pub mod pseudonym;
mod reference_data;
pub mod retention;
pub mod review;
pub mod review_form;
pub mod review_type;
pub mod sex;
pub mod sign_in;
pub mod subscriptions;
pub mod time_targets;
pub mod totp;
pub mod versions;
pub mod wire;
pub mod workflow;

pub use age::{AgeError, age_at};
pub use age_band::{AgeBand, BroadAgeBand};
pub use care_grade::{CareGrade, CareGradeError};
pub use cohort::Cohort;
pub use ethnic_category::{EthnicCategory, EthnicCategoryError, EthnicGroup};
pub use icd_code::{IcdCode, IcdCodeError};
pub use learning_disability_level::LearningDisabilityLevel;
pub use nhs_number::{NhsNumber, NhsNumberError};
pub use ods_code::{OdsCode, OdsCodeError};
pub use place_of_death::PlaceOfDeath;
pub use sex::Sex;
pub use versions::Versions;
pub use wire::{UnknownName, WireName};
