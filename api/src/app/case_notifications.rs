//! The notifications of a case as its team reads them, and the lead's acknowledgement of a
//! duplicate (DOMAIN.md, "Duplicates"): every notification stays readable by the case team;
//! the lead acknowledges each duplicate explicitly, which (not a side effect of another edit)
//! clears `has_unreviewed_duplicate` once none awaits them, and may apply its facts as a
//! correction of the person. Reads are audited before anything leaves.

use leder_domain::audit::AuditAction;
use leder_domain::review::{PersonCorrection, Review};
use leder_domain::workflow::{CorrectionError, Role};
use leder_domain::{EthnicCategory, NhsNumber};
use leder_persistence::records::cases::{CaseNotification, NotifiedPerson};
use leder_persistence::reference::now_utc;
use leder_persistence::repo::case_notifications as repo;

use crate::app::reviews::{Along, ReviewChange, audit_reads, change_along, load};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::{actor_of, refusal};
use crate::clock::today_in_england;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// The case (in the caller's scope) and its notifications: for its lead, QA panel and
/// allocated reviewer (a machine client: 403); the read is audited.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
) -> Result<(Review, Vec<CaseNotification>), ApiError> {
    let review = load(state, caller, id).await?;
    caller.require(&[Role::IcsLead, Role::QaPanel, Role::Reviewer])?;
    let of = review.id.clone();
    let items = db::run(state, move |conn| repo::of_review(conn, &of)).await?;
    let read = [(review.id.clone(), review.organisation.as_str().to_owned())];
    audit_reads(state, caller, info, AuditAction::ReadNotifications, &read).await?;
    Ok((review, items))
}

/// The facts in which a notified person differs from the case as it stands.
pub fn differs_in(review: &Review, notified: &NotifiedPerson) -> Vec<&'static str> {
    let Some(p) = review.person.as_ref() else {
        return Vec::new();
    };
    let digits = |n: &Option<String>| {
        n.as_deref()
            .map(|s| s.chars().filter(char::is_ascii_digit).collect::<String>())
    };
    let same = [
        p.given_name == notified.given_name,
        p.family_name == notified.family_name,
        p.nhs_number.as_ref().map(NhsNumber::digits) == digits(&notified.nhs_number),
        p.date_of_birth == notified.date_of_birth,
        p.date_of_death == notified.date_of_death,
        p.sex == notified.sex,
        p.ethnic_category.map(|c| c.code().to_owned())
            == notified
                .ethnic_category
                .as_deref()
                .map(str::to_ascii_uppercase),
        p.learning_disability == notified.learning_disability,
        p.autistic == notified.autistic,
        p.lived_in_england == notified.lived_in_england,
        p.place_of_death == notified.place_of_death,
        review.area_code.eq_ignore_ascii_case(&notified.area_code),
    ];
    crate::dto::reviews::COMPARED_FACTS
        .iter()
        .zip(same)
        .filter(|(_, same)| !same)
        .map(|(name, _)| *name)
        .collect()
}

/// The notified person's facts as a correction of every field the person has. The area code
/// is not among them: a case changes ICB by a move, not by a correction.
fn correction_of(n: &NotifiedPerson) -> Result<PersonCorrection, ApiError> {
    let nhs_number = n
        .nhs_number
        .as_deref()
        .map(NhsNumber::parse)
        .transpose()
        .map_err(ApiError::internal)?;
    let ethnic_category = n
        .ethnic_category
        .as_deref()
        .map(EthnicCategory::parse)
        .transpose()
        .map_err(ApiError::internal)?;
    Ok(PersonCorrection {
        given_name: Some(n.given_name.clone()),
        family_name: Some(n.family_name.clone()),
        nhs_number: Some(nhs_number),
        date_of_birth: Some(n.date_of_birth),
        date_of_death: Some(n.date_of_death),
        sex: Some(n.sex),
        ethnic_category: Some(ethnic_category),
        learning_disability: Some(n.learning_disability),
        autistic: Some(n.autistic),
        lived_in_england: Some(n.lived_in_england),
        place_of_death: Some(n.place_of_death),
    })
}

/// What the acknowledgement read: the duplicate and the correction it would make.
struct Duplicate {
    reference: String,
    correction: Option<PersonCorrection>,
    others_waiting: bool,
}

/// The lead acknowledges the duplicate `nid` of the case `id`, applying its facts when `apply`.
/// 404 for a notification not of this case; 409 for the first notification, one already
/// acknowledged, or one that keeps no person to apply.
pub async fn acknowledge(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    nid: String,
    apply: bool,
) -> Result<Review, ApiError> {
    let actor = actor_of(caller)?;
    let by = caller.id.clone();
    let today = today_in_england();
    let change = ReviewChange::new(
        state,
        caller,
        info,
        AuditAction::AcknowledgeDuplicate,
        id,
        None,
    );
    let read_nid = nid.clone();
    let along = Along::new(
        move |conn, review: &Review| {
            let found =
                repo::one_of_review(conn, &review.id, &read_nid)?.ok_or(ApiError::NotFound)?;
            let n = found.notification;
            if !n.duplicate {
                return Err(ApiError::Conflict(
                    "this is the case's first notification, not a duplicate".into(),
                ));
            }
            if found.acknowledged_at.is_some() {
                return Err(ApiError::Conflict(
                    "this duplicate is already acknowledged".into(),
                ));
            }
            let correction = match (apply, &n.person) {
                (false, _) => None,
                (true, Some(p)) => Some(correction_of(p)?),
                (true, None) => {
                    return Err(ApiError::Conflict(
                        "this notification keeps no person whose facts could be applied".into(),
                    ));
                }
            };
            Ok(Duplicate {
                reference: n.reference,
                correction,
                others_waiting: repo::waiting_besides(conn, &review.id, &read_nid)? > 0,
            })
        },
        move |review, d: &mut Duplicate| {
            review
                .acknowledge_duplicate(
                    &actor,
                    d.reference.clone(),
                    d.correction.clone(),
                    d.others_waiting,
                    today,
                )
                .map_err(|e| correction_refused(&e))
        },
        move |conn, _, _| {
            if repo::acknowledge(conn, &nid, &by, apply, now_utc())? {
                Ok(())
            } else {
                Err(ApiError::Conflict(
                    "this duplicate is already acknowledged".into(),
                ))
            }
        },
    );
    change_along(state, caller, change, apply, along).await
}

/// A refused correction of the person as the API answers it.
pub(crate) fn correction_refused(e: &CorrectionError) -> ApiError {
    match e {
        CorrectionError::Refused(r) => refusal(r),
        CorrectionError::Invalid(a) => ApiError::invalid_field(a.field(), a.code(), a.to_string()),
        CorrectionError::NoPerson => {
            ApiError::Conflict("this case keeps no person to correct".into())
        }
    }
}
