//! Runs a parsed query on a version's table and shapes the answer: one page of rows (each an
//! object keyed by column name, personal values masked or absent for the viewer) with the
//! cursor of the next page, or the groups with their counts and sums.

use db::DbConn;
use diesel::RunQueryDsl;
use kernel::{AppError, AppResult};
use serde::Serialize;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::query::{self, Cursor, Plan, Sql, Viewer};
use crate::store::VersionRow;
use crate::table::{self, Count, JsonRow};
use crate::variables::Column;

fn load(c: &mut DbConn, sql: Sql) -> AppResult<Vec<Vec<serde_json::Value>>> {
    let mut q = diesel::sql_query(sql.text).into_boxed::<db::MultiBackend>();
    for (kind, v) in &sql.binds {
        q = table::bind(q, *kind, v);
    }
    q.load::<JsonRow>(c)?
        .into_iter()
        .map(|r| {
            serde_json::from_str(&r.j).map_err(|e| AppError::Internal(format!("row json: {e}")))
        })
        .collect()
}

fn count(c: &mut DbConn, sql: Sql) -> AppResult<i64> {
    let mut q = diesel::sql_query(sql.text).into_boxed::<db::MultiBackend>();
    for (kind, v) in &sql.binds {
        q = table::bind(q, *kind, v);
    }
    Ok(q.get_result::<Count>(c)?.n)
}

/// A value as a downloaded file's cell: yes/no as the imports read it back, empty for none.
pub fn cell_text(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Bool(b)) => if *b { "ya" } else { "tidak" }.to_owned(),
        Some(v) => v.to_string(),
    }
}

/// One page of rows.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// The columns shown, in order.
    pub columns: Vec<Column>,
    /// The rows: `_row` and each shown column's value.
    pub rows: Vec<serde_json::Map<String, serde_json::Value>>,
    /// Rows matching the filters, in all.
    pub total: i64,
    /// Where the next page starts, if there is one.
    pub next: Option<Cursor>,
}

/// Reads one page of `version` for `viewer`.
pub fn page(c: &mut DbConn, version: &VersionRow, plan: &Plan, viewer: Viewer) -> AppResult<Page> {
    let schema = version.schema();
    let backend = c.backend();
    let total = count(
        c,
        query::count_sql(backend, &version.table_name, &schema, plan, viewer),
    )?;
    let mut raw = load(
        c,
        query::rows_sql(backend, &version.table_name, &schema, plan, viewer),
    )?;
    let size = usize::try_from(plan.size).unwrap_or(usize::MAX);
    let more = raw.len() > size;
    raw.truncate(size);
    let columns: Vec<Column> = plan
        .select
        .iter()
        .filter_map(|i| schema.get(*i).cloned())
        .collect();
    let next = if more {
        raw.last().map(|r| Cursor {
            row: r.first().and_then(serde_json::Value::as_i64).unwrap_or(0),
            value: plan.sort.and(r.get(1).cloned()),
        })
    } else {
        None
    };
    let rows = raw
        .into_iter()
        .map(|r| {
            let mut it = r.into_iter();
            let row = it.next().unwrap_or_default();
            let _sorted_by = it.next();
            let mut m = serde_json::Map::new();
            m.insert("_row".into(), row);
            for (column, v) in columns.iter().zip(it) {
                m.insert(column.name.clone(), query::shown(column, viewer, v));
            }
            m
        })
        .collect();
    Ok(Page {
        columns,
        rows,
        total,
        next,
    })
}

/// Groups with their count and sums.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = DataGroups)]
pub struct Grouped {
    /// Output column names: the groups, `count`, then `sum_<column>`.
    pub columns: Vec<String>,
    /// One array per group, in those columns' order.
    #[schema(value_type = Vec<Vec<Object>>)]
    pub rows: Vec<Vec<serde_json::Value>>,
}

/// Groups `version`'s filtered rows.
pub fn groups(
    c: &mut DbConn,
    version: &VersionRow,
    plan: &Plan,
    viewer: Viewer,
) -> AppResult<Grouped> {
    let schema = version.schema();
    let backend = c.backend();
    let rows = load(
        c,
        query::group_sql(backend, &version.table_name, &schema, plan, viewer),
    )?;
    let name = |i: &usize| schema.get(*i).map(|c| c.name.clone()).unwrap_or_default();
    let mut columns: Vec<String> = plan.group.iter().map(name).collect();
    columns.push("count".into());
    columns.extend(plan.sums.iter().map(|i| format!("sum_{}", name(i))));
    let group_cols: Vec<Column> = plan
        .group
        .iter()
        .filter_map(|i| schema.get(*i).cloned())
        .collect();
    let rows = rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .enumerate()
                .map(|(i, v)| match group_cols.get(i) {
                    Some(col) => query::shown(col, viewer, v),
                    None => v,
                })
                .collect()
        })
        .collect();
    Ok(Grouped { columns, rows })
}

/// Most bytes (roughly) the answers kept by [`Answers`] may take; past it they are dropped.
const CACHE_BYTES: usize = 64 * 1024 * 1024;

/// Answers already computed, per version and query. A version's rows never change once read,
/// so an answer never goes stale and needs no coordination between instances: each keeps its
/// own, bounded by [`CACHE_BYTES`].
#[derive(Default)]
pub struct Answers {
    kept: Mutex<(HashMap<String, Arc<Answer>>, usize)>,
}

/// One kept answer.
#[derive(Debug)]
pub enum Answer {
    /// A page.
    Page(Page),
    /// Groups.
    Groups(Grouped),
}

impl Answers {
    fn key(version: &VersionRow, plan: &Plan, viewer: Viewer) -> String {
        format!("{}|{viewer:?}|{plan:?}", version.table_name)
    }

    fn get(&self, key: &str) -> Option<Arc<Answer>> {
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .get(key)
            .cloned()
    }

    fn keep(&self, key: String, answer: Answer, bytes: usize) -> Arc<Answer> {
        let answer = Arc::new(answer);
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.1 + bytes > CACHE_BYTES {
            kept.0.clear();
            kept.1 = 0;
        }
        kept.1 += bytes;
        kept.0.insert(key, answer.clone());
        answer
    }
}

fn size_of(values: usize) -> usize {
    values * 48 + 256
}

/// [`page`], from `answers` when it was asked before.
pub fn page_kept(
    answers: &Answers,
    c: &mut DbConn,
    version: &VersionRow,
    plan: &Plan,
    viewer: Viewer,
) -> AppResult<Page> {
    let key = Answers::key(version, plan, viewer);
    if let Some(a) = answers.get(&key)
        && let Answer::Page(p) = a.as_ref()
    {
        return Ok(p.clone());
    }
    let p = page(c, version, plan, viewer)?;
    let bytes = size_of(p.rows.len() * (p.columns.len() + 1));
    answers.keep(key, Answer::Page(p.clone()), bytes);
    Ok(p)
}

/// [`groups`], from `answers` when it was asked before.
pub fn groups_kept(
    answers: &Answers,
    c: &mut DbConn,
    version: &VersionRow,
    plan: &Plan,
    viewer: Viewer,
) -> AppResult<Grouped> {
    let key = Answers::key(version, plan, viewer);
    if let Some(a) = answers.get(&key)
        && let Answer::Groups(g) = a.as_ref()
    {
        return Ok(g.clone());
    }
    let g = groups(c, version, plan, viewer)?;
    let bytes = size_of(g.rows.len() * g.columns.len());
    answers.keep(key, Answer::Groups(g.clone()), bytes);
    Ok(g)
}
