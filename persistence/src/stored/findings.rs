//! The stored shapes of a review's JSON columns: the review form (`reviews.findings`) and the
//! Child Death Review outcome (`reviews.child_death_review_outcome`). They are persistence's own,
//! independent of the API's bodies, and versioned: `"v": 1` is written with every value; a value
//! without `v` is the first release's shape, which is the same. A value that does not parse is
//! an error naming the review, never an empty form.

use leder_domain::review_form::CovidVaccination;
use leder_domain::workflow::{
    CauseOfDeath, ChildDeathReviewOutcome, Dnacpr, FamilyInvolvement, Findings, KeyEpisode,
    MentalCapacityAct, UnderlyingCause,
};
use leder_domain::{CareGrade, IcdCode, LearningDisabilityLevel, PlaceOfDeath};
use serde::{Deserialize, Serialize};
use time::Date;

/// The shape version written now: 2 added the answers of review form 2 (each optional, so a
/// shape 1 value reads as a form without them).
const VERSION: u32 = 2;

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredCause {
    part_1a: Option<String>,
    part_1b: Option<String>,
    part_1c: Option<String>,
    part_2: Option<String>,
    underlying_icd10: Option<String>,
    underlying_not_known_reason: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredDnacpr {
    in_place: Option<bool>,
    process_correct: Option<bool>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredMca {
    relevant: Option<bool>,
    followed: Option<bool>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredFamily {
    contacted: Option<bool>,
    declined: Option<bool>,
    feedback_shared: Option<bool>,
    reason_not_contacted: Option<String>,
    /// Derived from the family record (absent, false, in forms written before it existed).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    recorded: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredEpisode {
    #[serde(with = "iso_date")]
    date: Date,
    setting: String,
    description: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredFindings {
    #[serde(default)]
    v: Option<u32>,
    pen_portrait: Option<String>,
    cause_of_death: Option<StoredCause>,
    place_of_death: Option<String>,
    dnacpr: Option<StoredDnacpr>,
    mental_capacity_act: Option<StoredMca>,
    annual_health_check_last_12_months: Option<bool>,
    reasonable_adjustments_made: Option<bool>,
    delays_in_care: Option<bool>,
    learning_disability_level: Option<String>,
    long_term_conditions: Option<Vec<String>>,
    care_grade: Option<i64>,
    good_practice: Option<String>,
    concerns: Option<String>,
    family_involvement: Option<StoredFamily>,
    key_episodes: Option<Vec<StoredEpisode>>,
    contributors: Option<Vec<String>>,
    #[serde(default)]
    referred_to_coroner: Option<bool>,
    #[serde(default)]
    dols_authorisation_in_place: Option<bool>,
    #[serde(default)]
    care_package_met_needs: Option<bool>,
    #[serde(default)]
    out_of_area_placement: Option<bool>,
    #[serde(default)]
    covid_vaccination: Option<String>,
}

/// Why a stored JSON value does not read back.
pub type Invalid = String;

fn check_version(v: Option<u32>) -> Result<(), Invalid> {
    match v {
        None | Some(1) | Some(VERSION) => Ok(()),
        Some(other) => Err(format!("shape version {other} is not known to this build")),
    }
}

fn nonempty(list: Vec<String>) -> Option<Vec<String>> {
    (!list.is_empty()).then_some(list)
}

/// Reads the stored review form.
pub fn findings_from_json(text: &str) -> Result<Findings, Invalid> {
    let s: StoredFindings = serde_json::from_str(text).map_err(|e| e.to_string())?;
    check_version(s.v)?;
    let cause_of_death = s
        .cause_of_death
        .map(|c| -> Result<CauseOfDeath, Invalid> {
            let underlying = match (c.underlying_icd10, c.underlying_not_known_reason) {
                (Some(code), _) => Some(UnderlyingCause::Known(
                    IcdCode::parse(&code).map_err(|e| format!("underlying_icd10: {e}"))?,
                )),
                (None, Some(reason)) => Some(UnderlyingCause::NotKnown { reason }),
                (None, None) => None,
            };
            Ok(CauseOfDeath {
                part_1a: c.part_1a,
                part_1b: c.part_1b,
                part_1c: c.part_1c,
                part_2: c.part_2,
                underlying,
            })
        })
        .transpose()?;
    Ok(Findings {
        pen_portrait: s.pen_portrait,
        cause_of_death,
        place_of_death: s
            .place_of_death
            .map(|p| PlaceOfDeath::parse(&p).map_err(|e| e.to_string()))
            .transpose()?,
        dnacpr: s.dnacpr.map(|d| Dnacpr {
            in_place: d.in_place,
            process_correct: d.process_correct,
        }),
        mental_capacity_act: s.mental_capacity_act.map(|m| MentalCapacityAct {
            relevant: m.relevant,
            followed: m.followed,
        }),
        annual_health_check_last_12_months: s.annual_health_check_last_12_months,
        reasonable_adjustments_made: s.reasonable_adjustments_made,
        delays_in_care: s.delays_in_care,
        learning_disability_level: s
            .learning_disability_level
            .map(|l| LearningDisabilityLevel::parse(&l).map_err(|e| e.to_string()))
            .transpose()?,
        long_term_conditions: s.long_term_conditions.unwrap_or_default(),
        care_grade: s
            .care_grade
            .map(|g| CareGrade::parse(g).map_err(|e| e.to_string()))
            .transpose()?,
        good_practice: s.good_practice,
        concerns: s.concerns,
        family_involvement: s.family_involvement.map(|f| FamilyInvolvement {
            contacted: f.contacted,
            declined: f.declined,
            feedback_shared: f.feedback_shared,
            reason_not_contacted: f.reason_not_contacted,
            recorded: f.recorded,
        }),
        key_episodes: s
            .key_episodes
            .unwrap_or_default()
            .into_iter()
            .map(|k| KeyEpisode {
                date: k.date,
                setting: k.setting,
                description: k.description,
            })
            .collect(),
        contributors: s.contributors.unwrap_or_default(),
        referred_to_coroner: s.referred_to_coroner,
        dols_authorisation_in_place: s.dols_authorisation_in_place,
        care_package_met_needs: s.care_package_met_needs,
        out_of_area_placement: s.out_of_area_placement,
        covid_vaccination: s
            .covid_vaccination
            .map(|c| CovidVaccination::parse(&c).map_err(|e| e.to_string()))
            .transpose()?,
    })
}

/// The stored form of the review form.
pub fn findings_to_json(f: &Findings) -> String {
    let stored = StoredFindings {
        v: Some(VERSION),
        pen_portrait: f.pen_portrait.clone(),
        cause_of_death: f.cause_of_death.as_ref().map(|c| {
            let (code, reason) = c.underlying_fields();
            StoredCause {
                part_1a: c.part_1a.clone(),
                part_1b: c.part_1b.clone(),
                part_1c: c.part_1c.clone(),
                part_2: c.part_2.clone(),
                underlying_icd10: code,
                underlying_not_known_reason: reason,
            }
        }),
        place_of_death: f.place_of_death.map(|p| p.as_str().to_owned()),
        dnacpr: f.dnacpr.map(|d| StoredDnacpr {
            in_place: d.in_place,
            process_correct: d.process_correct,
        }),
        mental_capacity_act: f.mental_capacity_act.map(|m| StoredMca {
            relevant: m.relevant,
            followed: m.followed,
        }),
        annual_health_check_last_12_months: f.annual_health_check_last_12_months,
        reasonable_adjustments_made: f.reasonable_adjustments_made,
        delays_in_care: f.delays_in_care,
        learning_disability_level: f.learning_disability_level.map(|l| l.as_str().to_owned()),
        long_term_conditions: nonempty(f.long_term_conditions.clone()),
        care_grade: f.care_grade.map(|g| i64::from(g.value())),
        good_practice: f.good_practice.clone(),
        concerns: f.concerns.clone(),
        family_involvement: f.family_involvement.as_ref().map(|x| StoredFamily {
            contacted: x.contacted,
            declined: x.declined,
            feedback_shared: x.feedback_shared,
            reason_not_contacted: x.reason_not_contacted.clone(),
            recorded: x.recorded,
        }),
        key_episodes: (!f.key_episodes.is_empty()).then(|| {
            f.key_episodes
                .iter()
                .map(|k| StoredEpisode {
                    date: k.date,
                    setting: k.setting.clone(),
                    description: k.description.clone(),
                })
                .collect()
        }),
        contributors: nonempty(f.contributors.clone()),
        referred_to_coroner: f.referred_to_coroner,
        dols_authorisation_in_place: f.dols_authorisation_in_place,
        care_package_met_needs: f.care_package_met_needs,
        out_of_area_placement: f.out_of_area_placement,
        covid_vaccination: f.covid_vaccination.map(|c| c.as_str().to_owned()),
    };
    // Serialising plain strings, numbers and booleans cannot fail.
    serde_json::to_string(&stored).unwrap_or_else(|_| "{}".into())
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredOutcome {
    #[serde(default)]
    v: Option<u32>,
    #[serde(with = "iso_date")]
    received_on: Date,
    underlying_icd10: Option<String>,
    summary: String,
    modifiable_factors: bool,
    #[serde(default)]
    learning: Vec<String>,
}

/// Reads a stored Child Death Review outcome.
pub fn outcome_from_json(text: &str) -> Result<ChildDeathReviewOutcome, Invalid> {
    let s: StoredOutcome = serde_json::from_str(text).map_err(|e| e.to_string())?;
    check_version(s.v)?;
    Ok(ChildDeathReviewOutcome {
        received_on: s.received_on,
        underlying_cause: s
            .underlying_icd10
            .map(|c| IcdCode::parse(&c).map_err(|e| format!("underlying_icd10: {e}")))
            .transpose()?,
        summary: s.summary,
        modifiable_factors: s.modifiable_factors,
        learning: s.learning,
    })
}

/// The stored form of a Child Death Review outcome.
pub fn outcome_to_json(o: &ChildDeathReviewOutcome) -> String {
    let stored = StoredOutcome {
        v: Some(VERSION),
        received_on: o.received_on,
        underlying_icd10: o.underlying_cause.as_ref().map(|c| c.as_str().to_owned()),
        summary: o.summary.clone(),
        modifiable_factors: o.modifiable_factors,
        learning: o.learning.clone(),
    };
    serde_json::to_string(&stored).unwrap_or_else(|_| "{}".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_releases_form_reads_and_writes_back_the_same() {
        let legacy = r#"{"pen_portrait":"Loved music.","cause_of_death":{"part_1a":"Pneumonia","part_1b":null,"part_1c":null,"part_2":null,"underlying_icd10":"J18.9","underlying_not_known_reason":null},"place_of_death":"hospital","dnacpr":{"in_place":true,"process_correct":false},"mental_capacity_act":null,"annual_health_check_last_12_months":true,"reasonable_adjustments_made":null,"delays_in_care":null,"learning_disability_level":"moderate","long_term_conditions":["epilepsy"],"care_grade":3,"good_practice":null,"concerns":null,"family_involvement":null,"key_episodes":[{"date":"2026-09-01","setting":"GP","description":"Seen"}],"contributors":null}"#;
        let findings = findings_from_json(legacy).expect("reads");
        assert_eq!(findings.care_grade.map(|g| g.value()), Some(3));
        assert_eq!(findings.key_episodes.len(), 1);
        let again = findings_from_json(&findings_to_json(&findings)).expect("reads back");
        assert_eq!(again, findings);
        assert_eq!(
            findings_from_json("{}").expect("empty"),
            Findings::default()
        );
    }

    #[test]
    fn a_stored_form_that_does_not_parse_is_an_error_not_an_empty_form() {
        for bad in [
            "",
            "[]",
            r#"{"care_grade":9}"#,
            r#"{"place_of_death":"moon"}"#,
            r#"{"v":3}"#,
            r#"{"unknown":1}"#,
            r#"{"covid_vaccination":"twice"}"#,
            r#"{"cause_of_death":{"underlying_icd10":"Q99.99"}}"#,
        ] {
            assert!(findings_from_json(bad).is_err(), "{bad}");
        }
    }
}
