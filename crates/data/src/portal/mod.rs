//! The open-data portal, open to anyone: `GET /portal` (search by words, agency, group, tag
//! and year, with counts beside each choice), `GET /portal/{slug}` (a dataset's metadata, a
//! chart of its figures drawn on the server, the first rows and the downloads) and the
//! downloads themselves, `GET /portal/{slug}/v{n}.csv|.xlsx`. Only public datasets appear;
//! personal columns never do. The DCAT catalogue is `dcat`.

pub mod dcat;
pub mod download;

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use kernel::layout::{Chrome, render};
use kernel::{AppError, AppResult, AppState, Ctx};
use serde_json::Value;

use crate::ckan::{Catalogue, Params, package::Entry};
use crate::query::{self, Viewer};
use crate::rows;
use crate::variables::{Column, ColumnKind};

/// Datasets a search page lists.
const PAGE_SIZE: i64 = 20;

/// A dataset as the search lists it.
struct Card {
    slug: String,
    title: String,
    notes: String,
    agency: String,
    topic: String,
    tags: Vec<String>,
    formats: bool,
}

/// One choice of a facet: its value, its label and how many datasets have it.
struct Choice {
    value: String,
    label: String,
    count: i64,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "portal_home.html")]
struct HomePage {
    chrome: Chrome,
    q: String,
    count: i64,
    cards: Vec<Card>,
    facets: Vec<(String, String, Vec<Choice>)>,
    /// The query string without the page, for the pager's links.
    base_query: String,
    page: i64,
    pages: i64,
}

/// The value at a JSON pointer (`/a/0/b`), null when absent.
fn at<'v>(v: &'v Value, pointer: &str) -> &'v Value {
    v.pointer(pointer).unwrap_or(&Value::Null)
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The portal's search page.
pub async fn home(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let pairs = crate::api::rows::pairs(raw.as_deref());
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    if let Some((k, _)) = pairs.iter().find(|(k, _)| {
        !matches!(
            k.as_str(),
            "q" | "organization" | "groups" | "tags" | "year" | "page"
        )
    }) {
        return Err(AppError::BadRequest(
            kernel::FieldError::new(k.clone(), "error-param-unknown").arg("name", k.clone()),
        ));
    }
    let q = get("q").unwrap_or_default();
    let page = get("page")
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| (1..=10_000).contains(p))
        .unwrap_or(1);
    let chosen: Vec<(&str, String)> = ["organization", "groups", "tags", "year"]
        .into_iter()
        .filter_map(|f| get(f).map(|v| (f, v)))
        .collect();
    let fq: Vec<String> = chosen
        .iter()
        .map(|(f, v)| format!("{f}:\"{}\"", v.replace('"', "")))
        .collect();
    let mut params = serde_json::Map::new();
    params.insert("q".into(), Value::String(q.replace(':', " ")));
    params.insert("fq".into(), Value::String(fq.join(" ")));
    params.insert("rows".into(), Value::from(PAGE_SIZE));
    params.insert("start".into(), Value::from((page - 1) * PAGE_SIZE));
    params.insert(
        "facet.field".into(),
        serde_json::json!(["organization", "groups", "tags", "year"]),
    );
    params.insert(
        "sort".into(),
        Value::String(
            if q.is_empty() {
                "title_string asc"
            } else {
                "score desc, title_string asc"
            }
            .into(),
        ),
    );
    let cat = Catalogue::load(
        &state,
        state.config.public_url.trim_end_matches('/').to_owned(),
    )
    .await
    .map_err(fault)?;
    let found = crate::ckan::search::package_search(&cat, &Params(params)).map_err(fault)?;
    let tr = ctx.tr();
    let cards = at(&found, "/results")
        .as_array()
        .map(|rs| {
            rs.iter()
                .map(|r| Card {
                    slug: text(r, "name"),
                    title: text(r, "title"),
                    notes: text(r, "notes").chars().take(240).collect(),
                    agency: at(r, "/organization/title")
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    topic: at(r, "/groups/0/display_name")
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    tags: at(r, "/tags")
                        .as_array()
                        .map(|t| t.iter().map(|t| text(t, "name")).collect())
                        .unwrap_or_default(),
                    formats: at(r, "/num_resources").as_i64().unwrap_or(0) > 0,
                })
                .collect()
        })
        .unwrap_or_default();
    let label = |field: &str, value: &str| -> String {
        match field {
            "organization" => cat
                .agencies
                .values()
                .find(|a| crate::ckan::package::org_name(a) == value)
                .map(|a| a.name.clone())
                .unwrap_or_else(|| value.to_owned()),
            "groups" => tr.tp("data-topic-", value),
            _ => value.to_owned(),
        }
    };
    let facets = ["organization", "groups", "tags", "year"]
        .iter()
        .map(|f| {
            let items = at(&found, &format!("/search_facets/{f}/items"))
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .map(|i| {
                            let value = text(i, "name");
                            Choice {
                                label: label(f, &value),
                                chosen: chosen.iter().any(|(cf, cv)| cf == f && *cv == value),
                                count: at(i, "/count").as_i64().unwrap_or(0),
                                value,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            ((*f).to_owned(), tr.t(&format!("portal-facet-{f}")), items)
        })
        .collect();
    let count = at(&found, "/count").as_i64().unwrap_or(0);
    let mut base = form_urlencoded::Serializer::new(String::new());
    if !q.is_empty() {
        base.append_pair("q", &q);
    }
    for (f, v) in &chosen {
        base.append_pair(f, v);
    }
    let page_view = HomePage {
        chrome: Chrome::new(&state, &ctx, "portal-title"),
        q,
        count,
        cards,
        facets,
        base_query: base.finish(),
        page,
        pages: (count + PAGE_SIZE - 1) / PAGE_SIZE,
    };
    Ok(render(&page_view)?.into_response())
}

fn fault(f: crate::ckan::Failure) -> AppError {
    match f {
        crate::ckan::Failure::NotFound(_) => AppError::NotFound,
        crate::ckan::Failure::Internal(e) => e,
        other => AppError::Internal(format!("{other:?}")),
    }
}

/// A bar of a chart.
pub struct Bar {
    /// Its label.
    pub label: String,
    /// Its value, as people read it.
    pub value: String,
    /// Its length, in the chart's units (0–160).
    pub width: i64,
}

#[derive(Template)]
#[template(path = "portal_dataset.html")]
struct DatasetPage {
    chrome: Chrome,
    e: Entry,
    agency: String,
    topic: String,
    tags: Vec<String>,
    preview: Option<rows::Page>,
    chart: Option<(String, Vec<Bar>)>,
    resource: Option<String>,
    /// The area covered, each code with its name.
    coverage: String,
}

impl DatasetPage {
    fn cell(&self, row: &serde_json::Map<String, Value>, name: &str) -> String {
        match row.get(name) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Bool(b)) => self.chrome.tr.t(if *b { "data-yes" } else { "data-no" }),
            Some(Value::Number(n)) => n
                .as_i64()
                .map_or_else(|| n.to_string(), |i| self.chrome.tr.number(i)),
            Some(v) => v.to_string(),
        }
    }

    fn updated(&self) -> chrono::NaiveDateTime {
        self.e.versions.first().map_or(self.e.row.updated_at, |v| {
            v.finished_at.unwrap_or(v.created_at)
        })
    }

    fn chart_height(&self) -> usize {
        self.chart.as_ref().map_or(0, |(_, b)| b.len() * 26 + 8)
    }
}

/// The chart a dataset's figures make: the first numeric column summed over the first text
/// column (or rows counted per it), the largest twelve.
fn chart_of(columns: &[Column]) -> Option<(usize, Option<usize>)> {
    let category = columns
        .iter()
        .position(|c| {
            !c.masked() && matches!(c.kind, ColumnKind::Text | ColumnKind::RegionCode) && !c.unique
        })
        .or_else(|| {
            columns.iter().position(|c| {
                !c.masked() && matches!(c.kind, ColumnKind::Text | ColumnKind::RegionCode)
            })
        })?;
    // A total, when there is one (`jumlah`, `total`), says more than the first figure.
    let numbers: Vec<usize> = (0..columns.len())
        .filter(|i| {
            columns
                .get(*i)
                .is_some_and(|c| c.kind.numeric() && !c.masked() && !c.unique)
        })
        .collect();
    let number = numbers
        .iter()
        .copied()
        .find(|i| {
            columns
                .get(*i)
                .is_some_and(|c| matches!(c.name.as_str(), "jumlah" | "total"))
        })
        .or_else(|| numbers.first().copied());
    Some((category, number))
}

/// Most bars a chart draws.
const MAX_BARS: usize = 12;

/// One public dataset.
pub async fn dataset(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let cat = Catalogue::load(
        &state,
        state.config.public_url.trim_end_matches('/').to_owned(),
    )
    .await
    .map_err(fault)?;
    let e = cat.find(&slug).cloned().ok_or(AppError::NotFound)?;
    let tr = ctx.tr();
    let current = e.versions.first().cloned();
    let (preview, chart) = match current.clone() {
        None => (None, None),
        Some(v) => {
            let schema = v.schema();
            state
                .read(move |c| {
                    let plan =
                        query::parse(&[("_size".into(), "20".into())], &schema, Viewer::Public)?;
                    let preview = rows::page(c, &v, &plan, Viewer::Public)?;
                    let chart = match chart_of(&schema) {
                        None => None,
                        Some((category, number)) => {
                            let name = |i: usize| {
                                schema.get(i).map(|c| c.name.clone()).unwrap_or_default()
                            };
                            let mut pairs = vec![("_group".to_owned(), name(category))];
                            if let Some(n) = number {
                                pairs.push(("_sum".into(), name(n)));
                            }
                            let plan = query::parse(&pairs, &schema, Viewer::Public)?;
                            let groups = rows::groups(c, &v, &plan, Viewer::Public)?;
                            let title = match number {
                                Some(n) => format!(
                                    "{} / {}",
                                    schema.get(n).map(|c| c.label.clone()).unwrap_or_default(),
                                    schema
                                        .get(category)
                                        .map(|c| c.label.clone())
                                        .unwrap_or_default()
                                ),
                                None => schema
                                    .get(category)
                                    .map(|c| c.label.clone())
                                    .unwrap_or_default(),
                            };
                            let at = if number.is_some() { 2 } else { 1 };
                            let mut bars: Vec<(String, f64)> = groups
                                .rows
                                .iter()
                                .map(|r| {
                                    let label = r.first().map_or_else(String::new, |v| {
                                        v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                                    });
                                    (label, r.get(at).and_then(Value::as_f64).unwrap_or(0.0))
                                })
                                .collect();
                            bars.sort_by(|a, b| b.1.total_cmp(&a.1));
                            bars.truncate(MAX_BARS);
                            Some((title, bars))
                        }
                    };
                    Ok((Some(preview), chart))
                })
                .await?
        }
    };
    let chart = chart.and_then(|(title, bars)| {
        let max = bars.iter().map(|b| b.1).fold(0.0_f64, f64::max);
        (max > 0.0 && bars.len() > 1).then(|| {
            let bars = bars
                .into_iter()
                .map(|(label, v)| Bar {
                    label: label.chars().take(16).collect(),
                    value: if v.fract() == 0.0 && v.abs() < 9e15 {
                        #[expect(
                            clippy::cast_possible_truncation,
                            reason = "a whole number within range"
                        )]
                        tr.number(v as i64)
                    } else {
                        format!("{v:.2}")
                    },
                    #[expect(
                        clippy::cast_possible_truncation,
                        reason = "bounded by the chart width"
                    )]
                    width: ((v / max) * 160.0).round() as i64,
                })
                .collect();
            (title, bars)
        })
    });
    let agency = cat
        .agencies
        .get(&e.row.agency_id)
        .map(|a| a.name.clone())
        .unwrap_or_default();
    let added = state.read(|c| Ok(crate::store::added_regions(c)?)).await?;
    let page = DatasetPage {
        chrome: Chrome::new(&state, &ctx, "portal-title"),
        coverage: crate::regions::describe(&e.row.coverage, &added),
        topic: tr.tp("data-topic-", e.row.topic),
        tags: crate::model::tags_of(&e.row.tags)
            .into_iter()
            .map(str::to_owned)
            .collect(),
        resource: current.map(|v| v.id.to_string()),
        agency,
        preview,
        chart,
        e,
    };
    let mut page = page;
    page.chrome.title = page.e.row.title.clone();
    Ok(render(&page)?.into_response())
}
