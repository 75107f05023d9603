//! The typed table that holds one version's rows: `data_v_<version>` with `_row` (the line
//! order), `_h` (a hash of the row, to tell what changed between versions) and `c1…cN`, one
//! column per variable in the type its kind needs. Names never come from users (columns are
//! numbered, the table is named by its version's id), so the SQL built here only ever splices
//! names it made itself; every value is a bound parameter.

use db::{Backend, DbConn};
use diesel::QueryableByName;
use diesel::prelude::*;
use diesel::query_builder::BoxedSqlQuery;
use diesel::sql_types::{BigInt, Bool, Double, Nullable, Text};
use kernel::AppResult;

use crate::model::VersionId;
use crate::variables::{Column, ColumnKind, Value};

/// The table of a version.
pub fn name_of(version: VersionId) -> String {
    format!("data_v_{}", version.to_string().replace('-', ""))
}

/// Whether `name` is a version table's name (the only names this module splices into SQL).
pub fn is_table_name(name: &str) -> bool {
    name.strip_prefix("data_v_")
        .is_some_and(|hex| hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The physical column of the variable at `index` (0-based).
pub fn col(index: usize) -> String {
    format!("c{}", index + 1)
}

fn sql_type(kind: ColumnKind, backend: Backend) -> &'static str {
    match (kind, backend) {
        (ColumnKind::Integer, _) => "BIGINT",
        (ColumnKind::Decimal, Backend::Sqlite) => "REAL",
        (ColumnKind::Decimal, Backend::Postgres) => "DOUBLE PRECISION",
        (ColumnKind::Boolean, _) => "BOOLEAN",
        _ => "TEXT",
    }
}

fn checked(name: &str) -> AppResult<&str> {
    if is_table_name(name) {
        Ok(name)
    } else {
        Err(kernel::AppError::Internal(format!(
            "not a version table: {name}"
        )))
    }
}

/// Creates the empty table for `columns`.
pub fn create(c: &mut DbConn, name: &str, columns: &[Column]) -> AppResult<()> {
    let name = checked(name)?;
    let backend = c.backend();
    let mut ddl =
        format!("CREATE TABLE {name} (_row BIGINT PRIMARY KEY NOT NULL, _h BIGINT NOT NULL");
    for (i, column) in columns.iter().enumerate() {
        ddl.push_str(&format!(", {} {}", col(i), sql_type(column.kind, backend)));
    }
    ddl.push(')');
    diesel::sql_query(ddl).execute(c)?;
    Ok(())
}

/// Indexes, once the rows are in, the key column (the first unique one: a lookup of one row by
/// its key is then a seek, not a scan) and every column marked as often filtered on. Each
/// index ends with `_row`, so a filtered page in the file's order (the default) reads its rows
/// off the index in order and stops at the page's end, instead of sorting every match.
pub fn index(c: &mut DbConn, name: &str, columns: &[Column]) -> AppResult<()> {
    let name = checked(name)?;
    let key = crate::ingest::key_column(columns);
    let chosen = columns
        .iter()
        .enumerate()
        .filter(|(i, k)| k.indexed || Some(*i) == key);
    for (i, _) in chosen {
        let column = col(i);
        diesel::sql_query(format!(
            "CREATE INDEX {name}_{column} ON {name} ({column}, _row)"
        ))
        .execute(c)?;
    }
    // A table just filled has no statistics until autovacuum comes by; without them
    // PostgreSQL's planner guesses, and the first queries pay for it.
    if c.backend() == Backend::Postgres {
        diesel::sql_query(format!("ANALYZE {name}")).execute(c)?;
    }
    Ok(())
}

/// Removes a version's table (nothing there is no error).
pub fn drop(c: &mut DbConn, name: &str) -> AppResult<()> {
    let name = checked(name)?;
    diesel::sql_query(format!("DROP TABLE IF EXISTS {name}")).execute(c)?;
    Ok(())
}

/// One row to write: its line order, its hash and its values in schema order.
#[derive(Debug, Clone)]
pub struct Row {
    /// Order in the file (1-based).
    pub row: i64,
    /// Hash of the row's values.
    pub hash: i64,
    /// Values, one per column.
    pub values: Vec<Value>,
}

/// Binds one value as its column's type (a NULL, too, carries the column's type: PostgreSQL
/// will not put a text NULL in a number column).
pub fn bind<'a>(
    q: BoxedSqlQuery<'a, db::MultiBackend, diesel::query_builder::SqlQuery>,
    kind: ColumnKind,
    v: &Value,
) -> BoxedSqlQuery<'a, db::MultiBackend, diesel::query_builder::SqlQuery> {
    match (kind, v) {
        (_, Value::Int(i)) => q.bind::<Nullable<BigInt>, _>(Some(*i)),
        (_, Value::Real(f)) => q.bind::<Nullable<Double>, _>(Some(*f)),
        (_, Value::Bool(b)) => q.bind::<Nullable<Bool>, _>(Some(*b)),
        (_, Value::Text(s)) => q.bind::<Nullable<Text>, _>(Some(s.clone())),
        (ColumnKind::Integer, Value::Null) => q.bind::<Nullable<BigInt>, _>(None::<i64>),
        (ColumnKind::Decimal, Value::Null) => q.bind::<Nullable<Double>, _>(None::<f64>),
        (ColumnKind::Boolean, Value::Null) => q.bind::<Nullable<Bool>, _>(None::<bool>),
        (_, Value::Null) => q.bind::<Nullable<Text>, _>(None::<String>),
    }
}

/// The placeholder for the `n`th (1-based) parameter.
pub fn placeholder(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => "?".to_owned(),
        Backend::Postgres => format!("${n}"),
    }
}

/// Most parameters one statement binds (SQLite allows 32,766; PostgreSQL 65,535).
const MAX_PARAMS: usize = 30_000;

/// How many rows are written at once: one multi-row statement's worth on SQLite, one COPY's
/// (larger, as COPY costs little per row) on PostgreSQL.
pub fn rows_per_write(backend: Backend, width: usize) -> usize {
    match backend {
        Backend::Sqlite => batch_rows(width),
        Backend::Postgres => 20_000,
    }
}

/// How many rows of `width` values go in one statement.
pub fn batch_rows(width: usize) -> usize {
    (MAX_PARAMS / (width + 2)).clamp(1, 1000)
}

/// Writes rows (at most [`batch_rows`] at once): on PostgreSQL through `COPY`, on SQLite as
/// one multi-row `INSERT`.
pub fn insert(c: &mut DbConn, name: &str, columns: &[Column], rows: &[Row]) -> AppResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let name = checked(name)?;
    if let DbConn::Postgresql(pg) = c {
        return copy_in(pg, name, columns, rows);
    }
    let backend = c.backend();
    let mut sql = format!("INSERT INTO {name} (_row, _h");
    for i in 0..columns.len() {
        sql.push_str(", ");
        sql.push_str(&col(i));
    }
    sql.push_str(") VALUES ");
    let mut n = 0;
    for (r, _) in rows.iter().enumerate() {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for k in 0..columns.len() + 2 {
            if k > 0 {
                sql.push(',');
            }
            n += 1;
            sql.push_str(&placeholder(backend, n));
        }
        sql.push(')');
    }
    let DbConn::Sqlite(lite) = c else {
        return Ok(());
    };
    // Bound as SQLite's own types: the connection over both backends would box each value.
    let mut q = diesel::sql_query(sql).into_boxed::<diesel::sqlite::Sqlite>();
    for row in rows {
        q = q.bind::<BigInt, _>(row.row).bind::<BigInt, _>(row.hash);
        for (column, v) in columns.iter().zip(&row.values) {
            q = match (column.kind, v) {
                (_, Value::Int(i)) => q.bind::<BigInt, _>(*i),
                (_, Value::Real(f)) => q.bind::<Double, _>(*f),
                (_, Value::Bool(b)) => q.bind::<Bool, _>(*b),
                (_, Value::Text(s)) => q.bind::<Text, _>(s.as_str()),
                (_, Value::Null) => q.bind::<Nullable<Text>, _>(None::<&str>),
            };
        }
    }
    q.execute(lite)?;
    Ok(())
}

// COPY names its target table at compile time; a version's table is made at run time. So the
// rows go to a session-local staging table of one text-array column (a temporary table, which
// shadows nothing and is never in the schema), then into the version's table in one
// `INSERT … SELECT` that casts each element to its column's type.
mod staging {
    diesel::table! {
        data_copy (cells) {
            cells -> Array<Nullable<Text>>,
        }
    }
}
use staging::data_copy;

/// Appends `s` as an element of a PostgreSQL array literal inside COPY's text format: quoted,
/// with the array's escapes, then COPY's.
fn copy_element(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            // `\` in the array literal, each backslash doubled again for COPY.
            '\\' => out.push_str("\\\\\\\\"),
            '"' => out.push_str("\\\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// One row as a line of COPY's text format for `data_copy`.
fn copy_line(out: &mut String, row: &Row) {
    out.push('{');
    copy_element(out, &row.row.to_string());
    out.push(',');
    copy_element(out, &row.hash.to_string());
    for v in &row.values {
        out.push(',');
        match v {
            Value::Null => out.push_str("NULL"),
            Value::Bool(b) => out.push_str(if *b { "t" } else { "f" }),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::Real(f) => out.push_str(&f.to_string()),
            Value::Text(t) => copy_element(out, t),
        }
    }
    out.push_str("}\n");
}

/// SQLite's page cache while a version loads (building the key's index sorts in it); the
/// connection's own is put back by [`finish`].
const LOAD_CACHE_KIB: i64 = 128 * 1024;
/// SQLite's default page cache, in KiB.
const DEFAULT_CACHE_KIB: i64 = 2000;

/// Readies the connection for [`insert`] (PostgreSQL's staging table; a larger page cache on
/// SQLite), inside the transaction that loads the rows.
pub fn prepare(c: &mut DbConn) -> AppResult<()> {
    if let DbConn::Sqlite(lite) = c {
        diesel::sql_query(format!("PRAGMA cache_size = -{LOAD_CACHE_KIB}")).execute(lite)?;
    }
    if let DbConn::Postgresql(pg) = c {
        diesel::sql_query(
            "DO $$ BEGIN IF to_regclass('pg_temp.data_copy') IS NULL THEN \
             CREATE TEMP TABLE data_copy (cells TEXT[]); END IF; END $$",
        )
        .execute(pg)?;
    }
    Ok(())
}

/// Puts back what [`prepare`] changed on the pooled connection.
pub fn finish(c: &mut DbConn) -> AppResult<()> {
    if let DbConn::Sqlite(lite) = c {
        diesel::sql_query(format!("PRAGMA cache_size = -{DEFAULT_CACHE_KIB}")).execute(lite)?;
    }
    Ok(())
}

fn copy_in(
    pg: &mut diesel::PgConnection,
    name: &str,
    columns: &[Column],
    rows: &[Row],
) -> AppResult<()> {
    let mut text = String::with_capacity(rows.len() * (columns.len() + 2) * 12);
    for r in rows {
        copy_line(&mut text, r);
    }
    diesel::copy_from(data_copy::table)
        .from_raw_data(data_copy::table, |w: &mut dyn std::io::Write| {
            w.write_all(text.as_bytes())
                .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
        })
        .execute(pg)?;
    let mut cols = String::from("_row, _h");
    let mut exprs = String::from("cells[1]::bigint, cells[2]::bigint");
    for (i, column) in columns.iter().enumerate() {
        cols.push_str(&format!(", {}", col(i)));
        let cast = sql_type(column.kind, Backend::Postgres);
        exprs.push_str(&format!(", cells[{}]::{}", i + 3, cast.to_lowercase()));
    }
    diesel::sql_query(format!(
        "INSERT INTO {name} ({cols}) SELECT {exprs} FROM data_copy"
    ))
    .execute(pg)?;
    diesel::sql_query("TRUNCATE data_copy").execute(pg)?;
    Ok(())
}

/// A row as the database gave it: a JSON array.
#[derive(Debug, QueryableByName)]
pub struct JsonRow {
    /// `[v1, v2, …]`.
    #[diesel(sql_type = Text)]
    pub j: String,
}

/// A count.
#[derive(Debug, QueryableByName)]
pub struct Count {
    /// How many.
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// The expression that makes one JSON array of `exprs` in a row.
pub fn json_array(backend: Backend, exprs: &[String]) -> String {
    match backend {
        Backend::Sqlite => format!("json_array({}) AS j", exprs.join(", ")),
        Backend::Postgres => format!("json_build_array({})::text AS j", exprs.join(", ")),
    }
}

/// `(row, hash)` and the key values of every row of a version, for telling what the next one
/// changed. `key` is the index of the unique column the versions are matched by, if any.
pub fn fingerprints(
    c: &mut DbConn,
    name: &str,
    key: Option<usize>,
) -> AppResult<Vec<(i64, Option<String>)>> {
    let name = checked(name)?;
    let backend = c.backend();
    let key_expr = match (key, backend) {
        (Some(k), Backend::Sqlite) => format!("CAST({} AS TEXT)", col(k)),
        (Some(k), Backend::Postgres) => format!("{}::text", col(k)),
        (None, _) => "NULL".to_owned(),
    };
    let rows = diesel::sql_query(format!(
        "SELECT {} FROM {name}",
        json_array(backend, &["_h".to_owned(), key_expr])
    ))
    .load::<JsonRow>(c)?;
    rows.into_iter()
        .map(|r| {
            let v: (i64, Option<serde_json::Value>) = serde_json::from_str(&r.j)
                .map_err(|e| kernel::AppError::Internal(format!("fingerprint: {e}")))?;
            let key = v.1.map(|k| match k {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            });
            Ok((v.0, key))
        })
        .collect()
}

/// How many rows a version's table holds.
pub fn count(c: &mut DbConn, name: &str) -> AppResult<i64> {
    let name = checked(name)?;
    Ok(
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {name}"))
            .get_result::<Count>(c)?
            .n,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_lines_escape_twice() {
        let mut out = String::new();
        copy_line(
            &mut out,
            &Row {
                row: 1,
                hash: -2,
                values: vec![
                    Value::Text("a\"b\\c\td".into()),
                    Value::Null,
                    Value::Int(3),
                    Value::Bool(true),
                ],
            },
        );
        assert_eq!(out, "{\"1\",\"-2\",\"a\\\\\"b\\\\\\\\c\\td\",NULL,3,t}\n");
    }

    #[test]
    fn only_version_tables_are_named() {
        let v = VersionId::new();
        assert!(is_table_name(&name_of(v)));
        assert!(!is_table_name("data_datasets"));
        assert!(!is_table_name("data_v_x; DROP TABLE users"));
        assert_eq!(batch_rows(10), 1000);
        assert_eq!(batch_rows(58), 500);
    }
}
