//! `GET /account` and `POST /account/password`: one's own account and password change.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use kernel::audit::{self, Change};
use kernel::extract::PageForm;
use kernel::form::{FormSpec, Submitted, text};
use kernel::layout::{Chrome, FormErrors, render};
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};

use crate::{hashing, model, store};

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    login: String,
    roles: Vec<String>,
    errors: FormErrors,
    done: bool,
    sessions: Vec<store::SessionInfo>,
    current: String,
}

impl AccountPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }
}

/// The password form's fields.
const PASSWORD_FORM: FormSpec = FormSpec {
    fields: &[
        text("current", "account-current-password"),
        text("new", "account-new-password"),
        text("confirm", "account-confirm-password"),
    ],
};

async fn page(
    state: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
    done: bool,
) -> AppResult<AccountPage> {
    let p = ctx.require()?;
    let uid = p.user_id.to_string();
    let sessions = state
        .read(move |c| Ok(store::list_sessions(c, &uid)?))
        .await?;
    let tr = ctx.tr();
    Ok(AccountPage {
        chrome: Chrome::new(state, ctx, "account-title"),
        login: p.login.clone(),
        roles: p
            .grants
            .iter()
            .map(|g| tr.t(&format!("role-{}", g.role.as_str())))
            .collect(),
        errors,
        done,
        sessions,
        current: ctx.session_id().unwrap_or_default().to_owned(),
    })
}

/// Shows the account.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    Ok(render(&page(&state, &ctx, FormErrors::default(), false).await?)?.into_response())
}

/// The password-change form (and the API's body).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordForm {
    /// The current password.
    #[serde(default)]
    pub current: String,
    /// The new one.
    #[serde(default)]
    pub new: String,
    /// The new one again.
    #[serde(default)]
    pub confirm: String,
}

/// Changes the password, ends every other session of the account and revokes its API tokens
/// and every application's tokens for it.
pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Submitted<PasswordForm>,
) -> AppResult<Response> {
    let p = ctx.require()?.clone();
    if form.stale {
        // Passwords are never shown again: the person types them anew.
        let errors = PASSWORD_FORM.expired(ctx.tr());
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&page(&state, &ctx, errors, false).await?)?,
        )
            .into_response());
    }
    let form = form.values;
    let keep = ctx.session_id().map(str::to_owned);
    let result = change(&state, &p, &form, keep).await;
    match result {
        Ok(()) => {
            Ok(render(&page(&state, &ctx, FormErrors::default(), true).await?)?.into_response())
        }
        Err(e @ AppError::Validation(_)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&page(&state, &ctx, PASSWORD_FORM.errors(&e, ctx.tr()), false).await?)?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

/// Changes `p`'s password after checking the current one: every session but `keep` ends and
/// every token issued to the account is revoked. For the page and the API.
pub(crate) async fn change(
    state: &AppState,
    p: &kernel::principal::Principal,
    form: &PasswordForm,
    keep: Option<String>,
) -> AppResult<()> {
    let mut errors = model::check_new_pair(&form.new, &form.confirm);
    // The slow check runs on the hashing pool, before (never inside) the write transaction.
    let login = p.login.clone();
    let user = state
        .read(move |conn| Ok(store::find_user_by_login(conn, &login)?))
        .await?
        .ok_or(AppError::Unauthorized)?;
    if !hashing::verify(form.current.clone(), user.password_hash.clone()).await {
        errors.insert(0, FieldError::new("current", "error-password-wrong"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let hash = hashing::hash(form.new.clone()).await?;
    let modules = state.modules.clone();
    let (actor, uid) = (p.actor(), p.user_id);
    state
        .write(move |conn| {
            store::set_password_hash(conn, &user.id, &hash)?;
            // Whoever learnt the old password may have minted tokens with it.
            let (_, revoked) =
                crate::service::end_sessions_and_tokens(conn, &modules, uid, keep.as_deref())?;
            let change = Change {
                action: "user.password_change",
                record_type: "user",
                record_id: user.id.clone(),
                agency: None,
                summary: serde_json::json!({"other_sessions_ended": true, "tokens_revoked": revoked}),
            };
            audit::record(conn, &actor, change)?;
            Ok(())
        })
        .await
}

/// The session to end.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndSessionForm {
    /// Its stored id.
    pub session: String,
}

/// Ends one of one's own sessions (a lost phone, a shared computer).
pub async fn end_session(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<EndSessionForm>,
) -> AppResult<Response> {
    let p = ctx.require()?.clone();
    let modules = state.modules.clone();
    state
        .write(move |conn| {
            if !store::end_own_session(conn, &p.user_id.to_string(), &form.session)? {
                return Err(AppError::NotFound);
            }
            modules.sessions_ended(conn, std::slice::from_ref(&form.session))?;
            let change = Change {
                action: "auth.session_end",
                record_type: "user",
                record_id: p.user_id.to_string(),
                agency: None,
                summary: serde_json::json!({"by": "owner"}),
            };
            audit::record(conn, &p.actor(), change)?;
            Ok(())
        })
        .await?;
    Ok(axum::response::Redirect::to("/account?saved=1#sessions").into_response())
}
