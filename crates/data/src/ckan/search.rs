//! `package_search` as CKAN's Solr answers it, over the public catalogue: `q` (every word in the
//! title, description, tags or agency; `*:*` for all; `field:value` as in `fq`), `fq`
//! (`organization:`, `groups:`, `tags:`, `res_format:`, `license_id:`, `name:`, `year:`,
//! `metadata_modified:[FROM TO TO]`, negated with `-`; `dataset_type:dataset` and
//! `capacity:public` hold for all), `sort`, `rows`, `start`, `facet.field`, `facet.limit`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::package::{Catalogue, Entry, modified, org_name};
use super::{Failure, Params, invalid};
use crate::model::tags_of;

/// One condition of `fq` (or of `q` written as `field:value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// Negated (`-field:value`).
    pub not: bool,
    /// The field.
    pub field: String,
    /// The value, or a range `[from TO to]` (`*` open).
    pub value: Match,
}

/// What a condition's value matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// Exactly this (case-insensitive).
    Is(String),
    /// Between (inclusive); `None` is open.
    Range(Option<String>, Option<String>),
}

const FIELDS: [&str; 10] = [
    "organization",
    "groups",
    "tags",
    "res_format",
    "license_id",
    "name",
    "year",
    "metadata_modified",
    "dataset_type",
    "capacity",
];

/// Splits a Solr-ish query into terms, keeping quoted values and ranges whole.
fn terms(text: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let (mut quoted, mut bracket) = (false, false);
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            '[' | '{' if !quoted => {
                bracket = true;
                cur.push(c);
            }
            ']' | '}' if !quoted => {
                bracket = false;
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted && !bracket => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.into_iter()
        .filter(|t| !matches!(t.as_str(), "AND" | "&&"))
        .collect()
}

/// Reads one `field:value` term.
pub fn condition(term: &str) -> Result<Condition, String> {
    let (not, rest) = match term.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, term.strip_prefix('+').unwrap_or(term)),
    };
    let (field, value) = rest
        .split_once(':')
        .ok_or_else(|| format!("cannot read {term:?}: write field:value"))?;
    if !FIELDS.contains(&field) {
        return Err(format!(
            "unknown field {field:?}; use one of {}",
            FIELDS.join(", ")
        ));
    }
    let value = value.trim_matches('"');
    let m = match value
        .strip_prefix(['[', '{'])
        .and_then(|v| v.strip_suffix([']', '}']))
    {
        Some(range) => {
            let (from, to) = range
                .split_once(" TO ")
                .ok_or_else(|| format!("cannot read the range {value:?}: write [from TO to]"))?;
            let open = |s: &str| (s.trim() != "*").then(|| s.trim().to_owned());
            Match::Range(open(from), open(to))
        }
        None => Match::Is(value.to_lowercase()),
    };
    Ok(Condition {
        not,
        field: field.to_owned(),
        value: m,
    })
}

fn field_values(cat: &Catalogue, e: &Entry, field: &str) -> Vec<String> {
    let r = &e.row;
    match field {
        "organization" => cat
            .agencies
            .get(&r.agency_id)
            .map(org_name)
            .into_iter()
            .collect(),
        "groups" => vec![r.topic.as_str().to_owned()],
        "tags" => tags_of(&r.tags).into_iter().map(str::to_owned).collect(),
        "res_format" => {
            if e.versions.is_empty() {
                vec![]
            } else {
                vec!["csv".to_owned()]
            }
        }
        "license_id" => vec![r.licence.to_lowercase()],
        "name" => vec![r.slug.clone()],
        "year" => years(&r.period),
        "metadata_modified" => vec![super::package::ckan_time(modified(e))],
        "dataset_type" => vec!["dataset".to_owned()],
        "capacity" => vec!["public".to_owned()],
        _ => vec![],
    }
}

/// The years a period names (`2020-2025` → 2020 and 2025; `Semester I 2026` → 2026).
pub fn years(period: &str) -> Vec<String> {
    period
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| s.len() == 4 && (s.starts_with("19") || s.starts_with("20")))
        .map(str::to_owned)
        .collect()
}

fn holds(cat: &Catalogue, e: &Entry, c: &Condition) -> bool {
    let values = field_values(cat, e, &c.field);
    let hit = values.iter().any(|v| match &c.value {
        Match::Is(x) => v.to_lowercase() == *x,
        // Times and years compare as text: both are written most significant first.
        Match::Range(from, to) => {
            let v = v.trim_end_matches('Z');
            from.as_deref().is_none_or(|f| v >= f.trim_end_matches('Z'))
                && to.as_deref().is_none_or(|t| v <= t.trim_end_matches('Z'))
        }
    });
    hit != c.not
}

/// How well `e` matches the free-text words (0: not at all); every word must be found.
fn score(cat: &Catalogue, e: &Entry, words: &[String]) -> u32 {
    if words.is_empty() {
        return 1;
    }
    let title = e.row.title.to_lowercase();
    let rest = format!(
        "{} {} {} {}",
        e.row.description.to_lowercase(),
        e.row.tags.to_lowercase(),
        e.row.slug,
        cat.agencies
            .get(&e.row.agency_id)
            .map(|a| format!("{} {}", a.name, a.code).to_lowercase())
            .unwrap_or_default()
    );
    let mut total = 0;
    for w in words {
        let s = 2 * u32::from(title.contains(w.as_str())) + u32::from(rest.contains(w.as_str()));
        if s == 0 {
            return 0;
        }
        total += s;
    }
    total
}

const FACETS: [&str; 6] = [
    "organization",
    "groups",
    "tags",
    "res_format",
    "license_id",
    "year",
];

/// `package_search`.
pub fn package_search(cat: &Catalogue, p: &Params) -> Result<Value, Failure> {
    let mut conditions = vec![];
    let mut words = vec![];
    let q = p.text("q").unwrap_or_default();
    for t in terms(&q) {
        if t == "*:*" || t == "*" {
            continue;
        }
        if t.contains(':') {
            conditions.push(condition(&t).map_err(|m| Failure::Validation(invalid("q", &m)))?);
        } else {
            words.push(t.trim_matches('"').to_lowercase());
        }
    }
    for t in terms(&p.text("fq").unwrap_or_default()) {
        conditions.push(condition(&t).map_err(|m| Failure::Validation(invalid("fq", &m)))?);
    }
    let rows = p.number("rows", 10, 1000)?;
    let start = p.number("start", 0, i64::MAX)?;
    let mut hits: Vec<(u32, &Entry)> = cat
        .entries
        .iter()
        .filter(|e| conditions.iter().all(|c| holds(cat, e, c)))
        .map(|e| (score(cat, e, &words), e))
        .filter(|(s, _)| *s > 0)
        .collect();
    let sort = p
        .text("sort")
        .unwrap_or_else(|| "score desc, metadata_modified desc".into());
    let keys: Vec<(String, bool)> = sort
        .split(',')
        .map(|k| {
            let mut it = k.split_whitespace();
            let field = it.next().unwrap_or_default().to_owned();
            let desc = it.next().is_some_and(|d| d.eq_ignore_ascii_case("desc"));
            (field, desc)
        })
        .filter(|(f, _)| !f.is_empty())
        .collect();
    for (field, _) in &keys {
        if !matches!(
            field.as_str(),
            "score"
                | "id"
                | "metadata_modified"
                | "metadata_created"
                | "name"
                | "title_string"
                | "title"
        ) {
            return Err(Failure::Validation(invalid(
                "sort",
                &format!("cannot sort by {field}"),
            )));
        }
    }
    hits.sort_by(|(sa, a), (sb, b)| {
        for (field, desc) in &keys {
            let o = match field.as_str() {
                "score" => sa.cmp(sb),
                // ckanext-harvest pages by id: what the package dict shows.
                "id" => a.row.id.to_string().cmp(&b.row.id.to_string()),
                "metadata_modified" => modified(a).cmp(&modified(b)),
                "metadata_created" => a.row.created_at.cmp(&b.row.created_at),
                "name" => a.row.slug.cmp(&b.row.slug),
                _ => a.row.title.to_lowercase().cmp(&b.row.title.to_lowercase()),
            };
            let o = if *desc { o.reverse() } else { o };
            if o != std::cmp::Ordering::Equal {
                return o;
            }
        }
        a.row.slug.cmp(&b.row.slug)
    });
    let facet_fields: Vec<String> = match p.json("facet.field")? {
        None => vec![],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(s)) => vec![s],
        Some(_) => {
            return Err(Failure::Validation(invalid(
                "facet.field",
                "Must be a list of field names",
            )));
        }
    };
    let facet_limit = usize::try_from(p.number("facet.limit", 50, 1000)?).unwrap_or(50);
    let mut facets = serde_json::Map::new();
    let mut search_facets = serde_json::Map::new();
    for f in &facet_fields {
        if !FACETS.contains(&f.as_str()) {
            return Err(Failure::Validation(invalid(
                "facet.field",
                &format!("cannot count by {f}"),
            )));
        }
        let mut counts: BTreeMap<String, i64> = BTreeMap::new();
        for (_, e) in &hits {
            for v in field_values(cat, e, f) {
                *counts.entry(v).or_default() += 1;
            }
        }
        let mut items: Vec<(String, i64)> = counts.into_iter().collect();
        items.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        items.truncate(facet_limit);
        facets.insert(
            f.clone(),
            json!(items.iter().cloned().collect::<BTreeMap<_, _>>()),
        );
        search_facets.insert(
            f.clone(),
            json!({"title": f, "items": items.iter().map(|(n, c)| json!({"name": n, "display_name": n, "count": c})).collect::<Vec<_>>()}),
        );
    }
    let count = hits.len();
    let results: Vec<Value> = hits
        .into_iter()
        .skip(usize::try_from(start).unwrap_or(usize::MAX))
        .take(usize::try_from(rows).unwrap_or(10))
        .map(|(_, e)| cat.dict(e))
        .collect();
    Ok(
        json!({"count": count, "sort": sort, "results": results, "facets": facets, "search_facets": search_facets}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_split_into_conditions_with_ranges_and_negation() {
        assert_eq!(
            terms(
                r#"organization:dinkes -tags:"rumah sakit" metadata_modified:[2026-01-01T00:00:00Z TO *]"#
            ),
            [
                "organization:dinkes",
                "-tags:\"rumah sakit\"",
                "metadata_modified:[2026-01-01T00:00:00Z TO *]"
            ]
        );
        assert_eq!(
            condition("-tags:\"Rumah Sakit\""),
            Ok(Condition {
                not: true,
                field: "tags".into(),
                value: Match::Is("rumah sakit".into())
            })
        );
        assert_eq!(
            condition("metadata_modified:[2026-01-01T00:00:00Z TO *]")
                .unwrap()
                .value,
            Match::Range(Some("2026-01-01T00:00:00Z".into()), None)
        );
        assert!(condition("colour:red").is_err());
        assert!(condition("justaword").is_err());
        assert_eq!(years("2020–2025"), ["2020", "2025"]);
        assert_eq!(years("Semester I 2026"), ["2026"]);
    }
}
