//! `/reviews/{id}/moves`: a case proposed to another ICB by its lead, answered by the receiving
//! ICB's lead (`/moves/{mid}/accept`, `/moves/{mid}/decline`), or moved by an admin.

use actix_web::{HttpResponse, get, post, web};
use leder_domain::moves::CaseMove;

use crate::app::moves::{self, Made, MoveInput};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::dto::moves::{DeclineMove, MoveDto, MoveList, NewMove};
use crate::dto::utc;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// A move as the API shows it.
pub(crate) fn shown(m: CaseMove, reference: String) -> MoveDto {
    MoveDto {
        id: m.id,
        review_id: m.review_id,
        reference,
        from: m.from.as_str().to_owned(),
        to: m.to.as_str().to_owned(),
        reason: m.reason,
        text: m.text,
        origin: m.origin,
        status: m.status,
        proposed_by: m.proposed_by,
        proposed_at: utc(m.proposed_at),
        decided_by: m.decided_by,
        decided_at: m.decided_at.map(utc),
        decline_reason: m.decline_reason,
    }
}

fn made(m: Made) -> MoveDto {
    shown(m.done, m.reference)
}

/// Propose (or make) a move to another ICB
///
/// The case's lead proposes that another ICB is responsible (`to`: an ICB that exists today,
/// not the case's own; `reason`: `wrong_area`, `out_of_area_placement` or `other`, which needs
/// `text`): the move is `pending`, and the case stays with its ICB, its work going on, until
/// that ICB's lead accepts or declines. An admin moves the case at once (status `moved`;
/// admins see no case data, and the answer is the move alone). Only on an open case with no
/// other move pending (409); 404 out of scope; 403 for anyone else. Writes history, an audit
/// entry (`propose_move`, or `move_review` for an admin) and the event
/// `review.move_proposed` (or `review.moved`) in the case's feed; the other ICB's feed gets
/// the same event carrying the move only (`data.move`), never the person. An admin's move
/// follows the rule of an accepted one (see `accept_move`).
#[utoipa::path(
    tag = "reviews",
    operation_id = "propose_move",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    request_body = NewMove,
    responses(
        (status = 201, description = "The move", body = MoveDto),
        crate::error::sets::ChangeErrors,
    )
)]
#[post(
    "/reviews/{id}/moves",
    wrap = "crate::idempotency::Idempotency::Replay"
)]
pub async fn propose_move(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
    body: ValidatedJson<NewMove>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let input = MoveInput {
        to: b.to,
        reason: b.reason,
        text: b.text,
    };
    let done = moves::propose(&state, &caller, &info, id.into_inner(), input).await?;
    Ok(HttpResponse::Created().json(made(done)))
}

/// A case's moves
///
/// Every move proposed or made for the case, oldest first. For the case's lead, QA panel and
/// allocated reviewer (404 out of scope, 403 for anyone else). Audited as a read
/// (`read_moves`).
#[utoipa::path(
    tag = "reviews",
    operation_id = "list_review_moves",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id")),
    responses(
        (status = 200, description = "The case's moves", body = MoveList),
        crate::error::sets::ReadErrors,
    )
)]
#[get("/reviews/{id}/moves")]
pub async fn list_review_moves(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    id: web::Path<String>,
) -> Result<web::Json<MoveList>, ApiError> {
    let (review, found) = moves::of_review(&state, &caller, &info, id.into_inner()).await?;
    Ok(web::Json(MoveList {
        items: found
            .into_iter()
            .map(|m| shown(m, review.reference.clone()))
            .collect(),
        next_cursor: None,
    }))
}

/// Accept a proposed move
///
/// The receiving ICB's lead takes the case: it moves, keeping its history, notes, family
/// record, notifications and documents. The allocation stays only when the allocated reviewer
/// holds the reviewer role in the receiving ICB (a reviewer works cases of their own ICB);
/// otherwise it is cleared, and a case at `allocated` or `in_review` (or on hold from either)
/// goes back to `awaiting_allocation`, its findings kept; `awaiting_qa` and
/// `awaiting_sign_off` keep their stage. Only the receiving lead: the proposing ICB's team gets
/// 403, anyone else 404 (as for a move of no such case). 409 when the move was answered
/// already or the case has closed. Writes history (`moved`), an audit entry (`accept_move`)
/// and `review.moved` (with `review.status_changed` when the stage changed) in the receiving
/// ICB's feed; the sending ICB's feed gets `review.moved` with the move only.
#[utoipa::path(
    tag = "reviews",
    operation_id = "accept_move",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Review id"),
        ("mid" = String, Path, description = "Move id"),
    ),
    responses(
        (status = 200, description = "The move, accepted", body = MoveDto),
        crate::error::sets::ChangeErrors,
    )
)]
#[post(
    "/reviews/{id}/moves/{mid}/accept",
    wrap = "crate::idempotency::Idempotency::Replay"
)]
pub async fn accept_move(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    path: web::Path<(String, String)>,
) -> Result<web::Json<MoveDto>, ApiError> {
    let (id, mid) = path.into_inner();
    let done = moves::answer(&state, &caller, &info, id, mid, None).await?;
    Ok(web::Json(made(done)))
}

/// Decline a proposed move
///
/// The receiving ICB's lead says, with a `reason`, that the case is not theirs: it stays with
/// the ICB that proposed it. The same refusals as `accept_move`; 422 for a blank reason.
/// Writes history (`move_declined`), an audit entry (`decline_move`) and
/// `review.move_declined` in the case's feed; the receiving ICB's feed gets it with the move
/// only.
#[utoipa::path(
    tag = "reviews",
    operation_id = "decline_move",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Review id"),
        ("mid" = String, Path, description = "Move id"),
    ),
    request_body = DeclineMove,
    responses(
        (status = 200, description = "The move, declined", body = MoveDto),
        crate::error::sets::ChangeErrors,
    )
)]
#[post(
    "/reviews/{id}/moves/{mid}/decline",
    wrap = "crate::idempotency::Idempotency::Replay"
)]
pub async fn decline_move(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    path: web::Path<(String, String)>,
    body: ValidatedJson<DeclineMove>,
) -> Result<web::Json<MoveDto>, ApiError> {
    let (id, mid) = path.into_inner();
    let done = moves::answer(&state, &caller, &info, id, mid, Some(body.0.reason)).await?;
    Ok(web::Json(made(done)))
}
