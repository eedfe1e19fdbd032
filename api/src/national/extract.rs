//! The k-anonymity plan of the row-level extract (DOMAIN.md, "Publishing anonymised data") and
//! the published shape of each row.
//!
//! A `GROUP BY` pre-pass gives the size of every class of quasi-identifiers, from which the plan
//! (a level per class) and every count of the summary are known before the first row, so the
//! counts go in the response headers. A row whose class is not in the plan (a review completed
//! after the pre-pass) is withheld, never published unplanned. [`super::stream`] writes the rows.

use std::collections::HashMap;

use leder_domain::avoidable::{ListVersion, classify_with};
use leder_domain::disclosure::{Level, QuasiIdentifiers, k_anonymise_classes};
use leder_domain::eligibility::Route;
use leder_domain::organisations::Hierarchy;
use leder_domain::pseudonym::PseudonymKey;
use leder_domain::review_form::FormVersion;
use leder_domain::time_targets::quarter_of;
use leder_domain::{
    AgeBand, Cohort, EthnicCategory, EthnicGroup, IcdCode, NhsNumber, OdsCode, Sex,
};
use leder_persistence::repo::national::{ClassSize, ExtractSource, Selection};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::dto::national::{ExtractRecord, ExtractSummary, Generalised};

/// A class as the pre-pass and the rows both spell it.
type ClassKey = (String, String, String, String, i64, i64);

/// The k-anonymity plan: the level of every class, and the summary.
pub struct Plan {
    levels: HashMap<ClassKey, (Level, QuasiIdentifiers)>,
    /// Every count of the extract, known before the first row.
    pub summary: ExtractSummary,
}

fn quasi_identifiers(
    class: &ClassSize,
    hierarchy: &Hierarchy,
) -> Option<(ClassKey, QuasiIdentifiers)> {
    let age_band = AgeBand::parse(class.age_band.as_deref()?).ok()?;
    let sex = Sex::parse(class.sex.as_deref()?).ok()?;
    let ethnic_group = EthnicGroup::parse(class.ethnic_group.as_deref()?).ok()?;
    let organisation = OdsCode::parse(&class.organisation).ok()?;
    let region = OdsCode::parse(hierarchy.region_of(&class.organisation)?).ok()?;
    let quarter = u8::try_from(class.quarter?).ok()?;
    let key = (
        age_band.as_str().to_owned(),
        sex.as_str().to_owned(),
        ethnic_group.as_str().to_owned(),
        class.organisation.clone(),
        class.year_of_death,
        i64::from(quarter),
    );
    let qi = QuasiIdentifiers {
        age_band,
        sex,
        ethnic_group,
        organisation,
        region,
        year: i32::try_from(class.year_of_death).ok()?,
        quarter,
    };
    Some((key, qi))
}

/// Plans the extract from the class sizes of the pre-pass. A class whose quasi-identifiers
/// cannot be published at all (no age, no date of death, an ICB without a region) is withheld.
pub fn plan(
    classes: &[ClassSize],
    hierarchy: &Hierarchy,
    k: usize,
    selection: &Selection,
    extracted_at: OffsetDateTime,
) -> Plan {
    let mut keys = Vec::new();
    let mut sized = Vec::new();
    let mut unpublishable = 0usize;
    let mut selected = 0usize;
    for class in classes {
        let rows = usize::try_from(class.rows).unwrap_or(0);
        selected += rows;
        match quasi_identifiers(class, hierarchy) {
            Some((key, qi)) => {
                keys.push(key);
                sized.push((qi, rows));
            }
            None => unpublishable += rows,
        }
    }
    let planned = k_anonymise_classes(&sized, k);
    let withheld = planned.counts.withheld + unpublishable;
    let levels = keys
        .into_iter()
        .zip(planned.levels)
        .zip(sized)
        .map(|((key, level), (qi, _))| (key, (level, qi)))
        .collect();
    Plan {
        levels,
        summary: ExtractSummary {
            rows_selected: selected,
            rows_published: selected - withheld,
            withheld,
            generalised: Generalised {
                quarter_to_year: planned.counts.quarter_to_year,
                icb_to_region: planned.counts.icb_to_region,
                age_band_to_broad: planned.counts.age_band_to_broad,
            },
            k,
            year: selection.year,
            include_open: selection.include_open,
            extracted_at,
            definitions: super::definitions(),
        },
    }
}

/// The few answers of the review form the extract publishes (yes/no indicators and codes;
/// the form's free text is never read into this).
#[derive(Debug, Default, Deserialize)]
struct Indicators {
    #[serde(default)]
    place_of_death: Option<String>,
    #[serde(default)]
    learning_disability_level: Option<String>,
    #[serde(default)]
    dnacpr: Option<Dnacpr>,
    #[serde(default)]
    mental_capacity_act: Option<MentalCapacityAct>,
    #[serde(default)]
    annual_health_check_last_12_months: Option<bool>,
    #[serde(default)]
    reasonable_adjustments_made: Option<bool>,
    #[serde(default)]
    delays_in_care: Option<bool>,
    #[serde(default)]
    family_involvement: Option<Contacted>,
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

#[derive(Debug, Default, Deserialize)]
struct Dnacpr {
    #[serde(default)]
    in_place: Option<bool>,
    #[serde(default)]
    process_correct: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
struct MentalCapacityAct {
    #[serde(default)]
    relevant: Option<bool>,
    #[serde(default)]
    followed: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
struct Contacted {
    #[serde(default)]
    contacted: Option<bool>,
}

/// The cohort of a review as `Cohort::of` decides it (a stored route that does not parse is
/// logged and published as no cohort, never guessed).
fn cohort_of(source: &ExtractSource) -> Option<Cohort> {
    let route = match source.eligibility_route.as_deref().map(Route::parse) {
        None => None,
        Some(Ok(route)) => Some(route),
        Some(Err(_)) => {
            log::error!(
                "review {}: stored eligibility_route `{:?}` is not a route",
                source.id,
                source.eligibility_route
            );
            return None;
        }
    };
    Cohort::of(
        route,
        source.learning_disability.unwrap_or(false),
        source.autistic.unwrap_or(false),
    )
}

/// The review's form version (a stored value that does not parse is logged and published as
/// the first form, whose answers it carries anyway).
fn form_version(source: &ExtractSource) -> &'static str {
    FormVersion::parse(&source.form_version)
        .inspect_err(|_| {
            log::error!(
                "review {}: stored form_version `{}` is not a form version",
                source.id,
                source.form_version
            );
        })
        .unwrap_or(FormVersion::LederForm1)
        .as_str()
}

fn class_key(source: &ExtractSource) -> Option<ClassKey> {
    let age = u32::try_from(source.age_at_death?).ok()?;
    let group = EthnicCategory::parse(source.ethnic_category.as_deref()?)
        .ok()?
        .group();
    Some((
        AgeBand::of(age)?.as_str().to_owned(),
        source.sex.clone()?,
        group.as_str().to_owned(),
        source.organisation.clone(),
        source.year_of_death,
        i64::from(quarter_of(source.date_of_death?)),
    ))
}

impl Plan {
    /// The published row of a review, or `None` when it is withheld.
    pub fn record(&self, source: &ExtractSource, key: &PseudonymKey) -> Option<ExtractRecord> {
        let (level, qi) = self.levels.get(&class_key(source)?)?;
        let published = level.apply(qi)?;
        let form: Indicators = serde_json::from_str(&source.findings).unwrap_or_default();
        let cause = source
            .underlying_icd10
            .as_deref()
            .and_then(|c| IcdCode::parse(c).ok());
        let age = source.age_at_death.and_then(|a| u32::try_from(a).ok());
        let version = ListVersion::parse(&source.avoidable_version)
            .inspect_err(|_| {
                log::error!(
                    "review {}: stored avoidable_version `{}` is not a known list version; \
                     its avoidable figures are published as null",
                    source.id,
                    source.avoidable_version
                );
            })
            .ok();
        let avoidability = cause
            .as_ref()
            .zip(age)
            .zip(version)
            .map(|((c, a), v)| classify_with(v, c, a));
        let nhs_number = source
            .nhs_number
            .as_deref()
            .and_then(|n| NhsNumber::parse(n).ok());
        let (dnacpr, mca) = (
            form.dnacpr.unwrap_or_default(),
            form.mental_capacity_act.unwrap_or_default(),
        );
        Some(ExtractRecord {
            pseudonym: key.pseudonym(nhs_number.as_ref(), &source.id).to_string(),
            age_band: published.age_band.as_str(),
            sex: published.sex.as_str(),
            ethnic_group: published.ethnic_group.as_str(),
            organisation: published.organisation.map(|o| o.as_str().to_owned()),
            region: published.region.as_str().to_owned(),
            year_of_death: published.year,
            quarter_of_death: published.quarter,
            cohort: cohort_of(source),
            learning_disability: source.learning_disability,
            learning_disability_level: form.learning_disability_level,
            autistic: source.autistic,
            place_of_death: form
                .place_of_death
                .or_else(|| source.place_of_death.clone()),
            underlying_cause: cause.as_ref().map(|c| c.category().to_owned()),
            avoidable: avoidability.map(|a| a.avoidable),
            preventable: avoidability.map(|a| a.preventable),
            treatable: avoidability.map(|a| a.treatable),
            avoidable_mortality_version: avoidability.map(|a| a.version),
            care_grade: source.care_grade.and_then(|g| u8::try_from(g).ok()),
            themes: source.themes.clone(),
            review_type: source.review_type.clone(),
            review_status: if source.status == "completed" {
                "completed"
            } else {
                "open"
            },
            dnacpr_in_place: dnacpr.in_place,
            dnacpr_process_correct: dnacpr.process_correct,
            mental_capacity_act_relevant: mca.relevant,
            mental_capacity_act_followed: mca.followed,
            annual_health_check_last_12_months: form.annual_health_check_last_12_months,
            reasonable_adjustments_made: form.reasonable_adjustments_made,
            delays_in_care: form.delays_in_care,
            family_contacted: form.family_involvement.and_then(|f| f.contacted),
            form_version: form_version(source),
            referred_to_coroner: form.referred_to_coroner,
            dols_authorisation_in_place: form.dols_authorisation_in_place,
            care_package_met_needs: form.care_package_met_needs,
            out_of_area_placement: form.out_of_area_placement,
            covid_vaccination: form.covid_vaccination,
        })
    }
}
