//! A review is born from a notification (DOMAIN.md, "Who is eligible", "Responsible body",
//! "Review type"): eligibility, route, review type and data-quality flags are decided at once,
//! and with a national data opt-out nothing identifiable is kept: "only the reference, ICB, year
//! of death and outcome remain".

use time::{Date, PrimitiveDateTime};

use super::{AssessedVersions, Eligibility, Happened, HistoryDetail, NotifiedPerson, Review};
use super::{EventType, OptOutAnswer, OptOutCheck, ReviewParts};
use crate::age::AgeError;
use crate::ods_code::OdsCode;
use crate::review_type::{self, Facts};
use crate::workflow::{Findings, Stage};
use crate::{Versions, eligibility};

/// Where a notification's area code led.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// The responsible ICB on the date.
    pub icb: OdsCode,
    /// The area code as notified (normalised).
    pub area_code: String,
    /// The sub-ICB location it resolved through.
    pub sub_icb_location: Option<String>,
}

/// A notification, parsed, with what the intake decided about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    /// The new case's id.
    pub id: String,
    /// The reference given to the notifier.
    pub reference: String,
    /// The person as notified.
    pub person: NotifiedPerson,
    /// What the notifier said about a national data opt-out.
    pub opt_out: OptOutAnswer,
    /// The family asked for a focused review.
    pub family_request: bool,
    /// The responsible body.
    pub resolution: Resolution,
    /// When it was received (UTC).
    pub notified_at: PrimitiveDateTime,
    /// The English date it was received.
    pub notified_on: Date,
}

impl Review {
    /// A new case from a notification: assessed on the day it arrived.
    pub fn notified(case: NewCase) -> Result<(Review, Happened), AgeError> {
        let p = &case.person;
        let assessment = eligibility::assess(
            &eligibility::Person {
                date_of_birth: p.date_of_birth,
                date_of_death: p.date_of_death,
                learning_disability: p.learning_disability,
                autistic: p.autistic,
                lived_in_england: p.lived_in_england,
                national_data_opt_out: case.opt_out == OptOutAnswer::Yes,
            },
            case.notified_on,
        )?;
        let facts = Facts {
            ethnic_category: p.ethnic_category,
            learning_disability: p.learning_disability,
            autistic: p.autistic,
            family_request: case.family_request,
            reviewer_concern: false,
        };
        let review = review_type::decide_for(&assessment, &facts);
        let data_quality_flags = if review.is_some() {
            review_type::data_quality_flags(p.ethnic_category)
        } else {
            Vec::new()
        };
        let stage = Stage::initial(assessment.outcome, assessment.route);
        let year_of_death = p.date_of_death.year();
        let opted_out = case.opt_out == OptOutAnswer::Yes;
        // Nobody knew: a case that will be reviewed is checked before allocation.
        let opt_out_check =
            if case.opt_out == OptOutAnswer::NotKnown && stage == Stage::AwaitingAllocation {
                OptOutCheck::NEEDED
            } else {
                OptOutCheck::NOT_NEEDED
            };
        let (review_type, focused_reasons) = review.unzip();
        let Resolution {
            icb,
            area_code,
            sub_icb_location,
        } = case.resolution;
        let versions = Versions::CURRENT;
        let mut parts = ReviewParts {
            id: case.id,
            reference: case.reference,
            stage,
            resume_to: None,
            eligibility: Eligibility {
                outcome: assessment.outcome,
                route: assessment.route,
                reasons: assessment.reasons,
            },
            review_type,
            focused_reasons: focused_reasons.unwrap_or_default(),
            family_request: case.family_request,
            reviewer_concern: None,
            data_quality_flags,
            area_code,
            sub_icb_location,
            organisation: icb,
            reviewer_id: None,
            person: Some(case.person),
            year_of_death,
            age_at_death: Some(assessment.age_at_death),
            findings: Findings::default(),
            child_death_review_outcome: None,
            has_unreviewed_duplicate: false,
            reviewer_name: None,
            opt_out_check,
            versions: AssessedVersions {
                eligibility: assessment.version.to_owned(),
                avoidable_mortality: crate::avoidable::ListVersion::CURRENT,
                care_grade: versions.care_grade.to_owned(),
                form: crate::review_form::FormVersion::CURRENT,
            },
            synthetic: false,
            notified_at: case.notified_at,
            notified_on: case.notified_on,
            first_allocated_at: None,
            completed_at: None,
            completed_on: stage.is_terminal().then_some(case.notified_on),
            version: 1,
            updated_at: case.notified_at,
            holds: Vec::new(),
            learning_points: 0,
            retention: crate::retention::Retention::default(),
        };
        if opted_out {
            // An opt-out keeps only the ICB: not the area or sub-ICB location named, nor the
            // person, nor their age.
            parts.redact_for_opt_out();
        }
        Ok((
            Review { parts },
            Happened::of(HistoryDetail::Created, [EventType::ReviewCreated]),
        ))
    }
}
