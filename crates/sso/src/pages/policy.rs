//! `GET/POST /sso/policy`: the Dinas's second-factor policy — which roles must use a second
//! factor everywhere (the per-application rule comes from each client's security level).

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::audit::{self, Change};
use kernel::layout::{Chrome, render};
use kernel::permissions::{Access, Role, Scope};
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};

use crate::mfa::{SecurityLevel, store as mfa_store};

#[derive(Template)]
#[template(path = "policy.html")]
struct PolicyPage {
    chrome: Chrome,
    /// Every role with whether it requires a second factor.
    roles: Vec<(&'static str, String, bool)>,
    /// Every security level (translated) with whether it requires a second factor.
    levels: Vec<(String, bool)>,
    can_write: bool,
}

/// Shows the policy.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.authorize(&crate::POLICY, Access::Read, Scope::Region)?;
    let required = state.read(|c| Ok(mfa_store::required_roles(c)?)).await?;
    let tr = ctx.tr();
    let page = PolicyPage {
        chrome: Chrome::new(&state, &ctx, "mfa-policy-title"),
        roles: Role::ALL
            .iter()
            .map(|r| {
                let label = tr.tp("role-", r.as_str().replace('_', "-"));
                (r.as_str(), label, required.contains(r))
            })
            .collect(),
        levels: SecurityLevel::ALL
            .iter()
            .map(|l| (tr.tp("sso-level-", l.as_str()), l.requires_second_factor()))
            .collect(),
        can_write: ctx.can(&crate::POLICY, Access::Write, Scope::Region),
    };
    Ok(render(&page)?.into_response())
}

/// Saves the roles that require a second factor (`role=…` once per ticked box).
pub async fn submit(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let actor = ctx
        .authorize(&crate::POLICY, Access::Write, Scope::Region)?
        .actor();
    let mut roles = Vec::new();
    for (k, v) in form_urlencoded::parse(&body) {
        if k == "role" {
            let role = Role::parse(&v).ok_or_else(|| {
                AppError::BadRequest(FieldError::new("role", "error-role-unknown"))
            })?;
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
    }
    save(&state, actor, roles).await?;
    Ok(Redirect::to("/sso/policy?saved=1").into_response())
}

/// Saves the roles that require a second factor (audited), for the page and the API.
pub(crate) async fn save(
    state: &AppState,
    actor: kernel::audit::Actor,
    roles: Vec<Role>,
) -> AppResult<()> {
    state
        .write(move |c| {
            let before = mfa_store::required_roles(c)?;
            mfa_store::set_required_roles(c, &roles)?;
            let names = |rs: &[Role]| rs.iter().map(|r| r.as_str()).collect::<Vec<_>>();
            let change = Change {
                action: "sso.mfa_policy",
                record_type: "sso_policy",
                record_id: "mfa_roles".into(),
                agency: None,
                summary: serde_json::json!({"before": names(&before), "after": names(&roles)}),
            };
            audit::record(c, &actor, change)?;
            Ok(())
        })
        .await
}
