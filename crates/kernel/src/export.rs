//! Lists leave as files: every list page offers its filtered rows as CSV.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::{AppError, AppResult};

/// A CSV download named `filename`, with a header row and the given rows.
pub fn csv_download<R, F>(filename: &str, columns: &[&str], rows: R) -> AppResult<Response>
where
    R: IntoIterator<Item = Vec<F>>,
    F: AsRef<[u8]>,
{
    let internal = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(columns).map_err(internal)?;
    for row in rows {
        w.write_record(row).map_err(internal)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        filename.replace(['"', '\\'], "")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
