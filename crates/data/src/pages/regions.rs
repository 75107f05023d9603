//! The region codes, `GET /data/regions?code=`: a code, the codes above it and the codes one
//! level below, from the Kemendagri list that ships with Simpul and the region's additions;
//! `POST /data/regions`: the Dinas adds a code the list lacks.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::form::{FormSpec, Submitted, text};
use kernel::layout::{Chrome, FormErrors, render};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::api::regions::{RegionQuery, Regions, lookup};
use crate::model::RegionCodeDraft;
use crate::regions;
use crate::store::{self, AddedCode};

const FORM: FormSpec = FormSpec {
    fields: &[
        text("code", "data-region-code"),
        text("name", "data-region-name"),
        text("basis", "data-region-basis"),
    ],
};

#[derive(Template)]
#[template(path = "data_regions.html")]
struct RegionsPage {
    chrome: Chrome,
    /// The code looked at, as typed.
    code: String,
    /// The codes above it, province first.
    trail: Vec<(String, String)>,
    /// It and its children, if it is known.
    found: Option<Regions>,
    shipped: String,
    added: Vec<AddedCode>,
    can_add: bool,
    form: RegionCodeDraft,
    errors: FormErrors,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    code: Option<String>,
    form: RegionCodeDraft,
    errors: FormErrors,
) -> AppResult<RegionsPage> {
    ctx.require()?;
    let all = state.read(|c| Ok(store::added_codes(c)?)).await?;
    let added: regions::Added = all
        .iter()
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect();
    let code = code.map(|c| c.trim().to_owned()).unwrap_or_default();
    let asked = (!code.is_empty()).then_some(code.as_str());
    let mut trail = vec![];
    let mut up = asked.and_then(regions::parent);
    while let Some(p) = up {
        trail.push((
            p.to_owned(),
            regions::name(p, &added).unwrap_or_default().to_owned(),
        ));
        up = regions::parent(p);
    }
    trail.reverse();
    let tr = ctx.tr();
    Ok(RegionsPage {
        chrome: Chrome::new(state, ctx, "data-regions-title"),
        found: lookup(asked, &added),
        code,
        trail,
        shipped: tr.number(regions::shipped_count()),
        added: all,
        can_add: ctx.can(&crate::WALIDATA, Access::Write, Scope::Region),
        form,
        errors,
    })
}

/// The codes page.
pub async fn page_of(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<RegionQuery>,
) -> AppResult<Response> {
    let p = page(
        &state,
        &ctx,
        q.code,
        RegionCodeDraft::default(),
        FormErrors::default(),
    )
    .await?;
    Ok(render(&p)?.into_response())
}

/// Adds a code, or shows the page again with the problems.
pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    Submitted {
        values: form,
        stale,
    }: Submitted<RegionCodeDraft>,
) -> AppResult<Response> {
    ctx.authorize(&crate::WALIDATA, Access::Write, Scope::Region)?;
    let again = |errors: FormErrors, form: RegionCodeDraft| {
        let (state, ctx) = (state.clone(), ctx.clone());
        async move {
            let p = page(&state, &ctx, None, form, errors).await?;
            Ok::<_, AppError>((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
    };
    if stale {
        return again(FORM.expired(ctx.tr()), form).await;
    }
    let actor = ctx.require()?.actor();
    let draft = form.clone();
    match state
        .write(move |c| crate::service::add_region_code(c, &actor, &draft))
        .await
    {
        Ok(a) => {
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.append_pair("code", &a.code).append_pair("saved", "1");
            Ok(Redirect::to(&format!("/data/regions?{}", q.finish())).into_response())
        }
        Err(e @ AppError::Validation(_)) => again(FORM.errors(&e, ctx.tr()), form).await,
        Err(e) => Err(e),
    }
}
