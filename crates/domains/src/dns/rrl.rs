//! Response-rate limiting (as BIND's RRL): UDP answers to one network prefix (/24 for IPv4,
//! /56 for IPv6) are limited per second, so a spoofed source cannot turn the server into an
//! amplifier. Over the limit every second answer "slips" as an empty truncated one, which a
//! real resolver takes as a cue to ask again over TCP (a spoofer never completes TCP); the
//! rest are dropped. Per instance: each server limits what it sends itself.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;

/// What to do with one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Within the limit.
    Send,
    /// Over it: send an empty truncated answer instead.
    Slip,
    /// Over it: send nothing.
    Drop,
}

/// Prefixes tracked at most; beyond, idle ones are forgotten first, then all.
const TRACKED: usize = 65_536;

/// The limiter's buckets.
#[derive(Debug)]
pub struct RateLimit {
    per_second: u32,
    buckets: HashMap<u128, Bucket>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
    over: u32,
}

fn prefix(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(u32::from(v4) & 0xFFFF_FF00),
        IpAddr::V6(v6) => (u128::from(v6) & !((1u128 << 72) - 1)) | 1,
    }
}

impl RateLimit {
    /// `per_second` answers to each prefix (with as many in a burst); 0 turns limiting off.
    pub fn new(per_second: u32) -> Self {
        Self {
            per_second,
            buckets: HashMap::new(),
        }
    }

    /// The verdict on one more answer to `ip` at `now`.
    pub fn check(&mut self, ip: IpAddr, now: Instant) -> Verdict {
        if self.per_second == 0 {
            return Verdict::Send;
        }
        let rate = f64::from(self.per_second);
        if self.buckets.len() >= TRACKED {
            self.buckets
                .retain(|_, b| now.duration_since(b.at).as_secs_f64() * rate < rate);
            if self.buckets.len() >= TRACKED {
                self.buckets.clear();
            }
        }
        let b = self.buckets.entry(prefix(ip)).or_insert(Bucket {
            tokens: rate,
            at: now,
            over: 0,
        });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * rate).min(rate);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            b.over = 0;
            return Verdict::Send;
        }
        b.over = b.over.wrapping_add(1);
        if b.over % 2 == 1 {
            Verdict::Slip
        } else {
            Verdict::Drop
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_flood_from_one_network_is_cut_to_the_rate_and_half_of_the_rest_slips() {
        let mut rl = RateLimit::new(10);
        let t0 = Instant::now();
        let a: IpAddr = "198.51.100.7".parse().unwrap();
        let neighbour: IpAddr = "198.51.100.200".parse().unwrap();
        let other: IpAddr = "203.0.113.9".parse().unwrap();
        let verdicts: Vec<Verdict> = (0..30).map(|_| rl.check(a, t0)).collect();
        assert_eq!(verdicts.iter().filter(|v| **v == Verdict::Send).count(), 10);
        assert_eq!(verdicts.iter().filter(|v| **v == Verdict::Slip).count(), 10);
        assert_eq!(verdicts.iter().filter(|v| **v == Verdict::Drop).count(), 10);
        // The same /24 shares the bucket; another network has its own.
        assert_ne!(rl.check(neighbour, t0), Verdict::Send);
        assert_eq!(rl.check(other, t0), Verdict::Send);
        // A second later the bucket has refilled.
        assert_eq!(rl.check(a, t0 + Duration::from_secs(1)), Verdict::Send);
        // Off is off.
        let mut off = RateLimit::new(0);
        assert!((0..1000).all(|_| off.check(a, t0) == Verdict::Send));
    }

    #[test]
    fn ipv6_is_limited_per_56() {
        let mut rl = RateLimit::new(1);
        let t0 = Instant::now();
        let a: IpAddr = "2001:db8:0:1::1".parse().unwrap();
        let same: IpAddr = "2001:db8:0:ff::2".parse().unwrap();
        let other: IpAddr = "2001:db8:0:100::1".parse().unwrap();
        assert_eq!(rl.check(a, t0), Verdict::Send);
        assert_ne!(rl.check(same, t0), Verdict::Send);
        assert_eq!(rl.check(other, t0), Verdict::Send);
    }
}
