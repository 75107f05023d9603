//! `GET/POST /people/new`: add a person to an agency the viewer may write to.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::form::Submitted;
use kernel::layout::{Chrome, FormErrors, render};
use kernel::permissions::{self, Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::Deserialize;

use super::{PERSON_FORM, PersonForm};
use crate::{service, store};

/// The person form page (new and edit share it).
#[derive(Template)]
#[template(path = "person_form.html")]
pub struct PersonFormPage {
    /// Shell.
    pub chrome: Chrome,
    /// Where the form posts.
    pub action: String,
    /// Values typed.
    pub form: PersonForm,
    /// Errors.
    pub errors: FormErrors,
    /// Agencies the viewer may write to.
    pub agencies: Vec<(String, String)>,
    /// Kind choices.
    pub kinds: Vec<(String, String)>,
    /// Whether a NIK is already stored (editing).
    pub has_nik: bool,
}

impl PersonFormPage {
    /// The NIK hint: on edit, an empty field keeps the stored number.
    pub fn nik_hint(&self) -> String {
        self.chrome.tr.t(if self.has_nik {
            "person-nik-kept"
        } else {
            "person-nik-hint"
        })
    }
}

/// The agencies `ctx` may add people to, as select choices.
pub async fn writable_agencies(state: &AppState, ctx: &Ctx) -> AppResult<Vec<(String, String)>> {
    let grants = ctx.require()?.grants.clone();
    let all = state.read(|c| Ok(store::agency_all(c)?)).await?;
    Ok(all
        .into_iter()
        .filter(|a| {
            permissions::allows(&grants, &crate::PEOPLE, Access::Write, Scope::Agency(a.id))
        })
        .map(|a| (a.id.to_string(), format!("{} — {}", a.code, a.name)))
        .collect())
}

/// `?agency=` preselects the agency.
#[derive(Debug, Deserialize)]
pub struct Preselect {
    /// Agency id.
    pub agency: Option<String>,
}

/// Shows an empty form.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(pre): Query<Preselect>,
) -> AppResult<Response> {
    let agencies = writable_agencies(&state, &ctx).await?;
    if agencies.is_empty() {
        return Err(AppError::Forbidden);
    }
    let form = PersonForm {
        agency_id: pre.agency.unwrap_or_default(),
        ..Default::default()
    };
    let page = PersonFormPage {
        kinds: super::person_kinds(ctx.tr()),
        chrome: Chrome::new(&state, &ctx, "person-new-title"),
        action: "/people/new".into(),
        form,
        errors: FormErrors::default(),
        agencies,
        has_nik: false,
    };
    Ok(render(&page)?.into_response())
}

/// Creates the person, or shows the form again with every problem.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Submitted<PersonForm>,
) -> AppResult<Response> {
    ctx.require()?;
    let Submitted {
        values: form,
        stale,
    } = form;
    let result = match super::chosen_agency(&form, None) {
        _ if stale => Err(AppError::Csrf),
        Err(e) => Err(e),
        Ok(agency) => {
            let actor = ctx
                .authorize(&crate::PEOPLE, Access::Write, Scope::Agency(agency))?
                .actor();
            let draft = form.draft(None);
            let save = state.write(move |c| service::create_person(c, &actor, agency, &draft));
            crate::probing::guarded(&state, &ctx, save).await
        }
    };
    match result {
        Ok(row) => Ok(Redirect::to(&format!("/people/{}?saved=1", row.id)).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_) | AppError::Csrf)) => {
            let errors = match e {
                AppError::Csrf => PERSON_FORM.expired(ctx.tr()),
                e => PERSON_FORM.errors(&e, ctx.tr()),
            };
            let page = PersonFormPage {
                agencies: writable_agencies(&state, &ctx).await?,
                kinds: super::person_kinds(ctx.tr()),
                chrome: Chrome::new(&state, &ctx, "person-new-title"),
                action: "/people/new".into(),
                errors,
                form,
                has_nik: false,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}
