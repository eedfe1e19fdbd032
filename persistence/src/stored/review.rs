//! A review's row (with its holds and learning count) to the domain's [`Review`] and back. Every
//! stored value is parsed; one that does not parse is [`PersistenceError::Corrupt`] naming the
//! review and the column, logged by the caller and answered as a problem, never a default.

use leder_domain::avoidable::ListVersion;
use leder_domain::eligibility::{Outcome, Reason, Route};
use leder_domain::retention::{LegalHold, Retention};
use leder_domain::review::{
    AssessedVersions, Eligibility, Hold, NotifiedPerson, OptOutCheck, OptOutCheckStatus, Review,
    ReviewParts,
};
use leder_domain::review_form::FormVersion;
use leder_domain::review_type::{DataQualityFlag, FocusedReason, ReviewType};
use leder_domain::workflow::{HoldReason, Stage};
use leder_domain::{EthnicCategory, NhsNumber, OdsCode, PlaceOfDeath, Sex};

use time::Date;

use super::findings::{findings_from_json, findings_to_json, outcome_from_json, outcome_to_json};
use super::lists::{list_from_column, list_to_column};
use crate::error::PersistenceError;
use crate::rows::cases::{HoldRow, ReviewRow};

/// Reads a hold interval from its row.
pub(crate) fn hold_from_row(h: HoldRow) -> Result<Hold, PersistenceError> {
    let bad = |field: &'static str, detail: String| PersistenceError::Corrupt {
        table: "review_holds",
        id: h.id.clone(),
        field,
        detail,
    };
    Ok(Hold {
        reason: HoldReason::parse(&h.reason).map_err(|e| bad("reason", e.to_string()))?,
        from_stage: Stage::parse(&h.from_stage).map_err(|e| bad("from_stage", e.to_string()))?,
        id: h.id,
        text: h.reason_text,
        started_on: h.started_on,
        started_at: h.started_at,
        ended_on: h.ended_on,
        ended_at: h.ended_at,
    })
}

/// The row of review `review_id`'s hold interval.
pub(crate) fn hold_row(review_id: &str, hold: &Hold) -> HoldRow {
    HoldRow {
        id: hold.id.clone(),
        review_id: review_id.to_owned(),
        reason: hold.reason.as_str().to_owned(),
        reason_text: hold.text.clone(),
        from_stage: hold.from_stage.as_str().to_owned(),
        started_on: hold.started_on,
        started_at: hold.started_at,
        ended_on: hold.ended_on,
        ended_at: hold.ended_at,
    }
}

/// Reads a review from its row, holds (oldest first) and count of `learning` points.
pub fn review_from_row(
    row: ReviewRow,
    holds: Vec<HoldRow>,
    learning_points: i64,
) -> Result<Review, PersistenceError> {
    let id = row.id.clone();
    let bad = |field: &'static str, detail: String| PersistenceError::Corrupt {
        table: "reviews",
        id: id.clone(),
        field,
        detail,
    };
    macro_rules! parse {
        ($field:literal, $parse:expr) => {
            $parse.map_err(|e| bad($field, e.to_string()))?
        };
    }
    let person = match (
        row.given_name,
        row.family_name,
        row.date_of_birth,
        row.date_of_death,
    ) {
        // An opt-out keeps no person; a review disposed of after its retention period keeps
        // only the quarter of death (`domain::retention`), which the national figures read.
        (None, None, None, _) => None,
        (Some(given_name), Some(family_name), Some(date_of_birth), Some(date_of_death)) => {
            Some(NotifiedPerson {
                given_name,
                family_name,
                nhs_number: parse!(
                    "nhs_number",
                    row.nhs_number.as_deref().map(NhsNumber::parse).transpose()
                ),
                date_of_birth,
                date_of_death,
                sex: parse!("sex", Sex::parse(row.sex.as_deref().unwrap_or_default())),
                ethnic_category: parse!(
                    "ethnic_category",
                    row.ethnic_category
                        .as_deref()
                        .map(EthnicCategory::parse)
                        .transpose()
                ),
                learning_disability: row
                    .learning_disability
                    .ok_or_else(|| bad("learning_disability", "missing".into()))?,
                autistic: row
                    .autistic
                    .ok_or_else(|| bad("autistic", "missing".into()))?,
                lived_in_england: row
                    .lived_in_england
                    .ok_or_else(|| bad("lived_in_england", "missing".into()))?,
                place_of_death: parse!(
                    "place_of_death",
                    row.place_of_death
                        .as_deref()
                        .map(PlaceOfDeath::parse)
                        .transpose()
                ),
            })
        }
        _ => return Err(bad("given_name", "the person is only partly stored".into())),
    };
    let holds = holds
        .into_iter()
        .map(hold_from_row)
        .collect::<Result<Vec<_>, PersistenceError>>()?;
    let parts = ReviewParts {
        stage: parse!("status", Stage::parse(&row.status)),
        resume_to: parse!(
            "resume_to",
            row.resume_to.as_deref().map(Stage::parse).transpose()
        ),
        eligibility: Eligibility {
            outcome: parse!(
                "eligibility_outcome",
                Outcome::parse(&row.eligibility_outcome)
            ),
            route: parse!(
                "eligibility_route",
                row.eligibility_route
                    .as_deref()
                    .map(Route::parse)
                    .transpose()
            ),
            reasons: parse!(
                "eligibility_reasons",
                list_from_column(&row.eligibility_reasons, Reason::parse)
            ),
        },
        review_type: parse!(
            "review_type",
            row.review_type
                .as_deref()
                .map(ReviewType::parse)
                .transpose()
        ),
        focused_reasons: parse!(
            "focused_reasons",
            list_from_column(&row.focused_reasons, FocusedReason::parse)
        ),
        family_request: row.family_request,
        reviewer_concern: row.reviewer_concern,
        data_quality_flags: parse!(
            "data_quality_flags",
            list_from_column(&row.data_quality_flags, DataQualityFlag::parse)
        ),
        organisation: parse!("organisation", OdsCode::parse(&row.organisation)),
        area_code: row.area_code,
        sub_icb_location: row.sub_icb_location,
        reviewer_id: row.reviewer_id,
        // Read beside the row by the caller (`review_store`), from the reviewer's account.
        reviewer_name: None,
        person,
        year_of_death: parse!("year_of_death", i32::try_from(row.year_of_death)),
        age_at_death: parse!(
            "age_at_death",
            row.age_at_death.map(u32::try_from).transpose()
        ),
        findings: parse!("findings", findings_from_json(&row.findings)),
        child_death_review_outcome: parse!(
            "child_death_review_outcome",
            row.child_death_review_outcome
                .as_deref()
                .map(outcome_from_json)
                .transpose()
        ),
        has_unreviewed_duplicate: row.has_unreviewed_duplicate,
        opt_out_check: OptOutCheck {
            status: parse!(
                "opt_out_check",
                OptOutCheckStatus::parse(&row.opt_out_check)
            ),
            opted_out: row.opt_out_checked_opted_out,
            checked_on: row.opt_out_checked_on,
            source: row.opt_out_check_source,
        },
        versions: AssessedVersions {
            eligibility: row.eligibility_version,
            avoidable_mortality: parse!(
                "avoidable_version",
                ListVersion::parse(&row.avoidable_version)
            ),
            care_grade: row.care_grade_version,
            form: parse!("form_version", FormVersion::parse(&row.form_version)),
        },
        synthetic: row.synthetic,
        notified_at: row.notified_at,
        notified_on: row.notified_on,
        first_allocated_at: row.first_allocated_at,
        completed_at: row.completed_at,
        completed_on: row.completed_on,
        version: row.version,
        updated_at: row.updated_at,
        holds,
        learning_points: parse!("learning_points", usize::try_from(learning_points)),
        retention: Retention {
            legal_hold: match (row.legal_hold_reason, row.legal_hold_since) {
                (Some(reason), Some(since)) => Some(LegalHold { reason, since }),
                _ => None,
            },
            disposed_at: row.disposed_at,
        },
        id: row.id,
        reference: row.reference,
    };
    Ok(Review::restore(parts))
}

impl ReviewRow {
    /// The focused reasons stored in this row (for reports that read rows in bulk).
    pub fn focused_reason_list(&self) -> Result<Vec<FocusedReason>, PersistenceError> {
        list_from_column(&self.focused_reasons, FocusedReason::parse).map_err(|detail| {
            PersistenceError::Corrupt {
                table: "reviews",
                id: self.id.clone(),
                field: "focused_reasons",
                detail,
            }
        })
    }
}

/// The names-and-dates half of the duplicate rule (DOMAIN.md, "Duplicates": the same names,
/// compared without case, and the same dates of birth and death) as one value, stored in
/// `reviews.identity_key` and indexed, so that the intake finds a match by equality. Written
/// here, with the row, so it can never disagree with the names it stands for; the intake
/// builds the key of a notification with this same function. The parts are joined by U+001F
/// (unit separator), which no name contains.
pub fn identity_key(
    given_name: &str,
    family_name: &str,
    date_of_birth: Date,
    date_of_death: Date,
) -> String {
    let date = |d: Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}",
        given_name.trim().to_lowercase(),
        family_name.trim().to_lowercase(),
        date(date_of_birth),
        date(date_of_death)
    )
}

/// The row that stores a review (its holds and learning points are rows of their own).
pub fn row_from_review(review: &Review) -> ReviewRow {
    let person = review.person.as_ref();
    let f = &review.findings;
    let wire = |s: &str| s.to_owned();
    ReviewRow {
        id: review.id.clone(),
        reference: review.reference.clone(),
        status: wire(review.stage.as_str()),
        resume_to: review.resume_to.map(|s| wire(s.as_str())),
        eligibility_outcome: wire(review.eligibility.outcome.as_str()),
        eligibility_route: review.eligibility.route.map(|r| wire(r.as_str())),
        eligibility_reasons: list_to_column(review.eligibility.reasons.iter().map(|r| r.as_str())),
        review_type: review.review_type.map(|t| wire(t.as_str())),
        focused_reasons: list_to_column(review.focused_reasons.iter().map(|r| r.as_str())),
        family_request: review.family_request,
        reviewer_concern: review.reviewer_concern.clone(),
        data_quality_flags: list_to_column(review.data_quality_flags.iter().map(|f| f.as_str())),
        organisation: wire(review.organisation.as_str()),
        area_code: review.area_code.clone(),
        sub_icb_location: review.sub_icb_location.clone(),
        reviewer_id: review.reviewer_id.clone(),
        given_name: person.map(|p| p.given_name.clone()),
        family_name: person.map(|p| p.family_name.clone()),
        nhs_number: person.and_then(|p| p.nhs_number.as_ref().map(NhsNumber::digits)),
        date_of_birth: person.map(|p| p.date_of_birth),
        date_of_death: person.map(|p| p.date_of_death),
        identity_key: person.map(|p| {
            identity_key(
                &p.given_name,
                &p.family_name,
                p.date_of_birth,
                p.date_of_death,
            )
        }),
        sex: person.map(|p| wire(p.sex.as_str())),
        ethnic_category: person.and_then(|p| p.ethnic_category.map(|e| wire(e.code()))),
        learning_disability: person.map(|p| p.learning_disability),
        autistic: person.map(|p| p.autistic),
        lived_in_england: person.map(|p| p.lived_in_england),
        place_of_death: person.and_then(|p| p.place_of_death.map(|x| wire(x.as_str()))),
        year_of_death: i64::from(review.year_of_death),
        age_at_death: review.age_at_death.map(i64::from),
        findings: findings_to_json(&review.findings),
        underlying_icd10: review.underlying_cause().map(|c| wire(c.as_str())),
        care_grade: review.findings.care_grade.map(|g| i64::from(g.value())),
        child_death_review_outcome: review
            .child_death_review_outcome
            .as_ref()
            .map(outcome_to_json),
        has_unreviewed_duplicate: review.has_unreviewed_duplicate,
        eligibility_version: review.versions.eligibility.clone(),
        avoidable_version: wire(review.versions.avoidable_mortality.as_str()),
        care_grade_version: review.versions.care_grade.clone(),
        form_version: review.versions.form.as_str().to_owned(),
        synthetic: review.synthetic,
        notified_at: review.notified_at,
        notified_on: review.notified_on,
        first_allocated_at: review.first_allocated_at,
        completed_at: review.completed_at,
        completed_on: review.completed_on,
        version: review.version,
        updated_at: review.updated_at,
        legal_hold_reason: review
            .retention
            .legal_hold
            .as_ref()
            .map(|h| h.reason.clone()),
        legal_hold_since: review.retention.legal_hold.as_ref().map(|h| h.since),
        disposed_at: review.retention.disposed_at,
        opt_out_check: wire(review.opt_out_check.status.as_str()),
        opt_out_checked_opted_out: review.opt_out_check.opted_out,
        opt_out_checked_on: review.opt_out_check.checked_on,
        opt_out_check_source: review.opt_out_check.source.clone(),
        learning_disability_level: f.learning_disability_level.map(|l| wire(l.as_str())),
        referred_to_coroner: f.referred_to_coroner,
        dols_authorisation_in_place: f.dols_authorisation_in_place,
        care_package_met_needs: f.care_package_met_needs,
        out_of_area_placement: f.out_of_area_placement,
        covid_vaccination: f.covid_vaccination.map(|c| wire(c.as_str())),
    }
}

#[cfg(test)]
mod tests;
