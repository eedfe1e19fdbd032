//! National statistics for a calendar year of death (API.md, "National"), from the grouped
//! counts of `repo::national::statistics_counts`.
//!
//! SQL counts; Rust does only what SQL cannot: the median from the age histogram, the
//! avoidable split per distinct cause (the most specific row of the ONS list wins), the
//! 3-character categories and their WHO titles, and the disclosure rule. The national total
//! is shown as counted; every group row follows `domain::disclosure`.

use std::collections::BTreeMap;

use leder_domain::avoidable::{AVOIDABLE_AGE_LIMIT, ListVersion, classify_with};
use leder_domain::disclosure::{self, Disclosed, disclose, disclose_fractional, median_of_counts};
use leder_domain::organisations::Hierarchy;
use leder_domain::{CareGrade, Cohort, IcdCode};
use leder_persistence::repo::national::StatisticsCounts;
use time::OffsetDateTime;

use leder_domain::review_form::{CovidVaccination, FORM_2_YES_NO};

use crate::dto::national::{
    FormAnswers, LeadingCause, Statistics, StatisticsGroup, StatisticsRow, YesNoCounts,
};
pub use leder_domain::breakdown::Breakdown as By;

/// How many underlying causes a row lists.
pub const LEADING_CAUSES: usize = 10;

/// Everything counted for one group.
#[derive(Debug, Default)]
struct Tally {
    deaths: u64,
    ages: BTreeMap<i64, u64>,
    avoidable: f64,
    preventable: f64,
    treatable: f64,
    grades: BTreeMap<u8, u64>,
    causes: BTreeMap<String, u64>,
    completed: u64,
    within: u64,
    within_net: u64,
    /// Reviews on the second form.
    asked: u64,
    /// Their answers, by `question.answer`.
    answers: BTreeMap<String, u64>,
}

impl Tally {
    /// The median age at death, withheld as `disclosure::median_of_counts` says for a group of
    /// `group_deaths`.
    fn median_age(&self, group_deaths: u64) -> Option<f64> {
        let ages: Vec<(f64, u64)> = self.ages.iter().map(|(a, n)| (*a as f64, *n)).collect();
        median_of_counts(&ages, group_deaths)
    }
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// A stored list version that this build does not know: the data is not ours to guess at.
#[derive(Debug, thiserror::Error)]
#[error("a stored avoidable_version `{0}` is not a known list version")]
pub struct UnknownListVersion(String);

/// The grouped tallies, and the deaths counted under each avoidable-list version.
type Tallies = (BTreeMap<String, Tally>, BTreeMap<String, u64>);

/// Sums the grouped counts into a tally per group (`key` maps SQL's group to the published one);
/// each cause is classified under the list version its reviews were assessed with.
fn tally(
    counts: &StatisticsCounts,
    key: impl Fn(&str) -> String,
) -> Result<Tallies, UnknownListVersion> {
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    let mut versions: BTreeMap<String, u64> = BTreeMap::new();
    for row in &counts.ages {
        let t = groups.entry(key(&row.grp)).or_default();
        t.deaths += count(row.deaths);
        if let Some(age) = row.age {
            *t.ages.entry(age).or_default() += count(row.deaths);
        }
    }
    for row in &counts.causes {
        let version = ListVersion::parse(&row.list_version)
            .map_err(|_| UnknownListVersion(row.list_version.clone()))?;
        *versions.entry(version.to_string()).or_default() += count(row.deaths);
        let Some(code) = row.icd10.as_deref().and_then(|c| IcdCode::parse(c).ok()) else {
            continue;
        };
        let t = groups.entry(key(&row.grp)).or_default();
        let n = count(row.deaths);
        *t.causes
            .entry(code.reporting_code().to_owned())
            .or_default() += n;
        // One age on each side of the limit stands for the group of ages SQL counted.
        let age = if row.under_limit == 1 {
            AVOIDABLE_AGE_LIMIT - 1
        } else {
            AVOIDABLE_AGE_LIMIT
        };
        let a = classify_with(version, &code, age);
        t.avoidable += a.avoidable * n as f64;
        t.preventable += a.preventable * n as f64;
        t.treatable += a.treatable * n as f64;
    }
    for row in &counts.grades {
        let Some(grade) = row.grade.and_then(|g| CareGrade::parse(g).ok()) else {
            continue;
        };
        let t = groups.entry(key(&row.grp)).or_default();
        *t.grades.entry(grade.value()).or_default() += count(row.deaths);
    }
    for row in &counts.timeliness {
        let t = groups.entry(key(&row.grp)).or_default();
        t.completed += count(row.completed);
        t.within += count(row.within);
        t.within_net += count(row.within_net);
    }
    for row in &counts.form_answers {
        let t = groups.entry(key(&row.grp)).or_default();
        let n = count(row.reviews);
        t.asked += n;
        let covid = ("covid_vaccination", row.covid_vaccination.as_deref());
        for (question, answer) in FORM_2_YES_NO
            .iter()
            .map(|q| (*q, row.yes_no(q)))
            .chain([covid])
        {
            let answer = answer.unwrap_or(NOT_RECORDED);
            *t.answers.entry(format!("{question}.{answer}")).or_default() += n;
        }
    }
    Ok((groups, versions))
}

/// A question asked but not answered.
const NOT_RECORDED: &str = "not_recorded";

/// The second form's answers of a tally, each count shown as `show` says (given its name
/// under `form_answers.`).
fn form_answers(t: &Tally, mut show: impl FnMut(&str, u64) -> Option<u64>) -> FormAnswers {
    let mut answer = |name: String| {
        let n = t.answers.get(&name).copied().unwrap_or(0);
        show(&name, n)
    };
    let mut yes_no = |question: &str| YesNoCounts {
        yes: answer(format!("{question}.yes")),
        no: answer(format!("{question}.no")),
        not_recorded: answer(format!("{question}.{NOT_RECORDED}")),
    };
    let [coroner, dols, care, placement] = FORM_2_YES_NO;
    let (coroner, dols, care, placement) = (
        yes_no(coroner),
        yes_no(dols),
        yes_no(care),
        yes_no(placement),
    );
    let covid_vaccination = CovidVaccination::ALL
        .iter()
        .map(|c| c.as_str())
        .chain([NOT_RECORDED])
        .map(|status| {
            (
                status.to_owned(),
                answer(format!("covid_vaccination.{status}")),
            )
        })
        .collect();
    FormAnswers {
        asked: show("asked", t.asked),
        referred_to_coroner: coroner,
        dols_authorisation_in_place: dols,
        care_package_met_needs: care,
        out_of_area_placement: placement,
        covid_vaccination,
    }
}

fn merge(into: &mut Tally, from: &Tally) {
    into.deaths += from.deaths;
    for (age, n) in &from.ages {
        *into.ages.entry(*age).or_default() += n;
    }
    into.avoidable += from.avoidable;
    into.preventable += from.preventable;
    into.treatable += from.treatable;
    for (grade, n) in &from.grades {
        *into.grades.entry(*grade).or_default() += n;
    }
    for (cause, n) in &from.causes {
        *into.causes.entry(cause.clone()).or_default() += n;
    }
    into.completed += from.completed;
    into.within += from.within;
    into.within_net += from.within_net;
    into.asked += from.asked;
    for (answer, n) in &from.answers {
        *into.answers.entry(answer.clone()).or_default() += n;
    }
}

fn leading(t: &Tally) -> Vec<(String, u64)> {
    let mut causes: Vec<(String, u64)> = t.causes.iter().map(|(c, n)| (c.clone(), *n)).collect();
    causes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    causes.truncate(LEADING_CAUSES);
    causes
}

/// The WHO title of a reporting code (a 3-character category, or the 4-character code that
/// stands for a placeholder category: `IcdCode::reporting_code`).
fn title(code: &str) -> &'static str {
    IcdCode::parse(code).map_or("", |c| c.title())
}

fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    (denominator > 0.0).then(|| numerator / denominator)
}

/// The national total, shown as counted.
fn as_counted(t: &Tally) -> StatisticsRow {
    StatisticsRow {
        deaths: Some(t.deaths),
        // The national total is not subject to the small-numbers rule.
        median_age_at_death: t.median_age(u64::MAX),
        avoidable: Some(t.avoidable),
        preventable: Some(t.preventable),
        treatable: Some(t.treatable),
        avoidable_share: ratio(t.avoidable, t.deaths as f64),
        care_grades: CareGrade::all()
            .map(|g| {
                let n = t.grades.get(&g.value()).copied().unwrap_or(0);
                (g.value().to_string(), Some(n))
            })
            .collect(),
        leading_causes: leading(t)
            .into_iter()
            .map(|(icd10, n)| LeadingCause {
                name: title(&icd10),
                icd10,
                deaths: Some(n),
            })
            .collect(),
        completed_within_6_months_share: ratio(t.within as f64, t.completed as f64),
        completed_within_6_months_net_of_holds_share: ratio(
            t.within_net as f64,
            t.completed as f64,
        ),
        form_answers: form_answers(t, |_, n| Some(n)),
        suppressed: Vec::new(),
    }
}

/// Names what the disclosure rule withholds.
#[derive(Default)]
struct Withheld(Vec<String>);

impl Withheld {
    fn count(&mut self, name: &str, shown: Disclosed) -> Option<u64> {
        let value = shown.value();
        if value.is_none() {
            self.0.push(name.to_owned());
        }
        value
    }

    /// A median or share: withheld (and named) when the group has deaths but too few.
    fn figure(&mut self, name: &str, deaths: u64, value: Option<f64>) -> Option<f64> {
        if value.is_none() && deaths > 0 {
            self.0.push(name.to_owned());
        }
        value
    }
}

/// A group's row under the disclosure rule.
fn disclosed(t: &Tally) -> StatisticsRow {
    let mut w = Withheld::default();
    let n = t.deaths;
    let deaths = w.count("deaths", disclose(n));
    let median = w.figure("median_age_at_death", n, t.median_age(n));
    let to_f64 = |v: Option<u64>| v.map(|v| v as f64);
    let avoidable = to_f64(w.count("avoidable", disclose_fractional(t.avoidable)));
    let preventable = to_f64(w.count("preventable", disclose_fractional(t.preventable)));
    let treatable = to_f64(w.count("treatable", disclose_fractional(t.treatable)));
    let avoidable_share = w.figure(
        "avoidable_share",
        n,
        disclosure::share(t.avoidable, n as f64, n),
    );
    let care_grades = CareGrade::all()
        .map(|g| {
            let c = t.grades.get(&g.value()).copied().unwrap_or(0);
            let name = format!("care_grades.{}", g.value());
            (g.value().to_string(), w.count(&name, disclose(c)))
        })
        .collect();
    let leading_causes = leading(t)
        .into_iter()
        .map(|(icd10, c)| LeadingCause {
            name: title(&icd10),
            deaths: w.count(&format!("leading_causes.{icd10}.deaths"), disclose(c)),
            icd10,
        })
        .collect();
    let within = w.figure(
        "completed_within_6_months_share",
        t.completed,
        disclosure::share(t.within as f64, t.completed as f64, n),
    );
    let within_net = w.figure(
        "completed_within_6_months_net_of_holds_share",
        t.completed,
        disclosure::share(t.within_net as f64, t.completed as f64, n),
    );
    let form_answers = form_answers(t, |name, c| {
        w.count(&format!("form_answers.{name}"), disclose(c))
    });
    StatisticsRow {
        deaths,
        median_age_at_death: median,
        avoidable,
        preventable,
        treatable,
        avoidable_share,
        care_grades,
        leading_causes,
        completed_within_6_months_share: within,
        completed_within_6_months_net_of_holds_share: within_net,
        form_answers,
        suppressed: w.0,
    }
}

/// What a statistics response is computed for.
pub struct Request {
    /// Calendar year of death.
    pub year: i32,
    /// The breakdown, if any.
    pub by: Option<By>,
    /// The cohort counted (every cohort when `None`, only with `by=cohort`).
    pub cohort: Option<Cohort>,
    /// Open reviews too.
    pub include_open: bool,
    /// When the counts were read.
    pub extracted_at: OffsetDateTime,
}

/// The response body from the grouped counts.
pub fn compute(
    request: &Request,
    counts: &StatisticsCounts,
    hierarchy: &Hierarchy,
) -> Result<Statistics, UnknownListVersion> {
    let by = request.by;
    let (groups, versions) = tally(counts, |raw| match by {
        Some(By::Region) => hierarchy.region_of(raw).unwrap_or("").to_owned(),
        Some(By::Sex | By::EthnicGroup) if raw.is_empty() => "not_known".to_owned(),
        _ => raw.to_owned(),
    })?;
    let mut total = Tally::default();
    for t in groups.values() {
        merge(&mut total, t);
    }
    let rows = match by {
        None => Vec::new(),
        Some(by) => {
            let mut names: Vec<String> = by.every_group().iter().map(|g| (*g).to_owned()).collect();
            names.extend(groups.keys().filter(|g| !g.is_empty()).cloned());
            let mut seen = std::collections::HashSet::new();
            names.retain(|g| seen.insert(g.clone()));
            let empty = Tally::default();
            names
                .into_iter()
                .map(|group| StatisticsGroup {
                    figures: disclosed(groups.get(&group).unwrap_or(&empty)),
                    group,
                })
                .collect()
        }
    };
    Ok(Statistics {
        year: request.year,
        by: by.map(By::as_str),
        cohort: request.cohort,
        include_open: request.include_open,
        extracted_at: request.extracted_at,
        definitions: super::definitions(),
        avoidable_mortality_versions: versions,
        total: as_counted(&total),
        groups: rows,
    })
}
