//! `GET /api/v1/me/two-factor`: the state of the caller's second factor.
//!
//! Setting one up, turning it off and making new recovery codes stay on the account page, in a
//! browser session: a token is a long-lived credential of a script or an application, and one
//! that could enrol its own authenticator could lock the person out of their account.

use axum::Json;
use axum::extract::State;
use kernel::{AppResult, AppState, Ctx};
use serde::Serialize;

use crate::mfa::{self, store as mfa_store};

/// The caller's second factor.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TwoFactor {
    /// An authenticator app is set up and confirmed.
    pub enabled: bool,
    /// A role the caller holds requires one (then it cannot be turned off).
    pub required: bool,
    /// Unused recovery codes left (0 when not enabled).
    pub recovery_codes_left: i64,
}

/// Shows the state of the caller's second factor.
#[utoipa::path(get, path = "/api/v1/me/two-factor", tag = "account",
    responses((status = 200, body = TwoFactor), (status = 401)))]
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<TwoFactor>> {
    let p = ctx.require()?.clone();
    let uid = p.user_id.to_string();
    let out = state
        .read(move |c| {
            let enabled = mfa_store::confirmed_totp(c, &uid)?.is_some();
            let left = if enabled {
                mfa_store::recovery_codes_left(c, &uid)?
            } else {
                0
            };
            let required =
                mfa::role_requires_second_factor(&p.grants, &mfa_store::required_roles(c)?);
            Ok(TwoFactor {
                enabled,
                required,
                recovery_codes_left: left,
            })
        })
        .await?;
    Ok(Json(out))
}
