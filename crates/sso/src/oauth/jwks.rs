//! `GET /oauth2/jwks`: the public signing keys, current and recently retired.

use axum::Json;
use axum::extract::State;
use kernel::AppState;
use serde_json::Value;

use crate::error::OAuthError;
use crate::keys;

/// The JSON Web Key Set.
pub async fn handler(State(state): State<AppState>) -> Result<Json<Value>, OAuthError> {
    crate::cache::ensure_keys(&state).await?;
    Ok(Json(state.read(|c| Ok(keys::jwks(c)?)).await?))
}
