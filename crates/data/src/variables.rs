//! A dataset's variables (BPS MS-Var) — the schema every upload is checked against — and the
//! check of one cell: its type, whether it is required, its range, and the structure of NIK,
//! NIP and region codes. Plain functions, tested without a database.

use chrono::{Datelike, NaiveDate};
use kernel::FieldError;

use crate::regions::Check;
use serde::{Deserialize, Serialize};

kernel::text_enum! {
    /// What a column holds.
    pub enum ColumnKind {
        /// Free text.
        Text = "text",
        /// Whole numbers.
        Integer = "integer",
        /// Numbers with decimals.
        Decimal = "decimal",
        /// Dates.
        Date = "date",
        /// Yes or no.
        Boolean = "boolean",
        /// Nomor Induk Kependudukan: 16 digits (region, birth date, serial).
        Nik = "nik",
        /// Nomor Induk Pegawai: 18 digits (birth date, appointment, sex, serial).
        Nip = "nip",
        /// A Kemendagri region code (`32.01.05`).
        RegionCode = "region_code",
    }
}

impl ColumnKind {
    /// Whether values of this kind are numbers (summed, ranged, charted).
    pub fn numeric(self) -> bool {
        matches!(self, ColumnKind::Integer | ColumnKind::Decimal)
    }

    /// Whether this kind always identifies a person (masked whatever the column says).
    pub fn personal(self) -> bool {
        matches!(self, ColumnKind::Nik | ColumnKind::Nip)
    }
}

/// Most columns a dataset may have.
pub const MAX_COLUMNS: usize = 60;

/// Most columns a schema may mark as often filtered on (each index slows every ingest).
pub const MAX_INDEXED: usize = 5;

/// One variable of a dataset, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = DataColumn)]
pub struct Column {
    /// Its name in files and the API: lower-case letters, digits and `_`.
    pub name: String,
    /// Its label for people.
    pub label: String,
    /// What it holds.
    pub kind: ColumnKind,
    /// Every row must have a value.
    pub required: bool,
    /// No two rows may have the same value (the key rows are matched by between versions).
    pub unique: bool,
    /// Smallest value allowed (numbers).
    pub min: Option<f64>,
    /// Largest value allowed (numbers).
    pub max: Option<f64>,
    /// Identifies a person (names, addresses, NIK, NIP): masked for all but the owner agency
    /// and the Wali Data, never in public output.
    pub personal: bool,
    /// MS-Var concept.
    #[serde(default)]
    pub concept: String,
    /// MS-Var definition.
    #[serde(default)]
    pub definition: String,
    /// Another name the column goes by in files (matched like the name).
    #[serde(default)]
    pub alias: String,
    /// Often filtered on: each version gets an index on it, so a first filter is a seek
    /// instead of a scan of every row (at some cost to ingest time, hence a choice).
    #[serde(default)]
    pub indexed: bool,
}

impl Column {
    /// Whether the column is masked for those outside the owner agency.
    pub fn masked(&self) -> bool {
        self.personal || self.kind.personal()
    }
}

/// A column as typed in the schema form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnDraft {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Label (the name when blank).
    #[serde(default)]
    pub label: String,
    /// `text`, `integer`, `decimal`, `date`, `boolean`, `nik`, `nip` or `region_code`.
    #[serde(default)]
    pub kind: String,
    /// Required.
    #[serde(default)]
    pub required: bool,
    /// Unique.
    #[serde(default)]
    pub unique: bool,
    /// Smallest value, as typed.
    #[serde(default)]
    pub min: String,
    /// Largest value, as typed.
    #[serde(default)]
    pub max: String,
    /// Personal data.
    #[serde(default)]
    pub personal: bool,
    /// Concept.
    #[serde(default)]
    pub concept: String,
    /// Definition.
    #[serde(default)]
    pub definition: String,
    /// Alias.
    #[serde(default)]
    pub alias: String,
    /// Often filtered on (indexed in each version).
    #[serde(default)]
    pub indexed: bool,
}

impl From<&Column> for ColumnDraft {
    fn from(c: &Column) -> Self {
        let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        Self {
            name: c.name.clone(),
            label: c.label.clone(),
            kind: c.kind.as_str().to_owned(),
            required: c.required,
            unique: c.unique,
            min: num(c.min),
            max: num(c.max),
            personal: c.personal,
            concept: c.concept.clone(),
            definition: c.definition.clone(),
            alias: c.alias.clone(),
            indexed: c.indexed,
        }
    }
}

/// Whether `name` may name a column.
pub fn valid_name(name: &str) -> bool {
    let mut b = name.bytes();
    (1..=63).contains(&name.len())
        && b.next().is_some_and(|c| c.is_ascii_lowercase())
        && b.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
}

/// Checks a whole schema; errors name the column by position (`columns[2].name`).
pub fn validate_columns(drafts: &[ColumnDraft]) -> Result<Vec<Column>, Vec<FieldError>> {
    let mut errors = vec![];
    if drafts.is_empty() {
        errors.push(FieldError::new("columns", "data-error-no-columns"));
    }
    if drafts.len() > MAX_COLUMNS {
        errors.push(
            FieldError::new("columns", "data-error-too-many-columns").arg("max", MAX_COLUMNS),
        );
    }
    if drafts.iter().filter(|d| d.indexed).count() > MAX_INDEXED {
        errors.push(
            FieldError::new("columns", "data-error-too-many-indexed").arg("max", MAX_INDEXED),
        );
    }
    let mut out = vec![];
    let mut names: Vec<String> = vec![];
    for (i, d) in drafts.iter().enumerate() {
        let field = |f: &str| format!("columns[{i}].{f}");
        let name = d.name.trim().to_lowercase();
        if !valid_name(&name) {
            errors.push(FieldError::new(field("name"), "data-error-column-name"));
        } else if names.contains(&name) {
            errors.push(FieldError::new(field("name"), "data-error-column-repeated"));
        }
        let alias = d.alias.trim().to_lowercase();
        if !alias.is_empty() && (alias.len() > 100 || names.contains(&alias)) {
            errors.push(FieldError::new(
                field("alias"),
                "data-error-column-repeated",
            ));
        }
        names.push(name.clone());
        if !alias.is_empty() {
            names.push(alias.clone());
        }
        let kind = ColumnKind::parse(d.kind.trim());
        if kind.is_none() {
            errors.push(FieldError::new(field("kind"), "error-choose"));
        }
        let bound = |f: &str, v: &str, errors: &mut Vec<FieldError>| {
            let v = v.trim();
            if v.is_empty() {
                return None;
            }
            let n = parse_decimal(v);
            if n.is_none() {
                errors.push(FieldError::new(field(f), "data-error-number"));
            }
            n
        };
        let min = bound("min", &d.min, &mut errors);
        let max = bound("max", &d.max, &mut errors);
        if let (Some(a), Some(b)) = (min, max)
            && a > b
        {
            errors.push(FieldError::new(field("max"), "data-error-range-order"));
        }
        let text = |f: &str, v: &str, max: usize, errors: &mut Vec<FieldError>| {
            let v = v.trim();
            if v.chars().count() > max {
                errors.push(FieldError::new(field(f), "error-field-too-long").arg("max", max));
            }
            v.to_owned()
        };
        let label = text("label", &d.label, 200, &mut errors);
        let concept = text("concept", &d.concept, 1000, &mut errors);
        let definition = text("definition", &d.definition, 2000, &mut errors);
        if let Some(kind) = kind {
            if (min.is_some() || max.is_some()) && !kind.numeric() {
                errors.push(FieldError::new(field("min"), "data-error-range-kind"));
            }
            out.push(Column {
                label: if label.is_empty() {
                    name.clone()
                } else {
                    label
                },
                name,
                kind,
                required: d.required,
                unique: d.unique,
                min,
                max,
                personal: d.personal || kind.personal(),
                concept,
                definition,
                alias,
                indexed: d.indexed,
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// A cell's value, typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Empty.
    Null,
    /// Text (also dates, `YYYY-MM-DD`, and codes).
    Text(String),
    /// A whole number.
    Int(i64),
    /// A number with decimals.
    Real(f64),
    /// Yes or no.
    Bool(bool),
}

impl Value {
    /// The value as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Text(s) => serde_json::Value::String(s.clone()),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Real(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::Bool(b) => serde_json::Value::Bool(*b),
        }
    }

    /// The value as one canonical text (for hashing rows and comparing keys).
    pub fn canonical(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Text(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Real(f) => f.to_string(),
            Value::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        }
    }
}

/// Why a cell was refused: a message key of the catalogue (`data-cell-…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError(pub &'static str);

/// A number as Indonesians and spreadsheets write it: `1.234,5` and `1234.5` are the same;
/// `1.234.567` is a whole number with thousands separators.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let normal = if t.contains(',') {
        t.replace('.', "").replace(',', ".")
    } else if t.matches('.').count() > 1 {
        t.replace('.', "")
    } else {
        t
    };
    let ok = !normal.is_empty()
        && normal
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    normal.parse::<f64>().ok().filter(|f| ok && f.is_finite())
}

/// A whole number, with or without thousands separators (`1.234.567`, `1 234 567`).
pub fn parse_integer(text: &str) -> Option<i64> {
    // Most cells are plain digits: read them without building a copy.
    let plain = text.strip_prefix('-').unwrap_or(text);
    if !plain.is_empty() && plain.len() <= 18 && plain.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (sign, digits) = match t.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, t.as_str()),
    };
    let grouped = digits.contains('.');
    if grouped {
        let mut groups = digits.split('.');
        let first = groups.next().unwrap_or("");
        if first.is_empty() || first.len() > 3 || !groups.all(|g| g.len() == 3) {
            return None;
        }
    }
    let plain = digits.replace('.', "");
    if plain.is_empty() || !plain.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    plain.parse::<i64>().ok().map(|n| n * sign)
}

/// A date as `YYYY-MM-DD`, or as Indonesians write it, `DD/MM/YYYY` or `DD-MM-YYYY`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    // `YYYY-MM-DD`, the common case, read by hand (chrono's parser reads its format each time).
    let b = t.as_bytes();
    if b.len() == 10 && b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-') {
        let num = |r: std::ops::Range<usize>| t.get(r).and_then(|s| s.parse::<u32>().ok());
        if let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) {
            return i32::try_from(y)
                .ok()
                .and_then(|y| NaiveDate::from_ymd_opt(y, m, d));
        }
    }
    ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
}

/// Whether `nik` has a NIK's structure: 16 digits, a known province, a birth date (day + 40
/// for women) and a serial other than 0000.
pub fn valid_nik(nik: &str) -> bool {
    if nik.len() != 16 || !nik.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let num = |r: std::ops::Range<usize>| nik.get(r).and_then(|s| s.parse::<u32>().ok());
    let province_ok = nik
        .get(0..2)
        .is_some_and(|p| crate::regions::province(p).is_some());
    let (Some(day), Some(month), Some(serial)) = (num(6..8), num(8..10), num(12..16)) else {
        return false;
    };
    let day = if day > 40 { day - 40 } else { day };
    province_ok && (1..=31).contains(&day) && (1..=12).contains(&month) && serial != 0
}

/// Whether `nip` has a NIP's structure: 18 digits — birth date, appointment year and month,
/// sex (1 or 2), serial.
pub fn valid_nip(nip: &str) -> bool {
    if nip.len() != 18 || !nip.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let born = nip
        .get(0..8)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y%m%d").ok());
    let month = nip.get(12..14).and_then(|s| s.parse::<u32>().ok());
    let sex = nip.get(14..15);
    born.is_some() && month.is_some_and(|m| (1..=12).contains(&m)) && matches!(sex, Some("1" | "2"))
}

/// Checks one cell against its column (region codes as `regions` says) and gives its typed
/// value.
pub fn check_cell(col: &Column, raw: &str, regions: Check<'_>) -> Result<Value, CellError> {
    let t = raw.trim();
    if t.is_empty() {
        return if col.required {
            Err(CellError("data-cell-required"))
        } else {
            Ok(Value::Null)
        };
    }
    if kernel::validate::has_control(t) {
        return Err(CellError("data-cell-control"));
    }
    let value = match col.kind {
        ColumnKind::Text => {
            if t.chars().count() > 2000 {
                return Err(CellError("data-cell-too-long"));
            }
            Value::Text(t.to_owned())
        }
        ColumnKind::Integer => Value::Int(parse_integer(t).ok_or(CellError("data-cell-integer"))?),
        ColumnKind::Decimal => Value::Real(parse_decimal(t).ok_or(CellError("data-cell-decimal"))?),
        ColumnKind::Date => {
            let d = parse_date(t).ok_or(CellError("data-cell-date"))?;
            Value::Text(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }
        ColumnKind::Boolean => {
            Value::Bool(kernel::export::yes_no(t).ok_or(CellError("data-cell-boolean"))?)
        }
        ColumnKind::Nik => {
            let n: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            if !valid_nik(&n) {
                return Err(CellError("data-cell-nik"));
            }
            Value::Text(n)
        }
        ColumnKind::Nip => {
            let n: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            if !valid_nip(&n) {
                return Err(CellError("data-cell-nip"));
            }
            Value::Text(n)
        }
        ColumnKind::RegionCode => {
            if !regions.accepts(t) {
                return Err(CellError("data-cell-region"));
            }
            Value::Text(t.to_owned())
        }
    };
    let n = match value {
        Value::Int(i) => Some(i as f64),
        Value::Real(f) => Some(f),
        _ => None,
    };
    if let Some(n) = n {
        if col.min.is_some_and(|min| n < min) {
            return Err(CellError("data-cell-below"));
        }
        if col.max.is_some_and(|max| n > max) {
            return Err(CellError("data-cell-above"));
        }
    }
    Ok(value)
}

/// A personal value as others see it: its first few characters, the rest hidden.
pub fn mask(text: &str) -> String {
    let n = text.chars().count();
    let keep = (n / 4).min(4);
    text.chars()
        .enumerate()
        .map(|(i, c)| if i < keep { c } else { '*' })
        .collect()
}

/// Where each schema column is in a file's header: matched by name or alias, ignoring case
/// and spaces around. Errors name the columns missing from the file and those it has that the
/// schema does not.
pub fn match_header(columns: &[Column], header: &[String]) -> Result<Vec<usize>, HeaderError> {
    let norm: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut positions = vec![];
    let mut missing = vec![];
    for c in columns {
        match norm
            .iter()
            .position(|h| *h == c.name || (!c.alias.is_empty() && *h == c.alias))
        {
            Some(p) => positions.push(p),
            None => missing.push(c.name.clone()),
        }
    }
    let unknown: Vec<String> = norm
        .iter()
        .enumerate()
        .filter(|(i, h)| !h.is_empty() && !positions.contains(i))
        .map(|(_, h)| h.clone())
        .collect();
    if missing.is_empty() && unknown.is_empty() {
        Ok(positions)
    } else {
        Err(HeaderError { missing, unknown })
    }
}

/// What is wrong with a file's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderError {
    /// Schema columns the file lacks.
    pub missing: Vec<String>,
    /// File columns the schema lacks.
    pub unknown: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    static NONE_ADDED: crate::regions::Added = crate::regions::Added::new();
    const LISTED: Check<'static> = Check::Listed(&NONE_ADDED);

    fn col(kind: ColumnKind) -> Column {
        Column {
            name: "x".into(),
            label: "x".into(),
            kind,
            required: false,
            unique: false,
            min: None,
            max: None,
            personal: false,
            concept: String::new(),
            definition: String::new(),
            alias: String::new(),
            indexed: false,
        }
    }

    #[test]
    fn only_a_few_columns_may_be_indexed() {
        let draft = |i: usize| ColumnDraft {
            name: format!("v{i}"),
            kind: "text".into(),
            indexed: true,
            ..ColumnDraft::default()
        };
        let ok: Vec<ColumnDraft> = (0..MAX_INDEXED).map(draft).collect();
        let columns = validate_columns(&ok).expect("at the limit");
        assert!(columns.iter().all(|c| c.indexed));
        let over: Vec<ColumnDraft> = (0..=MAX_INDEXED).map(draft).collect();
        let errors = validate_columns(&over).expect_err("over the limit");
        assert!(
            errors
                .iter()
                .any(|e| e.key == "data-error-too-many-indexed"),
            "{errors:?}"
        );
    }

    #[test]
    fn numbers_read_as_indonesians_write_them() {
        assert_eq!(parse_decimal("1.234,5"), Some(1234.5));
        assert_eq!(parse_decimal("1234.5"), Some(1234.5));
        assert_eq!(parse_decimal("12,75"), Some(12.75));
        assert_eq!(parse_decimal("1.234.567"), Some(1_234_567.0));
        assert_eq!(parse_decimal("abc"), None);
        assert_eq!(parse_decimal("inf"), None);
        assert_eq!(parse_integer("1.234.567"), Some(1_234_567));
        assert_eq!(parse_integer("-12"), Some(-12));
        assert_eq!(parse_integer("1 500"), Some(1500));
        assert_eq!(parse_integer("12.5"), None);
        assert_eq!(parse_integer("1.23"), None);
        assert_eq!(parse_integer("3,0"), None);
    }

    #[test]
    fn nik_and_nip_are_checked_by_structure() {
        // Born 12 May 1990 (a woman: day 52), Kab. Bandung, serial 0001.
        assert!(valid_nik("3204055205900001"));
        assert!(!valid_nik("3204055205900000"), "serial 0000");
        assert!(!valid_nik("1004055205900001"), "no province 10");
        assert!(!valid_nik("3204053205900001"), "day 32");
        assert!(!valid_nik("320405520590001"), "15 digits");
        assert!(valid_nip("198501012010012001"));
        assert!(!valid_nip("198513012010012001"), "month 13 of birth");
        assert!(!valid_nip("198501012010013001"), "sex 3");
        let nip = col(ColumnKind::Nip);
        assert_eq!(
            check_cell(&nip, "19850101 201001 2 001", LISTED),
            Ok(Value::Text("198501012010012001".into()))
        );
        assert_eq!(
            check_cell(&col(ColumnKind::Nik), "123", LISTED),
            Err(CellError("data-cell-nik"))
        );
    }

    #[test]
    fn cells_are_typed_required_and_ranged() {
        let mut c = col(ColumnKind::Integer);
        c.required = true;
        c.min = Some(0.0);
        c.max = Some(100.0);
        assert_eq!(check_cell(&c, " 42 ", LISTED), Ok(Value::Int(42)));
        assert_eq!(
            check_cell(&c, "", LISTED),
            Err(CellError("data-cell-required"))
        );
        assert_eq!(
            check_cell(&c, "101", LISTED),
            Err(CellError("data-cell-above"))
        );
        assert_eq!(
            check_cell(&c, "-1", LISTED),
            Err(CellError("data-cell-below"))
        );
        assert_eq!(
            check_cell(&c, "4x", LISTED),
            Err(CellError("data-cell-integer"))
        );
        assert_eq!(
            check_cell(&col(ColumnKind::Text), "", LISTED),
            Ok(Value::Null)
        );
        assert_eq!(
            check_cell(&col(ColumnKind::Date), "02/12/2026", LISTED),
            Ok(Value::Text("2026-12-02".into()))
        );
        assert_eq!(
            check_cell(&col(ColumnKind::Boolean), "ya", LISTED),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            check_cell(&col(ColumnKind::Text), "a\u{0}b", LISTED),
            Err(CellError("data-cell-control"))
        );
        assert_eq!(
            check_cell(&col(ColumnKind::RegionCode), "32.04.05", LISTED),
            Ok(Value::Text("32.04.05".into()))
        );
        assert_eq!(
            check_cell(&col(ColumnKind::RegionCode), "32.04.99", LISTED),
            Err(CellError("data-cell-region")),
            "a district the decree does not list"
        );
        assert_eq!(
            check_cell(&col(ColumnKind::RegionCode), "32.04.99", Check::Shape),
            Ok(Value::Text("32.04.99".into()))
        );
    }

    #[test]
    fn a_schema_names_every_bad_column() {
        let e = validate_columns(&[
            ColumnDraft {
                name: "Kode Wilayah".into(),
                kind: "region_code".into(),
                ..Default::default()
            },
            ColumnDraft {
                name: "jumlah".into(),
                kind: "integer".into(),
                min: "10".into(),
                max: "1".into(),
                ..Default::default()
            },
            ColumnDraft {
                name: "jumlah".into(),
                kind: "money".into(),
                ..Default::default()
            },
            ColumnDraft {
                name: "nama".into(),
                kind: "text".into(),
                min: "1".into(),
                ..Default::default()
            },
        ])
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "columns[0].name",
                "columns[1].max",
                "columns[2].name",
                "columns[2].kind",
                "columns[3].min"
            ]
        );
        let ok = validate_columns(&[ColumnDraft {
            name: "nik".into(),
            kind: "nik".into(),
            ..Default::default()
        }])
        .unwrap();
        assert!(
            ok[0].personal,
            "a NIK column is personal whatever was ticked"
        );
        assert_eq!(ok[0].label, "nik");
    }

    #[test]
    fn headers_match_by_name_or_alias_and_name_what_is_wrong() {
        let mut a = col(ColumnKind::Text);
        a.name = "kecamatan".into();
        a.alias = "nama_kecamatan".into();
        let mut b = col(ColumnKind::Integer);
        b.name = "jumlah".into();
        let header = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            match_header(
                &[a.clone(), b.clone()],
                &header(&["JUMLAH", " Nama_Kecamatan "])
            ),
            Ok(vec![1, 0])
        );
        assert_eq!(
            match_header(&[a, b], &header(&["kecamatan", "total"])),
            Err(HeaderError {
                missing: vec!["jumlah".into()],
                unknown: vec!["total".into()]
            })
        );
    }

    #[test]
    fn masks_keep_only_a_little() {
        assert_eq!(mask("3204055205900001"), "3204************");
        assert_eq!(mask("Siti"), "S***");
        assert_eq!(mask("ab"), "**");
    }
}
