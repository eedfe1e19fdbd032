//! A move of a case between ICBs: the domain's [`CaseMove`] to its row and back.

use leder_domain::OdsCode;
use leder_domain::moves::{CaseMove, MoveOrigin, MoveReason, MoveStatus};

use crate::error::PersistenceError;
use crate::rows::moves::MoveRow;

/// The move's row.
pub(crate) fn row_of(m: &CaseMove) -> MoveRow {
    MoveRow {
        id: m.id.clone(),
        review_id: m.review_id.clone(),
        from_organisation: m.from.as_str().to_owned(),
        to_organisation: m.to.as_str().to_owned(),
        reason: m.reason.as_str().to_owned(),
        text: m.text.clone(),
        origin: m.origin.as_str().to_owned(),
        status: m.status.as_str().to_owned(),
        proposed_by: m.proposed_by.clone(),
        proposed_at: m.proposed_at,
        decided_by: m.decided_by.clone(),
        decided_at: m.decided_at,
        decline_reason: m.decline_reason.clone(),
    }
}

/// The move a row stores; a value that does not parse names the row and column.
pub(crate) fn move_of(row: MoveRow) -> Result<CaseMove, PersistenceError> {
    let bad = |field: &'static str, detail: String| PersistenceError::Corrupt {
        table: "review_moves",
        id: row.id.clone(),
        field,
        detail,
    };
    let from = OdsCode::parse(&row.from_organisation)
        .map_err(|e| bad("from_organisation", e.to_string()))?;
    let to =
        OdsCode::parse(&row.to_organisation).map_err(|e| bad("to_organisation", e.to_string()))?;
    let reason = MoveReason::parse(&row.reason).map_err(|e| bad("reason", e.to_string()))?;
    let origin = MoveOrigin::parse(&row.origin).map_err(|e| bad("origin", e.to_string()))?;
    let status = MoveStatus::parse(&row.status).map_err(|e| bad("status", e.to_string()))?;
    Ok(CaseMove {
        id: row.id,
        review_id: row.review_id,
        from,
        to,
        reason,
        text: row.text,
        origin,
        status,
        proposed_by: row.proposed_by,
        proposed_at: row.proposed_at,
        decided_by: row.decided_by,
        decided_at: row.decided_at,
        decline_reason: row.decline_reason,
    })
}
