//! The deaths section of an ICB's reports (the sections ICBs publish every year): the reviews
//! completed in the period by age band, sex, ethnic group and place of death, their leading
//! underlying causes, the avoidable deaths (ONS 2020, each review under the list version it was
//! assessed with) and the LeDeR reviews by care grade. In the publishable form every count
//! follows `domain::disclosure` through the report's [`Publisher`].

use std::collections::BTreeMap;

use leder_domain::avoidable::classify_with;
use leder_domain::disclosure::{Disclosed, disclose_fractional};
use leder_domain::eligibility::Route;
use leder_domain::review::Review;
use leder_domain::{AgeBand, CareGrade, EthnicGroup, IcdCode, PlaceOfDeath, Sex};

use super::Publisher;
use crate::dto::reports::{Avoidable, Deaths, ReportCause};

/// How many causes the section lists.
const LEADING_CAUSES: usize = 10;

/// Where a review records no value (an age, a sex, an ethnic group or a place).
const NOT_KNOWN: &str = "not_known";

fn tally(keys: impl IntoIterator<Item = String>) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for k in keys {
        *out.entry(k).or_insert(0) += 1;
    }
    out
}

/// The closed list of a group's names, with `not_known` once.
fn with_not_known(names: impl Iterator<Item = &'static str>) -> Vec<String> {
    let mut keys: Vec<String> = names.map(str::to_owned).collect();
    if !keys.iter().any(|k| k == NOT_KNOWN) {
        keys.push(NOT_KNOWN.to_owned());
    }
    keys
}

impl Publisher {
    /// A fractional count (avoidable deaths: 0.5 for a cause on both lists).
    fn fraction(&mut self, path: &str, n: f64) -> Option<f64> {
        if !self.publishable {
            return Some(n);
        }
        match disclose_fractional(n) {
            Disclosed::Shown(v) => Some(v as f64),
            Disclosed::Suppressed => {
                self.suppressed.push(path.to_owned());
                None
            }
        }
    }
}

/// The section over the reviews completed in the period.
pub(super) fn deaths(p: &mut Publisher, completed: &[Review]) -> Deaths {
    let reviews = p.count("deaths.reviews", completed.len() as u64);
    let age = tally(completed.iter().map(|r| {
        r.age_at_death
            .and_then(AgeBand::of)
            .map_or(NOT_KNOWN.to_owned(), |b| b.as_str().to_owned())
    }));
    let sex = tally(completed.iter().map(|r| {
        r.person
            .as_ref()
            .map_or(NOT_KNOWN.to_owned(), |p| p.sex.as_str().to_owned())
    }));
    let ethnic = tally(completed.iter().map(|r| {
        r.person
            .as_ref()
            .and_then(|p| p.ethnic_category)
            .map_or(NOT_KNOWN.to_owned(), |c| c.group().as_str().to_owned())
    }));
    let place = tally(completed.iter().map(|r| {
        r.findings
            .place_of_death
            .or_else(|| r.person.as_ref().and_then(|p| p.place_of_death))
            .map_or(NOT_KNOWN.to_owned(), |p| p.as_str().to_owned())
    }));
    let by_age_band = p.counts(
        "deaths.by_age_band",
        with_not_known(AgeBand::ALL.iter().map(|b| b.as_str())),
        &age,
    );
    let by_sex = p.counts(
        "deaths.by_sex",
        Sex::ALL.iter().map(|s| s.as_str().to_owned()),
        &sex,
    );
    let by_ethnic_group = p.counts(
        "deaths.by_ethnic_group",
        EthnicGroup::ALL.iter().map(|g| g.as_str().to_owned()),
        &ethnic,
    );
    let by_place_of_death = p.counts(
        "deaths.by_place_of_death",
        with_not_known(PlaceOfDeath::ALL.iter().map(|p| p.as_str())),
        &place,
    );
    let mut causes: BTreeMap<String, u64> = BTreeMap::new();
    let (mut avoidable, mut preventable, mut treatable) = (0.0, 0.0, 0.0);
    for r in completed {
        let Some(code) = r.underlying_cause() else {
            continue;
        };
        *causes.entry(code.reporting_code().to_owned()).or_default() += 1;
        if let Some(age) = r.age_at_death {
            let a = classify_with(r.versions.avoidable_mortality, code, age);
            avoidable += a.avoidable;
            preventable += a.preventable;
            treatable += a.treatable;
        }
    }
    let mut ranked: Vec<(String, u64)> = causes.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(LEADING_CAUSES);
    let leading_causes = ranked
        .into_iter()
        .map(|(code, n)| ReportCause {
            name: IcdCode::parse(&code).map_or("", |c| c.title()),
            deaths: p.count(&format!("deaths.leading_causes.{code}"), n),
            icd10: code,
        })
        .collect();
    let avoidable = Avoidable {
        avoidable: p.fraction("deaths.avoidable.avoidable", avoidable),
        preventable: p.fraction("deaths.avoidable.preventable", preventable),
        treatable: p.fraction("deaths.avoidable.treatable", treatable),
    };
    let grades = tally(
        completed
            .iter()
            .filter(|r| r.eligibility.route == Some(Route::LederReview))
            .filter_map(|r| r.findings.care_grade)
            .map(|g| g.value().to_string()),
    );
    let care_grades = p.counts(
        "deaths.care_grades",
        CareGrade::all().map(|g| g.value().to_string()),
        &grades,
    );
    Deaths {
        reviews,
        by_age_band,
        by_sex,
        by_ethnic_group,
        by_place_of_death,
        leading_causes,
        avoidable,
        care_grades,
    }
}
