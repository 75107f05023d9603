//! `GET/POST /region`: the region profile and the regulation in force (set by the Dinas).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::form::Submitted;
use kernel::layout::{Chrome, FormErrors, choices_of, render};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::Deserialize;

use super::REGION_FORM;
use crate::model::{RegionDraft, RegionKind, ReportingChain, SubdomainAuthority};
use crate::{service, store};
use kernel::compliance::Pack;
use kernel::time::Zone;

/// The region form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    regulation_pack: String,
    #[serde(default)]
    regulation_number: String,
    #[serde(default)]
    regulation_year: String,
    #[serde(default)]
    regulation_title: String,
    #[serde(default)]
    subdomain_authority: String,
    #[serde(default)]
    reporting_chain: String,
    #[serde(default)]
    time_zone: String,
}

#[derive(Template)]
#[template(path = "region.html")]
struct RegionPage {
    chrome: Chrome,
    form: RegionForm,
    errors: FormErrors,
    can_edit: bool,
    kinds: Vec<(String, String)>,
    packs: Vec<(String, String)>,
    authorities: Vec<(String, String)>,
    chains: Vec<(String, String)>,
    zones: Vec<(String, String)>,
}

fn page(state: &AppState, ctx: &Ctx, form: RegionForm, errors: FormErrors) -> RegionPage {
    let tr = ctx.tr();
    RegionPage {
        chrome: Chrome::new(state, ctx, "region-title"),
        form,
        errors,
        can_edit: ctx.can(&crate::REGION, Access::Write, Scope::Region),
        kinds: choices_of::<RegionKind>(tr, "region-kind-"),
        packs: choices_of::<Pack>(tr, "region-pack-"),
        authorities: choices_of::<SubdomainAuthority>(tr, "region-authority-"),
        chains: choices_of::<ReportingChain>(tr, "region-chain-"),
        zones: choices_of::<Zone>(tr, "region-zone-"),
    }
}

/// Shows the profile (as a form for the Dinas).
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.authorize(&crate::REGION, Access::Read, Scope::Region)?;
    let stored = state.read(|c| Ok(store::region_get(c)?)).await?;
    let form = stored
        .map(|r| RegionForm {
            name: r.name,
            kind: r.kind.as_str().to_owned(),
            domain: r.domain,
            regulation_pack: r.regulation_pack.as_str().to_owned(),
            regulation_number: r.regulation_number,
            regulation_year: r.regulation_year.to_string(),
            regulation_title: r.regulation_title,
            subdomain_authority: r.subdomain_authority.as_str().to_owned(),
            reporting_chain: r.reporting_chain.as_str().to_owned(),
            time_zone: r.time_zone.as_str().to_owned(),
        })
        .unwrap_or_default();
    Ok(render(&page(&state, &ctx, form, FormErrors::default()))?.into_response())
}

/// Saves the profile.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Submitted<RegionForm>,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&crate::REGION, Access::Write, Scope::Region)?
        .actor();
    let Submitted {
        values: form,
        stale,
    } = form;
    if stale {
        let errors = REGION_FORM.expired(ctx.tr());
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&page(&state, &ctx, form, errors))?,
        )
            .into_response());
    }
    let year = form.regulation_year.trim().parse::<i32>();
    let draft = RegionDraft {
        name: form.name.clone(),
        kind: form.kind.clone(),
        domain: form.domain.clone(),
        regulation_pack: form.regulation_pack.clone(),
        regulation_number: form.regulation_number.clone(),
        regulation_year: *year.as_ref().unwrap_or(&0),
        regulation_title: form.regulation_title.clone(),
        subdomain_authority: form.subdomain_authority.clone(),
        reporting_chain: form.reporting_chain.clone(),
        time_zone: form.time_zone.clone(),
    };
    match state
        .write(move |c| service::put_region(c, &actor, &draft))
        .await
    {
        Ok(_) => {
            state.forget_zone();
            Ok(Redirect::to("/region?saved=1").into_response())
        }
        Err(e @ AppError::Validation(_)) => {
            let errors = REGION_FORM.errors(&e, ctx.tr());
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&page(&state, &ctx, form, errors))?,
            )
                .into_response())
        }
        Err(e) => Err(e),
    }
}
