//! The documents of a synthetic case, in exactly the shapes the API stores: the review form
//! ([`FindingsDoc`]), the Child Death Review outcome, and the notification as received. Every
//! free-text field says it is synthetic.

use leder_domain::notifier::Relationship;
use leder_domain::review::Review;
use leder_domain::workflow::{
    CauseOfDeath, ChildDeathReviewOutcome, Dnacpr, FamilyInvolvement, Findings, KeyEpisode,
    MentalCapacityAct, UnderlyingCause,
};
use leder_domain::{LearningDisabilityLevel, PlaceOfDeath};
use leder_persistence::records::cases::Notification;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use time::Date;

use leder_domain::review_form::CovidVaccination;

use super::generator::pick;
use super::ids::id_at;
use super::rows::{Checked, steps_to};
use super::{CaseSpec, FormAnswersSpec};
use crate::dto::reviews::{NewNotification, NotifiedPerson, Notifier};

/// The form fields a complete review fills (named in its `findings_updated` history entry).
pub(super) const FIELDS: [&str; 15] = [
    "pen_portrait",
    "cause_of_death",
    "place_of_death",
    "dnacpr",
    "mental_capacity_act",
    "annual_health_check_last_12_months",
    "reasonable_adjustments_made",
    "delays_in_care",
    "learning_disability_level",
    "long_term_conditions",
    "care_grade",
    "good_practice",
    "concerns",
    "family_involvement",
    "key_episodes",
];

const PLACES: [(&str, u32); 6] = [
    ("hospital", 58),
    ("care_home", 20),
    ("home", 14),
    ("hospice", 4),
    ("other", 3),
    ("mental_health_inpatient", 1),
];

const LEVELS: [(&str, u32); 5] = [
    ("mild", 22),
    ("moderate", 33),
    ("severe", 25),
    ("profound_and_multiple", 12),
    ("unknown", 8),
];

const VACCINATION: [(CovidVaccination, u32); 4] = [
    (CovidVaccination::FullyVaccinated, 76),
    (CovidVaccination::PartiallyVaccinated, 9),
    (CovidVaccination::NotVaccinated, 5),
    (CovidVaccination::NotKnown, 10),
];

const CONDITIONS: [&str; 10] = [
    "epilepsy",
    "dysphagia",
    "constipation",
    "gastro-oesophageal reflux",
    "hypothyroidism",
    "type 2 diabetes",
    "asthma",
    "osteoporosis",
    "cerebral palsy",
    "mental illness",
];

/// Who contributed besides the GP (every review hears from the GP).
const CONTRIBUTORS: [&str; 5] = [
    "Learning disability nurse",
    "Hospital consultant",
    "Speech and language therapist",
    "Care home manager",
    "Social worker",
];

/// Where the person died.
pub(super) fn place_of_death(rng: &mut ChaCha8Rng) -> &'static str {
    pick(rng, &PLACES)
}

/// The review form: complete once the review has started, else only the cause and grade given.
pub(super) fn findings(
    spec: &CaseSpec,
    c: &Checked,
    place: &str,
    rng: &mut ChaCha8Rng,
) -> Findings {
    let cause = CauseOfDeath {
        part_1a: c.icd.as_ref().map(|i| i.title().to_owned()),
        underlying: c.icd.clone().map(UnderlyingCause::Known),
        ..CauseOfDeath::default()
    };
    if steps_to(c.stage) < 2 {
        return Findings {
            cause_of_death: c.icd.is_some().then_some(cause),
            care_grade: c.grade,
            ..Findings::default()
        };
    }
    let cause = CauseOfDeath {
        underlying: cause.underlying.or_else(|| {
            Some(UnderlyingCause::NotKnown {
                reason: "Synthetic demo: the certificate gave no clear cause".to_owned(),
            })
        }),
        part_2: rng
            .random_bool(0.5)
            .then(|| "Learning disability (synthetic demo entry)".to_owned()),
        ..cause
    };
    Findings {
        pen_portrait: Some(format!(
            "SYNTHETIC DEMO RECORD, not a real person. {} loved music and day trips, and lived \
             with support from a small staff team who knew them well.",
            spec.given_name
        )),
        cause_of_death: Some(cause),
        place_of_death: PlaceOfDeath::parse(place).ok(),
        dnacpr: Some(Dnacpr {
            in_place: Some(rng.random_bool(0.65)),
            process_correct: Some(rng.random_bool(0.85)),
        }),
        mental_capacity_act: Some(MentalCapacityAct {
            relevant: Some(rng.random_bool(0.8)),
            followed: Some(rng.random_bool(0.75)),
        }),
        annual_health_check_last_12_months: Some(rng.random_bool(0.72)),
        reasonable_adjustments_made: Some(rng.random_bool(0.78)),
        delays_in_care: Some(rng.random_bool(0.2)),
        // Drawn whether or not the spec names a level, so a seed gives the same cases.
        learning_disability_level: if spec.learning_disability {
            LearningDisabilityLevel::parse(pick(rng, &LEVELS)).ok()
        } else {
            None
        }
        .map(|drawn| c.level.unwrap_or(drawn))
        .or(c.level),
        long_term_conditions: CONDITIONS
            .iter()
            .filter(|_| rng.random_bool(0.2))
            .map(|s| (*s).to_owned())
            .collect(),
        care_grade: c.grade,
        good_practice: Some("Synthetic demo: staff knew the person's communication well.".into()),
        concerns: rng
            .random_bool(0.5)
            .then(|| "Synthetic demo: the hospital passport was not shared on admission.".into()),
        family_involvement: Some(family_involvement(rng)),
        key_episodes: key_episodes(spec.date_of_death, rng),
        contributors: std::iter::once("GP")
            .chain(CONTRIBUTORS.into_iter().filter(|_| rng.random_bool(0.5)))
            .map(str::to_owned)
            .collect(),
        ..form_answers(spec, rng)
    }
}

/// The second form's answers: the spec's, else drawn (drawn either way, so that a seed gives
/// the same cases).
fn form_answers(spec: &CaseSpec, rng: &mut ChaCha8Rng) -> Findings {
    let drawn = FormAnswersSpec {
        referred_to_coroner: Some(rng.random_bool(0.25)),
        dols_authorisation_in_place: Some(rng.random_bool(0.3)),
        care_package_met_needs: Some(rng.random_bool(0.8)),
        out_of_area_placement: Some(rng.random_bool(0.1)),
        covid_vaccination: Some(pick(rng, &VACCINATION)),
    };
    let a = spec.form_answers.unwrap_or(drawn);
    Findings {
        referred_to_coroner: a.referred_to_coroner,
        dols_authorisation_in_place: a.dols_authorisation_in_place,
        care_package_met_needs: a.care_package_met_needs,
        out_of_area_placement: a.out_of_area_placement,
        covid_vaccination: a.covid_vaccination,
        ..Findings::default()
    }
}

fn family_involvement(rng: &mut ChaCha8Rng) -> FamilyInvolvement {
    let contacted = rng.random_bool(0.85);
    FamilyInvolvement {
        contacted: Some(contacted),
        declined: contacted.then(|| rng.random_bool(0.1)),
        feedback_shared: contacted.then(|| rng.random_bool(0.8)),
        reason_not_contacted: (!contacted)
            .then(|| "Synthetic demo: no family or close friend could be found".to_owned()),
        // Synthetic cases carry the form's answers, not a family record.
        recorded: false,
    }
}

fn key_episodes(date_of_death: Date, rng: &mut ChaCha8Rng) -> Vec<KeyEpisode> {
    let back = |days: i64| date_of_death.saturating_sub(time::Duration::days(days));
    vec![
        KeyEpisode {
            date: back(rng.random_range(10..60)),
            setting: "GP surgery".into(),
            description: "Synthetic demo: review of recurrent chest infections.".into(),
        },
        KeyEpisode {
            date: back(rng.random_range(0..10)),
            setting: "Hospital".into(),
            description: "Synthetic demo: admitted with shortness of breath.".into(),
        },
    ]
}

/// The Child Death Review outcome (checked by the domain's rule).
pub(super) fn cdr_outcome(
    spec: &CaseSpec,
    c: &Checked,
    received_on: Date,
    today: Date,
    rng: &mut ChaCha8Rng,
) -> Result<ChildDeathReviewOutcome, (&'static str, String)> {
    let outcome = ChildDeathReviewOutcome {
        received_on,
        underlying_cause: c.icd.clone(),
        summary: "Synthetic demo outcome: the panel reviewed the child's care.".into(),
        modifiable_factors: rng.random_bool(0.3),
        learning: vec!["Synthetic demo: share the epilepsy care plan with school.".into()],
    };
    outcome
        .validate(spec.date_of_death, today)
        .map_err(|e| (e.field(), e.to_string()))?;
    Ok(outcome)
}

/// The notification as the intake stores it.
pub(super) fn notification(
    spec: &CaseSpec,
    row: &Review,
    place: &str,
    rng: &mut ChaCha8Rng,
) -> Notification {
    let relationship = pick(
        rng,
        &[
            ("health_professional", 55),
            ("family", 20),
            ("carer", 15),
            ("social_care_professional", 10),
        ],
    );
    let body = Relationship::parse(relationship)
        .ok()
        .map(|relationship| NewNotification {
            notifier: Notifier {
                name: "Demo Notifier (synthetic)".into(),
                relationship,
                email: Some("notifier@example.org".into()),
                phone: None,
                organisation: None,
            },
            person: NotifiedPerson {
                given_name: spec.given_name.clone(),
                family_name: spec.family_name.clone(),
                nhs_number: row
                    .person
                    .as_ref()
                    .and_then(|p| p.nhs_number.as_ref())
                    .map(leder_domain::NhsNumber::digits),
                date_of_birth: spec.date_of_birth,
                date_of_death: spec.date_of_death,
                sex: spec.sex.parse().unwrap_or(leder_domain::Sex::NotKnown),
                ethnic_category: Some(spec.ethnic_category.clone()),
                learning_disability: spec.learning_disability,
                autistic: spec.autistic,
                lived_in_england: true,
                national_data_opt_out: leder_domain::review::OptOutAnswer::No,
                area_code: spec.organisation.clone(),
                place_of_death: place.parse().ok(),
            },
            circumstances: Some("Synthetic demo notification: not a real person.".into()),
            family_requests_focused_review: false,
            source: None,
            notifying_organisation: None,
            gp_practice: None,
        });
    Notification {
        id: id_at(row.notified_at),
        reference: row.reference.clone(),
        review_id: row.id.clone(),
        duplicate: false,
        received_at: row.notified_at,
        area_code: spec.organisation.clone(),
        person: body.as_ref().map(|b| (&b.person).into()),
        notifier: body.as_ref().map(|b| (&b.notifier).into()),
        circumstances: body.and_then(|b| b.circumstances),
        family_requests_focused_review: false,
        source: None,
        notifying_organisation: None,
        gp_practice: None,
    }
}

/// A learning point's text, naming its themes.
pub(super) fn learning_text(themes: &[String]) -> String {
    if themes.is_empty() {
        return "Synthetic demo learning: share the hospital passport on every admission.".into();
    }
    format!(
        "Synthetic demo learning about {}: make the care plan known to everyone involved.",
        themes.join(", ").replace('_', " ")
    )
}
