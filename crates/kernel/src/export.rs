//! Lists leave as files: every list page offers its filtered rows as CSV or XLSX, with the
//! same columns an import reads back.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::{AppError, AppResult};

/// The export formats a list offers.
pub const FORMATS: [&str; 2] = ["csv", "xlsx"];

/// `attachment` with an ASCII `filename` for old clients and the exact name as RFC 6266's
/// `filename*` (UTF-8, percent-encoded), so "Daftar Perangkat – Dinkes.csv" survives.
pub fn content_disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

fn attachment(filename: &str, content_type: &str, body: Vec<u8>) -> Response {
    let disposition = content_disposition(filename);
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

/// A cell as [`neutralise`] found it: an import takes the leading `'` off again.
pub fn unneutralise(cell: String) -> String {
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

/// One column of an import's template, as its page lists it.
#[derive(Debug, Clone)]
pub struct TemplateColumn {
    /// The header an import reads.
    pub name: &'static str,
    /// What it holds, in the reader's language.
    pub label: String,
    /// Whether every row must fill it.
    pub required: bool,
    /// The values it takes when it is a closed set: each code and what it means.
    pub allowed: Vec<(String, String)>,
}

/// A box to tick as a spreadsheet cell says it: "ya"/"tidak" as the template offers them,
/// and what exports and other tools write ("true", "1", "yes"…). Anything else is `None`, never
/// quietly "no".
pub fn yes_no(cell: &str) -> Option<bool> {
    match cell.trim().to_lowercase().as_str() {
        "ya" | "yes" | "y" | "true" | "1" | "on" => Some(true),
        "tidak" | "no" | "n" | "false" | "0" | "off" | "" => Some(false),
        _ => None,
    }
}

/// The values a template offers for a box to tick, in the reader's language.
pub fn yes_no_choices(tr: crate::i18n::Tr) -> Vec<(String, String)> {
    vec![
        (tr.t("import-yes"), String::new()),
        (tr.t("import-no"), String::new()),
    ]
}

/// Rows of a template that carry its drop-downs and prompts.
const TEMPLATE_ROWS: u32 = 10_000;

/// `text` cut to `max` characters (Excel refuses longer prompts).
fn at_most(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// An empty workbook an import accepts as it is: the header row, every column prompting what
/// it holds when its cell is chosen, closed sets as drop-downs that refuse other values (their
/// codes on a second sheet, with what each means), and a third sheet listing every column.
pub fn template_xlsx(columns: &[TemplateColumn], tr: crate::i18n::Tr) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{DataValidation, DataValidationErrorStyle, Format, Formula, Workbook};
    let internal = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let choices_name = at_most(&tr.t("import-template-choices"), 31);
    let mut data = rust_xlsxwriter::Worksheet::new();
    data.set_name(at_most(&tr.t("import-template-data"), 31))
        .map_err(internal)?;
    let mut choices = rust_xlsxwriter::Worksheet::new();
    choices.set_name(&choices_name).map_err(internal)?;
    let mut guide = rust_xlsxwriter::Worksheet::new();
    guide
        .set_name(at_most(&tr.t("import-template-guide"), 31))
        .map_err(internal)?;
    for (col, (title, width)) in (0u16..).zip([
        (tr.t("import-template-column"), 22.0),
        (tr.t("import-template-required"), 10.0),
        (tr.t("import-template-meaning"), 40.0),
        (tr.t("import-template-allowed"), 60.0),
    ]) {
        guide
            .write_string_with_format(0, col, title, &bold)
            .map_err(internal)?;
        guide.set_column_width(col, width).map_err(internal)?;
    }
    let mut choice_col = 0u16;
    for (col, c) in (0u16..).zip(columns) {
        data.write_string_with_format(0, col, c.name, &bold)
            .map_err(internal)?;
        data.set_column_width(col, (c.name.len() + 4).max(14) as f64)
            .map_err(internal)?;
        let row = u32::from(col) + 1;
        guide.write_string(row, 0, c.name).map_err(internal)?;
        let (required, prompt) = if c.required {
            (
                tr.t("import-yes"),
                format!("{} {}", tr.t("import-template-must"), c.label),
            )
        } else {
            (String::new(), c.label.clone())
        };
        guide.write_string(row, 1, required).map_err(internal)?;
        guide.write_string(row, 2, &c.label).map_err(internal)?;
        let rule = if c.allowed.is_empty() {
            DataValidation::new().allow_any_value()
        } else {
            let listed: Vec<String> = c
                .allowed
                .iter()
                .map(|(code, meaning)| {
                    if meaning.is_empty() {
                        code.clone()
                    } else {
                        format!("{code} — {meaning}")
                    }
                })
                .collect();
            guide
                .write_string(row, 3, listed.join("; "))
                .map_err(internal)?;
            choices
                .write_string_with_format(0, choice_col, c.name, &bold)
                .map_err(internal)?;
            for (r, (code, _)) in (1u32..).zip(&c.allowed) {
                choices
                    .write_string(r, choice_col, code)
                    .map_err(internal)?;
            }
            let letter = rust_xlsxwriter::utility::column_number_to_name(choice_col);
            let range = format!(
                "='{choices_name}'!${letter}$2:${letter}${}",
                c.allowed.len() + 1
            );
            choice_col += 1;
            DataValidation::new()
                .allow_list_formula(Formula::new(range))
                .set_error_style(DataValidationErrorStyle::Stop)
                .set_error_title(at_most(&tr.t("import-template-refused"), 32))
                .map_err(internal)?
                .set_error_message(at_most(&listed.join("; "), 255))
                .map_err(internal)?
        };
        let rule = rule
            .set_input_title(at_most(c.name, 32))
            .map_err(internal)?
            .set_input_message(at_most(&prompt, 255))
            .map_err(internal)?;
        data.add_data_validation(1, col, TEMPLATE_ROWS, col, &rule)
            .map_err(internal)?;
    }
    data.set_freeze_panes(1, 0).map_err(internal)?;
    book.push_worksheet(data);
    book.push_worksheet(choices);
    book.push_worksheet(guide);
    book.save_to_buffer().map_err(internal)
}

/// A template from [`template_xlsx`] as a download named `stem`.xlsx.
pub fn template_download(
    stem: &str,
    columns: &[TemplateColumn],
    tr: crate::i18n::Tr,
) -> AppResult<Response> {
    Ok(attachment(
        &format!("{stem}.xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        template_xlsx(columns, tr)?,
    ))
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

crate::text_enum! {
    /// What an import does with a row whose record is already recorded: one its agency has
    /// under the same natural key (a NIP, a serial number, a host name, an application's
    /// name).
    pub enum Existing {
        /// Refuse the file, naming each such line (the default of the API).
        Refuse = "refuse",
        /// Update the recorded one with the row.
        Update = "update",
        /// Leave the recorded one as it is.
        Skip = "skip",
    }
}

#[expect(
    clippy::derivable_impls,
    reason = "text_enum! declares the enum; its variants take no #[default]"
)]
impl Default for Existing {
    fn default() -> Self {
        Existing::Refuse
    }
}

impl Existing {
    /// Reads an import request's `?existing=`: absent means refuse; any other value than
    /// the three is refused by name.
    pub fn of_query(text: Option<&str>) -> AppResult<Self> {
        match text {
            None | Some("") => Ok(Existing::Refuse),
            Some(text) => Existing::parse(text).ok_or_else(|| {
                AppError::BadRequest(
                    crate::FieldError::new("existing", "error-choice")
                        .arg("choices", <Existing as crate::ids::Choice>::names()),
                )
            }),
        }
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

/// Most data rows an imported file may hold, unless the setting `SIMPUL_IMPORT_MAX_ROWS` says
/// otherwise.
pub const IMPORT_MAX_ROWS: usize = 100_000;
/// Most columns an imported file may use.
pub const IMPORT_MAX_COLUMNS: usize = 100;
/// Most bytes an uploaded workbook may unpack to, all its parts together.
pub const IMPORT_MAX_UNPACKED: u64 = 64 * 1024 * 1024;
/// Most parts a workbook may have (a real one has a dozen or two).
const IMPORT_MAX_PARTS: usize = 1_000;

fn too_large(max_rows: usize) -> AppError {
    AppError::Validation(vec![
        crate::error::FieldError::new("file", "error-import-too-large")
            .arg("rows", max_rows)
            .arg("columns", IMPORT_MAX_COLUMNS)
            .arg("mb", IMPORT_MAX_UNPACKED / (1024 * 1024)),
    ])
}

fn unreadable(detail: String) -> AppError {
    AppError::BadRequest(
        crate::error::FieldError::new("file", "error-import-file").arg("detail", detail),
    )
}

/// Whether the archive unpacks within [`IMPORT_MAX_UNPACKED`]: every part is inflated into
/// nothing, counting, and the count stops at the limit — the sizes an archive declares can lie.
fn check_archive(bytes: &[u8], max_rows: usize) -> AppResult<()> {
    use std::io::Read;
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
    if zip.len() > IMPORT_MAX_PARTS {
        return Err(too_large(max_rows));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|e| unreadable(e.to_string()))?;
        let left = IMPORT_MAX_UNPACKED - total;
        let n = std::io::copy(&mut part.take(left + 1), &mut std::io::sink())
            .map_err(|e| unreadable(e.to_string()))?;
        total += n;
        if total > IMPORT_MAX_UNPACKED {
            return Err(too_large(max_rows));
        }
    }
    Ok(())
}

/// The first sheet's cells as rows, read cell by cell: a cell beyond the row or column limit
/// stops the reading (a sheet's declared range is never allocated).
fn xlsx_rows(bytes: &[u8], max_rows: usize) -> AppResult<Vec<(usize, Vec<String>)>> {
    use calamine::{Data, Reader, Xlsx};
    check_archive(bytes, max_rows)?;
    let mut book: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| unreadable("no sheet".into()))?;
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|e| unreadable(e.to_string()))?;
    let mut rows: std::collections::BTreeMap<u32, Vec<(usize, String)>> = Default::default();
    let mut width = 0;
    while let Some(cell) = cells.next_cell().map_err(|e| unreadable(e.to_string()))? {
        let (row, col) = cell.get_position();
        let col = usize::try_from(col).unwrap_or(usize::MAX);
        let text = cell_text(&Data::from(cell.get_value().clone()));
        // Formatted but empty cells far away are common and harmless (the unpacked size
        // bounds how many there can be); a value beyond the limits is not. Row 0 is the header.
        if text.is_empty() {
            continue;
        }
        if col >= IMPORT_MAX_COLUMNS || usize::try_from(row).map_or(true, |r| r > max_rows) {
            return Err(too_large(max_rows));
        }
        width = width.max(col + 1);
        rows.entry(row).or_default().push((col, text));
    }
    Ok(rows
        .into_iter()
        .map(|(row, cells)| {
            let mut line = vec![String::new(); width];
            for (col, text) in cells {
                if let Some(slot) = line.get_mut(col) {
                    *slot = text;
                }
            }
            (row as usize + 1, line)
        })
        .collect())
}

/// Reads a CSV (UTF-8, comma or semicolon separated — Indonesian Excel writes semicolons) or
/// the first sheet of an XLSX workbook, told apart by their first bytes. Bounded: at most
/// `max_rows` rows (the setting; [`IMPORT_MAX_ROWS`] by default) of [`IMPORT_MAX_COLUMNS`] columns, and a workbook unpacking to at
/// most [`IMPORT_MAX_UNPACKED`] bytes; past that, a 422 that says the limits. CPU-bound: call it
/// through [`parse_upload`] from a request.
pub fn read_table(bytes: &[u8], max_rows: usize) -> AppResult<Table> {
    let bad = unreadable;
    // (line, cells): lines as the spreadsheet or text editor numbers them.
    let mut rows: Vec<(usize, Vec<String>)> = if bytes.starts_with(b"PK\x03\x04") {
        xlsx_rows(bytes, max_rows)?
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
        // Lines are counted from the last record on, never from the start (which made a
        // 100,000-row file quadratic).
        let (bytes, mut seen, mut newlines) = (text.as_bytes(), 0usize, 0usize);
        for rec in r.records() {
            let rec = rec.map_err(|e| bad(e.to_string()))?;
            if out.len() > max_rows || rec.len() > IMPORT_MAX_COLUMNS {
                return Err(too_large(max_rows));
            }
            // A record's position can point at blank lines before it; count past them.
            let line = rec
                .position()
                .and_then(|p| usize::try_from(p.byte()).ok())
                .map_or(out.len() + 1, |b| {
                    let b = b.clamp(seen, bytes.len());
                    newlines += bytes
                        .get(seen..b)
                        .map_or(0, |s| s.iter().filter(|c| **c == b'\n').count());
                    seen = b;
                    let blank = bytes
                        .get(b..)
                        .unwrap_or_default()
                        .iter()
                        .take_while(|c| matches!(c, b'\r' | b'\n'))
                        .filter(|c| **c == b'\n')
                        .count();
                    newlines + blank + 1
                });
            out.push((
                line,
                rec.iter().map(|c| unneutralise(c.to_owned())).collect(),
            ));
        }
        out
    };
    if let Some((line, _)) = rows
        .iter()
        .find(|(_, cells)| cells.iter().any(|c| crate::validate::has_control(c)))
    {
        return Err(crate::validate::control_error(format!("line {line}")));
    }
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

/// Parsing uploads is CPU work: it runs on the blocking pool, a few at a time (one per core), so
/// a burst of large files queues instead of starving every other request.
static PARSERS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, usize::from))
});

/// Runs `parse` (reading an upload, or fetching a stored one and reading it) off the request
/// threads, at most one per core at a time.
pub async fn parse_upload<T: Send + 'static>(
    parse: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let _permit = PARSERS
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(parse)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
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
    fn file_names_survive_in_both_forms() {
        assert_eq!(
            content_disposition("Perangkat – Dinkes \"A\".csv"),
            "attachment; filename=\"Perangkat _ Dinkes _A_.csv\"; filename*=UTF-8''Perangkat%20%E2%80%93%20Dinkes%20%22A%22.csv"
        );
    }

    fn refused_as_too_large(r: AppResult<Table>) -> bool {
        matches!(r, Err(AppError::Validation(e)) if e.first().is_some_and(|e| e.key == "error-import-too-large"))
    }

    /// A workbook with a header and one value at (row, col).
    fn sparse_workbook(row: u32, col: u16) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "name").unwrap();
        sheet.write_string(row, col, "x").unwrap();
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn a_tiny_workbook_naming_the_last_cell_is_refused_without_allocating_the_sheet() {
        let bomb = sparse_workbook(1_048_575, 16_383);
        assert!(bomb.len() < 10_000, "{} bytes", bomb.len());
        let started = std::time::Instant::now();
        assert!(refused_as_too_large(read_table(&bomb, IMPORT_MAX_ROWS)));
        assert!(started.elapsed().as_secs() < 2);
        assert!(refused_as_too_large(read_table(
            &sparse_workbook(5, 100),
            IMPORT_MAX_ROWS
        )));
        assert!(refused_as_too_large(read_table(
            &sparse_workbook(100_001, 0),
            IMPORT_MAX_ROWS
        )));
        // Within the limits, far-apart cells read as rows of the used width.
        let t = read_table(&sparse_workbook(99_999, 3), IMPORT_MAX_ROWS).unwrap();
        assert_eq!(
            t.rows,
            [(
                100_000,
                vec![String::new(), String::new(), String::new(), "x".into()]
            )]
        );
    }

    #[test]
    fn a_zip_bomb_is_refused_after_unpacking_no_more_than_the_limit() {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let deflate = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/worksheets/sheet1.xml", deflate).unwrap();
        let spaces = vec![b' '; 1024 * 1024];
        for _ in 0..65 {
            zip.write_all(&spaces).unwrap();
        }
        let bomb = zip.finish().unwrap().into_inner();
        assert!(bomb.len() < 1_000_000, "{} bytes", bomb.len());
        assert!(refused_as_too_large(read_table(&bomb, IMPORT_MAX_ROWS)));
    }

    #[test]
    fn a_csv_past_the_limits_is_refused() {
        let wide = format!("{}\n", vec!["a"; IMPORT_MAX_COLUMNS + 1].join(","));
        assert!(refused_as_too_large(read_table(
            wide.as_bytes(),
            IMPORT_MAX_ROWS
        )));
        let long = format!("name\n{}", "x\n".repeat(IMPORT_MAX_ROWS + 1));
        assert!(refused_as_too_large(read_table(
            long.as_bytes(),
            IMPORT_MAX_ROWS
        )));
        let fits = format!("name\n{}", "x\n".repeat(IMPORT_MAX_ROWS));
        assert_eq!(
            read_table(fits.as_bytes(), IMPORT_MAX_ROWS)
                .unwrap()
                .rows
                .len(),
            IMPORT_MAX_ROWS
        );
    }

    #[test]
    fn an_export_reads_back_as_the_same_table() {
        let rows = vec![
            vec!["0012", "Dinas Kesehatan"],
            vec!["", "Bappeda; Litbang"],
        ];
        let xlsx = xlsx_bytes(&["code", "name"], rows.clone()).unwrap();
        let t = read_table(&xlsx, IMPORT_MAX_ROWS).unwrap();
        assert_eq!(t.header, ["code", "name"]);
        assert_eq!(
            t.rows[0],
            (2, vec!["0012".to_owned(), "Dinas Kesehatan".to_owned()])
        );
        assert_eq!(t.rows[1].1[1], "Bappeda; Litbang");
        let csv = read_table(
            "\u{feff}code;name\n0012;Dinas\n;;\n\n7;X\n".as_bytes(),
            IMPORT_MAX_ROWS,
        )
        .unwrap();
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
        let t = read_table(body.as_bytes(), IMPORT_MAX_ROWS).unwrap();
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
        assert!(matches!(
            read_table(b"", IMPORT_MAX_ROWS),
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            read_table(b"PK\x03\x04garbage", IMPORT_MAX_ROWS),
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            read_table(&[0xff, 0xfe, 0x00], IMPORT_MAX_ROWS),
            Err(AppError::BadRequest(_))
        ));
    }
}
