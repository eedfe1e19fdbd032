//! One row of an import as the case it brings in: the notification's fields checked by the
//! intake's own functions ([`parse_person`], [`organisation_codes`]) on the day the other
//! system was notified, the review form by the form's own conversion, the Child Death Review
//! outcome by the outcome endpoint's, and the journey by the domain ([`Review::imported`]),
//! which takes the case along the stages it reached by the workflow's rules. Every field that
//! breaks a rule is named by its path in the row.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use leder_domain::OdsCode;
use leder_domain::organisations::Hierarchy;
use leder_domain::review::{
    ImportError, ImportSource, ImportStep, ImportedHold, Journey, NewCase, OptOutCheckResult,
    Review,
};
use leder_domain::workflow::{Actor, Role};
use leder_persistence::records::cases::{HistoryEntry, LearningPoint, Notification, Source};
use leder_persistence::repo::audit::NewAuditEntry;
use leder_persistence::repo::events::NewEvent;
use leder_persistence::repo::imports::ImportedCase;
use leder_persistence::repo::review_store::history_json;
use time::{Date, PrimitiveDateTime};

use crate::app::intake::{organisation_codes, parse_person};
use crate::cases::{findings_to_domain, render_json};
use crate::dto::imports::ImportRow;
use crate::error::FieldError;

/// Who imports: the history and audit entries name them.
#[derive(Debug, Clone)]
pub struct Importer {
    /// Their id (an admin's; none from the command line).
    pub id: Option<String>,
    /// Their roles, as the history keeps them.
    pub roles: String,
    /// Their audit entry, of which each case's is a copy naming the case.
    pub entry: NewAuditEntry,
}

/// What every row is checked against.
pub struct Context {
    /// The organisation hierarchy (the area code resolves on the day of notification).
    pub hierarchy: Arc<Hierarchy>,
    /// The theme codes of the taxonomy.
    pub themes: HashSet<String>,
    /// Reviewers by username, as looked up (with their display names): `None` for a name that
    /// is no active account.
    pub reviewers: HashMap<String, Option<(Actor, String)>>,
    /// Today, in England.
    pub today: Date,
    /// The instant of the import.
    pub now: PrimitiveDateTime,
    /// Who imports.
    pub importer: Importer,
}

/// The source key of a row: its ICB's system and that system's id for the case.
pub fn source_of(row: &ImportRow) -> Source {
    Source {
        organisation: row.icb.trim().to_ascii_uppercase(),
        system: row.source.system.clone(),
        id: row.source.id.clone(),
    }
}

/// The field of a row an import step names.
fn field_of(step: ImportStep) -> String {
    match step {
        ImportStep::Person(field) => format!("person.{field}"),
        ImportStep::OptOutCheck => "opt_out_check".into(),
        ImportStep::EthnicityConfirmation => "ethnicity_confirmed_reason".into(),
        ImportStep::Findings => "findings".into(),
        ImportStep::LearningPoint(i) => format!("learning_points[{i}]"),
        ImportStep::Reviewer => "reviewer".into(),
        ImportStep::Reached(stage) => format!("stages_reached.{stage}"),
        ImportStep::Hold(i) => format!("holds[{i}]"),
        ImportStep::ChildDeathReviewOutcome("") => "child_death_review_outcome".into(),
        ImportStep::ChildDeathReviewOutcome(f) => format!("child_death_review_outcome.{f}"),
        ImportStep::Stage => "stage".into(),
    }
}

fn prefixed(prefix: &str, errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| FieldError::new(format!("{prefix}.{}", e.field), e.code, e.message))
        .collect()
}

/// Builds the case a row brings in, with the reference given; every field that breaks a rule
/// is named.
pub fn build(
    row: ImportRow,
    reference: String,
    ctx: &Context,
) -> Result<ImportedCase, Vec<FieldError>> {
    let mut errors = Vec::new();
    let notified_on = row.notified_on;
    if notified_on > ctx.today {
        errors.push(FieldError::new(
            "notified_on",
            "in_the_future",
            "the day of notification cannot be after today",
        ));
    } else if notified_on < row.person.date_of_death {
        errors.push(FieldError::new(
            "notified_on",
            "before_death",
            "a death is notified on or after the day it happened",
        ));
    }
    let person = if errors.is_empty() {
        match parse_person(&row.person, &ctx.hierarchy, notified_on) {
            Ok(found) => Some(found),
            Err(e) => {
                errors.extend(e);
                None
            }
        }
    } else {
        None
    };
    let icb = row.icb.trim().to_ascii_uppercase();
    if let Some((_, resolution)) = &person
        && resolution.icb.as_str() != icb
    {
        errors.push(FieldError::new(
            "icb",
            "icb_mismatch",
            format!(
                "the area code `{}` leads to `{}` on {notified_on}, not `{icb}`",
                resolution.area_code, resolution.icb
            ),
        ));
    }
    let codes = organisation_codes(
        row.notifying_organisation.as_deref(),
        row.gp_practice.as_deref(),
    )
    .map_err(|e| errors.extend(e))
    .ok();
    let findings = row.findings.as_ref().and_then(|doc| {
        let fields = serde_json::to_value(doc)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .map(|o| {
                o.into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, _)| k)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        findings_to_domain(doc)
            .map(|f| (f, fields))
            .map_err(|e| errors.extend(prefixed("findings", e)))
            .ok()
    });
    for (i, point) in row.learning_points.iter().enumerate() {
        if let Some(bad) = point.themes.iter().find(|t| !ctx.themes.contains(*t)) {
            errors.push(FieldError::new(
                format!("learning_points[{i}].themes"),
                "unknown_theme",
                format!("`{bad}` is not a theme of GET /api/v1/themes"),
            ));
        }
    }
    let outcome = row
        .child_death_review_outcome
        .clone()
        .map(|o| o.to_domain())
        .transpose()
        .map_err(|e| errors.extend(prefixed("child_death_review_outcome", vec![e])))
        .ok()
        .flatten();
    let reviewer = match row.reviewer.as_deref().map(str::trim) {
        None => None,
        Some(name) => match ctx.reviewers.get(name) {
            Some(Some(found)) => Some(found.clone()),
            _ => {
                errors.push(FieldError::new(
                    "reviewer",
                    "unknown_reviewer",
                    format!("`{name}` is not the username of an active account"),
                ));
                None
            }
        },
    };
    let lead = OdsCode::parse(&icb)
        .map_err(|e| errors.push(FieldError::new("icb", e.code(), e.to_string())))
        .ok()
        .and_then(|code| Actor::new("import", &[Role::IcsLead, Role::QaPanel], Some(code)).ok());
    let (Some((person, resolution)), Some((notifying_organisation, gp_practice)), Some(lead), true) =
        (person, codes, lead, errors.is_empty())
    else {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        return Err(errors);
    };
    let at = crate::clock::midday_in_england;
    let id = uuid::Uuid::now_v7().to_string();
    let learning: Vec<(String, LearningPoint)> = row
        .learning_points
        .iter()
        .map(|p| {
            let learning_id = uuid::Uuid::now_v7().to_string();
            let point = LearningPoint {
                id: learning_id.clone(),
                review_id: id.clone(),
                organisation: icb.clone(),
                kind: p.kind,
                text: p.text.clone(),
                created_by: ctx
                    .importer
                    .id
                    .clone()
                    .unwrap_or_else(|| "leder import".into()),
                created_at: ctx.now,
                themes: Vec::new(),
            };
            (learning_id, point.with_themes(p.themes.clone()))
        })
        .collect();
    let journey = Journey {
        source: ImportSource {
            system: row.source.system.clone(),
            id: row.source.id.clone(),
        },
        stage: row.stage,
        reached: row.stages_reached.given(),
        holds: row
            .holds
            .iter()
            .map(|h| ImportedHold {
                id: uuid::Uuid::now_v7().to_string(),
                reason: h.reason,
                text: h.text.clone(),
                started_on: h.started_on,
                ended_on: h.ended_on,
            })
            .collect(),
        lead,
        reviewer: reviewer.as_ref().map(|(actor, _)| actor.clone()),
        findings,
        learning: learning
            .iter()
            .map(|(id, p)| (id.clone(), p.kind))
            .collect(),
        opt_out_check: row.opt_out_check.as_ref().map(|c| OptOutCheckResult {
            opted_out: c.opted_out,
            checked_on: c.checked_on,
            source: c.source.trim().to_owned(),
        }),
        ethnicity_confirmed: row.ethnicity_confirmed_reason.clone(),
        child_death_review_outcome: outcome,
        today: ctx.today,
        now: ctx.now,
        at,
    };
    let notified_at = at(notified_on);
    let (review, happened) = Review::imported(
        NewCase {
            id: id.clone(),
            reference: reference.clone(),
            person,
            opt_out: row.person.national_data_opt_out,
            family_request: row.family_requests_focused_review,
            resolution,
            notified_at,
            notified_on,
        },
        journey,
    )
    .map_err(|e: ImportError| vec![FieldError::new(field_of(e.step), e.code, e.message)])?;
    // The reviewer's display name, as a stored case is read with it (the event carries it).
    let mut parts = review.into_parts();
    parts.reviewer_name = reviewer.map(|(_, name)| name);
    let review = Review::restore(parts);
    // The notification keeps what the review kept: with an opt-out, nothing identifiable.
    let kept = review.person.as_ref();
    let notification = Notification {
        id: uuid::Uuid::now_v7().to_string(),
        reference: reference.clone(),
        review_id: id.clone(),
        duplicate: false,
        received_at: notified_at,
        area_code: review.area_code.clone(),
        person: kept.map(|_| (&row.person).into()),
        notifier: kept.and(row.notifier.as_ref()).map(Into::into),
        circumstances: kept.and(row.circumstances.clone()),
        family_requests_focused_review: row.family_requests_focused_review,
        source: Some(source_of(&row)),
        notifying_organisation,
        gp_practice: kept.and(gp_practice),
    };
    let detail = happened
        .history
        .first()
        .map(history_json)
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default();
    let history = HistoryEntry {
        id: uuid::Uuid::now_v7().to_string(),
        review_id: id.clone(),
        occurred_at: ctx.now,
        actor_id: ctx.importer.id.clone(),
        actor_roles: ctx.importer.roles.clone(),
        action: happened
            .history
            .first()
            .map(|h| h.action())
            .unwrap_or_default(),
        from: None,
        to: Some(review.stage),
        detail,
    };
    let event = NewEvent {
        organisation: review.organisation.as_str().to_owned(),
        event_type: happened
            .events
            .first()
            .map(|e| e.as_str().to_owned())
            .unwrap_or_default(),
        subject_id: id.clone(),
        reference,
        data: render_json(&review),
    };
    let mut audit = ctx.importer.entry.clone();
    audit.subject = Some(format!("review:{id}"));
    audit.subject_organisation = Some(review.organisation.as_str().to_owned());
    Ok(ImportedCase {
        review,
        notification,
        learning: learning.into_iter().map(|(_, p)| p).collect(),
        history,
        event,
        audit,
    })
}
