//! A version's rows: `GET /api/v1/data/datasets/{id}/rows` — filtered, sorted, paged by keyset,
//! grouped and counted, as JSON, CSV or XLSX (the query language is `crate::query`'s). Personal
//! columns come masked to all but the producing agency and its Wali Data.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::Serialize;

use crate::query::{self, Format, Plan, Viewer};
use crate::rows;
use crate::store::{self, DatasetRow, VersionRow, VersionStatus};

/// A column as the rows' answer describes it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = DataRowsColumn)]
pub struct ColumnOut {
    /// Name (the key in each row).
    pub name: String,
    /// Label.
    pub label: String,
    /// Kind.
    pub kind: crate::variables::ColumnKind,
    /// Whether its values come masked.
    pub masked: bool,
}

/// One page of rows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = DataRows)]
pub struct RowsOut {
    /// The dataset's slug.
    pub dataset: String,
    /// The version read.
    pub version: i32,
    /// The columns shown.
    pub columns: Vec<ColumnOut>,
    /// The rows: `_row` (order in the file) and each column's value.
    pub rows: Vec<serde_json::Map<String, serde_json::Value>>,
    /// Rows matching the filters.
    pub total: i64,
    /// The `_after` value of the next page, if there is one.
    pub next_cursor: Option<String>,
    /// The next page's address.
    pub next: Option<String>,
    /// Groups, when `_group` was asked: the group columns, `count`, then `sum_<column>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<rows::Grouped>,
}

/// The query string's pairs.
pub fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The version asked for (the current one unless `_version`), if it is readable.
pub async fn version_of(
    state: &AppState,
    row: &DatasetRow,
    number: Option<i32>,
) -> AppResult<VersionRow> {
    let (dataset, current) = (row.id, row.current_version);
    let v = state
        .read(move |c| {
            Ok(match (number, current) {
                (Some(n), _) => store::version_number(c, dataset, n)?,
                (None, Some(id)) => store::find_version(c, id)?,
                (None, None) => None,
            })
        })
        .await?;
    match v {
        Some(v) if v.status == VersionStatus::Ready => Ok(v),
        _ => Err(AppError::NotFound),
    }
}

/// Runs `plan` on a version for `viewer` and answers in its format.
pub async fn answer(
    state: &AppState,
    row: &DatasetRow,
    version: VersionRow,
    plan: Plan,
    viewer: Viewer,
    self_path: &str,
    raw: &[(String, String)],
) -> AppResult<Response> {
    let (v, p) = (version.clone(), plan.clone());
    let answers = state.cache.slot::<rows::Answers>();
    let (page, groups) = state
        .read(move |c| {
            if p.group.is_empty() {
                Ok((Some(rows::page_kept(&answers, c, &v, &p, viewer)?), None))
            } else {
                Ok((None, Some(rows::groups_kept(&answers, c, &v, &p, viewer)?)))
            }
        })
        .await?;
    let stem = format!("{}-v{}", row.slug, version.number);
    match (plan.format, page, groups) {
        (Format::Json, page, groups) => {
            let next_cursor = page
                .as_ref()
                .and_then(|p| p.next.as_ref())
                .map(query::Cursor::encode);
            let next = next_cursor.as_ref().map(|cursor| {
                let mut q = form_urlencoded::Serializer::new(String::new());
                for (k, v) in raw.iter().filter(|(k, _)| k != "_after" && k != "_offset") {
                    q.append_pair(k, v);
                }
                q.append_pair("_after", cursor);
                format!("{self_path}?{}", q.finish())
            });
            let columns = page
                .as_ref()
                .map(|p| {
                    p.columns
                        .iter()
                        .map(|c| ColumnOut {
                            name: c.name.clone(),
                            label: c.label.clone(),
                            kind: c.kind,
                            masked: c.masked() && viewer != Viewer::Full,
                        })
                        .collect()
                })
                .unwrap_or_default();
            Ok(Json(RowsOut {
                dataset: row.slug.clone(),
                version: version.number,
                columns,
                total: page.as_ref().map_or(0, |p| p.total),
                rows: page.map(|p| p.rows).unwrap_or_default(),
                next_cursor,
                next,
                groups,
            })
            .into_response())
        }
        (format, page, groups) => {
            let format = if format == Format::Csv { "csv" } else { "xlsx" };
            let (header, cells): (Vec<String>, Vec<Vec<String>>) = match (page, groups) {
                (Some(p), _) => (
                    p.columns.iter().map(|c| c.name.clone()).collect(),
                    p.rows
                        .iter()
                        .map(|r| {
                            p.columns
                                .iter()
                                .map(|c| rows::cell_text(r.get(&c.name)))
                                .collect()
                        })
                        .collect(),
                ),
                (None, Some(g)) => (
                    g.columns.clone(),
                    g.rows
                        .iter()
                        .map(|r| r.iter().map(|v| rows::cell_text(Some(v))).collect())
                        .collect(),
                ),
                (None, None) => (vec![], vec![]),
            };
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            kernel::export::download(format, &stem, &header, cells)
        }
    }
}

/// The rows of a dataset's version.
#[utoipa::path(get, path = "/api/v1/data/datasets/{id}/rows", tag = "data",
    params(("id" = String, Path, description = "id or slug"),
        ("_select" = Option<String>, Query, description = "columns to return, comma-separated"),
        ("_sort" = Option<String>, Query, description = "a column; -column for descending"),
        ("_size" = Option<i64>, Query, description = "rows per page, 1-1000 (100)"),
        ("_after" = Option<String>, Query, description = "the next_cursor of the page before"),
        ("_offset" = Option<i64>, Query), ("_q" = Option<String>, Query, description = "text in any text column"),
        ("_group" = Option<String>, Query, description = "group by these columns and count"),
        ("_sum" = Option<String>, Query, description = "numeric columns to sum per group"),
        ("_format" = Option<String>, Query, description = "json, csv or xlsx"),
        ("_version" = Option<i32>, Query, description = "a version number (the current one by default)")),
    responses((status = 200, body = RowsOut, description = "column=value or column__op=value filter; op is ne, gt, gte, lt, lte, contains, in, isnull"),
        (status = 400), (status = 401), (status = 404)))]
pub async fn rows(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let r = crate::access::dataset(&state, &ctx, &id).await?;
    let pairs = pairs(raw.as_deref());
    let wanted = pairs
        .iter()
        .find(|(k, _)| k == "_version")
        .map(|(_, v)| {
            v.parse::<i32>()
                .map_err(|_| AppError::field("_version", "data-query-version"))
        })
        .transpose()?;
    let version = version_of(&state, &r.row, wanted).await?;
    let plan = query::parse(&pairs, &version.schema(), r.viewer)?;
    let path = format!("/api/v1/data/datasets/{id}/rows");
    answer(&state, &r.row, version, plan, r.viewer, &path, &pairs).await
}
