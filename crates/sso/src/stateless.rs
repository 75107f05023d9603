//! Client-credentials access tokens that carry their own proof: `smc.<payload>.<mac>`, the
//! payload (client, scope, times, a random id) in base64url JSON and an HMAC-SHA256 over it
//! under the provider's secret key. No person stands behind them, so nothing about them needs
//! a database row to be issued — only a revocation, which introspection then checks.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// What marks such a token.
pub const PREFIX: &str = "smc.";

/// What the token says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClientToken {
    /// The client it was issued to.
    #[serde(rename = "c")]
    pub client_id: String,
    /// Granted scope.
    #[serde(rename = "s")]
    pub scope: String,
    /// Issued at (Unix seconds).
    #[serde(rename = "i")]
    pub iat: i64,
    /// Expires at (Unix seconds).
    #[serde(rename = "e")]
    pub exp: i64,
    /// A random id, so no two tokens are alike.
    #[serde(rename = "n")]
    pub nonce: String,
}

impl ClientToken {
    /// A token for `client_id` with a fresh random id.
    pub fn new(client_id: &str, scope: &str, iat: i64, lifetime: i64) -> Self {
        let mut n = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut n);
        Self {
            client_id: client_id.to_owned(),
            scope: scope.to_owned(),
            iat,
            exp: iat + lifetime,
            nonce: URL_SAFE_NO_PAD.encode(n),
        }
    }
}

fn mac(key: &str) -> Option<Hmac<Sha256>> {
    let mut m = Hmac::<Sha256>::new_from_slice(key.as_bytes()).ok()?;
    // Domain separation from the client-secret hashes made with the same key.
    m.update(b"client-credentials-token:");
    Some(m)
}

/// Signs a token.
pub fn mint(key: &str, t: &ClientToken) -> Option<String> {
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(t).ok()?);
    let mut m = mac(key)?;
    m.update(payload.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(m.finalize().into_bytes());
    Some(format!("{PREFIX}{payload}.{sig}"))
}

/// Reads a token whose MAC holds (expiry is the caller's check).
pub fn read(key: &str, token: &str) -> Option<ClientToken> {
    let (payload, sig) = token.strip_prefix(PREFIX)?.split_once('.')?;
    let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
    let mut m = mac(key)?;
    m.update(payload.as_bytes());
    m.verify_slice(&sig).ok()?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minted_token_reads_back_and_nothing_else_does() {
        let t = ClientToken::new("c1", "roles", 1_800_000_000, 3600);
        let tok = mint("k", &t).unwrap();
        assert!(tok.starts_with(PREFIX));
        assert_eq!(read("k", &tok), Some(t.clone()));
        assert_eq!(read("other key", &tok), None);
        let (payload, sig) = tok.strip_prefix(PREFIX).unwrap().split_once('.').unwrap();
        let forged = ClientToken {
            client_id: "c2".into(),
            ..t
        };
        let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
        assert_eq!(read("k", &format!("{PREFIX}{forged_payload}.{sig}")), None);
        assert_eq!(read("k", &format!("{PREFIX}{payload}.AAAA")), None);
        assert_eq!(read("k", "smc.garbage"), None);
        assert_ne!(
            mint("k", &ClientToken::new("c1", "", 0, 1)),
            mint("k", &ClientToken::new("c1", "", 0, 1))
        );
    }
}
