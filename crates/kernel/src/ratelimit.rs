//! Rate limits against guessing: a fixed-window counter per limit and subject (a client
//! address, an account, a client id), kept in the database so that several instances count
//! together. Lockout (in `accounts`) protects one account from many guesses; these limits
//! protect the service from one source guessing at many accounts or client secrets.
//!
//! The address of a request is the connecting peer, unless that peer is one of the configured
//! trusted proxies (`SIMPUL_TRUSTED_PROXIES`): then it is the nearest untrusted address in
//! `Forwarded` (RFC 7239) or `X-Forwarded-For`. A header from anyone else is ignored, so a
//! client cannot choose its own key.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap};
use chrono::TimeDelta;
use db::DbConn;
use db::schema::rate_limits;
use diesel::prelude::*;
use ipnet::IpNet;
use sha2::{Digest, Sha256};

use crate::error::AppResult;
use crate::state::AppState;

/// A limit: at most `max` counted events per subject in each window of `window` seconds.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Names the limit, so two limits never share a counter.
    pub name: &'static str,
    /// Events allowed per window.
    pub max: i32,
    /// The window, in seconds (at most a day: older counters are swept).
    pub window: i64,
}

/// Failed password or second-factor checks per client address.
pub const SIGN_IN: Limit = Limit {
    name: "sign-in",
    max: 30,
    window: 300,
};

/// Failed client authentications at the token endpoints, per claimed client and address.
pub const CLIENT_AUTH: Limit = Limit {
    name: "client-auth",
    max: 20,
    window: 60,
};

/// Counters older than this are deleted when the next event is counted.
const SWEEP_SECONDS: i64 = 24 * 3600;

impl Limit {
    /// The stored key: a hash, so its size is bounded and a typed login is never stored.
    fn key(&self, subject: &str) -> String {
        let mut h = Sha256::new();
        h.update(self.name.as_bytes());
        h.update([0]);
        h.update(subject.as_bytes());
        hex::encode(h.finalize())
    }

    /// Seconds to wait if `subject` has used up its window, without counting anything.
    pub fn blocked_in(&self, conn: &mut DbConn, subject: &str) -> QueryResult<Option<u64>> {
        self.blocked_key(conn, &self.key(subject))
    }

    fn blocked_key(&self, conn: &mut DbConn, key: &str) -> QueryResult<Option<u64>> {
        let row: Option<(chrono::NaiveDateTime, i32)> = rate_limits::table
            .find(key)
            .select((rate_limits::window_start, rate_limits::hits))
            .first(conn)
            .optional()?;
        Ok(row.and_then(|(start, hits)| {
            let elapsed = (db::now() - start).num_seconds().max(0);
            (elapsed < self.window && hits >= self.max)
                .then(|| u64::try_from(self.window - elapsed).unwrap_or(1).max(1))
        }))
    }

    /// Counts one event for `subject`. Each step is one statement (an increment is one
    /// `UPDATE`), so instances counting at once never lose a count; a counter two instances
    /// create at once is created by one and counted by both.
    pub fn hit_in(&self, conn: &mut DbConn, subject: &str) -> QueryResult<()> {
        use diesel::result::{DatabaseErrorKind, Error};
        let key = self.key(subject);
        let now = db::now();
        diesel::delete(
            rate_limits::table
                .filter(rate_limits::window_start.lt(now - TimeDelta::seconds(SWEEP_SECONDS))),
        )
        .execute(conn)?;
        // A window that has passed starts again.
        diesel::update(
            rate_limits::table
                .find(&key)
                .filter(rate_limits::window_start.le(now - TimeDelta::seconds(self.window))),
        )
        .set((rate_limits::window_start.eq(now), rate_limits::hits.eq(0)))
        .execute(conn)?;
        let increment = |c: &mut DbConn| {
            diesel::update(rate_limits::table.find(&key))
                .set(rate_limits::hits.eq(rate_limits::hits + 1))
                .execute(c)
        };
        if increment(conn)? > 0 {
            return Ok(());
        }
        let created = diesel::insert_into(rate_limits::table)
            .values((
                rate_limits::key.eq(&key),
                rate_limits::window_start.eq(now),
                rate_limits::hits.eq(1),
            ))
            .execute(conn);
        match created {
            Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                increment(conn).map(|_| ())
            }
            other => other.map(|_| ()),
        }
    }

    /// [`Limit::blocked_in`] on the blocking pool. A subject found not blocked is remembered
    /// as such for a second, so a busy client's every request does not read its counter; a
    /// hit counted here forgets that at once, and one counted by another instance is seen
    /// within the second (at most one more try per instance, which the next failure counts).
    pub async fn blocked(&self, state: &AppState, subject: &str) -> AppResult<Option<u64>> {
        let (limit, key) = (*self, self.key(subject));
        let (clear, epoch) = (state.cache.slot::<Clear>(), state.cache.epoch());
        if clear.0.get(epoch, &key) == Some(true) {
            return Ok(None);
        }
        let lookup = key.clone();
        let wait = state
            .read(move |c| Ok(limit.blocked_key(c, &lookup)?))
            .await?;
        if wait.is_none() {
            clear.0.put(epoch, key, true);
        }
        Ok(wait)
    }

    /// [`Limit::hit_in`] on the blocking pool.
    pub async fn hit(&self, state: &AppState, subject: &str) -> AppResult<()> {
        let (limit, subject) = (*self, subject.to_owned());
        state
            .cache
            .slot::<Clear>()
            .0
            .put(state.cache.epoch(), self.key(&subject), false);
        state.read(move |c| Ok(limit.hit_in(c, &subject)?)).await
    }
}

/// Subjects lately found not blocked (`true`), by stored key.
struct Clear(crate::cache::Memo<String, bool>);

impl Default for Clear {
    fn default() -> Self {
        Self(crate::cache::Memo::new(
            10_000,
            std::time::Duration::from_secs(1),
        ))
    }
}

/// The address a request came from: the peer, or — when the peer is a trusted proxy — the
/// nearest address in the forwarding headers that is not itself a trusted proxy.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut nearest = peer;
    // Walk from the proxy outwards: the right-most entries were added by proxies we trust.
    for hop in forwarded_chain(headers).into_iter().rev() {
        let Some(ip) = hop else {
            // An obfuscated or malformed entry: nothing further out can be believed.
            return nearest;
        };
        if !is_trusted(&ip) {
            return ip;
        }
        nearest = ip;
    }
    nearest
}

/// The `for=` addresses of `Forwarded`, or else the addresses of `X-Forwarded-For`, in order
/// (client first); `None` for an entry that is not an address.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().map(str::to_owned).unwrap_or_default())
            .collect()
    };
    let forwarded = values("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| node_ip(v.trim().trim_matches('"')))
            })
            .collect();
    }
    values("x-forwarded-for")
        .iter()
        .flat_map(|v| v.split(','))
        .map(|s| node_ip(s.trim()))
        .collect()
}

/// An address from a forwarding header's node: `192.0.2.1`, `192.0.2.1:4711`,
/// `[2001:db8::1]:4711` or a bare IPv6 address.
fn node_ip(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    node.parse::<SocketAddr>().ok().map(|s| s.ip())
}

/// Parses the trusted-proxy setting: addresses or networks, comma-separated.
pub fn parse_trusted(list: &str) -> Result<Vec<IpNet>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| s.to_owned())
        })
        .collect()
}

/// The address a request came from, as a rate-limit key: the one the context middleware
/// resolved, else the peer (`unknown` when not served over TCP).
pub fn client_addr(extensions: &Extensions) -> String {
    if let Some(ClientAddr(a)) = extensions.get::<ClientAddr>() {
        return a.clone();
    }
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

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        let trusted = parse_trusted("10.0.0.0/8, 192.0.2.7").unwrap();
        let xff = headers(&[("x-forwarded-for", "203.0.113.9, 10.1.1.1")]);
        // From the proxy: the nearest untrusted hop.
        assert_eq!(
            client_ip(ip("192.0.2.7"), &xff, &trusted),
            ip("203.0.113.9")
        );
        // From anyone else the header is the client's own claim and is ignored.
        assert_eq!(
            client_ip(ip("198.51.100.4"), &xff, &trusted),
            ip("198.51.100.4")
        );
        // A client prepending a fake address gains nothing: the proxy appended the real one.
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9")]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &spoofed, &trusted),
            ip("203.0.113.9")
        );
        // Several header lines are one list.
        let split = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "203.0.113.9"),
        ]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &split, &trusted),
            ip("203.0.113.9")
        );
        // Garbage stops the walk at the last trusted hop.
        let bad = headers(&[("x-forwarded-for", "203.0.113.9, nonsense, 10.2.2.2")]);
        assert_eq!(client_ip(ip("10.0.0.1"), &bad, &trusted), ip("10.2.2.2"));
        // No header: the proxy itself.
        assert_eq!(
            client_ip(ip("10.0.0.1"), &HeaderMap::new(), &trusted),
            ip("10.0.0.1")
        );
        // No trusted proxies configured: always the peer.
        assert_eq!(client_ip(ip("10.0.0.1"), &xff, &[]), ip("10.0.0.1"));
    }

    #[test]
    fn rfc_7239_forwarded_wins_over_x_forwarded_for() {
        let trusted = parse_trusted("10.0.0.1").unwrap();
        let h = headers(&[
            (
                "forwarded",
                r#"for=198.51.100.17;proto=https, for="[2001:db8:cafe::17]:4711""#,
            ),
            ("x-forwarded-for", "203.0.113.9"),
        ]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &h, &trusted),
            ip("2001:db8:cafe::17")
        );
        let hidden = headers(&[("forwarded", "for=_hidden, for=198.51.100.17")]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &hidden, &trusted),
            ip("198.51.100.17")
        );
        let port = headers(&[("forwarded", "for=\"198.51.100.17:8080\"")]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &port, &trusted),
            ip("198.51.100.17")
        );
    }

    #[test]
    fn trusted_proxy_setting_is_validated() {
        assert_eq!(parse_trusted("").unwrap(), vec![]);
        assert_eq!(parse_trusted("::1, 10.0.0.0/8").unwrap().len(), 2);
        assert_eq!(
            parse_trusted("10.0.0.0/8, proxy.local"),
            Err("proxy.local".into())
        );
    }
}
