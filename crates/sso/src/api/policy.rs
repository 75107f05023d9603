//! `GET/PUT /api/v1/sso/policy`: which roles must use a second factor everywhere.

use axum::Json;
use axum::extract::State;
use kernel::extract::ApiJson;
use kernel::permissions::{Access, Role, Scope};
use kernel::{AppResult, AppState, Ctx};
use serde::{Deserialize, Serialize};

use crate::mfa::{SecurityLevel, store as mfa_store};

/// The second-factor policy.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Policy {
    /// Roles whose holders must use a second factor to sign in anywhere.
    pub required_roles: Vec<Role>,
    /// Security levels whose applications always require one (fixed: KT 8.1).
    pub required_levels: Vec<SecurityLevel>,
}

/// A new set of roles that require a second factor.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    /// The roles (an empty list: none).
    pub required_roles: Vec<Role>,
}

async fn current(state: &AppState) -> AppResult<Policy> {
    let roles = state.read(|c| Ok(mfa_store::required_roles(c)?)).await?;
    Ok(Policy {
        required_roles: roles,
        required_levels: SecurityLevel::ALL
            .iter()
            .copied()
            .filter(|l| l.requires_second_factor())
            .collect(),
    })
}

/// Shows the policy.
#[utoipa::path(get, path = "/api/v1/sso/policy", tag = "single sign-on",
    responses((status = 200, body = Policy), (status = 401), (status = 403)))]
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Policy>> {
    ctx.authorize(&crate::POLICY, Access::Read, Scope::Region)?;
    Ok(Json(current(&state).await?))
}

/// Replaces the roles that require a second factor (audited as `sso.mfa_policy`).
#[utoipa::path(put, path = "/api/v1/sso/policy", tag = "single sign-on", request_body = PolicyInput,
    responses((status = 200, body = Policy), (status = 401), (status = 403), (status = 422)))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<PolicyInput>,
) -> AppResult<Json<Policy>> {
    let actor = ctx
        .authorize(&crate::POLICY, Access::Write, Scope::Region)?
        .actor();
    let mut roles = input.required_roles;
    roles.dedup();
    crate::pages::policy::save(&state, actor, roles).await?;
    Ok(Json(current(&state).await?))
}
