//! Kemendagri region codes: `GET /api/v1/data/regions?code=` (a code and the codes one level
//! below it; without `code`, the provinces) and `POST /api/v1/data/regions` (the Dinas adds a
//! code the shipped list lacks).

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use kernel::extract::ApiJson;
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::model::RegionCodeDraft;
use crate::regions;
use crate::store::{self, AddedCode};

/// `?code=` names the code to look at.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RegionQuery {
    /// A code (`32.04`); without it, the provinces.
    pub code: Option<String>,
}

/// A region code and its name.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = DataRegion)]
pub struct Region {
    /// The code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Whether the region added it (not in the shipped decree).
    pub added: bool,
}

/// A code with the codes below it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = DataRegions)]
pub struct Regions {
    /// The code asked about (none for the provinces).
    pub region: Option<Region>,
    /// The codes one level below it.
    pub children: Vec<Region>,
}

/// A code and the codes one level below it, from the shipped list and the region's additions.
pub fn lookup(code: Option<&str>, added: &regions::Added) -> Option<Regions> {
    let region = match code {
        Some(c) => Some(Region {
            code: c.to_owned(),
            name: regions::name(c, added)?.to_owned(),
            added: added.contains_key(c),
        }),
        None => None,
    };
    let children = regions::children(code, added)
        .into_iter()
        .map(|(code, name)| Region {
            added: added.contains_key(&code),
            code,
            name,
        })
        .collect();
    Some(Regions { region, children })
}

/// A region code and the codes below it.
#[utoipa::path(get, path = "/api/v1/data/regions", tag = "data", params(RegionQuery),
    responses((status = 200, body = Regions), (status = 401), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<RegionQuery>,
) -> AppResult<Json<Regions>> {
    ctx.require()?;
    let added = state.read(|c| Ok(store::added_regions(c)?)).await?;
    let code = q.code.as_deref().map(str::trim).filter(|c| !c.is_empty());
    lookup(code, &added).map(Json).ok_or(AppError::NotFound)
}

/// Adds a code the shipped Kemendagri list lacks (a district or village formed after the
/// decree), with what it rests on. Only the Dinas.
#[utoipa::path(post, path = "/api/v1/data/regions", tag = "data", request_body = RegionCodeDraft,
    responses((status = 201, body = AddedCode), (status = 401), (status = 403), (status = 422)))]
pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<RegionCodeDraft>,
) -> AppResult<(StatusCode, Json<AddedCode>)> {
    ctx.authorize(&crate::WALIDATA, Access::Write, Scope::Region)?;
    let actor = ctx.require()?.actor();
    let added = state
        .write(move |c| crate::service::add_region_code(c, &actor, &body))
        .await?;
    Ok((StatusCode::CREATED, Json(added)))
}
