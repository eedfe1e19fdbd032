//! A correction of the area code re-runs routing (DOMAIN.md, "Moving between ICBs": "Correcting
//! the area code re-runs routing the same way"). The corrected code is resolved as at
//! notification (the ICB responsible on the day the case was notified, through the dated
//! hierarchy; a split ICB needs its sub-ICB location, 422 naming `area_code`), and recorded
//! with the person's correction. When it routes an open case to another ICB, the move is
//! proposed as a lead's proposal is, in the same transaction: the case stays until that ICB's
//! lead accepts it (409 while another move is pending).

use leder_domain::OdsCode;
use leder_domain::review::{EventType, MoveRequest, PersonCorrection, Resolution, Review};
use leder_domain::workflow::Actor;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::moves as repo;

use crate::app::case_notifications::correction_refused;
use crate::app::moves::notify_other_side;
use crate::app::reviews::{Along, ReviewChange, change_along};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// Corrects the person and the area code of the review `change` names (the correction's
/// locks, as `app::reviews::change_person` takes them); returns the review as stored.
pub async fn correct_with_area(
    state: &AppState,
    caller: &Caller,
    change: ReviewChange,
    actor: Actor,
    correction: PersonCorrection,
    area_code: String,
    today: time::Date,
) -> Result<Review, ApiError> {
    let hierarchy = crate::app::organisations::hierarchy(state).await?;
    let area = area_code.trim().to_ascii_uppercase();
    let (move_id, by, at) = (
        uuid::Uuid::now_v7().to_string(),
        caller.id.clone(),
        now_utc(),
    );
    let along = Along::new(
        |conn, review: &Review| Ok((repo::has_pending(conn, &review.id)?, None)),
        move |review, (pending, proposed): &mut (bool, Option<leder_domain::moves::CaseMove>)| {
            let mut happened = review
                .correct_person(&actor, correction, today)
                .map_err(|e| correction_refused(&e))?;
            let resolved = hierarchy
                .resolve(&area, review.notified_on)
                .map_err(|e| ApiError::invalid_field("area_code", e.code(), e.to_string()))?;
            let icb = OdsCode::parse(&resolved.icb).map_err(ApiError::internal)?;
            let resolution = Resolution {
                icb: icb.clone(),
                area_code: area,
                sub_icb_location: resolved.sub_icb_location,
            };
            let request = MoveRequest {
                id: move_id,
                to: icb,
                reason: leder_domain::moves::MoveReason::WrongArea,
                text: None,
                by,
                at,
            };
            let (more, made) = review
                .correct_area_code(resolution, request, *pending)
                .map_err(|e| ApiError::Conflict(e.to_string()))?;
            happened.history.extend(more.history);
            happened.events.extend(more.events);
            *proposed = made;
            Ok(happened)
        },
        |conn, review, (_, proposed)| {
            if let Some(m) = proposed {
                repo::insert(conn, &m)?;
                notify_other_side(conn, review, &m, EventType::ReviewMoveProposed)?;
            }
            Ok(())
        },
    );
    change_along(state, caller, change, true, along).await
}
