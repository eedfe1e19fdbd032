//! The public intake (DOMAIN.md, "Who is eligible", "Responsible body", "Duplicates"): a
//! notification is parsed into the domain's terms, routed on today's hierarchy, assessed once by
//! `Review::notified` (which holds the opt-out redaction), and stored with its review, history,
//! first event, idempotency record and audit entry in one transaction. A second notification of
//! the same person is linked to the first case, never dropped.

use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_domain::evidence::GpPracticeCode;
use leder_domain::organisations::Hierarchy;
use leder_domain::review::{NewCase, NotifiedPerson, Resolution, Review};
use leder_domain::workflow::Role;
use leder_domain::{AgeError, EthnicCategory, NhsNumber, OdsCode, age_at, plausibility};
use leder_persistence::PersistenceError;
use leder_persistence::records::cases::{IdempotencyRecord, Notification, Source};
use leder_persistence::reference::now_utc;
use leder_persistence::repo::idempotency;
use leder_persistence::repo::notifications::{
    Intake, IntakeOutcome, PersonKey, by_source, take_in,
};
use time::Date;

use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::render_json;
use crate::clock::today_in_england;
use crate::db;
use crate::dto::reviews::{NewNotification, NotificationReceipt};
use crate::error::{ApiError, FieldError};
use crate::state::AppState;

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new reference: `LDR-` and 8 Crockford base32 characters (40 random bits), short,
/// unambiguous to read aloud, and not guessable in sequence.
pub fn new_reference() -> String {
    let mut bytes = [0u8; 5];
    rand::fill(&mut bytes);
    let mut n = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    let mut chars = [0u8; 8];
    for c in chars.iter_mut().rev() {
        *c = CROCKFORD[usize::try_from(n & 31).unwrap_or(0)];
        n >>= 5;
    }
    format!("LDR-{}", String::from_utf8_lossy(&chars))
}

/// Takes a notification in; answers what the intake did and the receipt (JSON) to send.
pub async fn notify(
    state: &AppState,
    caller: Option<&Caller>,
    info: &RequestInfo,
    n: NewNotification,
    key: Option<String>,
) -> Result<(IntakeOutcome, String), ApiError> {
    let today = today_in_england();
    let professional = professional_facts(caller, &n)?;
    let hierarchy = crate::app::organisations::hierarchy(state).await?;
    let (person, resolution) =
        parse_person(&n.person, &hierarchy, today).map_err(ApiError::unprocessable)?;
    let now = now_utc();
    let reference = new_reference();
    let id = uuid::Uuid::now_v7().to_string();
    let (review, _) = Review::notified(NewCase {
        id: id.clone(),
        reference: reference.clone(),
        person,
        opt_out: n.person.national_data_opt_out,
        family_request: n.family_requests_focused_review,
        resolution,
        notified_at: now,
        notified_on: today,
    })
    .map_err(|e| {
        ApiError::invalid_field(&format!("person.{}", e.field()), e.code(), e.to_string())
    })?;
    // The notification keeps exactly what the review kept: with an opt-out, nothing
    // identifiable (the review decided that once, in `Review::notified`).
    let kept = review.person.as_ref();
    let notification = Notification {
        id: uuid::Uuid::now_v7().to_string(),
        reference: reference.clone(),
        review_id: id,
        duplicate: false,
        received_at: now,
        area_code: review.area_code.clone(),
        person: kept.map(|_| (&n.person).into()),
        notifier: kept.map(|_| (&n.notifier).into()),
        circumstances: kept.and(n.circumstances.clone()),
        family_requests_focused_review: n.family_requests_focused_review,
        source: professional.source.clone(),
        notifying_organisation: professional.notifying_organisation,
        gp_practice: kept.and(professional.gp_practice),
    };
    let person_key = kept.map(|person| PersonKey {
        nhs_number: person.nhs_number.as_ref().map(NhsNumber::digits),
        given_name: person.given_name.clone(),
        family_name: person.family_name.clone(),
        date_of_birth: person.date_of_birth,
        date_of_death: person.date_of_death,
    });
    let receipt = NotificationReceipt {
        reference,
        received_at: now.assume_utc(),
    };
    let receipt_json = serde_json::to_string(&receipt).map_err(ApiError::internal)?;
    let claim = key.map(|k| IdempotencyRecord {
        scope: "POST /api/v1/notifications".into(),
        idempotency_key: k,
        request_hash: crate::idempotency::sha256_hex(&serde_json::to_vec(&n).unwrap_or_default()),
        status: 201,
        headers: "{}".into(),
        body: receipt_json.clone(),
        created_at: now,
    });
    let audit = match caller {
        Some(c) => c.audit_entry(info, AuditAction::Notify, AuditOutcome::Success),
        None => info.anonymous_entry(AuditAction::Notify, AuditOutcome::Success),
    };
    let intake = Intake {
        notification,
        review,
        person: person_key,
        idempotency: claim.clone(),
        chain: state.audit.chain().clone(),
        audit,
    };
    let outcome = db::run(state, move |conn| {
        match take_in(conn, intake, &render_json) {
            // A concurrent request with the same key committed first: answer as it did.
            // Another notification from the same system and id committed first (the unique
            // index): answer the case it made.
            Err(PersistenceError::Conflict(_)) if professional.source.is_some() => {
                match professional
                    .source
                    .as_ref()
                    .map(|s| by_source(conn, s))
                    .transpose()?
                {
                    Some(Some((reference, received_at))) => Ok(IntakeOutcome::Existing {
                        reference,
                        received_at,
                    }),
                    _ => Err(PersistenceError::Conflict("retry".into())),
                }
            }
            Err(PersistenceError::Conflict(_)) => match &claim {
                Some(c) => match idempotency::find(conn, &c.scope, &c.idempotency_key)? {
                    Some(found) if found.request_hash == c.request_hash => {
                        Ok(IntakeOutcome::Replayed(found))
                    }
                    Some(_) => Ok(IntakeOutcome::KeyReused),
                    None => Err(PersistenceError::Conflict("retry".into())),
                },
                None => Err(PersistenceError::Conflict("retry".into())),
            },
            other => other,
        }
    })
    .await?;
    let receipt_json = match &outcome {
        // The case a system's earlier notification made: the receipt it was given then.
        IntakeOutcome::Existing {
            reference,
            received_at,
        } => serde_json::to_string(&NotificationReceipt {
            reference: reference.clone(),
            received_at: received_at.assume_utc(),
        })
        .map_err(ApiError::internal)?,
        _ => receipt_json,
    };
    Ok((outcome, receipt_json))
}

/// The person of a notification in the domain's terms, and where its area code led on `on`
/// (the day of notification): every field that breaks a rule of the intake is named
/// (`person.…`), sorted by field. The public intake and an import check a person with this one
/// function.
pub(crate) fn parse_person(
    p: &crate::dto::reviews::NotifiedPerson,
    hierarchy: &Hierarchy,
    on: Date,
) -> Result<(NotifiedPerson, Resolution), Vec<FieldError>> {
    let mut errors = Vec::new();
    // Unknown is absent or null; an empty text is no NHS number (422), as when correcting one.
    let nhs = match p.nhs_number.as_deref() {
        None => None,
        Some(v) => match NhsNumber::parse(v) {
            Ok(n) => match plausibility::check_nhs_number(&n) {
                Ok(()) => Some(n),
                Err(e) => {
                    errors.push(FieldError::new(
                        "person.nhs_number",
                        e.code(),
                        e.to_string(),
                    ));
                    None
                }
            },
            Err(e) => {
                errors.push(FieldError::new(
                    "person.nhs_number",
                    e.code(),
                    e.to_string(),
                ));
                None
            }
        },
    };
    let ethnic = match p.ethnic_category.as_deref() {
        None => None,
        Some(v) => match EthnicCategory::parse(v) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.push(FieldError::new(
                    "person.ethnic_category",
                    e.code(),
                    e.to_string(),
                ));
                None
            }
        },
    };
    for (field, name) in [
        ("person.given_name", &p.given_name),
        ("person.family_name", &p.family_name),
    ] {
        if let Err(e) = plausibility::check_name(name) {
            errors.push(FieldError::new(field, e.code(), e.to_string()));
        }
    }
    let dates = age_at(p.date_of_birth, p.date_of_death, on).and_then(|_| {
        plausibility::check_dates(p.date_of_birth, p.date_of_death).map_err(AgeError::from)
    });
    if let Err(e) = dates {
        errors.push(FieldError::new(
            format!("person.{}", e.field()),
            e.code(),
            e.to_string(),
        ));
    }
    let area = p.area_code.trim().to_ascii_uppercase();
    let resolution = match hierarchy.resolve(&area, on) {
        Ok(r) => Some(r),
        Err(e) => {
            errors.push(FieldError::new("person.area_code", e.code(), e.to_string()));
            None
        }
    };
    let (Some(resolution), true) = (resolution, errors.is_empty()) else {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        return Err(errors);
    };
    let icb = OdsCode::parse(&resolution.icb)
        .map_err(|e| vec![FieldError::new("person.area_code", e.code(), e.to_string())])?;
    let person = NotifiedPerson {
        given_name: p.given_name.trim().to_owned(),
        family_name: p.family_name.trim().to_owned(),
        nhs_number: nhs,
        date_of_birth: p.date_of_birth,
        date_of_death: p.date_of_death,
        sex: p.sex,
        ethnic_category: ethnic,
        learning_disability: p.learning_disability,
        autistic: p.autistic,
        lived_in_england: p.lived_in_england,
        place_of_death: p.place_of_death,
    };
    Ok((
        person,
        Resolution {
            icb,
            area_code: area,
            sub_icb_location: resolution.sub_icb_location,
        },
    ))
}

/// What a lead's or an ICS system's notification adds to the public form, checked.
struct Professional {
    source: Option<Source>,
    notifying_organisation: Option<String>,
    gp_practice: Option<String>,
}

/// The professional facts of a notification: only a lead or an ICS system (`integration`) of
/// an ICB may give them (422 naming the field for the public, 403 for other roles), each in
/// its format (422 naming it).
fn professional_facts(
    caller: Option<&Caller>,
    n: &NewNotification,
) -> Result<Professional, ApiError> {
    let given = [
        ("source", n.source.is_some()),
        ("notifying_organisation", n.notifying_organisation.is_some()),
        ("gp_practice", n.gp_practice.is_some()),
    ];
    let Some((field, _)) = given.iter().find(|(_, present)| *present) else {
        return Ok(Professional {
            source: None,
            notifying_organisation: None,
            gp_practice: None,
        });
    };
    let Some(caller) = caller else {
        return Err(ApiError::invalid_field(
            field,
            "professional_only",
            "only a lead's or an ICS system's notification (with its token) may give this",
        ));
    };
    caller.require(&[Role::IcsLead, Role::Integration])?;
    let organisation = caller
        .organisation
        .clone()
        .ok_or_else(|| ApiError::Forbidden("no ICB".into()))?;
    let (notifying_organisation, gp_practice) = organisation_codes(
        n.notifying_organisation.as_deref(),
        n.gp_practice.as_deref(),
    )
    .map_err(ApiError::unprocessable)?;
    Ok(Professional {
        source: n.source.as_ref().map(|s| Source {
            organisation,
            system: s.system.clone(),
            id: s.id.clone(),
        }),
        notifying_organisation,
        gp_practice,
    })
}

/// The notifying professional's organisation (an ODS code) and the GP practice (a letter and
/// five digits), normalised; each one not in its format is named. The intake and an import
/// check them with this one function.
pub(crate) fn organisation_codes(
    notifying_organisation: Option<&str>,
    gp_practice: Option<&str>,
) -> Result<(Option<String>, Option<String>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let notifying_organisation =
        notifying_organisation.and_then(|code| match OdsCode::parse(code.trim()) {
            Ok(c) => Some(c.as_str().to_owned()),
            Err(e) => {
                errors.push(FieldError::new(
                    "notifying_organisation",
                    e.code(),
                    e.to_string(),
                ));
                None
            }
        });
    let gp_practice = gp_practice.and_then(|code| match GpPracticeCode::parse(code) {
        Ok(c) => Some(c.as_str().to_owned()),
        Err(e) => {
            errors.push(FieldError::new("gp_practice", e.code(), e.to_string()));
            None
        }
    });
    if errors.is_empty() {
        Ok((notifying_organisation, gp_practice))
    } else {
        Err(errors)
    }
}
