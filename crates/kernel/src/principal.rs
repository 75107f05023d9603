//! Who is behind a request, as every context sees it. The accounts context finds the principal
//! (sessions, API tokens) and the provider finds it for its own access tokens, through
//! [`crate::module::Resolver`]; the kernel only carries it.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::i18n::Lang;
use crate::ids::UserId;
use crate::permissions::{Role, RoleGrant};

/// How a request proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A browser session; forms must echo this anti-forgery token.
    Session {
        /// The session's CSRF token.
        csrf: String,
        /// The session's stored id (hash of the cookie).
        session_id: String,
        /// Whether the sign-in passed a second factor.
        mfa: bool,
    },
    /// A bearer token: the person's own API token, or an access token Simpul's provider issued
    /// to an application for the person.
    Token {
        /// The application (`client_id`) acting for the person, if a provider token.
        client: Option<String>,
    },
}

/// The signed-in account behind a request.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The account.
    pub user_id: UserId,
    /// Its login.
    pub login: String,
    /// Display name.
    pub name: String,
    /// Preferred language.
    pub lang: Lang,
    /// Roles held.
    pub grants: Vec<RoleGrant>,
    /// How it authenticated.
    pub via: Via,
}

impl Principal {
    /// Whether the account holds `role` (in any scope).
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// The actor to record in the audit trail: the person, and the application when one acts
    /// for them (`hadi via 0190…`).
    pub fn actor(&self) -> crate::audit::Actor {
        let label = match &self.via {
            Via::Token {
                client: Some(client),
            } => format!("{} via {client}", self.login),
            _ => self.login.clone(),
        };
        crate::audit::Actor {
            id: Some(self.user_id),
            label,
        }
    }
}

/// A fresh random secret, URL-safe (32 bytes: session cookies, anti-forgery tokens, API
/// tokens, the provider's codes).
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a secret: only its SHA-256 is kept.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}
