//! Changing one's own password: the current password is checked first (whatever else is wrong,
//! so the answer's timing says nothing), failures count against the account and the address
//! as sign-in failures do, the new one must meet the policy, and the change spends every token
//! issued before, audited in its transaction.

use actix_web::web;
use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_persistence::reference::now_utc;
use leder_persistence::repo::users;

use crate::audit::RequestInfo;
use crate::auth::{Caller, lockout, password};
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// Replaces the caller's password with `new` when `current` is it (422 naming the field
/// otherwise; 429 while the account is locked).
pub async fn change(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    current: String,
    new: String,
) -> Result<(), ApiError> {
    let address = info.client_address.as_deref();
    lockout::check_address(state, address).await?;
    let id = caller.id.clone();
    let user = db::run(state, move |conn| users::get(conn, &id))
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let stored = user.password_hash.clone();
    let ok = web::block(move || password::verify(&current, &stored))
        .await
        .map_err(ApiError::internal)?;
    let now = now_utc();
    if let Some(until) = user.locked_until.filter(|t| *t > now) {
        if !ok {
            lockout::count_address(state, address).await?;
        }
        let wait = (until - now).whole_seconds().max(1);
        return Err(ApiError::TooManyRequests {
            retry_after: u64::try_from(wait).unwrap_or(1),
        });
    }
    if !ok {
        lockout::record_failure(state, address, &user.id).await?;
        actix_web::rt::time::sleep(state.config.login_failure_delay).await;
        return Err(ApiError::invalid_field(
            "current_password",
            "wrong_password",
            "is not your current password",
        ));
    }
    if let Some(problem) = password::policy_problem(&new, &caller.name) {
        return Err(ApiError::invalid_field(
            "new_password",
            "weak_password",
            problem,
        ));
    }
    let hasher = state.passwords.clone();
    let hash = web::block(move || hasher.hash(&new))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let audited = state.audit.audited(caller.audit_entry(
        info,
        AuditAction::ChangePassword,
        AuditOutcome::Success,
    ));
    let id = caller.id.clone();
    db::run(state, move |conn| {
        users::set_password(conn, &id, &hash, &audited)
    })
    .await
}
