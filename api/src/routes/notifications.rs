//! The public intake: anyone reports a death. Nothing reported may be lost: a notification is
//! stored with its assessment, routing, review and first event in one transaction, and a
//! second notification of the same person is linked to the first case, never dropped.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use leder_persistence::records::cases::IdempotencyRecord;
use leder_persistence::repo::notifications::IntakeOutcome;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::RequestInfo;
use crate::auth::OptionalCaller;
use crate::dto::reviews::{NewNotification, NotificationReceipt};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_notification);
}

fn replay(row: &IdempotencyRecord) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(u16::try_from(row.status).unwrap_or(200))
        .unwrap_or(actix_web::http::StatusCode::OK);
    HttpResponse::build(status)
        .insert_header(("Idempotent-Replayed", "true"))
        .content_type("application/json")
        .body(row.body.clone())
}

/// Report a death
///
/// Public: no token. Answers only the reference. Eligibility, the responsible ICB (from the
/// area code on today's date) and the review type are decided at once; a second notification of
/// the same person (same NHS number, or same names and dates of birth and death) is linked to the
/// first case and flags it for the lead. With a national data opt-out nothing identifiable is
/// kept. `Idempotency-Key` makes retries safe; requests are rate-limited per address.
///
/// A lead or an ICB's ICS system (`integration`) may call it with its token (a token that does
/// not verify is a 401, never a public notification) and then also give the `source` (the
/// system and its id for the case: a repeat by the same ICB answers 200 with the first
/// receipt), the notifying professional's organisation and the GP practice. The notifier may
/// answer the opt-out question `not_known` (the default): the case then needs a check
/// (`POST /reviews/{id}/opt-out-check`) before it can be allocated.
///
/// Implausible people are refused with 422 naming the field: a date of death before 2015-01-01
/// (`implausible_date`) or after today, an age at death over 120 (`person.date_of_birth`,
/// `implausible_age`), an NHS number of one digit ten times (`implausible_nhs_number`), a name
/// with no letter (`implausible_name`) or with a zero-width or text-direction control character
/// (`hidden_character`).
#[utoipa::path(
    tag = "notifications",
    operation_id = "create_notification",
    request_body = NewNotification,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key: the same key and body replay the first answer")),
    responses(
        (status = 200, description = "A lead's or an ICS system's repeat of a source id it sent before: the receipt of the case the first made", body = NotificationReceipt),
        (status = 201, description = "Received", body = NotificationReceipt),
        (status = 400, response = crate::error::BadRequest),
        (status = 401, response = crate::error::Unauthorized),
        (status = 403, response = crate::error::Forbidden),
        (status = 413, response = crate::error::PayloadTooLarge),
        (status = 415, response = crate::error::UnsupportedMediaType),
        (status = 422, response = crate::error::Unprocessable),
        (status = 429, response = crate::error::TooManyRequests),
        (status = 503, response = crate::error::ServiceUnavailable),
    )
)]
#[post(
    "/notifications",
    wrap = "crate::idempotency::Idempotency::OwnTransaction"
)]
pub async fn create_notification(
    state: web::Data<AppState>,
    req: HttpRequest,
    info: RequestInfo,
    caller: OptionalCaller,
    body: ValidatedJson<NewNotification>,
) -> Result<HttpResponse, ApiError> {
    let address = info.client_address.clone().unwrap_or_default();
    state.rate_limiter.check(&state, &address).await?;
    let key = crate::idempotency::key_of(req.headers())?;
    let (outcome, receipt_json) =
        crate::app::intake::notify(&state, caller.0.as_ref(), &info, body.0, key).await?;
    match outcome {
        IntakeOutcome::Existing { .. } => Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .content_type("application/json")
            .body(receipt_json)),
        IntakeOutcome::Created { .. } | IntakeOutcome::Duplicate { .. } => {
            Ok(HttpResponse::Created()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .content_type("application/json")
                .body(receipt_json))
        }
        IntakeOutcome::Replayed(row) => Ok(replay(&row)),
        IntakeOutcome::KeyReused => Err(ApiError::invalid_field(
            "Idempotency-Key",
            "idempotency_key_reused",
            "this key was used with a different body",
        )),
    }
}
