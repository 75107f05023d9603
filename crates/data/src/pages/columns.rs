//! The dataset's variables (BPS MS-Var), the schema uploads are checked against:
//! `GET/POST /data/{id}/columns`. One table row per variable, with blank rows to add more; a
//! row left without a name is dropped.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::form::{Kind, Submitted, explain};
use kernel::layout::{Chrome, FormError, FormErrors, render};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::service;
use crate::store::{self, DatasetRow};
use crate::variables::{ColumnDraft, ColumnKind, MAX_COLUMNS};

/// Blank rows offered after the variables.
const BLANK_ROWS: usize = 3;

#[derive(Template)]
#[template(path = "data_columns.html")]
struct ColumnsPage {
    chrome: Chrome,
    row: DatasetRow,
    columns: Vec<ColumnDraft>,
    kinds: Vec<(String, String)>,
    errors: FormErrors,
}

impl ColumnsPage {
    fn error(&self, field: &str, i: &usize) -> Option<&str> {
        self.errors.get(&format!("{field}_{i}"))
    }
}

async fn columns_page(
    state: &AppState,
    ctx: &Ctx,
    row: DatasetRow,
    mut columns: Vec<ColumnDraft>,
    errors: FormErrors,
) -> AppResult<Response> {
    let tr = ctx.tr();
    let blanks = BLANK_ROWS.min(MAX_COLUMNS.saturating_sub(columns.len()));
    columns.extend((0..blanks).map(|_| ColumnDraft::default()));
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ColumnsPage {
        chrome: Chrome::new(state, ctx, "data-variables-edit"),
        row,
        columns,
        kinds: ColumnKind::ALL
            .iter()
            .map(|k| (k.to_string(), tr.tp("data-kind-", k)))
            .collect(),
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

/// The variables as a form.
pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let row = crate::access::writable(&state, &ctx, &id).await?;
    let dataset = row.id;
    let columns = state.read(move |c| Ok(store::columns(c, dataset)?)).await?;
    let drafts = columns.iter().map(ColumnDraft::from).collect();
    columns_page(&state, &ctx, row, drafts, FormErrors::default()).await
}

/// The posted rows (`name_0`, `kind_0`, `required_0`…) as drafts, blank rows dropped.
fn drafts_of(form: &BTreeMap<String, String>) -> Vec<ColumnDraft> {
    let get = |f: &str, i: usize| form.get(&format!("{f}_{i}")).cloned().unwrap_or_default();
    let ticked = |f: &str, i: usize| form.contains_key(&format!("{f}_{i}"));
    (0..MAX_COLUMNS + BLANK_ROWS)
        .map(|i| ColumnDraft {
            name: get("name", i),
            label: get("label", i),
            kind: get("kind", i),
            required: ticked("required", i),
            unique: ticked("unique", i),
            min: get("min", i),
            max: get("max", i),
            personal: ticked("personal", i),
            indexed: ticked("indexed", i),
            concept: get("concept", i),
            definition: get("definition", i),
            alias: get("alias", i),
        })
        .filter(|d| !d.name.trim().is_empty() || !d.label.trim().is_empty())
        .collect()
}

/// The errors of the posted rows, each pointing at its input (`columns[2].kind` → `kind_2`)
/// and naming its row.
fn errors_of(e: &AppError, tr: kernel::i18n::Tr) -> FormErrors {
    FormErrors(
        e.field_errors()
            .iter()
            .map(|f| {
                let parsed = f
                    .field
                    .strip_prefix("columns[")
                    .and_then(|rest| rest.split_once("]."))
                    .and_then(|(i, name)| i.parse::<usize>().ok().map(|i| (i, name.to_owned())));
                match parsed {
                    Some((i, name)) => {
                        let label = tr.t(&format!("data-column-{name}"));
                        let explained = explain(f, tr, Some(&(name.clone(), label, Kind::Text)));
                        FormError {
                            field: format!("{name}_{i}"),
                            summary: tr.t2(
                                "data-column-row",
                                "row",
                                &(i + 1),
                                "message",
                                &explained.summary,
                            ),
                            message: explained.message,
                        }
                    }
                    None => explain(f, tr, None),
                }
            })
            .collect(),
    )
}

/// Saves the variables, or shows them again with every problem.
pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Submitted {
        values: form,
        stale,
    }: Submitted<BTreeMap<String, String>>,
) -> AppResult<Response> {
    let row = crate::access::writable(&state, &ctx, &id).await?;
    let drafts = drafts_of(&form);
    if stale {
        let errors = kernel::form::expired(ctx.tr(), "name_0");
        return columns_page(&state, &ctx, row, drafts, errors).await;
    }
    let actor = ctx.require()?.actor();
    let (posted, dataset) = (drafts.clone(), row.id);
    match state
        .write(move |c| service::set_columns(c, &actor, dataset, &posted))
        .await
    {
        Ok(row) => Ok(Redirect::to(&format!("/data/{}?saved=1", row.id)).into_response()),
        Err(e @ AppError::Validation(_)) => {
            let errors = errors_of(&e, ctx.tr());
            columns_page(&state, &ctx, row, drafts, errors).await
        }
        Err(e) => Err(e),
    }
}
