//! `PATCH /reviews/{id}/person`: a correction of the person, assessed again.

use actix_web::{HttpRequest, HttpResponse, patch, web};
use leder_domain::audit::AuditAction;
use leder_domain::review::PersonCorrection;
use leder_domain::{EthnicCategory, NhsNumber, plausibility};

use crate::app::case_notifications::correction_refused;
use crate::app::reviews;
use crate::app::reviews::ReviewChange;
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::actor_of;
use crate::cases::answer;
use crate::clock::today_in_england;
use crate::dto::if_match;
use crate::dto::reviews::PersonPatch;
use crate::error::{ApiError, FieldError};
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Correct the person's details
///
/// JSON Merge Patch with `If-Match`, by the lead or the allocated reviewer at any open stage
/// (and on a case closed as not eligible). Eligibility and the review type are assessed again:
/// a case closed as not eligible reopens when it becomes eligible. The intake's plausibility
/// bounds hold here too (see `create_notification`). 409 when the corrected details name the
/// person of another review (the same NHS number, or the same names and dates): one person has
/// one review. A corrected `area_code` runs routing again as at notification; when it routes
/// an open case to another ICB, the move is proposed to that ICB's lead in the same change (the
/// case stays until they accept; 409 while another move is pending; history
/// `area_code_corrected` and `move_proposed`, event `review.move_proposed`).
#[utoipa::path(
    tag = "reviews",
    operation_id = "correct_person",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Review id"),
        ("If-Match" = String, Header, description = "The ETag from the last read"),
    ),
    request_body(content = PersonPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The case", body = crate::dto::reviews::Review, headers(("ETag" = String))),
        crate::error::sets::EditErrors,
    )
)]
#[patch("/reviews/{id}/person")]
pub async fn correct_person_details(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    req: HttpRequest,
    id: web::Path<String>,
    body: ValidatedJson<PersonPatch>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let mut patch = body.0;
    let area_code = patch.area_code.take();
    let correction = person_correction(patch)?;
    let actor = actor_of(&caller)?;
    let today = today_in_england();
    let change = ReviewChange::new(
        &state,
        &caller,
        &info,
        AuditAction::CorrectPerson,
        id.into_inner(),
        Some(expected),
    );
    let review = match area_code {
        Some(area) => {
            crate::app::routing::correct_with_area(
                &state, &caller, change, actor, correction, area, today,
            )
            .await?
        }
        None => {
            reviews::change_person(&state, &caller, change, move |review| {
                review
                    .correct_person(&actor, correction, today)
                    .map_err(|e| correction_refused(&e))
            })
            .await?
        }
    };
    Ok(answer(&review))
}

/// The patch as the domain's correction; each field that breaks a rule is named.
fn person_correction(patch: PersonPatch) -> Result<PersonCorrection, ApiError> {
    let mut errors = Vec::new();
    let nhs_number = match patch.nhs_number {
        Some(Some(v)) => match NhsNumber::parse(&v) {
            Ok(n) => match plausibility::check_nhs_number(&n) {
                Ok(()) => Some(Some(n)),
                Err(e) => {
                    errors.push(FieldError::new("nhs_number", e.code(), e.to_string()));
                    None
                }
            },
            Err(e) => {
                errors.push(FieldError::new("nhs_number", e.code(), e.to_string()));
                None
            }
        },
        Some(None) => Some(None),
        None => None,
    };
    let ethnic_category = match patch.ethnic_category {
        Some(Some(v)) => match EthnicCategory::parse(&v) {
            Ok(c) => Some(Some(c)),
            Err(e) => {
                errors.push(FieldError::new("ethnic_category", e.code(), e.to_string()));
                None
            }
        },
        Some(None) => Some(None),
        None => None,
    };
    for (field, name) in [
        ("given_name", &patch.given_name),
        ("family_name", &patch.family_name),
    ] {
        if let Some(Err(e)) = name.as_deref().map(plausibility::check_name) {
            errors.push(FieldError::new(field, e.code(), e.to_string()));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::unprocessable(errors));
    }
    Ok(PersonCorrection {
        given_name: patch.given_name,
        family_name: patch.family_name,
        nhs_number,
        date_of_birth: patch.date_of_birth,
        date_of_death: patch.date_of_death,
        sex: patch.sex,
        ethnic_category,
        learning_disability: patch.learning_disability,
        autistic: patch.autistic,
        lived_in_england: patch.lived_in_england,
        place_of_death: patch.place_of_death,
    })
}
