//! Reorganisations (DOMAIN.md, "Responsible body"): "Open reviews of a dissolved ICB move to
//! its successor by an explicit, audited transfer"; where the ICB was split, a review follows
//! its sub-ICB location, or the admin names its target. Every review moves in one transaction,
//! through the domain's `Review::transfer_to`, or none does.

use std::collections::BTreeMap;

use leder_domain::OdsCode;
use leder_domain::organisations::OrgKind;
use leder_persistence::PersistenceError;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::audit::Author;
use leder_persistence::repo::review_store;
use leder_persistence::repo::reviews::{self as repo, CaseScope};
use serde_json::json;

use crate::cases::render_json;
use crate::clock::today_in_england;
use crate::db;
use crate::dto::reviews::Transferred;
use crate::error::{ApiError, FieldError};
use crate::state::AppState;

/// Moves the open reviews of the dissolved ICB `code` (with explicit `targets`: review id →
/// ICB); answers what moved.
pub async fn transfer(
    state: &AppState,
    code: String,
    targets: BTreeMap<String, String>,
    actor: Author,
) -> Result<Vec<Transferred>, ApiError> {
    let from = code.to_ascii_uppercase();
    let today = today_in_england();
    let hierarchy = super::organisations::hierarchy(state).await?;
    let icb = hierarchy
        .entries(&from)
        .iter()
        .find(|o| o.kind == OrgKind::Icb)
        .cloned()
        .ok_or(ApiError::NotFound)?;
    if icb.valid.contains(today) {
        return Err(ApiError::Conflict(format!(
            "{from} still exists today; only a dissolved ICB's reviews move"
        )));
    }
    let f = from.clone();
    let open = db::run(state, move |conn| repo::open_of(conn, &f)).await?;
    let mut plan = Vec::new();
    let mut errors = Vec::new();
    for (review_id, sub_icb) in open {
        let explicit = targets.get(&review_id).map(|t| t.to_ascii_uppercase());
        let to = match explicit {
            Some(t) => match hierarchy.resolve(&t, today) {
                Ok(r) if r.icb == t => Some(t),
                _ => {
                    errors.push(FieldError::new(
                        format!("targets.{review_id}"),
                        "not_a_current_icb",
                        "must be an ICB that exists today",
                    ));
                    None
                }
            },
            None => {
                let through_sub = sub_icb
                    .as_deref()
                    .and_then(|s| hierarchy.resolve(s, today).ok());
                let whole = hierarchy.resolve(&from, today).ok();
                match (through_sub, whole) {
                    (Some(r), _) => Some(r.icb),
                    (None, Some(r)) => Some(r.icb),
                    _ => {
                        errors.push(FieldError::new(
                            format!("targets.{review_id}"),
                            "target_required",
                            format!("{from} was split and review {review_id} has no sub-ICB location: name its ICB in targets"),
                        ));
                        None
                    }
                }
            }
        };
        if let Some(to) = to {
            plan.push((review_id, to));
        }
    }
    if !errors.is_empty() {
        let needs: Vec<serde_json::Value> = errors
            .iter()
            .filter(|e| e.code == "target_required")
            .map(|e| json!(e.field.trim_start_matches("targets.")))
            .collect();
        let mut extensions = serde_json::Map::new();
        extensions.insert("needs_target".into(), serde_json::Value::Array(needs));
        return Err(ApiError::UnprocessableWith {
            detail: format!(
                "{} review(s) need an explicit target; nothing was moved",
                errors.len()
            ),
            errors,
            extensions,
        });
    }
    let from_icb = from.clone();
    let moved = db::run(state, move |conn| {
        leder_persistence::connection::write_transaction(conn, |conn| {
            let mut moved = Vec::new();
            for (review_id, to) in &plan {
                let target = OdsCode::parse(to).map_err(|e| {
                    PersistenceError::Reference(format!("transfer target {to}: {e}"))
                })?;
                let Some(mut review) = review_store::load_for_change(
                    conn,
                    review_id,
                    &CaseScope::Icb(from_icb.clone()),
                )?
                else {
                    continue;
                };
                let from_stage = review.stage.as_str();
                let happened = review.transfer_to(target);
                review.touch(now_utc());
                let stored =
                    review_store::store_change(conn, review, from_stage, &happened, &actor, None)?;
                review_store::emit(conn, &stored, &happened, &render_json(&stored))?;
                moved.push(Transferred {
                    review_id: review_id.clone(),
                    from: from_icb.clone(),
                    to: to.clone(),
                });
            }
            Ok(moved)
        })
    })
    .await?;
    Ok(moved)
}
