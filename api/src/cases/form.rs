//! The review form between its body (`FindingsDoc`) and the domain's `Findings`, both ways.

use leder_domain::CareGrade;
use leder_domain::icd_code::IcdCode;
use leder_domain::workflow::{
    CauseOfDeath, Dnacpr, FamilyInvolvement, Findings, KeyEpisode, MentalCapacityAct,
    UnderlyingCause,
};

use crate::dto::reviews::{
    CauseOfDeathDoc, DnacprDoc, FamilyInvolvementDoc, FindingsDoc, KeyEpisodeDoc,
    MentalCapacityActDoc,
};
use crate::error::FieldError;

/// The form as the domain reads it; each field that breaks a rule is named.
pub fn findings_to_domain(doc: &FindingsDoc) -> Result<Findings, Vec<FieldError>> {
    let mut errors = Vec::new();
    let cause_of_death = doc.cause_of_death.as_ref().map(|c| {
        let underlying = match (&c.underlying_icd10, &c.underlying_not_known_reason) {
            (Some(code), _) => match IcdCode::parse(code) {
                Ok(icd) => Some(UnderlyingCause::Known(icd)),
                Err(e) => {
                    errors.push(FieldError::new(
                        "cause_of_death.underlying_icd10",
                        e.code(),
                        e.to_string(),
                    ));
                    None
                }
            },
            (None, Some(reason)) => Some(UnderlyingCause::NotKnown {
                reason: reason.clone(),
            }),
            (None, None) => None,
        };
        CauseOfDeath {
            part_1a: c.part_1a.clone(),
            part_1b: c.part_1b.clone(),
            part_1c: c.part_1c.clone(),
            part_2: c.part_2.clone(),
            underlying,
        }
    });
    let care_grade = doc.care_grade.and_then(|g| match CareGrade::parse(g) {
        Ok(g) => Some(g),
        Err(e) => {
            errors.push(FieldError::new("care_grade", e.code(), e.to_string()));
            None
        }
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Findings {
        pen_portrait: doc.pen_portrait.clone(),
        cause_of_death,
        place_of_death: doc.place_of_death,
        dnacpr: doc.dnacpr.as_ref().map(|d| Dnacpr {
            in_place: d.in_place,
            process_correct: d.process_correct,
        }),
        mental_capacity_act: doc.mental_capacity_act.as_ref().map(|m| MentalCapacityAct {
            relevant: m.relevant,
            followed: m.followed,
        }),
        annual_health_check_last_12_months: doc.annual_health_check_last_12_months,
        reasonable_adjustments_made: doc.reasonable_adjustments_made,
        delays_in_care: doc.delays_in_care,
        learning_disability_level: doc.learning_disability_level,
        long_term_conditions: doc.long_term_conditions.clone().unwrap_or_default(),
        care_grade,
        good_practice: doc.good_practice.clone(),
        concerns: doc.concerns.clone(),
        family_involvement: doc.family_involvement.as_ref().map(|f| FamilyInvolvement {
            contacted: f.contacted,
            declined: f.declined,
            feedback_shared: f.feedback_shared,
            reason_not_contacted: f.reason_not_contacted.clone(),
            recorded: f.recorded.unwrap_or(false),
        }),
        key_episodes: doc
            .key_episodes
            .iter()
            .flatten()
            .map(|k| KeyEpisode {
                date: k.date,
                setting: k.setting.clone(),
                description: k.description.clone(),
            })
            .collect(),
        contributors: doc.contributors.clone().unwrap_or_default(),
        referred_to_coroner: doc.referred_to_coroner,
        dols_authorisation_in_place: doc.dols_authorisation_in_place,
        care_package_met_needs: doc.care_package_met_needs,
        out_of_area_placement: doc.out_of_area_placement,
        covid_vaccination: doc.covid_vaccination,
    })
}

/// The review form as the API shows it.
pub fn findings_doc(f: &Findings) -> FindingsDoc {
    let nonempty = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
    FindingsDoc {
        pen_portrait: f.pen_portrait.clone(),
        cause_of_death: f.cause_of_death.as_ref().map(|c| {
            let (code, reason) = c.underlying_fields();
            CauseOfDeathDoc {
                part_1a: c.part_1a.clone(),
                part_1b: c.part_1b.clone(),
                part_1c: c.part_1c.clone(),
                part_2: c.part_2.clone(),
                underlying_icd10: code,
                underlying_not_known_reason: reason,
            }
        }),
        place_of_death: f.place_of_death,
        dnacpr: f.dnacpr.map(|d| DnacprDoc {
            in_place: d.in_place,
            process_correct: d.process_correct,
        }),
        mental_capacity_act: f.mental_capacity_act.map(|m| MentalCapacityActDoc {
            relevant: m.relevant,
            followed: m.followed,
        }),
        annual_health_check_last_12_months: f.annual_health_check_last_12_months,
        reasonable_adjustments_made: f.reasonable_adjustments_made,
        delays_in_care: f.delays_in_care,
        learning_disability_level: f.learning_disability_level,
        long_term_conditions: nonempty(&f.long_term_conditions),
        care_grade: f.care_grade.map(|g| i64::from(g.value())),
        good_practice: f.good_practice.clone(),
        concerns: f.concerns.clone(),
        family_involvement: f.family_involvement.as_ref().map(|x| FamilyInvolvementDoc {
            contacted: x.contacted,
            declined: x.declined,
            feedback_shared: x.feedback_shared,
            reason_not_contacted: x.reason_not_contacted.clone(),
            recorded: Some(x.recorded),
        }),
        key_episodes: (!f.key_episodes.is_empty()).then(|| {
            f.key_episodes
                .iter()
                .map(|k| KeyEpisodeDoc {
                    date: k.date,
                    setting: k.setting.clone(),
                    description: k.description.clone(),
                })
                .collect()
        }),
        contributors: nonempty(&f.contributors),
        referred_to_coroner: f.referred_to_coroner,
        dols_authorisation_in_place: f.dols_authorisation_in_place,
        care_package_met_needs: f.care_package_met_needs,
        out_of_area_placement: f.out_of_area_placement,
        covid_vaccination: f.covid_vaccination,
    }
}
