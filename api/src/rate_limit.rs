//! Per-address limits in fixed one-minute windows.
//!
//! [`SharedLimit`] is what the public intake and sign-in use: its counters live in the database
//! (`rate_limits`), so N replicas behind a load balancer enforce one limit, not N; an address's
//! window starts at its first counted event after the last one ended, as in [`RateLimiter`]. The public intake counts every request; sign-in counts
//! only failures (wrong passwords or client secrets at the token endpoint, wrong current
//! passwords at `/me/password`), and an address over its budget is refused before any password
//! is hashed, so that it can neither guess on nor spend the server's CPU.
//!
//! [`RateLimiter`] keeps its counters in this process, for what only guards one process's own
//! work (how many refusals a caller gets audited a minute, [`RateLimiter::admit`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use leder_persistence::reference::now_utc;
use leder_persistence::repo::rate_limits;
use time::PrimitiveDateTime;

use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

const WINDOW: Duration = Duration::from_secs(60);

/// Failed sign-ins one address may make per minute before its sign-ins are refused with 429 for
/// the rest of the minute: room for the people behind one hospital's NAT to mistype, far too few
/// to guess with.
pub const FAILED_SIGN_INS_PER_MINUTE: u32 = 20;

/// A per-address limit whose counters every replica on the database shares.
#[derive(Debug)]
pub struct SharedLimit {
    name: &'static str,
    per_minute: u32,
    /// When (unix seconds) this process last swept the ended windows.
    swept: AtomicI64,
}

impl SharedLimit {
    /// A limit allowing `per_minute` counted events per address; `name` keeps its counters apart
    /// from other limits'.
    pub fn new(name: &'static str, per_minute: u32) -> Self {
        SharedLimit {
            name,
            per_minute,
            swept: AtomicI64::new(0),
        }
    }

    /// Counts a request; 429 with `Retry-After` when the address is over its limit.
    pub async fn check(&self, state: &AppState, address: &str) -> Result<(), ApiError> {
        let now = now_utc();
        let window = self.hit(state, address, now).await?;
        if window.hits > i64::from(self.per_minute) {
            return Err(refusal(&window, now));
        }
        Ok(())
    }

    /// 429 with `Retry-After` when the address is over its limit, without counting.
    pub async fn waiting(&self, state: &AppState, address: &str) -> Result<(), ApiError> {
        let now = now_utc();
        let bucket = self.bucket(address);
        let window = db::run(state, move |conn| {
            rate_limits::current(conn, &bucket, now, window_length())
        })
        .await?;
        match window {
            Some(w) if w.hits >= i64::from(self.per_minute) => Err(refusal(&w, now)),
            _ => Ok(()),
        }
    }

    /// Counts an event (a failed sign-in) against the address, whatever its state.
    pub async fn count(&self, state: &AppState, address: &str) -> Result<(), ApiError> {
        self.hit(state, address, now_utc()).await.map(drop)
    }

    fn bucket(&self, address: &str) -> String {
        format!("{}:{address}", self.name)
    }

    /// Adds a hit and, at most once a minute in this process, deletes the windows that have
    /// ended (of every limit: they are never read again).
    async fn hit(
        &self,
        state: &AppState,
        address: &str,
        now: PrimitiveDateTime,
    ) -> Result<rate_limits::Window, ApiError> {
        let bucket = self.bucket(address);
        let seconds = now.assume_utc().unix_timestamp();
        let last = self.swept.load(Ordering::Relaxed);
        let sweep = seconds - last >= 60
            && self
                .swept
                .compare_exchange(last, seconds, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok();
        db::run(state, move |conn| {
            if sweep {
                rate_limits::sweep(conn, now - window_length())?;
            }
            rate_limits::hit(conn, &bucket, now, window_length())
        })
        .await
    }
}

/// [`WINDOW`] as a span of time.
fn window_length() -> time::Duration {
    time::Duration::seconds(60)
}

/// The 429 of an address over its limit: it waits until its window ends.
fn refusal(window: &rate_limits::Window, now: PrimitiveDateTime) -> ApiError {
    let left = (window.started + window_length() - now).whole_seconds();
    ApiError::TooManyRequests {
        retry_after: u64::try_from(left.max(1)).unwrap_or(1),
    }
}

/// Where a counted event falls in its key's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Within the limit.
    Within,
    /// The first one past it this window.
    FirstOver,
    /// Past it, and not the first.
    Over,
}

/// Counts requests per address per minute, in this process alone.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` requests per address.
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request; `Err(seconds)` to wait when the address is over its limit.
    pub fn check(&self, address: &str) -> Result<(), u64> {
        self.counted(address, true)
    }

    /// Whether the address is over its limit (`Err(seconds)` to wait), without counting.
    pub fn waiting(&self, address: &str) -> Result<(), u64> {
        self.counted(address, false)
    }

    /// Counts an event against `key`, whatever its state, and says where it falls in the
    /// key's window.
    pub fn admit(&self, key: &str) -> Admission {
        let now = Instant::now();
        let Ok(mut map) = self.windows.lock() else {
            return Admission::Within;
        };
        let entry = Self::window(&mut map, key, now);
        entry.1 = entry.1.saturating_add(1);
        match entry.1.checked_sub(self.per_minute) {
            None | Some(0) => Admission::Within,
            Some(1) => Admission::FirstOver,
            Some(_) => Admission::Over,
        }
    }

    /// Counts an event (a failed sign-in) against the address, whatever its state.
    pub fn count(&self, address: &str) {
        let now = Instant::now();
        if let Ok(mut map) = self.windows.lock() {
            let entry = Self::window(&mut map, address, now);
            entry.1 = entry.1.saturating_add(1);
        }
    }

    fn window<'m>(
        map: &'m mut HashMap<String, (Instant, u32)>,
        address: &str,
        now: Instant,
    ) -> &'m mut (Instant, u32) {
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = map.entry(address.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry
    }

    fn counted(&self, address: &str, count: bool) -> Result<(), u64> {
        let now = Instant::now();
        let Ok(mut map) = self.windows.lock() else {
            return Ok(());
        };
        let per_minute = self.per_minute;
        let entry = Self::window(&mut map, address, now);
        if entry.1 >= per_minute {
            let wait = WINDOW.saturating_sub(now.duration_since(entry.0));
            return Err(wait.as_secs().max(1));
        }
        if count {
            entry.1 += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_over_its_limit_waits_and_others_do_not() {
        let limiter = RateLimiter::new(2);
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_ok());
        let wait = limiter.check("a").unwrap_err();
        assert!((1..=60).contains(&wait));
        assert!(limiter.check("b").is_ok());
    }

    #[test]
    fn admission_says_within_then_first_over_once_then_over() {
        let limiter = RateLimiter::new(2);
        let seen: Vec<Admission> = (0..5).map(|_| limiter.admit("a")).collect();
        assert_eq!(
            seen,
            [
                Admission::Within,
                Admission::Within,
                Admission::FirstOver,
                Admission::Over,
                Admission::Over
            ]
        );
        assert_eq!(limiter.admit("b"), Admission::Within);
    }

    #[test]
    fn waiting_does_not_count_and_count_does() {
        let limiter = RateLimiter::new(2);
        assert!(limiter.waiting("a").is_ok());
        assert!(limiter.waiting("a").is_ok());
        assert!(limiter.waiting("a").is_ok());
        limiter.count("a");
        limiter.count("a");
        assert!(limiter.waiting("a").is_err());
        assert!(limiter.waiting("b").is_ok());
    }
}
