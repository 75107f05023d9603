//! Reading an upload into a version: every row checked against the schema (type, required,
//! unique, range, NIK/NIP/region structure), every bad row reported (the first
//! [`MAX_REPORTED`] in detail, all counted), and what changed from the version before (rows
//! added, removed and changed, matched by the first unique column, or by content when there is
//! none). CSV is read as a stream, never whole into memory; a workbook through the kernel's
//! bounded reader. The rows go to `write` in batches while the file is clean; the caller
//! makes the whole thing all-or-nothing.

use std::collections::{HashMap, HashSet};

use kernel::AppResult;
use kernel::jobs::Progress;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::regions::Check;
use crate::table::Row;
use crate::variables::{Column, HeaderError, Value, check_cell, match_header};

/// Bad rows described one by one in a report; the rest are counted.
pub const MAX_REPORTED: usize = 100;
/// Most rows a workbook may hold (a CSV is streamed and has no such bound).
pub const MAX_XLSX_ROWS: usize = 1_048_575;

/// One refused cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = DataRowError)]
pub struct RowError {
    /// The line in the file (the header is line 1).
    pub line: u64,
    /// The column's name.
    pub column: String,
    /// What is wrong: a message key (`data-cell-nik`).
    pub problem: String,
}

/// Why an upload was refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = DataIngestReport)]
pub struct Report {
    /// The file could not be read at all (not CSV/XLSX, not UTF-8, too large…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
    /// Schema columns the file lacks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_columns: Vec<String>,
    /// File columns the schema lacks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_columns: Vec<String>,
    /// How many rows were refused.
    pub bad_rows: u64,
    /// The first refused cells.
    pub errors: Vec<RowError>,
}

impl Report {
    fn header(e: HeaderError) -> Self {
        Self {
            missing_columns: e.missing,
            unknown_columns: e.unknown,
            ..Self::default()
        }
    }

    fn unreadable(why: impl Into<String>) -> Self {
        Self {
            unreadable: Some(why.into()),
            ..Self::default()
        }
    }
}

/// A clean upload: how many rows, and what changed from the version before.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loaded {
    /// Rows in the file.
    pub rows: i64,
    /// Rows not in the version before.
    pub added: i64,
    /// Rows of the version before no longer there.
    pub removed: i64,
    /// Rows whose key is kept but whose values changed.
    pub changed: i64,
}

/// The version before, as the diff needs it: each row's hash, and its key when the schema has
/// a unique column.
#[derive(Debug, Default)]
pub struct Previous {
    by_key: HashMap<String, i64>,
    by_hash: HashMap<i64, u32>,
    rows: i64,
}

impl Previous {
    /// From `(hash, key)` pairs.
    pub fn new(rows: Vec<(i64, Option<String>)>) -> Self {
        let mut p = Self {
            rows: i64::try_from(rows.len()).unwrap_or(i64::MAX),
            ..Self::default()
        };
        for (hash, key) in rows {
            match key {
                Some(k) => {
                    p.by_key.insert(k, hash);
                }
                None => *p.by_hash.entry(hash).or_default() += 1,
            }
        }
        p
    }
}

/// The first unique column: rows are matched by it between versions.
pub fn key_column(columns: &[Column]) -> Option<usize> {
    columns.iter().position(|c| c.unique)
}

/// A stable hash of a row's values (each value's kind and bytes, separated), without building
/// any text.
pub fn row_hash(values: &[Value]) -> i64 {
    let mut h = Sha256::new();
    for v in values {
        match v {
            Value::Null => h.update([0]),
            Value::Text(s) => {
                h.update([1]);
                h.update(s.as_bytes());
            }
            Value::Int(i) => {
                h.update([2]);
                h.update(i.to_le_bytes());
            }
            Value::Real(f) => {
                h.update([3]);
                h.update(f.to_bits().to_le_bytes());
            }
            Value::Bool(b) => h.update([4, u8::from(*b)]),
        }
        h.update([0x1f]);
    }
    let d = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(d.get(..8).unwrap_or(&[0; 8]));
    i64::from_le_bytes(first)
}

/// A value as a unique column remembers it (numbers without turning them into text).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Seen {
    Text(String),
    Int(i64),
    Real(u64),
    Bool(bool),
}

impl Seen {
    fn of(v: &Value) -> Option<Self> {
        match v {
            Value::Null => None,
            Value::Text(s) => Some(Seen::Text(s.clone())),
            Value::Int(i) => Some(Seen::Int(*i)),
            Value::Real(f) => Some(Seen::Real(f.to_bits())),
            Value::Bool(b) => Some(Seen::Bool(*b)),
        }
    }
}

/// Reads `bytes` (CSV or XLSX) against `columns`, handing clean rows to `write` in batches of
/// `rows_per_write`.
/// Returns what was loaded, or the report of everything wrong (then `write` may have seen some
/// rows, which the caller throws away).
pub fn load(
    bytes: &[u8],
    columns: &[Column],
    regions: Check<'_>,
    previous: Option<Previous>,
    progress: &Progress,
    rows_per_write: usize,
    mut write: impl FnMut(&[Row]) -> AppResult<()>,
) -> AppResult<Result<Loaded, Report>> {
    let mut check = Checking::new(columns, regions, previous, rows_per_write);
    // Unique columns remember every value: room for a row per line from the start.
    let lines = bytes.iter().filter(|b| **b == b'\n').count();
    for seen in check.seen.iter_mut().flatten() {
        seen.reserve(lines);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let table = match kernel::export::read_table(bytes, MAX_XLSX_ROWS) {
            Ok(t) => t,
            Err(e) => return Ok(Err(Report::unreadable(e.to_string()))),
        };
        let positions = match match_header(columns, &table.header) {
            Ok(p) => p,
            Err(e) => return Ok(Err(Report::header(e))),
        };
        for (line, cells) in &table.rows {
            let cell = |p: usize| cells.get(p).map_or("", String::as_str);
            check.row(line_u64(*line), &positions, cell, &mut write, progress)?;
        }
    } else {
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let first = text.split(|b| *b == b'\n').next().unwrap_or_default();
        let count = |c: u8| first.iter().filter(|b| **b == c).count();
        let delimiter = if count(b';') > count(b',') {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text);
        let mut record = csv::StringRecord::new();
        let header = match reader.read_record(&mut record) {
            Ok(true) => record
                .iter()
                .map(|h| h.trim().to_owned())
                .collect::<Vec<_>>(),
            Ok(false) => return Ok(Err(Report::unreadable("empty"))),
            Err(e) => return Ok(Err(Report::unreadable(csv_problem(&e)))),
        };
        let positions = match match_header(columns, &header) {
            Ok(p) => p,
            Err(e) => return Ok(Err(Report::header(e))),
        };
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Ok(Err(Report::unreadable(csv_problem(&e)))),
            }
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let line = record.position().map_or(0, csv::Position::line);
            let rec = &record;
            let cell = |p: usize| rec.get(p).unwrap_or("");
            check.row(line, &positions, cell, &mut write, progress)?;
        }
    }
    check.finish(&mut write, progress)
}

fn line_u64(line: usize) -> u64 {
    u64::try_from(line).unwrap_or(u64::MAX)
}

fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not UTF-8".to_owned(),
        _ => e.to_string(),
    }
}

/// The state of a check running over the rows.
struct Checking<'a> {
    columns: &'a [Column],
    regions: Check<'a>,
    seen: Vec<Option<HashSet<Seen>>>,
    key: Option<usize>,
    previous: Option<Previous>,
    matched: i64,
    loaded: Loaded,
    report: Report,
    batch: Vec<Row>,
    batch_size: usize,
}

impl<'a> Checking<'a> {
    fn new(
        columns: &'a [Column],
        regions: Check<'a>,
        previous: Option<Previous>,
        batch_size: usize,
    ) -> Self {
        Self {
            columns,
            regions,
            seen: columns
                .iter()
                .map(|c| c.unique.then(HashSet::new))
                .collect(),
            key: key_column(columns),
            previous,
            matched: 0,
            loaded: Loaded::default(),
            report: Report::default(),
            batch: vec![],
            batch_size: batch_size.max(1),
        }
    }

    fn row<'c>(
        &mut self,
        line: u64,
        positions: &[usize],
        cell: impl Fn(usize) -> &'c str,
        write: &mut impl FnMut(&[Row]) -> AppResult<()>,
        progress: &Progress,
    ) -> AppResult<()> {
        let mut values = Vec::with_capacity(self.columns.len());
        let mut bad = false;
        for ((column, position), seen) in self.columns.iter().zip(positions).zip(&mut self.seen) {
            let raw = cell(*position);
            // Only a cell an export neutralised starts with `'`: the rest are read as they are.
            let checked = if raw.starts_with('\'') {
                check_cell(
                    column,
                    &kernel::export::unneutralise(raw.to_owned()),
                    self.regions,
                )
            } else {
                check_cell(column, raw, self.regions)
            };
            let checked = match (checked, seen) {
                (Ok(v), Some(seen)) if v != Value::Null => {
                    if Seen::of(&v).is_none_or(|k| seen.insert(k)) {
                        Ok(v)
                    } else {
                        Err(crate::variables::CellError("data-cell-duplicate"))
                    }
                }
                (other, _) => other,
            };
            match checked {
                Ok(v) => values.push(v),
                Err(e) => {
                    bad = true;
                    if self.report.errors.len() < MAX_REPORTED {
                        self.report.errors.push(RowError {
                            line,
                            column: column.name.clone(),
                            problem: e.0.to_owned(),
                        });
                    }
                    values.push(Value::Null);
                }
            }
        }
        self.loaded.rows += 1;
        if bad {
            self.report.bad_rows += 1;
            return Ok(());
        }
        let hash = row_hash(&values);
        if let Some(prev) = &mut self.previous {
            match self.key.and_then(|k| values.get(k)) {
                Some(key) => match prev.by_key.get(&key.canonical()) {
                    None => self.loaded.added += 1,
                    Some(h) => {
                        self.matched += 1;
                        if *h != hash {
                            self.loaded.changed += 1;
                        }
                    }
                },
                None => match prev.by_hash.get_mut(&hash) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        self.matched += 1;
                    }
                    _ => self.loaded.added += 1,
                },
            }
        }
        if self.report.bad_rows == 0 {
            self.batch.push(Row {
                row: self.loaded.rows,
                hash,
                values,
            });
            if self.batch.len() >= self.batch_size {
                write(&self.batch)?;
                progress.advance(self.batch.len());
                self.batch.clear();
            }
        }
        Ok(())
    }

    fn finish(
        mut self,
        write: &mut impl FnMut(&[Row]) -> AppResult<()>,
        progress: &Progress,
    ) -> AppResult<Result<Loaded, Report>> {
        if self.report.bad_rows > 0 {
            return Ok(Err(self.report));
        }
        if self.loaded.rows == 0 {
            return Ok(Err(Report::unreadable("no rows")));
        }
        write(&self.batch)?;
        progress.advance(self.batch.len());
        match &self.previous {
            Some(prev) => self.loaded.removed = prev.rows - self.matched,
            None => self.loaded.added = self.loaded.rows,
        }
        Ok(Ok(self.loaded))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regions::Added;
    use crate::variables::{ColumnDraft, validate_columns};

    fn schema() -> Vec<Column> {
        validate_columns(&[
            ColumnDraft {
                name: "kode".into(),
                kind: "region_code".into(),
                required: true,
                unique: true,
                ..Default::default()
            },
            ColumnDraft {
                name: "kecamatan".into(),
                kind: "text".into(),
                required: true,
                ..Default::default()
            },
            ColumnDraft {
                name: "penduduk".into(),
                kind: "integer".into(),
                min: "0".into(),
                ..Default::default()
            },
        ])
        .unwrap()
    }

    fn run(csv: &str, previous: Option<Previous>) -> (Result<Loaded, Report>, Vec<Row>) {
        let mut written = vec![];
        let out = load(
            csv.as_bytes(),
            &schema(),
            Check::Listed(&Added::new()),
            previous,
            &Progress::default(),
            1000,
            |rows| {
                written.extend_from_slice(rows);
                Ok(())
            },
        )
        .unwrap();
        (out, written)
    }

    #[test]
    fn a_clean_file_loads_every_row_in_order() {
        let (out, rows) = run(
            "Kode;Kecamatan;Penduduk\n64.08.01;Sangatta Utara;1.234\n\n64.08.02;Sangatta Selatan;\n",
            None,
        );
        let loaded = out.unwrap();
        assert_eq!(loaded.rows, 2);
        assert_eq!(loaded.added, 2);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].values[2], Value::Int(1234));
        assert_eq!(rows[1].values[2], Value::Null);
        assert_eq!(rows[1].row, 2);
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_nothing_is_kept() {
        let (out, _) = run(
            "kode,kecamatan,penduduk\n64.08.01,A,10\n99.01,B,-5\n64.08.01,,x\n64.08.03,D,7\n",
            None,
        );
        let report = out.unwrap_err();
        assert_eq!(report.bad_rows, 2);
        let found: Vec<(u64, &str, &str)> = report
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_str(), e.problem.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (3, "kode", "data-cell-region"),
                (3, "penduduk", "data-cell-below"),
                (4, "kode", "data-cell-duplicate"),
                (4, "kecamatan", "data-cell-required"),
                (4, "penduduk", "data-cell-integer"),
            ]
        );
    }

    #[test]
    fn a_wrong_header_names_what_is_missing_and_unknown() {
        let (out, _) = run("kode,nama,penduduk\n64.08.01,A,1\n", None);
        let r = out.unwrap_err();
        assert_eq!(r.missing_columns, ["kecamatan"]);
        assert_eq!(r.unknown_columns, ["nama"]);
        let (out, _) = run("", None);
        assert_eq!(out.unwrap_err().unreadable.as_deref(), Some("empty"));
        let (out, _) = run("kode,kecamatan,penduduk\n", None);
        assert_eq!(out.unwrap_err().unreadable.as_deref(), Some("no rows"));
    }

    #[test]
    fn the_next_version_counts_added_removed_and_changed_rows_by_key() {
        let (first, rows) = run(
            "kode,kecamatan,penduduk\n64.08.01,A,10\n64.08.02,B,20\n64.08.03,C,30\n",
            None,
        );
        assert_eq!(first.unwrap().added, 3);
        let prev = Previous::new(
            rows.iter()
                .map(|r| (r.hash, Some(r.values[0].canonical())))
                .collect(),
        );
        let (second, _) = run(
            "kode,kecamatan,penduduk\n64.08.01,A,10\n64.08.02,B,25\n64.08.04,D,40\n64.08.05,E,50\n",
            Some(prev),
        );
        let l = second.unwrap();
        assert_eq!((l.rows, l.added, l.removed, l.changed), (4, 2, 1, 1));
    }

    #[test]
    fn without_a_key_rows_are_matched_by_content() {
        let prev = Previous::new(vec![
            (row_hash(&[Value::Int(1)]), None),
            (row_hash(&[Value::Int(1)]), None),
            (row_hash(&[Value::Int(2)]), None),
        ]);
        let cols = validate_columns(&[ColumnDraft {
            name: "n".into(),
            kind: "integer".into(),
            ..Default::default()
        }])
        .unwrap();
        let out = load(
            b"n\n1\n3\n",
            &cols,
            Check::Shape,
            Some(prev),
            &Progress::default(),
            1000,
            |_| Ok(()),
        )
        .unwrap()
        .unwrap();
        assert_eq!((out.added, out.removed, out.changed), (1, 2, 0));
    }
}
