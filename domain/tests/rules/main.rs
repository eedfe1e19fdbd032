//! The rules of DOMAIN.md, row by row, against the public API of `leder-domain`.
//!
//! One test binary: each module quotes the section of DOMAIN.md it checks. The modules are
//! marked `cfg(test)` so that their helpers, like the tests, may unwrap.

#[cfg(test)]
mod age;
#[cfg(test)]
mod avoidable;
#[cfg(test)]
mod dependencies;
#[cfg(test)]
mod disclosure;
#[cfg(test)]
mod eligibility;
#[cfg(test)]
mod ethnic_category;
#[cfg(test)]
mod family;
#[cfg(test)]
mod icd_code;
#[cfg(test)]
mod import;
#[cfg(test)]
mod k_anonymity;
#[cfg(test)]
mod moves;
#[cfg(test)]
mod nhs_number;
#[cfg(test)]
mod pseudonym;
#[cfg(test)]
mod review;
#[cfg(test)]
mod review_type;
#[cfg(test)]
mod time_targets;
#[cfg(test)]
mod value_types;
#[cfg(test)]
mod wire_names;
#[cfg(test)]
mod workflow;
#[cfg(test)]
mod workflow_editing;
#[cfg(test)]
mod workflow_properties;
