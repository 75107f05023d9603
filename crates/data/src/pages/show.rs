//! The dataset's page, `GET /data/{id}`: its description and duties, its Wali Data, its
//! variables, its versions with what each changed, the upload form, and the first rows of the
//! current version as the caller may see them.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use kernel::layout::{Chrome, FormErrors, render};
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};

use crate::query::{self, Viewer};
use crate::rows;
use crate::store::{self, DatasetRow, IndicatorRow, VersionRow};
use crate::variables::Column;

/// Rows the page previews.
const PREVIEW: &str = "10";

#[derive(Template)]
#[template(path = "data_show.html")]
pub(crate) struct ShowPage {
    pub chrome: Chrome,
    pub row: DatasetRow,
    pub agency: String,
    pub overdue: bool,
    pub wali: Option<String>,
    pub columns: Vec<Column>,
    pub versions: Vec<VersionRow>,
    pub indicators: Vec<IndicatorRow>,
    /// The area covered, each code with its name.
    pub coverage: String,
    pub preview: Option<rows::Page>,
    pub masked: bool,
    pub can_write: bool,
    pub people: Vec<(String, String)>,
    pub wali_form: crate::model::WaliDraft,
    pub errors: FormErrors,
    pub upload_errors: FormErrors,
}

impl ShowPage {
    /// A cell of the preview as text.
    pub fn cell(&self, row: &serde_json::Map<String, serde_json::Value>, name: &str) -> String {
        match row.get(name) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Bool(b)) => {
                self.chrome.tr.t(if *b { "data-yes" } else { "data-no" })
            }
            Some(v) => v.to_string(),
        }
    }
}

/// Everything the page shows, read once.
pub(crate) async fn page(
    state: &AppState,
    ctx: &Ctx,
    key: &str,
    wali_form: Option<crate::model::WaliDraft>,
    errors: FormErrors,
    upload_errors: FormErrors,
) -> AppResult<ShowPage> {
    let crate::access::Readable { row, viewer } = crate::access::dataset(state, ctx, key).await?;
    let can_write = ctx.can(
        &crate::DATASETS,
        Access::Write,
        Scope::Agency(row.agency_id),
    );
    let today = crate::today(state).await;
    let r = row.clone();
    let (agency, wali, columns, versions, indicators, preview, people, coverage) = state
        .read(move |c| {
            let agency = org::directory::agency(c, r.agency_id)?
                .map(|a| a.label())
                .unwrap_or_default();
            let wali = match r.wali_person_id {
                Some(p) => org::directory::person(c, p)?.map(|p| p.name),
                None => None,
            };
            let columns = store::columns(c, r.id)?;
            let versions = store::versions(c, r.id)?;
            let indicators = store::indicators(c, r.id)?;
            let preview = match versions.iter().find(|v| Some(v.id) == r.current_version) {
                Some(v) => {
                    let plan =
                        query::parse(&[("_size".into(), PREVIEW.into())], &v.schema(), viewer)?;
                    Some(rows::page(c, v, &plan, viewer)?)
                }
                None => None,
            };
            let people = if can_write {
                org::directory::people_of(c, r.agency_id, 500)?
                    .into_iter()
                    .map(|p| (p.id.to_string(), p.name))
                    .collect()
            } else {
                vec![]
            };
            let coverage = crate::regions::describe(&r.coverage, &store::added_regions(c)?);
            Ok((
                agency, wali, columns, versions, indicators, preview, people, coverage,
            ))
        })
        .await?;
    let wali_form = wali_form.unwrap_or_else(|| crate::model::WaliDraft {
        person_id: row
            .wali_person_id
            .map(|p| p.to_string())
            .unwrap_or_default(),
        decree_number: row.wali_decree_number.clone(),
        decree_date: row
            .wali_decree_date
            .map(|d| d.to_string())
            .unwrap_or_default(),
    });
    Ok(ShowPage {
        chrome: Chrome::new(state, ctx, "data-title"),
        overdue: crate::model::overdue(row.next_due, today),
        row,
        agency,
        wali,
        columns,
        versions,
        indicators,
        coverage,
        preview,
        masked: viewer != Viewer::Full,
        can_write,
        people,
        wali_form,
        errors,
        upload_errors,
    })
}

/// One dataset.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let mut p = page(
        &state,
        &ctx,
        &id,
        None,
        FormErrors::default(),
        FormErrors::default(),
    )
    .await?;
    p.chrome.title = p.row.title.clone();
    Ok(render(&p)?.into_response())
}
