//! Per-address limits: a fixed one-minute window per client address, kept in this process (each
//! replica limits on its own; a limit is a guard against floods and guessing, not a quota). The
//! public intake counts every request; sign-in counts only failures (wrong passwords at the token
//! endpoint or at `/me/password`), and an address over its budget is refused before any password
//! is hashed, so that it can neither guess on nor spend the server's CPU.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);

/// Failed sign-ins one address may make per minute before its sign-ins are refused with 429 for
/// the rest of the minute: room for the people behind one hospital's NAT to mistype, far too few
/// to guess with.
pub const FAILED_SIGN_INS_PER_MINUTE: u32 = 20;

/// Counts requests per address per minute.
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
