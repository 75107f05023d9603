//! The provider's rules as plain functions: redirect URIs, PKCE, scopes, client
//! authentication headers and token lifetimes (RFC 6749, RFC 7636, RFC 9700).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// How long an authorization code lives (RFC 6749 recommends at most ten minutes).
pub const CODE_SECONDS: i64 = 60;
/// How long an access token lives.
pub const ACCESS_SECONDS: i64 = 3600;
/// How long an ID token is valid.
pub const ID_TOKEN_SECONDS: i64 = 3600;
/// How long a refresh token lives unused.
pub const REFRESH_SECONDS: i64 = 30 * 24 * 3600;
/// How long a retired signing key stays published: longer than any token it signed.
pub const RETIRED_KEY_SECONDS: i64 = 2 * ID_TOKEN_SECONDS;

/// The scopes the provider knows.
pub const SCOPES: [&str; 6] = [
    "openid",
    "profile",
    "email",
    "offline_access",
    "roles",
    API_SCOPE,
];

/// The scope that lets an access token call Simpul's own API (`/api/v1`) for the person; only
/// clients the Dinas registered for it may obtain it.
pub const API_SCOPE: &str = "simpul.api";

/// Checks a redirect URI for registration: absolute, no fragment, HTTPS except for a
/// loopback address during development (RFC 9700 §2.1, RFC 8252 §7.3).
pub fn check_redirect_uri(uri: &str) -> Result<(), &'static str> {
    let parsed = url::Url::parse(uri).map_err(|_| "error-redirect-not-absolute")?;
    if parsed.fragment().is_some() {
        return Err("error-redirect-fragment");
    }
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")) => Ok(()),
        _ => Err("error-redirect-not-https"),
    }
}

/// Whether a PKCE `code_verifier` matches the `S256` challenge (RFC 7636 §4.6). The verifier
/// must be 43–128 unreserved characters.
pub fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let ok_chars = verifier
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'));
    if !(43..=128).contains(&verifier.len()) || !ok_chars {
        return false;
    }
    let digest = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    constant_eq(&digest, challenge)
}

/// Compares secrets without revealing where they differ.
pub fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The requested scopes that the provider knows and the client may have, in a canonical
/// order; others are dropped (RFC 6749 §3.3 lets the server narrow the scope). `api_access`:
/// the client is registered for [`API_SCOPE`].
pub fn granted_scope(requested: &str, api_access: bool) -> String {
    let asked: Vec<&str> = requested.split(' ').filter(|s| !s.is_empty()).collect();
    SCOPES
        .iter()
        .filter(|s| asked.contains(s) && (api_access || **s != API_SCOPE))
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a space-separated scope contains `name`.
pub fn has_scope(scope: &str, name: &str) -> bool {
    scope.split(' ').any(|s| s == name)
}

/// Client id and secret from `Authorization: Basic …` (RFC 6749 §2.3.1: both form-encoded).
pub fn parse_basic(header: &str) -> Option<(String, String)> {
    let encoded = header
        .strip_prefix("Basic ")
        .or_else(|| header.strip_prefix("basic "))?;
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let unescape = |s: &str| {
        form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_must_be_exact_safe_urls() {
        assert!(check_redirect_uri("https://sipd.sukamajukab.go.id/callback").is_ok());
        assert!(check_redirect_uri("http://localhost:3000/cb").is_ok());
        assert!(check_redirect_uri("http://127.0.0.1:8000/cb").is_ok());
        assert!(check_redirect_uri("http://app.sukamajukab.go.id/cb").is_err());
        assert!(check_redirect_uri("https://app.example/cb#frag").is_err());
        assert!(check_redirect_uri("/relative").is_err());
        assert!(check_redirect_uri("javascript:alert(1)").is_err());
    }

    #[test]
    fn pkce_s256_follows_rfc_7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches(verifier, challenge));
        assert!(!pkce_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx",
            challenge
        ));
        assert!(!pkce_matches("short", challenge));
    }

    #[test]
    fn scopes_are_narrowed_to_known_ones() {
        assert_eq!(
            granted_scope("email openid admin  profile", true),
            "openid profile email"
        );
        assert_eq!(
            granted_scope("openid simpul.api", true),
            "openid simpul.api"
        );
        // A client not registered for the API never gets the scope, however it asks.
        assert_eq!(granted_scope("openid simpul.api", false), "openid");
        assert!(has_scope("openid email", "email"));
        assert!(!has_scope("openid emails", "email"));
    }

    #[test]
    fn basic_client_credentials_are_form_decoded() {
        let header = format!("Basic {}", STANDARD.encode("my%20app:s%3Acret"));
        assert_eq!(
            parse_basic(&header),
            Some(("my app".into(), "s:cret".into()))
        );
        assert_eq!(parse_basic("Bearer x"), None);
        assert_eq!(parse_basic("Basic !!!"), None);
    }
}
