//! The provider's process-local caches (see `kernel::cache` for the coherence rule): the
//! secret key, clients, access tokens and released claims. They let the token endpoint's
//! client-credentials grant and userinfo answer without touching the database when nothing
//! has changed.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use kernel::cache::Memo;
use kernel::ids::UserId;
use kernel::{AppResult, AppState};
use serde_json::{Map, Value};

use crate::keys::Signer;
use crate::store::{self, ClientRow, TokenRow};

/// At most this old, whatever the epoch (bounds staleness across several processes).
const MAX_AGE: Duration = Duration::from_secs(10);

/// What the provider keeps in memory.
pub struct SsoCache {
    key: OnceLock<String>,
    clients: Memo<String, ClientRow>,
    tokens: Memo<String, TokenRow>,
    claims: Memo<(UserId, String), Map<String, Value>>,
    browser_origins: Memo<(), Vec<String>>,
    signers: Memo<String, (String, Arc<Signer>)>,
}

impl Default for SsoCache {
    fn default() -> Self {
        Self {
            key: OnceLock::new(),
            clients: Memo::new(1_000, MAX_AGE),
            tokens: Memo::new(50_000, MAX_AGE),
            claims: Memo::new(10_000, MAX_AGE),
            browser_origins: Memo::new(1, MAX_AGE),
            signers: Memo::new(2, MAX_AGE),
        }
    }
}

fn of(state: &AppState) -> Arc<SsoCache> {
    state.cache.slot::<SsoCache>()
}

/// The provider's secret key (made on first use; it never changes).
pub async fn secret_key(state: &AppState) -> AppResult<String> {
    let cache = of(state);
    if let Some(k) = cache.key.get() {
        return Ok(k.clone());
    }
    let key = state.read(crate::service::secret_key).await?;
    Ok(cache.key.get_or_init(|| key).clone())
}

/// A client by id.
pub async fn client(state: &AppState, id: &str) -> AppResult<Option<ClientRow>> {
    let (cache, epoch) = (of(state), state.cache.epoch());
    let key = id.to_owned();
    if let Some(c) = cache.clients.get(epoch, &key) {
        return Ok(Some(c));
    }
    let lookup = key.clone();
    let row = state.read(move |c| Ok(store::client(c, &lookup)?)).await?;
    if let Some(r) = &row {
        cache.clients.put(epoch, key, r.clone());
    }
    Ok(row)
}

/// The origins of the enabled public clients' redirect URIs: where browser applications may
/// call the provider from (CORS).
pub async fn browser_origins(state: &AppState) -> AppResult<Vec<String>> {
    let (cache, epoch) = (of(state), state.cache.epoch());
    if let Some(o) = cache.browser_origins.get(epoch, &()) {
        return Ok(o);
    }
    let origins = state
        .read(|c| {
            Ok(store::clients(c)?
                .into_iter()
                .filter(|cl| cl.public && !cl.disabled)
                .flat_map(|cl| cl.redirect_uris())
                .filter_map(|u| crate::oauth::cors::origin_of(&u))
                .collect::<Vec<_>>())
        })
        .await?;
    cache.browser_origins.put(epoch, (), origins.clone());
    Ok(origins)
}

/// A stored token by hash.
pub async fn token(state: &AppState, hash: &str) -> AppResult<Option<TokenRow>> {
    let (cache, epoch) = (of(state), state.cache.epoch());
    let key = hash.to_owned();
    if let Some(t) = cache.tokens.get(epoch, &key) {
        return Ok(Some(t));
    }
    let lookup = key.clone();
    let row = state.read(move |c| Ok(store::token(c, &lookup)?)).await?;
    if let Some(r) = &row {
        cache.tokens.put(epoch, key, r.clone());
    }
    Ok(row)
}

/// The claims `scope` releases about an account; `None` when it is gone or disabled.
pub async fn claims(
    state: &AppState,
    user: UserId,
    scope: &str,
) -> AppResult<Option<Map<String, Value>>> {
    let (cache, epoch) = (of(state), state.cache.epoch());
    let key = (user, scope.to_owned());
    if let Some(c) = cache.claims.get(epoch, &key) {
        return Ok(Some(c));
    }
    let (u, s) = key.clone();
    let found = state
        .read(move |c| crate::service::user_claims(c, u, &s))
        .await?;
    if let Some(c) = &found {
        cache.claims.put(epoch, key, c.clone());
    }
    Ok(found)
}

/// The current signing key for `alg` and its key id, made on first use. A rotation is an
/// audited write, which empties the cache.
pub async fn signer(state: &AppState, alg: &str) -> AppResult<(String, Arc<Signer>)> {
    let (cache, epoch) = (of(state), state.cache.epoch());
    let key = alg.to_owned();
    if let Some(s) = cache.signers.get(epoch, &key) {
        return Ok(s);
    }
    ensure_keys(state).await?;
    let lookup = key.clone();
    let found = state.read(move |c| crate::keys::signer(c, &lookup)).await?;
    cache.signers.put(epoch, key, found.clone());
    Ok(found)
}

/// Signs `claims` with the current key for `alg` under header `typ`; an RSA signature is made
/// on a blocking thread, an ECDSA one (microseconds) in place.
pub async fn sign(
    state: &AppState,
    alg: &str,
    typ: &'static str,
    claims: Value,
) -> AppResult<String> {
    let (kid, key) = signer(state, alg).await?;
    if key.is_cheap() {
        return key.sign(&kid, typ, &claims);
    }
    tokio::task::spawn_blocking(move || key.sign(&kid, typ, &claims))
        .await
        .map_err(|e| kernel::AppError::Internal(format!("signing: {e}")))?
}

/// Makes the signing keys on first use (a cheap count once they exist).
pub async fn ensure_keys(state: &AppState) -> AppResult<()> {
    if !state.read(|c| Ok(crate::keys::all_present(c)?)).await? {
        state.write(crate::keys::ensure).await?;
    }
    Ok(())
}
