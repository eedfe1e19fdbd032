//! Finishing a sign-in at the OpenID provider: from the provider's code to leder's own code for
//! the front end.
//!
//! Rules: the callback's `state` is taken once over every replica (a replayed callback is
//! refused); the provider's ID token must pass every check of [`crate::app::federation`]; the
//! person is the account an admin linked to the provider's subject (`federated_subject`), never
//! one found by name or e-mail, and a subject linked to no account, or to a disabled one, is
//! refused. Roles and ICB are the account's in leder. The provider's assurance (`acr`) is kept
//! on the code and so on the session. Leder's own second factor is not asked: the provider
//! signed the person in (`LEDER_OIDC_ACR_VALUES` sets the assurance it must reach). Every
//! outcome is audited as `federated_sign_in`.

use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_persistence::reference::now_utc;
use leder_persistence::repo::{used_once, users};

use crate::app::authorize;
use crate::app::federation::{FederationError, Provider};
use crate::app::sign_in::{anonymous_entry, user_entry};
use crate::audit::RequestInfo;
use crate::auth::pending::Pending;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// The `used_once` issuer of federated sign-ins' `state`.
const STATE_ISSUER: &str = "federation";

/// Why a federated sign-in was refused, as the person is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The callback was used already.
    Replayed,
    /// The provider could not be reached.
    Unavailable,
    /// The provider's answer failed a check.
    Invalid,
    /// The subject is linked to no leder account.
    UnknownSubject,
    /// The linked account is disabled.
    Disabled,
}

fn federated_entry(
    info: &RequestInfo,
    outcome: AuditOutcome,
    subject: String,
) -> leder_persistence::repo::audit::NewAuditEntry {
    let mut entry = anonymous_entry(info, outcome, Some(subject), None);
    entry.action = AuditAction::FederatedSignIn.as_str().to_owned();
    entry
}

/// Completes the sign-in of `pending` with the provider's `code`: where to send the browser
/// (the front end's redirect URI with leder's code), or why not.
pub async fn complete(
    state: &AppState,
    info: &RequestInfo,
    provider: &Provider,
    pending: &Pending,
    code: &str,
) -> Result<Result<String, Refusal>, ApiError> {
    let expires = time::OffsetDateTime::from_unix_timestamp(pending.exp)
        .map(|t| time::PrimitiveDateTime::new(t.date(), t.time()))
        .map_err(ApiError::internal)?;
    let value = pending.state.clone();
    let fresh = db::run(state, move |conn| {
        used_once::take(conn, STATE_ISSUER, &value, expires, now_utc())
    })
    .await?;
    if !fresh {
        return Ok(Err(Refusal::Replayed));
    }
    let provider_subject = |sub: &str| format!("federated_subject:{sub}");
    let identity = match provider
        .finish(code, &pending.nonce, &pending.verifier)
        .await
    {
        Ok(identity) => identity,
        Err(FederationError::Unavailable(why)) => {
            log::error!("federation: {why}");
            return Ok(Err(Refusal::Unavailable));
        }
        Err(FederationError::Refused(why)) => {
            log::warn!("federation: an ID token was refused: {why}");
            let entry = federated_entry(
                info,
                AuditOutcome::Failure,
                format!("issuer:{}", provider.issuer()),
            );
            state.audit.record(entry).await?;
            return Ok(Err(Refusal::Invalid));
        }
    };
    let subject = identity.subject.clone();
    let user = db::run(state, move |conn| {
        users::by_federated_subject(conn, &subject)
    })
    .await?;
    let Some(user) = user else {
        let entry = federated_entry(
            info,
            AuditOutcome::RefusedUnknownSubject,
            provider_subject(&identity.subject),
        );
        state.audit.record(entry).await?;
        return Ok(Err(Refusal::UnknownSubject));
    };
    if user.disabled {
        let entry = user_entry(
            info,
            &user,
            AuditAction::FederatedSignIn,
            AuditOutcome::RefusedDisabled,
        );
        state.audit.record(entry).await?;
        return Ok(Err(Refusal::Disabled));
    }
    state
        .audit
        .record(user_entry(
            info,
            &user,
            AuditAction::FederatedSignIn,
            AuditOutcome::Success,
        ))
        .await?;
    let location =
        authorize::issue_federated_code(state, info, &pending.request(), &user, identity.acr)
            .await?;
    Ok(Ok(location))
}
