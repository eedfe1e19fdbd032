//! Slowing password guessing without handing anyone a lever to lock others out.
//!
//! Rules: every failed password check (the token endpoint's password grant, or a wrong current
//! password at `/me/password`) pays the full password-hash cost, counts against the client
//! address's per-minute budget ([`crate::rate_limit::FAILED_SIGN_INS_PER_MINUTE`], refused with
//! 429 and `Retry-After` before any hash once spent) and counts against the account. After
//! `LEDER_LOGIN_MAX_FAILURES` failures in a row the account is locked for a short, growing period:
//! [`FIRST_LOCK`], doubled by each further failure after a lock ends, never longer than
//! `LEDER_LOGIN_LOCK_SECS`; failures during a lock are not counted, and a successful sign-in
//! clears it all. So a stranger can hold an account shut only by spending a steady flow of
//! requests from addresses that each stay within their budget, every one of them audited, and the
//! owner waits minutes, not hours; the address budget is what stops one machine from guessing.

use std::time::Duration;

use leder_persistence::repo::users;

use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// How long the first lock lasts (or `LEDER_LOGIN_LOCK_SECS`, when that is shorter).
pub const FIRST_LOCK: Duration = Duration::from_secs(60);

/// The lock earned by the `failures`-th failure in a row: none below `max_failures`, then
/// [`FIRST_LOCK`] doubling per further failure, capped at `longest`.
pub fn lock_for(failures: i64, max_failures: i64, longest: Duration) -> Option<Duration> {
    if failures < max_failures {
        return None;
    }
    let doublings = u32::try_from((failures - max_failures).min(20)).unwrap_or(20);
    Some(
        FIRST_LOCK
            .saturating_mul(2u32.saturating_pow(doublings))
            .min(longest),
    )
}

/// The key the address budget counts under (a request with no known address shares one).
pub fn address_key(client_address: Option<&str>) -> &str {
    client_address.unwrap_or("unknown")
}

/// Refuses with 429 when the address has spent its failure budget (on any replica).
pub async fn check_address(state: &AppState, client_address: Option<&str>) -> Result<(), ApiError> {
    state
        .sign_in_limiter
        .waiting(state, address_key(client_address))
        .await
}

/// Counts a failure against the address alone (no account, or one that is locked already).
pub async fn count_address(state: &AppState, client_address: Option<&str>) -> Result<(), ApiError> {
    state
        .sign_in_limiter
        .count(state, address_key(client_address))
        .await
}

/// Counts a failed password check against the address and the account; returns whether the
/// account is now locked.
pub async fn record_failure(
    state: &AppState,
    client_address: Option<&str>,
    user_id: &str,
) -> Result<bool, ApiError> {
    count_address(state, client_address).await?;
    let id = user_id.to_owned();
    let max = state.config.login_max_failures;
    let longest = state.config.login_lock;
    let now = leder_persistence::reference::now_utc();
    let locked = db::run(state, move |conn| {
        users::record_failed_sign_in(conn, &id, |failures| {
            lock_for(failures, max, longest).map(|d| now + d)
        })
    })
    .await?;
    if locked {
        log::warn!("account {user_id} locked after {max} or more failed password checks");
    }
    Ok(locked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_starts_short_and_grows_to_the_configured_longest() {
        let longest = Duration::from_secs(900);
        assert_eq!(lock_for(4, 5, longest), None);
        assert_eq!(lock_for(5, 5, longest), Some(Duration::from_secs(60)));
        assert_eq!(lock_for(6, 5, longest), Some(Duration::from_secs(120)));
        assert_eq!(lock_for(8, 5, longest), Some(Duration::from_secs(480)));
        assert_eq!(lock_for(9, 5, longest), Some(longest));
        assert_eq!(lock_for(1_000_000, 5, longest), Some(longest));
        assert_eq!(
            lock_for(5, 5, Duration::from_secs(10)),
            Some(Duration::from_secs(10))
        );
    }
}
