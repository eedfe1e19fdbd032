//! The second factor of leder's own accounts: TOTP (RFC 6238) with single-use recovery codes.
//!
//! Rules: every admin, and every account an admin marks, must sign in with one. A person sets
//! it up on leder's sign-in page, right after their password, the first time it is needed: the
//! page shows a new secret, a first code from their authenticator app confirms it, and ten
//! recovery codes are shown once (stored only as hashes). From then on the page asks for a
//! code (or a recovery code) after every password. A code is accepted only for a 30-second step
//! later than the last one accepted for the account, so a code replayed within its window is
//! refused; a wrong code counts as a failed sign-in (the address budget and the account's
//! lock). With the password grant on, an enrolled account must send its code as `otp`.

use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_domain::totp::TotpSecret;
use leder_persistence::records::identity::User;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::second_factor;

use crate::app::accounts::secret_hash;
use crate::app::sign_in::user_entry;
use crate::audit::RequestInfo;
use crate::auth::lockout;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;

/// A new random secret (160 bits).
pub fn new_secret() -> Result<TotpSecret, ApiError> {
    let mut bytes = [0u8; 20];
    rand::fill(&mut bytes);
    TotpSecret::from_bytes(&bytes).ok_or_else(|| ApiError::internal("a TOTP secret of 20 bytes"))
}

/// The form a recovery code is hashed in: upper case, without spaces or dashes.
fn recovery_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    secret_hash(&normal)
}

/// New recovery codes: 10 base32 characters (50 bits) each, shown as `XXXXX-XXXXX`.
fn new_recovery_codes() -> Result<Vec<String>, ApiError> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let text = new_secret()?.to_base32();
            Ok(format!("{}-{}", &text[..5], &text[5..10]))
        })
        .collect()
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// After a wrong or replayed code: counted against the address and the account, audited,
/// slowed down.
async fn failed(state: &AppState, info: &RequestInfo, user: &User) -> Result<(), ApiError> {
    lockout::record_failure(state, info.client_address.as_deref(), &user.id).await?;
    state
        .audit
        .record(user_entry(
            info,
            user,
            AuditAction::SecondFactor,
            AuditOutcome::Failure,
        ))
        .await?;
    actix_web::rt::time::sleep(state.config.login_failure_delay).await;
    Ok(())
}

/// Whether `code` (a TOTP code or a recovery code) is good for enrolled `user`, spending it.
pub async fn check(
    state: &AppState,
    info: &RequestInfo,
    user: &User,
    code: &str,
) -> Result<bool, ApiError> {
    let secret = user
        .totp_secret
        .as_deref()
        .and_then(TotpSecret::from_base32);
    let step = secret.and_then(|s| s.verify(code, unix_now(), user.totp_last_step));
    let audited = state.audit.audited(user_entry(
        info,
        user,
        AuditAction::SecondFactor,
        AuditOutcome::Success,
    ));
    let id = user.id.clone();
    let spent = match step {
        Some(step) => {
            db::run(state, move |conn| {
                second_factor::spend_step(conn, &id, step, &audited)
            })
            .await?
        }
        None => {
            let hash = recovery_hash(code);
            let audited = state.audit.audited(user_entry(
                info,
                user,
                AuditAction::SecondFactor,
                AuditOutcome::RecoveryCode,
            ));
            db::run(state, move |conn| {
                second_factor::spend_recovery_code(conn, &id, &hash, now_utc(), &audited)
            })
            .await?
        }
    };
    if !spent {
        failed(state, info, user).await?;
    }
    Ok(spent)
}

/// Enrols `user` with `secret` when `code` is its current code: the recovery codes to show
/// once, or `None` (a wrong code, counted as a failure, or enrolled already).
pub async fn enrol(
    state: &AppState,
    info: &RequestInfo,
    user: &User,
    secret: &TotpSecret,
    code: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    let Some(step) = secret.verify(code, unix_now(), None) else {
        failed(state, info, user).await?;
        return Ok(None);
    };
    let codes = new_recovery_codes()?;
    let hashes: Vec<String> = codes.iter().map(|c| recovery_hash(c)).collect();
    let audited = state.audit.audited(user_entry(
        info,
        user,
        AuditAction::EnrolSecondFactor,
        AuditOutcome::Success,
    ));
    let (id, text) = (user.id.clone(), secret.to_base32());
    let done = db::run(state, move |conn| {
        second_factor::enrol(conn, &id, &text, step, &hashes, now_utc(), &audited)
    })
    .await?;
    Ok(done.then_some(codes))
}
