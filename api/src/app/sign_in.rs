//! Signing in with a password: the address budget, the account's lockout, the password's
//! hash (paid for unknown names too), the failure delay and the audit entry of every attempt.
//! The token endpoint extracts, calls this and answers in OAuth's terms.

use actix_web::web;
use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_persistence::records::identity::{Client, ClientAuth, User};
use leder_persistence::reference::now_utc;
use leder_persistence::repo::audit::NewAuditEntry;
use leder_persistence::repo::{clients, used_once, users};

use crate::app::accounts::secret_hash;
use crate::audit::RequestInfo;
use crate::auth::{client_assertion, lockout, password};
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// The audit entry of a sign-in attempt by someone not yet known.
pub fn anonymous_entry(
    info: &RequestInfo,
    outcome: AuditOutcome,
    subject: Option<String>,
    org: Option<String>,
) -> NewAuditEntry {
    NewAuditEntry {
        subject,
        subject_organisation: org,
        ..info.anonymous_entry(AuditAction::SignIn, outcome)
    }
}

/// The account `username` names when `secret` is its password and it may sign in now; `None`
/// (after the delay every failure costs, audited and counted) otherwise.
pub async fn with_password(
    state: &AppState,
    info: &RequestInfo,
    username: &str,
    secret: String,
) -> Result<Option<User>, ApiError> {
    let username = username.trim().to_ascii_lowercase();
    let address = info.client_address.as_deref();
    lockout::check_address(state, address).await?;
    let lookup = username.clone();
    let user = db::run(state, move |conn| users::by_username(conn, &lookup)).await?;
    let now = now_utc();
    let (user, secret) = match user {
        None => {
            let (secret, hasher) = (secret.clone(), state.passwords.clone());
            web::block(move || hasher.verify_dummy(&secret))
                .await
                .map_err(ApiError::internal)?;
            lockout::count_address(state, address).await?;
            state
                .audit
                .record(anonymous_entry(info, AuditOutcome::Failure, None, None))
                .await?;
            actix_web::rt::time::sleep(state.config.login_failure_delay).await;
            return Ok(None);
        }
        Some(u) => (u, secret),
    };
    let stored = user.password_hash.clone();
    let matches = web::block(move || password::verify(&secret, &stored))
        .await
        .map_err(ApiError::internal)?;
    let locked = user.locked_at(now);
    let subject = Some(format!("user:{}", user.id));
    if !matches || locked || user.disabled {
        if !matches && !locked {
            lockout::record_failure(state, address, &user.id).await?;
        } else if !matches {
            lockout::count_address(state, address).await?;
        }
        let outcome = if user.disabled {
            AuditOutcome::RefusedDisabled
        } else if locked {
            AuditOutcome::RefusedLocked
        } else {
            AuditOutcome::Failure
        };
        state
            .audit
            .record(anonymous_entry(
                info,
                outcome,
                subject,
                user.organisation.clone(),
            ))
            .await?;
        actix_web::rt::time::sleep(state.config.login_failure_delay).await;
        return Ok(None);
    }
    if user.failed_logins != 0 || user.locked_until.is_some() {
        let id = user.id.clone();
        db::run(state, move |conn| users::record_sign_in(conn, &id)).await?;
    }
    let mut entry = user_entry(info, &user, AuditAction::SignIn, AuditOutcome::Success);
    entry.subject = subject;
    state.audit.record(entry).await?;
    Ok(Some(user))
}

/// An audit entry of something `user` did while signing in, about their account.
pub fn user_entry(
    info: &RequestInfo,
    user: &User,
    action: AuditAction,
    outcome: AuditOutcome,
) -> NewAuditEntry {
    let mut entry = anonymous_entry(
        info,
        outcome,
        Some(format!("user:{}", user.id)),
        user.organisation.clone(),
    );
    entry.action = action.as_str().to_owned();
    entry.actor_kind = leder_domain::audit::ActorKind::User.as_str().to_owned();
    entry.actor_id = Some(user.id.clone());
    // Audit entries keep the comma-joined form they are hashed in.
    entry.actor_roles = user
        .roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",");
    entry.actor_organisation = user.organisation.clone();
    entry
}

/// The machine client `id` names when `secret` is its secret and it is not revoked; `None`
/// (after the failure delay, audited and counted against the address) otherwise.
pub async fn with_client_secret(
    state: &AppState,
    info: &RequestInfo,
    id: &str,
    secret: &str,
) -> Result<Option<Client>, ApiError> {
    let address = info.client_address.as_deref();
    lockout::check_address(state, address).await?;
    let lookup = id.to_owned();
    let client = db::run(state, move |conn| clients::get(conn, &lookup)).await?;
    let hash = secret_hash(secret);
    match client {
        Some(c)
            if c.revoked_at.is_none()
                && c.auth == ClientAuth::Secret
                && constant_time_eq(&c.secret_hash, &hash) =>
        {
            state
                .audit
                .record(client_entry(info, &c, AuditAction::SignIn))
                .await?;
            Ok(Some(c))
        }
        other => {
            client_failure(
                state,
                info,
                other.as_ref(),
                AuditAction::SignIn,
                AuditOutcome::Failure,
            )
            .await?;
            Ok(None)
        }
    }
}

/// The audit entry of client `c` signing in.
fn client_entry(info: &RequestInfo, c: &Client, action: AuditAction) -> NewAuditEntry {
    let mut entry = anonymous_entry(
        info,
        AuditOutcome::Success,
        Some(format!("client:{}", c.id)),
        Some(c.organisation.clone()),
    );
    entry.action = action.as_str().to_owned();
    entry.actor_kind = leder_domain::audit::ActorKind::Client.as_str().to_owned();
    entry.actor_id = Some(c.id.clone());
    entry.actor_roles = "integration".into();
    entry.actor_organisation = Some(c.organisation.clone());
    entry
}

/// A machine client's failed sign-in: counted against the address, audited, then delayed.
async fn client_failure(
    state: &AppState,
    info: &RequestInfo,
    client: Option<&Client>,
    action: AuditAction,
    outcome: AuditOutcome,
) -> Result<(), ApiError> {
    lockout::count_address(state, info.client_address.as_deref()).await?;
    let subject = client.map(|c| format!("client:{}", c.id));
    let org = client.map(|c| c.organisation.clone());
    let mut entry = anonymous_entry(info, outcome, subject, org);
    entry.action = action.as_str().to_owned();
    state.audit.record(entry).await?;
    actix_web::rt::time::sleep(state.config.login_failure_delay).await;
    Ok(())
}

/// The machine client a `private_key_jwt` assertion (RFC 7523) proves, for one of `audiences`
/// (leder's token endpoint): its `jti` is taken once over every replica, so a replayed assertion
/// is refused (outcome `refused_reuse`). `None` (after the failure delay, audited and counted
/// against the address) otherwise. `client_id`, when the form names one, must be the
/// assertion's.
pub async fn with_client_assertion(
    state: &AppState,
    info: &RequestInfo,
    client_id: Option<&str>,
    assertion: &str,
    audiences: Vec<String>,
) -> Result<Option<Client>, ApiError> {
    lockout::check_address(state, info.client_address.as_deref()).await?;
    let claimed = client_assertion::claimed_client(assertion);
    let id = match (client_id, claimed) {
        (Some(a), Some(b)) if a == b => b,
        (None, Some(b)) => b,
        _ => return assertion_refused(state, info, None, AuditOutcome::Failure).await,
    };
    let lookup = id.clone();
    let client = db::run(state, move |conn| clients::get(conn, &lookup)).await?;
    let Some(c) = client.filter(|c| c.revoked_at.is_none()) else {
        return assertion_refused(state, info, None, AuditOutcome::Failure).await;
    };
    let ClientAuth::PrivateKeyJwt(jwks) = &c.auth else {
        return assertion_refused(state, info, Some(&c), AuditOutcome::Failure).await;
    };
    let now = time::OffsetDateTime::now_utc();
    let checked =
        client_assertion::verify(jwks, assertion, &c.id, &audiences, now.unix_timestamp());
    let Ok(checked) = checked else {
        return assertion_refused(state, info, Some(&c), AuditOutcome::Failure).await;
    };
    let expires = time::OffsetDateTime::from_unix_timestamp(checked.exp)
        .map(|t| time::PrimitiveDateTime::new(t.date(), t.time()))
        .map_err(ApiError::internal)?;
    let issuer = format!("client:{}", c.id);
    let fresh = db::run(state, move |conn| {
        used_once::take(conn, &issuer, &checked.jti, expires, now_utc())
    })
    .await?;
    if !fresh {
        log::warn!("a client assertion of client {} was presented again", c.id);
        return assertion_refused(state, info, Some(&c), AuditOutcome::RefusedReuse).await;
    }
    state
        .audit
        .record(client_entry(info, &c, AuditAction::ClientAssertion))
        .await?;
    Ok(Some(c))
}

/// A client assertion refused: audited and counted against the address, after the failure
/// delay; no client.
async fn assertion_refused(
    state: &AppState,
    info: &RequestInfo,
    client: Option<&Client>,
    outcome: AuditOutcome,
) -> Result<Option<Client>, ApiError> {
    client_failure(state, info, client, AuditAction::ClientAssertion, outcome).await?;
    Ok(None)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
