//! The query language on a version's rows, in the spirit of Datasette's: `column=value` and
//! `column__op=value` filters (`ne`, `gt`, `gte`, `lt`, `lte`, `contains`, `in`, `isnull`),
//! `_q` to search the text columns, `_select`, `_sort` (`-column` for descending), `_size`,
//! `_after` (a keyset cursor: deep pages cost what the first does) or `_offset`, `_group` and
//! `_sum` to group and count, `_format`, `_version`. Parsing and SQL building are plain
//! functions; what a viewer may not see is refused here, before any SQL: personal columns do
//! not exist for the public and cannot be filtered, sorted or grouped by those who see them
//! masked (a filter would reveal what the mask hides).

use base64::Engine as _;
use db::Backend;
use kernel::{AppError, FieldError};
use serde::{Deserialize, Serialize};

use crate::table::{col, placeholder};
use crate::variables::{Column, ColumnKind, Value, mask};

/// Rows a page has unless `_size` says otherwise.
pub const DEFAULT_SIZE: i64 = 100;
/// Most rows a page may have.
pub const MAX_SIZE: i64 = 1000;
/// Deepest `_offset` (past it, `_after` pages without cost).
pub const MAX_OFFSET: i64 = 100_000;
/// Most groups a grouping returns.
pub const MAX_GROUPS: i64 = 1000;
/// Most values of an `in` filter.
const MAX_IN: usize = 100;

/// How much of a dataset the caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// The public (portal, CKAN API): personal columns are absent.
    Public,
    /// Government staff outside the owner agency: personal columns masked.
    Masked,
    /// The owner agency and its Wali Data.
    Full,
}

impl Viewer {
    /// Whether the column is in this viewer's output at all.
    pub fn sees(self, c: &Column) -> bool {
        self != Viewer::Public || !c.masked()
    }

    /// Whether the column may be filtered, sorted, grouped or searched by this viewer.
    pub fn uses(self, c: &Column) -> bool {
        self == Viewer::Full || !c.masked()
    }
}

/// A filter's comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=`.
    Exact,
    /// `<>`.
    Ne,
    /// `>`.
    Gt,
    /// `>=`.
    Gte,
    /// `<`.
    Lt,
    /// `<=`.
    Lte,
    /// Contains the text, ignoring case.
    Contains,
    /// One of a comma-separated list.
    In,
    /// Empty (`1`) or not (`0`).
    IsNull,
}

impl Op {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "exact" => Op::Exact,
            "ne" | "not" => Op::Ne,
            "gt" => Op::Gt,
            "gte" => Op::Gte,
            "lt" => Op::Lt,
            "lte" => Op::Lte,
            "contains" => Op::Contains,
            "in" => Op::In,
            "isnull" => Op::IsNull,
            _ => return None,
        })
    }
}

/// One filter: a column (its index), how, and the values compared with.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    /// Column index.
    pub column: usize,
    /// Comparison.
    pub op: Op,
    /// Values (one, or several for `in`; `isnull` holds a boolean).
    pub values: Vec<Value>,
}

/// Where the previous page ended: its last row and its value in the sorted column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// `_row` of the last row.
    pub row: i64,
    /// Its value in the sorted column.
    #[serde(default)]
    pub value: Option<serde_json::Value>,
}

impl Cursor {
    /// The cursor as it travels in `_after`.
    pub fn encode(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(self).unwrap_or_default())
    }

    fn decode(s: &str) -> Option<Self> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s)
            .ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// What to answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON.
    Json,
    /// CSV download.
    Csv,
    /// XLSX download.
    Xlsx,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Output columns, by index.
    pub select: Vec<usize>,
    /// Filters, all of which must hold.
    pub filters: Vec<Filter>,
    /// Text to find in any searchable text column.
    pub q: Option<String>,
    /// Sorted column and whether descending; `None` keeps the file's order.
    pub sort: Option<(usize, bool)>,
    /// Page size.
    pub size: i64,
    /// Keyset cursor.
    pub after: Option<Cursor>,
    /// Rows skipped (with no cursor).
    pub offset: i64,
    /// Group-by columns (empty: no grouping).
    pub group: Vec<usize>,
    /// Summed columns when grouping.
    pub sums: Vec<usize>,
    /// Answer's format.
    pub format: Format,
    /// Version number asked for (`None`: the current one).
    pub version: Option<i32>,
}

fn bad(param: &str, key: &'static str) -> AppError {
    AppError::BadRequest(FieldError::new(param.to_owned(), key))
}

/// Reads the query string's pairs against the schema, for `viewer`.
pub fn parse(
    pairs: &[(String, String)],
    columns: &[Column],
    viewer: Viewer,
) -> Result<Plan, AppError> {
    let find = |param: &str, name: &str, need_use: bool| -> Result<usize, AppError> {
        let i = columns
            .iter()
            .position(|c| c.name == name && viewer.sees(c))
            .ok_or_else(|| {
                AppError::BadRequest(
                    FieldError::new(param.to_owned(), "data-query-unknown-column")
                        .arg("column", name.to_owned()),
                )
            })?;
        if need_use && columns.get(i).is_some_and(|c| !viewer.uses(c)) {
            return Err(AppError::BadRequest(
                FieldError::new(param.to_owned(), "data-query-personal-column")
                    .arg("column", name.to_owned()),
            ));
        }
        Ok(i)
    };
    let list = |param: &str, v: &str, need_use: bool| -> Result<Vec<usize>, AppError> {
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|name| find(param, name, need_use))
            .collect()
    };
    let mut plan = Plan {
        select: (0..columns.len())
            .filter(|i| columns.get(*i).is_some_and(|c| viewer.sees(c)))
            .collect(),
        filters: vec![],
        q: None,
        sort: None,
        size: DEFAULT_SIZE,
        after: None,
        offset: 0,
        group: vec![],
        sums: vec![],
        format: Format::Json,
        version: None,
    };
    let mut seen: Vec<&str> = vec![];
    for (key, value) in pairs {
        if key.starts_with('_') {
            if seen.contains(&key.as_str()) {
                return Err(bad(key, "error-param-repeated"));
            }
            seen.push(key);
        }
        if kernel::validate::has_control(value) {
            return Err(bad(key, "error-control-characters"));
        }
        match key.as_str() {
            "_select" => plan.select = list(key, value, false)?,
            "_sort" => {
                let (name, desc) = match value.strip_prefix('-') {
                    Some(n) => (n, true),
                    None => (value.as_str(), false),
                };
                plan.sort = Some((find(key, name, true)?, desc));
            }
            "_size" => {
                plan.size = value
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=MAX_SIZE).contains(n))
                    .ok_or_else(|| bad(key, "data-query-size"))?;
            }
            "_offset" => {
                plan.offset = value
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (0..=MAX_OFFSET).contains(n))
                    .ok_or_else(|| bad(key, "data-query-offset"))?;
            }
            "_after" => {
                plan.after =
                    Some(Cursor::decode(value).ok_or_else(|| bad(key, "data-query-cursor"))?)
            }
            "_q" => {
                let t = value.trim();
                if t.chars().count() > 200 {
                    return Err(bad(key, "data-query-q"));
                }
                plan.q = (!t.is_empty()).then(|| t.to_owned());
            }
            "_group" => plan.group = list(key, value, true)?,
            "_sum" => {
                plan.sums = list(key, value, true)?;
                if plan
                    .sums
                    .iter()
                    .any(|i| columns.get(*i).is_some_and(|c| !c.kind.numeric()))
                {
                    return Err(bad(key, "data-query-sum"));
                }
            }
            "_format" => {
                plan.format = match value.as_str() {
                    "json" => Format::Json,
                    "csv" => Format::Csv,
                    "xlsx" => Format::Xlsx,
                    _ => return Err(bad(key, "data-query-format")),
                }
            }
            "_version" => {
                plan.version = Some(
                    value
                        .parse::<i32>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| bad(key, "data-query-version"))?,
                );
            }
            k if k.starts_with('_') => {
                return Err(AppError::BadRequest(
                    FieldError::new(key.clone(), "error-param-unknown").arg("name", key.clone()),
                ));
            }
            _ => {
                let (name, op) = match key.split_once("__") {
                    Some((n, op)) => (n, Op::parse(op).ok_or_else(|| bad(key, "data-query-op"))?),
                    None => (key.as_str(), Op::Exact),
                };
                let column = find(key, name, true)?;
                let kind = columns.get(column).map_or(ColumnKind::Text, |c| c.kind);
                plan.filters.push(filter(key, column, kind, op, value)?);
            }
        }
    }
    if plan.after.is_some() && plan.offset > 0 {
        return Err(bad("_offset", "data-query-offset-and-after"));
    }
    if plan.select.is_empty() {
        return Err(bad("_select", "data-query-select"));
    }
    if plan.group.is_empty() && !plan.sums.is_empty() {
        return Err(bad("_sum", "data-query-sum-without-group"));
    }
    Ok(plan)
}

/// A filter's value typed as its column's kind (`1.234` is a thousand-odd in an integer
/// column, a date may be typed `02/12/2026`).
fn typed(param: &str, kind: ColumnKind, raw: &str) -> Result<Value, AppError> {
    let column = Column {
        name: String::new(),
        label: String::new(),
        kind,
        required: true,
        unique: false,
        min: None,
        max: None,
        personal: false,
        concept: String::new(),
        definition: String::new(),
        alias: String::new(),
        indexed: false,
    };
    crate::variables::check_cell(&column, raw, crate::regions::Check::Shape).map_err(|e| {
        AppError::BadRequest(
            FieldError::new(param.to_owned(), "data-query-value").arg("problem", e.0),
        )
    })
}

fn filter(
    param: &str,
    column: usize,
    kind: ColumnKind,
    op: Op,
    raw: &str,
) -> Result<Filter, AppError> {
    let values = match op {
        Op::IsNull => vec![Value::Bool(match raw {
            "1" | "true" => true,
            "0" | "false" => false,
            _ => return Err(bad(param, "data-query-isnull")),
        })],
        Op::In => {
            let parts: Vec<&str> = raw.split(',').collect();
            if parts.len() > MAX_IN {
                return Err(bad(param, "data-query-in"));
            }
            parts
                .into_iter()
                .map(|p| typed(param, kind, p))
                .collect::<Result<_, _>>()?
        }
        Op::Contains => {
            if !matches!(kind, ColumnKind::Text | ColumnKind::RegionCode) {
                return Err(bad(param, "data-query-contains"));
            }
            vec![Value::Text(raw.trim().to_owned())]
        }
        _ => vec![typed(param, kind, raw)?],
    };
    Ok(Filter { column, op, values })
}

/// A statement and its parameters, each with the kind of column it is bound as.
#[derive(Debug, Clone, PartialEq)]
pub struct Sql {
    /// The text.
    pub text: String,
    /// The parameters, in order.
    pub binds: Vec<(ColumnKind, Value)>,
}

struct Builder {
    backend: Backend,
    text: String,
    binds: Vec<(ColumnKind, Value)>,
}

impl Builder {
    fn param(&mut self, kind: ColumnKind, v: Value) -> String {
        self.binds.push((kind, v));
        placeholder(self.backend, self.binds.len())
    }

    fn where_clause(&mut self, columns: &[Column], plan: &Plan, viewer: Viewer) -> String {
        let mut conds: Vec<String> = vec![];
        for f in &plan.filters {
            let c = col(f.column);
            let kind = columns.get(f.column).map_or(ColumnKind::Text, |c| c.kind);
            let first = f.values.first().cloned().unwrap_or(Value::Null);
            let cond = match f.op {
                Op::IsNull => {
                    if first == Value::Bool(true) {
                        format!("{c} IS NULL")
                    } else {
                        format!("{c} IS NOT NULL")
                    }
                }
                Op::In => {
                    let ps: Vec<String> = f
                        .values
                        .iter()
                        .map(|v| self.param(kind, v.clone()))
                        .collect();
                    format!("{c} IN ({})", ps.join(", "))
                }
                Op::Contains => {
                    let pattern = db::dialect::contains_pattern(&first.canonical());
                    let p = self.param(ColumnKind::Text, Value::Text(pattern));
                    format!("lower({c}) LIKE {p} ESCAPE '\\'")
                }
                op => {
                    let sym = match op {
                        Op::Ne => "<>",
                        Op::Gt => ">",
                        Op::Gte => ">=",
                        Op::Lt => "<",
                        Op::Lte => "<=",
                        _ => "=",
                    };
                    let p = self.param(kind, first);
                    if op == Op::Ne {
                        format!("({c} {sym} {p} OR {c} IS NULL)")
                    } else {
                        format!("{c} {sym} {p}")
                    }
                }
            };
            conds.push(cond);
        }
        if let Some(q) = &plan.q {
            let searchable: Vec<usize> = columns
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    viewer.uses(c) && matches!(c.kind, ColumnKind::Text | ColumnKind::RegionCode)
                })
                .map(|(i, _)| i)
                .collect();
            if searchable.is_empty() {
                conds.push("1 = 0".to_owned());
            } else {
                let p = self.param(
                    ColumnKind::Text,
                    Value::Text(db::dialect::contains_pattern(q)),
                );
                let ors: Vec<String> = searchable
                    .iter()
                    .map(|i| format!("lower({}) LIKE {p} ESCAPE '\\'", col(*i)))
                    .collect();
                // One parameter, referenced by every column: PostgreSQL reuses `$n`; SQLite
                // needs `?NNN` for that, so it is bound once per column there.
                let ors = match self.backend {
                    Backend::Postgres => ors,
                    Backend::Sqlite => {
                        let pattern = self.binds.last().cloned();
                        for _ in 1..searchable.len() {
                            if let Some(b) = pattern.clone() {
                                self.binds.push(b);
                            }
                        }
                        ors
                    }
                };
                conds.push(format!("({})", ors.join(" OR ")));
            }
        }
        if let Some(cursor) = &plan.after {
            // Parameters are bound in the order they appear (SQLite's `?` are positional).
            let row = Value::Int(cursor.row);
            let cond = match plan.sort {
                None => format!("_row > {}", self.param(ColumnKind::Integer, row)),
                Some((i, desc)) => {
                    let c = col(i);
                    let kind = columns.get(i).map_or(ColumnKind::Text, |c| c.kind);
                    match cursor.value.as_ref().and_then(|v| json_value(kind, v)) {
                        None => format!(
                            "({c} IS NULL AND _row > {})",
                            self.param(ColumnKind::Integer, row)
                        ),
                        Some(v) => {
                            let a = self.param(kind, v.clone());
                            let b = self.param(kind, v);
                            let r = self.param(ColumnKind::Integer, row);
                            let cmp = if desc { "<" } else { ">" };
                            format!("({c} {cmp} {a} OR ({c} = {b} AND _row > {r}) OR {c} IS NULL)")
                        }
                    }
                }
            };
            conds.push(cond);
        }
        if conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conds.join(" AND "))
        }
    }
}

/// The value a cursor carried back, typed for its column.
fn json_value(kind: ColumnKind, v: &serde_json::Value) -> Option<Value> {
    match (kind, v) {
        (_, serde_json::Value::Null) => None,
        (ColumnKind::Integer, v) => v.as_i64().map(Value::Int),
        (ColumnKind::Decimal, v) => v.as_f64().map(Value::Real),
        (ColumnKind::Boolean, v) => v
            .as_bool()
            .or_else(|| v.as_i64().map(|i| i != 0))
            .map(Value::Bool),
        (_, serde_json::Value::String(s)) => Some(Value::Text(s.clone())),
        _ => None,
    }
}

/// The page's statement: `[_row, sort value, selected…]` per row, one more row than the page
/// (to know whether another follows).
pub fn rows_sql(
    backend: Backend,
    table: &str,
    columns: &[Column],
    plan: &Plan,
    viewer: Viewer,
) -> Sql {
    let mut b = Builder {
        backend,
        text: String::new(),
        binds: vec![],
    };
    let mut exprs = vec!["_row".to_owned()];
    exprs.push(plan.sort.map_or("NULL".to_owned(), |(i, _)| col(i)));
    exprs.extend(plan.select.iter().map(|i| col(*i)));
    let where_clause = b.where_clause(columns, plan, viewer);
    let order = match plan.sort {
        None => "_row".to_owned(),
        Some((i, desc)) => format!(
            "{} {} NULLS LAST, _row",
            col(i),
            if desc { "DESC" } else { "ASC" }
        ),
    };
    b.text = format!(
        "SELECT {} FROM {table}{where_clause} ORDER BY {order} LIMIT {} OFFSET {}",
        crate::table::json_array(backend, &exprs),
        plan.size + 1,
        if plan.after.is_some() { 0 } else { plan.offset }
    );
    Sql {
        text: b.text,
        binds: b.binds,
    }
}

/// How many rows the filters leave.
pub fn count_sql(
    backend: Backend,
    table: &str,
    columns: &[Column],
    plan: &Plan,
    viewer: Viewer,
) -> Sql {
    let mut b = Builder {
        backend,
        text: String::new(),
        binds: vec![],
    };
    let without_cursor = Plan {
        after: None,
        ..plan.clone()
    };
    let where_clause = b.where_clause(columns, &without_cursor, viewer);
    Sql {
        text: format!("SELECT COUNT(*) AS n FROM {table}{where_clause}"),
        binds: b.binds,
    }
}

/// The grouping's statement: `[groups…, count, sums…]` per group.
pub fn group_sql(
    backend: Backend,
    table: &str,
    columns: &[Column],
    plan: &Plan,
    viewer: Viewer,
) -> Sql {
    let mut b = Builder {
        backend,
        text: String::new(),
        binds: vec![],
    };
    let groups: Vec<String> = plan.group.iter().map(|i| col(*i)).collect();
    let mut exprs = groups.clone();
    exprs.push("COUNT(*)".to_owned());
    exprs.extend(plan.sums.iter().map(|i| format!("SUM({})", col(*i))));
    let without_cursor = Plan {
        after: None,
        ..plan.clone()
    };
    let where_clause = b.where_clause(columns, &without_cursor, viewer);
    b.text = format!(
        "SELECT {} FROM {table}{where_clause} GROUP BY {g} ORDER BY {g} LIMIT {MAX_GROUPS}",
        crate::table::json_array(backend, &exprs),
        g = groups.join(", ")
    );
    Sql {
        text: b.text,
        binds: b.binds,
    }
}

/// A stored value as the viewer gets it: booleans as booleans (SQLite gives 0/1), personal
/// values masked for those who may not see them.
pub fn shown(column: &Column, viewer: Viewer, v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    let v = match (column.kind, v) {
        (ColumnKind::Boolean, J::Number(n)) => J::Bool(n.as_i64().is_some_and(|i| i != 0)),
        (_, v) => v,
    };
    match (column.masked() && viewer != Viewer::Full, v) {
        (true, J::String(s)) => J::String(mask(&s)),
        (_, v) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::variables::{ColumnDraft, validate_columns};

    fn schema() -> Vec<Column> {
        validate_columns(&[
            ColumnDraft {
                name: "nik".into(),
                kind: "nik".into(),
                ..Default::default()
            },
            ColumnDraft {
                name: "nama".into(),
                kind: "text".into(),
                personal: true,
                ..Default::default()
            },
            ColumnDraft {
                name: "kecamatan".into(),
                kind: "text".into(),
                ..Default::default()
            },
            ColumnDraft {
                name: "umur".into(),
                kind: "integer".into(),
                ..Default::default()
            },
        ])
        .unwrap()
    }

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn refused(q: &[(&str, &str)], viewer: Viewer) -> (String, &'static str) {
        match parse(&pairs(q), &schema(), viewer).unwrap_err() {
            AppError::BadRequest(e) => (e.field, e.key),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn personal_columns_are_absent_for_the_public_and_unusable_when_masked() {
        let public = parse(&[], &schema(), Viewer::Public).unwrap();
        assert_eq!(public.select, [2, 3]);
        assert_eq!(
            refused(&[("nik", "3204055205900001")], Viewer::Public).1,
            "data-query-unknown-column"
        );
        assert_eq!(
            refused(&[("_select", "nama")], Viewer::Public).1,
            "data-query-unknown-column"
        );
        let masked = parse(&[], &schema(), Viewer::Masked).unwrap();
        assert_eq!(masked.select, [0, 1, 2, 3]);
        assert_eq!(
            refused(&[("nama__contains", "a")], Viewer::Masked).1,
            "data-query-personal-column"
        );
        assert_eq!(
            refused(&[("_sort", "-nik")], Viewer::Masked).1,
            "data-query-personal-column"
        );
        assert_eq!(
            refused(&[("_group", "nama")], Viewer::Masked).1,
            "data-query-personal-column"
        );
        assert!(
            parse(
                &pairs(&[("nik", "3204055205900001")]),
                &schema(),
                Viewer::Full
            )
            .is_ok()
        );
    }

    #[test]
    fn bad_parameters_are_named() {
        assert_eq!(
            refused(&[("umur__gt", "tua")], Viewer::Full),
            ("umur__gt".into(), "data-query-value")
        );
        assert_eq!(
            refused(&[("umur__like", "1")], Viewer::Full).1,
            "data-query-op"
        );
        assert_eq!(
            refused(&[("_size", "5000")], Viewer::Full).1,
            "data-query-size"
        );
        assert_eq!(
            refused(&[("_sum", "umur")], Viewer::Full).1,
            "data-query-sum-without-group"
        );
        assert_eq!(
            refused(
                &[("_group", "kecamatan"), ("_sum", "kecamatan")],
                Viewer::Full
            )
            .1,
            "data-query-sum"
        );
        assert_eq!(
            refused(&[("_after", "!!")], Viewer::Full).1,
            "data-query-cursor"
        );
        assert_eq!(
            refused(&[("_bogus", "1")], Viewer::Full).1,
            "error-param-unknown"
        );
        assert_eq!(
            refused(&[("_size", "1"), ("_size", "2")], Viewer::Full).1,
            "error-param-repeated"
        );
        assert_eq!(
            refused(&[("umur__contains", "1")], Viewer::Full).1,
            "data-query-contains"
        );
    }

    #[test]
    fn the_sql_binds_every_value_and_pages_by_keyset() {
        let plan = parse(
            &pairs(&[
                ("kecamatan", "Sangatta"),
                ("umur__gte", "17"),
                ("_sort", "-umur"),
                ("_size", "10"),
            ]),
            &schema(),
            Viewer::Masked,
        )
        .unwrap();
        let sql = rows_sql(
            Backend::Postgres,
            "data_v_x",
            &schema(),
            &plan,
            Viewer::Masked,
        );
        assert_eq!(
            sql.text,
            "SELECT json_build_array(_row, c4, c1, c2, c3, c4)::text AS j FROM data_v_x WHERE c3 = $1 AND c4 >= $2 ORDER BY c4 DESC NULLS LAST, _row LIMIT 11 OFFSET 0"
        );
        assert_eq!(sql.binds.len(), 2);
        let next = Plan {
            after: Some(Cursor {
                row: 42,
                value: Some(serde_json::json!(30)),
            }),
            ..plan
        };
        let sql = rows_sql(
            Backend::Sqlite,
            "data_v_x",
            &schema(),
            &next,
            Viewer::Masked,
        );
        assert!(
            sql.text
                .contains("AND (c4 < ? OR (c4 = ? AND _row > ?) OR c4 IS NULL)"),
            "{}",
            sql.text
        );
        assert_eq!(
            sql.binds.iter().map(|b| b.1.clone()).collect::<Vec<_>>(),
            [
                Value::Text("Sangatta".into()),
                Value::Int(17),
                Value::Int(30),
                Value::Int(30),
                Value::Int(42)
            ]
        );
        let cursor = Cursor {
            row: 7,
            value: Some(serde_json::json!("a")),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
    }

    #[test]
    fn search_covers_only_usable_text_columns() {
        let plan = parse(&pairs(&[("_q", "Siti")]), &schema(), Viewer::Masked).unwrap();
        let sql = count_sql(
            Backend::Sqlite,
            "data_v_x",
            &schema(),
            &plan,
            Viewer::Masked,
        );
        assert_eq!(
            sql.text,
            "SELECT COUNT(*) AS n FROM data_v_x WHERE (lower(c3) LIKE ? ESCAPE '\\')"
        );
        let plan = parse(&pairs(&[("_q", "Siti")]), &schema(), Viewer::Full).unwrap();
        let sql = count_sql(Backend::Sqlite, "data_v_x", &schema(), &plan, Viewer::Full);
        assert_eq!(
            sql.binds.len(),
            2,
            "nama and kecamatan, bound once each on SQLite"
        );
        let sql = count_sql(
            Backend::Postgres,
            "data_v_x",
            &schema(),
            &plan,
            Viewer::Full,
        );
        assert_eq!(sql.binds.len(), 1);
        assert!(
            sql.text
                .contains("lower(c2) LIKE $1 ESCAPE '\\' OR lower(c3) LIKE $1")
        );
    }

    #[test]
    fn masked_values_show_only_their_start() {
        let cols = schema();
        let v = shown(
            &cols[0],
            Viewer::Masked,
            serde_json::json!("3204055205900001"),
        );
        assert_eq!(v, serde_json::json!("3204************"));
        let v = shown(
            &cols[0],
            Viewer::Full,
            serde_json::json!("3204055205900001"),
        );
        assert_eq!(v, serde_json::json!("3204055205900001"));
    }
}
