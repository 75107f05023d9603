//! Lists leave as files: every list page offers its filtered rows as CSV or XLSX, with the
//! same columns an import reads back.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::{AppError, AppResult};

/// The export formats a list offers.
pub const FORMATS: [&str; 2] = ["csv", "xlsx"];

fn attachment(filename: &str, content_type: &str, body: Vec<u8>) -> Response {
    let disposition = format!(
        "attachment; filename=\"{}\"",
        filename.replace(['"', '\\'], "")
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// The characters that make a spreadsheet read a cell as a formula (OWASP's list).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell a spreadsheet would run as a formula (`=cmd|' /C calc'!A0`) gets a leading `'`, which
/// spreadsheets show as text; [`read_table`] takes it off again, so an export imports back
/// unchanged.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_START) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn unneutralise(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest.to_owned(),
        _ => cell,
    }
}

/// A CSV download named `filename`, with a header row and the given rows (formula cells
/// neutralised).
pub fn csv_download<R, F>(filename: &str, columns: &[&str], rows: R) -> AppResult<Response>
where
    R: IntoIterator<Item = Vec<F>>,
    F: AsRef<str>,
{
    let internal = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(columns).map_err(internal)?;
    for row in rows {
        w.write_record(row.iter().map(|c| neutralise(c.as_ref()).into_owned()))
            .map_err(internal)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    Ok(attachment(filename, "text/csv; charset=utf-8", body))
}

/// The rows as an XLSX workbook: one sheet, a bold frozen header row, every cell text (so
/// codes like `0012` and NIPs keep their leading zeros in a spreadsheet).
pub fn xlsx_bytes<R, F>(columns: &[&str], rows: R) -> AppResult<Vec<u8>>
where
    R: IntoIterator<Item = Vec<F>>,
    F: AsRef<str>,
{
    use rust_xlsxwriter::{Format, Workbook};
    let internal = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    for (col, name) in (0u16..).zip(columns) {
        sheet
            .write_string_with_format(0, col, *name, &bold)
            .map_err(internal)?;
    }
    for (row, cells) in (1u32..).zip(rows) {
        for (col, value) in (0u16..).zip(cells) {
            let v = value.as_ref();
            if !v.is_empty() {
                sheet.write_string(row, col, v).map_err(internal)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(internal)?;
    book.save_to_buffer().map_err(internal)
}

/// The rows as `format` (`csv` or `xlsx`), named `stem` plus the extension.
pub fn download<R, F>(format: &str, stem: &str, columns: &[&str], rows: R) -> AppResult<Response>
where
    R: IntoIterator<Item = Vec<F>>,
    F: AsRef<str>,
{
    match format {
        "csv" => csv_download(&format!("{stem}.csv"), columns, rows),
        "xlsx" => Ok(attachment(
            &format!("{stem}.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx_bytes(columns, rows)?,
        )),
        _ => Err(AppError::BadRequest(
            crate::error::FieldError::new("format", "error-choice")
                .arg("choices", FORMATS.join(", ")),
        )),
    }
}

/// A table read from an uploaded CSV or XLSX file: the header and each non-empty row with its
/// line number as the person sees it in their spreadsheet (the header is line 1).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Column names, trimmed.
    pub header: Vec<String>,
    /// `(line, cells)`.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Reads a CSV (UTF-8, comma or semicolon separated — Indonesian Excel writes semicolons) or
/// the first sheet of an XLSX workbook, told apart by their first bytes.
pub fn read_table(bytes: &[u8]) -> AppResult<Table> {
    let bad = |detail: String| {
        AppError::BadRequest(
            crate::error::FieldError::new("file", "error-import-file").arg("detail", detail),
        )
    };
    // (line, cells): lines as the spreadsheet or text editor numbers them.
    let mut rows: Vec<(usize, Vec<String>)> = if bytes.starts_with(b"PK\x03\x04") {
        use calamine::{Reader, Xlsx};
        let mut book: Xlsx<_> =
            Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
        let range = book
            .worksheet_range_at(0)
            .ok_or_else(|| bad("no sheet".into()))?
            .map_err(|e| bad(e.to_string()))?;
        let first = range.start().map_or(0, |(r, _)| r as usize);
        (first + 1..)
            .zip(range.rows().map(|r| r.iter().map(cell_text).collect()))
            .collect()
    } else {
        let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
            .map_err(|_| bad("not UTF-8".into()))?;
        let first = text.lines().next().unwrap_or("");
        let delimiter = if first.matches(';').count() > first.matches(',').count() {
            b';'
        } else {
            b','
        };
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let mut out = vec![];
        for rec in r.records() {
            let rec = rec.map_err(|e| bad(e.to_string()))?;
            // A record's position can point at blank lines before it; count past them.
            let line = rec
                .position()
                .and_then(|p| usize::try_from(p.byte()).ok())
                .map_or(out.len() + 1, |b| {
                    let bytes = text.as_bytes();
                    let (before, after) = bytes.split_at(b.min(bytes.len()));
                    let blank = after
                        .iter()
                        .take_while(|c| matches!(c, b'\r' | b'\n'))
                        .filter(|c| **c == b'\n')
                        .count();
                    before.iter().filter(|c| **c == b'\n').count() + blank + 1
                });
            out.push((
                line,
                rec.iter().map(|c| unneutralise(c.to_owned())).collect(),
            ));
        }
        out
    };
    if rows.is_empty() {
        return Err(bad("empty".into()));
    }
    let header = rows
        .remove(0)
        .1
        .into_iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let rows = rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .collect();
    Ok(Table { header, rows })
}

/// A spreadsheet cell as the text a person typed: whole numbers without `.0`, dates as
/// `YYYY-MM-DD`.
fn cell_text(c: &calamine::Data) -> String {
    use calamine::{Data, DataType};
    match c {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::DateTime(_) | Data::DateTimeIso(_) => c
            .as_date()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| c.to_string()),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_reads_back_as_the_same_table() {
        let rows = vec![
            vec!["0012", "Dinas Kesehatan"],
            vec!["", "Bappeda; Litbang"],
        ];
        let xlsx = xlsx_bytes(&["code", "name"], rows.clone()).unwrap();
        let t = read_table(&xlsx).unwrap();
        assert_eq!(t.header, ["code", "name"]);
        assert_eq!(
            t.rows[0],
            (2, vec!["0012".to_owned(), "Dinas Kesehatan".to_owned()])
        );
        assert_eq!(t.rows[1].1[1], "Bappeda; Litbang");
        let csv = read_table("\u{feff}code;name\n0012;Dinas\n;;\n\n7;X\n".as_bytes()).unwrap();
        assert_eq!(
            csv.rows,
            [
                (2, vec!["0012".into(), "Dinas".into()]),
                (5, vec!["7".into(), "X".into()])
            ]
        );
    }

    #[test]
    fn formula_cells_leave_as_text_and_come_back_unchanged() {
        for cell in [
            "=cmd|' /C calc'!A0",
            "+62 812",
            "-5",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert!(neutralise(cell).starts_with('\''), "{cell:?}");
            assert_eq!(unneutralise(neutralise(cell).into_owned()), cell);
        }
        assert_eq!(neutralise("Dinas Kesehatan"), "Dinas Kesehatan");
        assert_eq!(unneutralise("'quoted".into()), "'quoted");
        let resp = csv_download("x.csv", &["name"], [vec!["=1+1"]]).unwrap();
        let body = futures_body(resp);
        assert_eq!(body, "name\n'=1+1\n");
        let t = read_table(body.as_bytes()).unwrap();
        assert_eq!(t.rows[0].1[0], "=1+1");
    }

    fn futures_body(resp: Response) -> String {
        let bytes = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(axum::body::to_bytes(resp.into_body(), 1 << 20))
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn unreadable_files_are_refused_with_a_reason() {
        assert!(matches!(read_table(b""), Err(AppError::BadRequest(_))));
        assert!(matches!(
            read_table(b"PK\x03\x04garbage"),
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            read_table(&[0xff, 0xfe, 0x00]),
            Err(AppError::BadRequest(_))
        ));
    }
}
