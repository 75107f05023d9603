//! `datastore_search` on a resource (a readable version of a public dataset): `filters`
//! (column → value or list of values), `q` (text, or column → text), `fields`, `sort`
//! (`column [asc|desc]`), `limit`, `offset`, `include_total` — translated into the query API's
//! plan, so personal columns are absent exactly as on the portal.

use serde_json::{Value, json};

use super::package::Catalogue;
use super::{Failure, Params, invalid};
use crate::query::{self, Viewer};
use crate::rows;
use crate::variables::{Column, ColumnKind};

/// Most records one call returns (CKAN's own default ceiling is 32,000).
const MAX_LIMIT: i64 = 10_000;

fn ckan_type(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Integer => "int",
        ColumnKind::Decimal => "numeric",
        ColumnKind::Date => "date",
        ColumnKind::Boolean => "bool",
        _ => "text",
    }
}

fn list(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
            .collect(),
        Value::String(s) => s
            .split(',')
            .map(|x| x.trim().to_owned())
            .filter(|x| !x.is_empty())
            .collect(),
        Value::Null => vec![],
        other => vec![other.to_string()],
    }
}

/// The query API's parameters for a CKAN call.
fn pairs(p: &Params, columns: &[Column]) -> Result<Vec<(String, String)>, Failure> {
    let mut out = vec![];
    if let Some(filters) = p.json("filters")? {
        let Value::Object(f) = filters else {
            return Err(Failure::Validation(invalid(
                "filters",
                "Must be a JSON object",
            )));
        };
        for (k, v) in f {
            let values = list(&v);
            match values.as_slice() {
                [one] => out.push((k, one.clone())),
                many => out.push((format!("{k}__in"), many.join(","))),
            }
        }
    }
    match p.json("q").ok().flatten() {
        Some(Value::Object(per_column)) => {
            for (k, v) in per_column {
                out.push((format!("{k}__contains"), list(&v).join(" ")));
            }
        }
        _ => {
            if let Some(q) = p.text("q").filter(|q| !q.trim().is_empty()) {
                out.push(("_q".into(), q));
            }
        }
    }
    if let Some(fields) = p
        .json("fields")
        .ok()
        .flatten()
        .or_else(|| p.text("fields").map(Value::String))
    {
        let names: Vec<String> = list(&fields).into_iter().filter(|f| f != "_id").collect();
        if !names.is_empty() {
            out.push(("_select".into(), names.join(",")));
        }
    }
    if let Some(sort) = p.text("sort").filter(|s| !s.trim().is_empty()) {
        let keys: Vec<&str> = sort.split(',').map(str::trim).collect();
        if keys.len() > 1 {
            return Err(Failure::Validation(invalid("sort", "Sort by one column")));
        }
        let mut it = sort.split_whitespace();
        let column = it.next().unwrap_or_default().trim_matches('"');
        let desc = it.next().is_some_and(|d| d.eq_ignore_ascii_case("desc"));
        if column != "_id" {
            if !columns.iter().any(|c| c.name == column) {
                return Err(Failure::Validation(invalid(
                    "sort",
                    &format!("field \"{column}\" not in table"),
                )));
            }
            out.push((
                "_sort".into(),
                format!("{}{column}", if desc { "-" } else { "" }),
            ));
        }
    }
    let offset = p.number("offset", 0, query::MAX_OFFSET)?;
    if offset > 0 {
        out.push(("_offset".into(), offset.to_string()));
    }
    Ok(out)
}

/// `datastore_search`.
pub async fn search(
    state: &kernel::AppState,
    cat: &Catalogue,
    p: &Params,
) -> Result<Value, Failure> {
    let id = p
        .text("resource_id")
        .or_else(|| p.text("id"))
        .ok_or_else(|| Failure::Validation(invalid("resource_id", "Missing value")))?;
    let (_, version, _) = cat
        .version(&id)
        .ok_or_else(|| Failure::NotFound(format!("Resource \"{id}\" was not found.")))?;
    let schema = version.schema();
    let limit = p.number("limit", 100, MAX_LIMIT)?;
    let offset = p.number("offset", 0, query::MAX_OFFSET)?;
    let pairs = pairs(p, &schema)?;
    let mut plan = query::parse(&pairs, &schema, Viewer::Public).map_err(Failure::from)?;
    plan.size = limit.max(1);
    let v = version.clone();
    let answers = state.cache.slot::<rows::Answers>();
    let page = state
        .read(move |c| rows::page_kept(&answers, c, &v, &plan, Viewer::Public))
        .await?;
    let mut fields = vec![json!({"id": "_id", "type": "int"})];
    fields.extend(page.columns.iter().map(|c| {
        json!({"id": c.name, "type": ckan_type(c.kind), "info": {"label": c.label, "notes": c.definition}})
    }));
    let records: Vec<Value> = page
        .rows
        .into_iter()
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|mut r| {
            if let Some(row) = r.remove("_row") {
                r.insert("_id".into(), row);
            }
            Value::Object(r)
        })
        .collect();
    let start = format!("/api/3/action/datastore_search?resource_id={id}");
    let mut out = json!({
        "resource_id": id, "fields": fields, "records": records,
        "limit": limit, "offset": offset,
        "_links": {"start": start, "next": format!("{start}&offset={}", offset + limit)},
        "include_total": p.flag("include_total", true),
    });
    if p.flag("include_total", true) {
        crate::ckan::put(&mut out, "total", json!(page.total));
    }
    Ok(out)
}
