//! A public version's rows as a file: `GET /portal/{slug}/v{n}.csv` streams every row (read a
//! page at a time on a blocking thread, so a million rows never sit in memory), and
//! `.xlsx` builds a workbook for versions of at most [`MAX_XLSX_ROWS`] rows. Personal columns
//! are absent; formula-like cells are neutralised.

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use kernel::{AppError, AppResult, AppState, FieldError};

use crate::ckan::Catalogue;
use crate::query::{self, Cursor, Viewer};
use crate::rows;
use crate::store::VersionRow;

/// Rows read per step of a download.
const STEP: i64 = 5_000;
/// Most rows an XLSX download holds (larger versions download as CSV).
pub const MAX_XLSX_ROWS: i64 = 100_000;

/// Reads the version a page at a time, handing each page's rows (as cells) to `each`.
pub fn pages(
    c: &mut db::DbConn,
    v: &VersionRow,
    mut each: impl FnMut(&[String], Vec<Vec<String>>) -> bool,
) -> AppResult<()> {
    let schema = v.schema();
    let mut plan = query::parse(&[], &schema, Viewer::Public)?;
    plan.size = STEP;
    loop {
        let page = rows::page(c, v, &plan, Viewer::Public)?;
        let header: Vec<String> = page.columns.iter().map(|c| c.name.clone()).collect();
        let cells = page
            .rows
            .iter()
            .map(|r| {
                page.columns
                    .iter()
                    .map(|c| rows::cell_text(r.get(&c.name)))
                    .collect()
            })
            .collect();
        if !each(&header, cells) {
            return Ok(());
        }
        match page.next {
            Some(next) => {
                plan.after = Some(Cursor {
                    row: next.row,
                    value: None,
                });
            }
            None => return Ok(()),
        }
    }
}

fn csv_chunk(header: Option<&[String]>, rows: &[Vec<String>]) -> Bytes {
    let mut w = csv::Writer::from_writer(vec![]);
    if let Some(h) = header {
        let _ = w.write_record(h);
    }
    for r in rows {
        let _ = w.write_record(r.iter().map(|c| kernel::export::neutralise(c).into_owned()));
    }
    Bytes::from(w.into_inner().unwrap_or_default())
}

/// `GET /portal/{slug}/{file}`, `file` being `v{n}.csv` or `v{n}.xlsx`.
pub async fn file(
    State(state): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
) -> AppResult<Response> {
    let (number, format) = file
        .strip_prefix('v')
        .and_then(|f| f.split_once('.'))
        .and_then(|(n, ext)| n.parse::<i32>().ok().map(|n| (n, ext.to_owned())))
        .ok_or(AppError::NotFound)?;
    let cat = Catalogue::load(&state, String::new())
        .await
        .map_err(|_| AppError::Internal("catalogue".into()))?;
    let entry = cat.find(&slug).ok_or(AppError::NotFound)?;
    let v = entry
        .versions
        .iter()
        .find(|v| v.number == number)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let name = format!("{}-v{}", entry.row.slug, v.number);
    match format.as_str() {
        "csv" => {
            let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
            let pool = state.pool.clone();
            tokio::task::spawn_blocking(move || {
                let Ok(mut c) = pool.get() else {
                    let _ = tx.blocking_send(Err(std::io::Error::other("no connection")));
                    return;
                };
                let mut first = true;
                let done = pages(&mut c, &v, |header, rows| {
                    let chunk = csv_chunk(first.then_some(header), &rows);
                    first = false;
                    tx.blocking_send(Ok(chunk)).is_ok()
                });
                if let Err(e) = done {
                    tracing::error!(error = %e, "download failed midway");
                    let _ = tx.blocking_send(Err(std::io::Error::other("read failed")));
                }
            });
            let stream = futures_util::stream::unfold(rx, |mut rx| async move {
                rx.recv().await.map(|c| (c, rx))
            });
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        kernel::export::content_disposition(&format!("{name}.csv")),
                    ),
                ],
                Body::from_stream(stream),
            )
                .into_response())
        }
        "xlsx" => {
            if v.row_count > MAX_XLSX_ROWS {
                return Err(AppError::Validation(vec![
                    FieldError::new("format", "portal-xlsx-too-large").arg("max", MAX_XLSX_ROWS),
                ]));
            }
            let (header, cells) = state
                .read(move |c| {
                    let (mut header, mut all) = (vec![], vec![]);
                    pages(c, &v, |h, rows| {
                        header = h.to_vec();
                        all.extend(rows);
                        true
                    })?;
                    Ok((header, all))
                })
                .await?;
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            kernel::export::download("xlsx", &name, &header, cells)
        }
        _ => Err(AppError::NotFound),
    }
}
