//! Rate limits against guessing: a fixed-window counter per key (a client address, a client
//! id), kept in memory. Lockout (in `auth`) protects one account from many guesses; these
//! limits protect the service from one source guessing at many accounts or client secrets.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::http::Extensions;

/// Counts events per key in fixed windows.
#[derive(Debug)]
pub struct Limiter {
    max: u32,
    window: Duration,
    counts: Mutex<HashMap<String, (Instant, u32)>>,
}

/// Keys remembered before stale windows are swept (bounds memory under a flood).
const SWEEP_AT: usize = 10_000;

impl Limiter {
    /// At most `max` events per key in each `window`.
    pub fn new(max: u32, window: Duration) -> Self {
        Self {
            max,
            window,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds to wait if `key` has used up its window, without counting anything.
    pub fn blocked(&self, key: &str) -> Option<u64> {
        self.blocked_at(key, Instant::now())
    }

    /// Counts one event for `key`.
    pub fn hit(&self, key: &str) {
        self.hit_at(key, Instant::now());
    }

    fn blocked_at(&self, key: &str, now: Instant) -> Option<u64> {
        let counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let (start, n) = counts.get(key)?;
        let elapsed = now.saturating_duration_since(*start);
        (elapsed < self.window && *n >= self.max).then(|| (self.window - elapsed).as_secs().max(1))
    }

    fn hit_at(&self, key: &str, now: Instant) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if counts.len() >= SWEEP_AT {
            let window = self.window;
            counts.retain(|_, (start, _)| now.saturating_duration_since(*start) < window);
        }
        let entry = counts.entry(key.to_owned()).or_insert((now, 0));
        if now.saturating_duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }
}

/// The limits the service keeps.
#[derive(Debug)]
pub struct Limits {
    /// Failed password or second-factor checks per client address.
    pub sign_in: Limiter,
    /// Failed client authentications at the token endpoints, per client id.
    pub client_auth: Limiter,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            sign_in: Limiter::new(30, Duration::from_secs(300)),
            client_auth: Limiter::new(20, Duration::from_secs(60)),
        }
    }
}

/// The address a request came from, as a rate-limit key (`unknown` when not served over TCP).
pub fn client_addr(extensions: &Extensions) -> String {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Extracts the client address (see [`client_addr`]).
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(client_addr(&parts.extensions)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_and_frees_the_next_window() {
        let l = Limiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.blocked_at("a", t0), None);
            l.hit_at("a", t0);
        }
        assert_eq!(l.blocked_at("a", t0 + Duration::from_secs(10)), Some(50));
        assert_eq!(l.blocked_at("b", t0), None, "other keys are not affected");
        assert_eq!(l.blocked_at("a", t0 + Duration::from_secs(60)), None);
        l.hit_at("a", t0 + Duration::from_secs(61));
        assert_eq!(l.blocked_at("a", t0 + Duration::from_secs(61)), None);
    }
}
