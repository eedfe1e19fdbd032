//! `GET /reviews/{id}/notifications` and `POST /reviews/{id}/notifications/{nid}/acknowledge`:
//! every notification of a case, and the lead's acknowledgement of a duplicate.

use actix_web::{HttpResponse, get, post, web};
use leder_persistence::records::cases::CaseNotification as Stored;

use crate::app::case_notifications::{acknowledge, differs_in, list};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::answer;
use crate::dto::reviews::{
    AcknowledgeRequest, CaseNotification, CaseNotificationList, Notifier, PersonDto,
};
use crate::dto::utc;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// The notifications of a case
///
/// Every notification linked to the case, the first and each duplicate, in the order they
/// came: who notified and how to reach them, their relationship, the circumstances, the person
/// as notified, when it came, and which facts differ from the case as it stands (`differs_in`),
/// with the lead's acknowledgement of each duplicate. For the case's lead, QA panel and
/// allocated reviewer (a machine client: 403); out of scope: 404. Audited as a read
/// (`read_notifications`).
#[utoipa::path(
    tag = "reviews",
    operation_id = "list_case_notifications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    responses(
        (status = 200, description = "The case's notifications", body = CaseNotificationList),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/reviews/{id}/notifications")]
pub async fn list_case_notifications(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<web::Json<CaseNotificationList>, ApiError> {
    let (review, stored) = list(&state, &caller, &info, id.into_inner()).await?;
    let items = stored.into_iter().map(|n| shown(&review, n)).collect();
    Ok(web::Json(CaseNotificationList {
        items,
        next_cursor: None,
    }))
}

/// Acknowledge a duplicate notification
///
/// The lead has looked at a later notification of the same person: `has_unreviewed_duplicate`
/// clears once no other duplicate awaits them (this, and nothing else, clears it). With
/// `"apply": true` the duplicate's facts (names, NHS number, dates, sex, ethnic category,
/// learning disability, autism, living in England, place of death; never the area code) correct
/// the person, as `PATCH /reviews/{id}/person` does: eligibility, review type and stage are
/// assessed again (a case closed as not eligible reopens when it becomes eligible), and 409
/// where the stage allows no correction or the facts name another review's person.
/// Acknowledging alone is allowed at any stage. The lead only (403); 404 out of scope or for a
/// notification not of this case; 409 for the case's first notification or a duplicate already
/// acknowledged. Writes history, the event `review.duplicate_acknowledged` (and those of a
/// correction) and an audit entry (`acknowledge_duplicate`).
#[utoipa::path(
    tag = "reviews",
    operation_id = "acknowledge_duplicate",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Review id"),
        ("nid" = String, Path, description = "The notification's id"),
    ),
    request_body = AcknowledgeRequest,
    responses(
        (status = 200, description = "The case", body = crate::dto::reviews::Review, headers(("ETag" = String))),
        crate::error::sets::ChangeErrors,
    )
)]
#[post(
    "/reviews/{id}/notifications/{nid}/acknowledge",
    wrap = "crate::idempotency::Idempotency::ReplayCase"
)]
pub async fn acknowledge_duplicate(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    path: web::Path<(String, String)>,
    body: ValidatedJson<AcknowledgeRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, nid) = path.into_inner();
    let review = acknowledge(&state, &caller, &info, id, nid, body.0.apply).await?;
    Ok(answer(&review))
}

/// A stored notification as the case team reads it.
fn shown(review: &leder_domain::review::Review, s: Stored) -> CaseNotification {
    let n = s.notification;
    let differs = n
        .person
        .as_ref()
        .map(|p| differs_in(review, p))
        .unwrap_or_default();
    CaseNotification {
        id: n.id,
        reference: n.reference,
        duplicate: n.duplicate,
        received_at: utc(n.received_at),
        notifier: n.notifier.map(|x| Notifier {
            name: x.name,
            relationship: x.relationship,
            email: x.email,
            phone: x.phone,
            organisation: x.organisation,
        }),
        person: n.person.map(|p| PersonDto {
            given_name: Some(p.given_name),
            family_name: Some(p.family_name),
            nhs_number: p
                .nhs_number
                .map(|d| d.chars().filter(char::is_ascii_digit).collect()),
            date_of_birth: Some(p.date_of_birth),
            date_of_death: Some(p.date_of_death),
            sex: Some(p.sex),
            ethnic_category: p.ethnic_category.map(|c| c.to_ascii_uppercase()),
            learning_disability: Some(p.learning_disability),
            autistic: Some(p.autistic),
            lived_in_england: Some(p.lived_in_england),
            national_data_opt_out: p.national_data_opt_out
                == leder_domain::review::OptOutAnswer::Yes,
            place_of_death: p.place_of_death,
        }),
        area_code: n.area_code,
        circumstances: n.circumstances,
        family_requests_focused_review: n.family_requests_focused_review,
        source: n.source.map(|s| crate::dto::reviews::NotificationSource {
            system: s.system,
            id: s.id,
        }),
        notifying_organisation: n.notifying_organisation,
        gp_practice: n.gp_practice,
        differs_in: differs,
        acknowledged_at: s.acknowledged_at.map(utc),
        acknowledged_by: s.acknowledged_by,
        applied: s.applied,
    }
}
