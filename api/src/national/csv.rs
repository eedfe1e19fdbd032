//! The CSV form of the extract: one header line, then one line per row, in the order of the
//! NDJSON fields. Lists (themes) are joined with `;`; an absent value is an empty cell.

use crate::dto::national::ExtractRecord;

/// The columns, in order.
const COLUMNS: [&str; 36] = [
    "pseudonym",
    "age_band",
    "sex",
    "ethnic_group",
    "organisation",
    "region",
    "year_of_death",
    "quarter_of_death",
    "cohort",
    "learning_disability",
    "learning_disability_level",
    "autistic",
    "place_of_death",
    "underlying_cause",
    "avoidable",
    "preventable",
    "treatable",
    "avoidable_mortality_version",
    "care_grade",
    "themes",
    "review_type",
    "review_status",
    "dnacpr_in_place",
    "dnacpr_process_correct",
    "mental_capacity_act_relevant",
    "mental_capacity_act_followed",
    "annual_health_check_last_12_months",
    "reasonable_adjustments_made",
    "delays_in_care",
    "family_contacted",
    "form_version",
    "referred_to_coroner",
    "dols_authorisation_in_place",
    "care_package_met_needs",
    "out_of_area_placement",
    "covid_vaccination",
];

/// The header line.
pub fn header() -> String {
    let mut line = COLUMNS.join(",");
    line.push('\n');
    line
}

fn cell(out: &mut Vec<u8>, value: &str) {
    // The extract holds no free text; the same guard as every CSV leder writes, all the same.
    out.extend_from_slice(crate::csv::field(value).as_bytes());
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Appends one row.
pub fn write_row(out: &mut Vec<u8>, r: &ExtractRecord) {
    let cells: [String; COLUMNS.len()] = [
        r.pseudonym.clone(),
        r.age_band.to_owned(),
        r.sex.to_owned(),
        r.ethnic_group.to_owned(),
        opt(r.organisation.as_ref()),
        r.region.clone(),
        r.year_of_death.to_string(),
        opt(r.quarter_of_death),
        opt(r.cohort),
        opt(r.learning_disability),
        opt(r.learning_disability_level.as_ref()),
        opt(r.autistic),
        opt(r.place_of_death.as_ref()),
        opt(r.underlying_cause.as_ref()),
        opt(r.avoidable),
        opt(r.preventable),
        opt(r.treatable),
        opt(r.avoidable_mortality_version),
        opt(r.care_grade),
        r.themes.join(";"),
        opt(r.review_type.as_ref()),
        r.review_status.to_owned(),
        opt(r.dnacpr_in_place),
        opt(r.dnacpr_process_correct),
        opt(r.mental_capacity_act_relevant),
        opt(r.mental_capacity_act_followed),
        opt(r.annual_health_check_last_12_months),
        opt(r.reasonable_adjustments_made),
        opt(r.delays_in_care),
        opt(r.family_contacted),
        r.form_version.to_owned(),
        opt(r.referred_to_coroner),
        opt(r.dols_authorisation_in_place),
        opt(r.care_package_met_needs),
        opt(r.out_of_area_placement),
        opt(r.covid_vaccination.as_ref()),
    ];
    for (i, value) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        cell(out, value);
    }
    out.push(b'\n');
}
