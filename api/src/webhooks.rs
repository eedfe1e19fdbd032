//! Webhook delivery: Standard Webhooks signing, target checks, and the background worker.
//!
//! Every payload is signed per the Standard Webhooks specification: headers `webhook-id` (the
//! event id, stable across retries), `webhook-timestamp` (Unix seconds) and
//! `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the bytes of
//! the `whsec_` secret. Delivery is at least once and in order per subscription: the worker
//! sends one event at a time and moves past it only after a 2xx; a failure schedules a retry
//! with exponential backoff, and after too many failures in a row the subscription is paused
//! with the reason. Replicas share the work through leases on subscriptions; a replica that
//! starts again takes over its earlier run's leases at once. Each attempt to
//! deliver a review's event is audited (the subscription as actor, the review as subject) before
//! any byte is sent; where a target may be, and what it may resolve to, is [`targets`]' rule.

use leder_domain::audit::{ActorKind, AuditAction, AuditOutcome};
use std::sync::Arc;
use std::time::Instant;

use actix_web::web;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use leder_persistence::records::webhooks::{Delivery, Event, Webhook};
use leder_persistence::reference::now_utc;
use leder_persistence::repo::audit::NewAuditEntry;
use leder_persistence::repo::{events, webhooks as repo};
use sha2::Sha256;

use crate::db;
use crate::state::AppState;

mod targets;

pub use targets::check_target;

/// How long a replica holds a subscription without renewing.
const LEASE: time::Duration = time::Duration::seconds(30);

/// A new `whsec_` secret (32 random bytes).
pub fn new_secret() -> String {
    let mut key = [0u8; 32];
    rand::fill(&mut key);
    format!("whsec_{}", STANDARD.encode(key))
}

/// The `webhook-signature` value for a message.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The body sent for an event (the Standard Webhooks payload shape).
pub fn payload(e: &Event) -> String {
    let occurred = e
        .occurred_at
        .assume_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    serde_json::json!({
        "type": e.event_type.as_str(),
        "timestamp": occurred,
        "data": {
            "id": e.id,
            "type": e.event_type.as_str(),
            "subject_id": e.subject_id,
            "reference": e.reference,
            "occurred_at": occurred,
            "version": e.payload_version,
            "data": e.data,
        }
    })
    .to_string()
}

/// The longest wait between two attempts.
const MAX_RETRY_DELAY: std::time::Duration = std::time::Duration::from_secs(3600);

/// How long to wait after the `failures`-th failure in a row: the first delay, doubled per
/// failure after the first, at most an hour (2 s, 4 s, 8 s, ... with the default).
fn retry_delay(first: std::time::Duration, failures: i64) -> std::time::Duration {
    let doublings = u32::try_from(failures.clamp(1, 32) - 1).unwrap_or(0);
    first.saturating_mul(1u32 << doublings).min(MAX_RETRY_DELAY)
}

/// Runs the delivery worker until the server stops.
pub async fn run(state: web::Data<AppState>) {
    let owner = format!("{}:{}", state.config.replica_id, uuid::Uuid::now_v7());
    let cfg = &state.config;
    // No proxy: the addresses the resolver lets through are the ones connected to.
    let resolver = targets::PublicResolver::new(&cfg.webhook_allowed_hosts, &cfg.webhook_resolve);
    let client = match reqwest::Client::builder()
        .timeout(cfg.webhook_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(Arc::new(resolver))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            log::error!("webhook worker cannot start: {e}");
            return;
        }
    };
    // A restart does not wait out the leases its killed predecessor left.
    let (replica, o) = (state.config.replica_id.clone(), owner.clone());
    match db::run(&state, move |conn| {
        repo::release_earlier_runs(conn, &replica, &o)
    })
    .await
    {
        Ok(0) => {}
        Ok(n) => log::info!("webhook worker: took over {n} subscription(s) from an earlier run"),
        Err(e) => log::warn!("webhook worker: {e}"),
    }
    loop {
        let o = owner.clone();
        match db::run(&state, move |conn| repo::claim_due(conn, &o, LEASE)).await {
            Ok(hooks) => {
                for hook in hooks {
                    deliver_pending(&state, &client, &owner, hook).await;
                }
            }
            Err(e) => log::warn!("webhook worker: {e}"),
        }
        actix_web::rt::time::sleep(state.config.webhook_poll).await;
    }
}

async fn send(
    client: &reqwest::Client,
    allowed: &[String],
    hook: &Webhook,
    e: &Event,
) -> (bool, Option<i64>, Option<String>) {
    // Judged again at each attempt: the rules or the allow-list may have changed since it was
    // registered, and an address literal never reaches the resolver.
    if let Err(why) = check_target(&hook.url, allowed) {
        return (false, None, Some(format!("refused: the target {why}")));
    }
    let body = payload(e);
    let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
    let Some(sig) = signature(&hook.secret, &e.id, timestamp, &body) else {
        return (
            false,
            None,
            Some("the subscription's secret is unusable".into()),
        );
    };
    let result = client
        .post(&hook.url)
        .header("content-type", "application/json")
        .header("webhook-id", &e.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", sig)
        .body(body)
        .send()
        .await;
    match result {
        Ok(res) if res.status().is_success() => {
            (true, Some(i64::from(res.status().as_u16())), None)
        }
        Ok(res) => (
            false,
            Some(i64::from(res.status().as_u16())),
            Some(format!("answered {}", res.status())),
        ),
        Err(err) if refused(&err).is_some() => (false, None, refused(&err)),
        Err(err) if err.is_timeout() => (false, None, Some("timed out".into())),
        Err(err) if err.is_connect() => (
            false,
            None,
            Some("connection refused or unreachable".into()),
        ),
        Err(err) => (false, None, Some(err.to_string())),
    }
}

/// The audit entry of an attempt to deliver a review's event (none for other events): the
/// subscription is the actor, the review the subject, the target's origin the route.
fn delivery_entry(hook: &Webhook, e: &Event) -> Option<NewAuditEntry> {
    if !e.is_about_a_review() {
        return None;
    }
    let origin = reqwest::Url::parse(&hook.url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| hook.url.clone());
    Some(NewAuditEntry {
        occurred_at: now_utc(),
        actor_kind: ActorKind::Webhook.as_str().to_owned(),
        actor_id: Some(hook.id.clone()),
        actor_roles: String::new(),
        actor_organisation: Some(hook.organisation.clone()),
        method: "POST".into(),
        route: origin,
        action: AuditAction::Deliver.as_str().to_owned(),
        subject: Some(format!("review:{}", e.subject_id)),
        subject_organisation: Some(hook.organisation.clone()),
        outcome: AuditOutcome::Attempted.as_str().to_owned(),
        client_address: None,
    })
}

/// The resolver's refusal somewhere in an error's chain of causes.
fn refused(err: &reqwest::Error) -> Option<String> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(c) = cause {
        if let Some(r) = c.downcast_ref::<targets::Refused>() {
            return Some(r.to_string());
        }
        cause = c.source();
    }
    None
}

async fn deliver_pending(
    state: &AppState,
    client: &reqwest::Client,
    owner: &str,
    mut hook: Webhook,
) {
    loop {
        let (org, after) = (hook.organisation.clone(), hook.last_seq);
        let batch = match db::run(state, move |conn| events::after(conn, &org, after, 50)).await {
            Ok(b) => b,
            Err(e) => return log::warn!("webhook {}: {e}", hook.id),
        };
        if batch.is_empty() {
            let (id, o) = (hook.id.clone(), owner.to_owned());
            let _ = db::run(state, move |conn| repo::release(conn, &id, &o)).await;
            return;
        }
        for e in batch {
            if !hook.wants(e.event_type) {
                let (id, o, seq) = (hook.id.clone(), owner.to_owned(), e.seq);
                if db::run(state, move |conn| repo::skip_to(conn, &id, &o, seq))
                    .await
                    .is_err()
                {
                    return;
                }
                hook.last_seq = e.seq;
                continue;
            }
            // A review's event carries identifiable data: nothing leaves before its entry.
            if let Some(entry) = delivery_entry(&hook, &e)
                && let Err(err) = state.audit.record(entry).await
            {
                return log::warn!("webhook {}: not sent, {err}", hook.id);
            }
            let started = Instant::now();
            let (succeeded, status_code, error) =
                send(client, &state.config.webhook_allowed_hosts, &hook, &e).await;
            let failures = if succeeded {
                0
            } else {
                hook.consecutive_failures + 1
            };
            let delivery = Delivery {
                id: uuid::Uuid::now_v7().to_string(),
                webhook_id: hook.id.clone(),
                event_id: e.id.clone(),
                event_seq: e.seq,
                attempt: hook.consecutive_failures + 1,
                attempted_at: now_utc(),
                succeeded,
                status_code,
                error: error.clone(),
                duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
            };
            let cfg = &state.config;
            let pause = (!succeeded && failures >= cfg.webhook_max_failures).then(|| {
                format!(
                    "paused after {failures} failed deliveries in a row; last: {}",
                    error.clone().unwrap_or_default()
                )
            });
            let retry_at =
                (!succeeded).then(|| now_utc() + retry_delay(cfg.webhook_backoff, failures));
            let o = owner.to_owned();
            let kept = db::run(state, move |conn| {
                repo::record_attempt(conn, &o, LEASE, &delivery, failures, retry_at, pause)
            })
            .await;
            match kept {
                Ok(true) if succeeded => {
                    hook.last_seq = e.seq;
                    hook.consecutive_failures = 0;
                }
                // A failure waits for its retry time; a lost lease belongs to another replica.
                _ => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_double_from_the_first_delay_up_to_an_hour() {
        let first = std::time::Duration::from_secs(2);
        let waits: Vec<u64> = (1..=12).map(|n| retry_delay(first, n).as_secs()).collect();
        assert_eq!(
            waits,
            [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 3600]
        );
        assert_eq!(retry_delay(first, 1000).as_secs(), 3600);
        // With the defaults (pause at the 10th failure) the 9 waits before it add up to 17 min.
        let before_pause: u64 = (1..10).map(|n| retry_delay(first, n).as_secs()).sum();
        assert_eq!(before_pause, 1022);
    }

    #[test]
    fn the_signature_follows_the_standard_webhooks_example() {
        // The specification's published test vector.
        let sig = signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            sig.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }
}
