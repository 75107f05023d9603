//! One way to build lists. A list declares, once, what it may be filtered by, how it may be
//! sorted, its columns and the file it leaves as; the kernel reads and checks the query string
//! (`?q=&kind=&sort=-name&page=2&per_page=50&format=csv`), renders the page (filters that work
//! without JavaScript, sortable headers, pager, download links), writes CSV and XLSX, and shapes
//! the API's JSON page. A context writes only the query — its store reads a [`ListQuery`] — and
//! its cells: a new list is its query plus its columns.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::{AppError, AppResult, FieldError};
use crate::i18n::Tr;
use crate::ids::{AgencyId, Choice};
use crate::layout::{Chrome, render};

/// Rows a page shows unless asked otherwise.
pub const PER_PAGE: i64 = 50;
/// The most rows a page shows.
pub const PER_PAGE_MAX: i64 = 200;
/// The most rows one download holds: beyond this, the person narrows the filter (a region's
/// lists are far smaller; a nation's audit trail is not).
pub const EXPORT_MAX: i64 = 100_000;

/// How a filter is asked on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// Typed text.
    Text,
    /// Picked from a list (the page shows it only when it is given its choices).
    Select,
    /// A calendar date, `YYYY-MM-DD` (the browser's date picker).
    Date,
}

/// A closed set's names, and the message prefix of their labels.
pub type Options = (fn() -> Vec<&'static str>, &'static str);

/// One thing a list may be filtered by.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    /// Its query parameter.
    pub name: &'static str,
    /// Its label's message key.
    pub label: &'static str,
    /// How it is asked.
    pub input: Input,
    /// Whether a value is acceptable (anything else is refused with a clear error, never
    /// silently ignored).
    pub accepts: fn(&str) -> bool,
    /// The choices of a closed set, with their labels' message prefix.
    pub options: Option<Options>,
}

fn any_text(_: &str) -> bool {
    true
}

fn is_choice<E: Choice>(text: &str) -> bool {
    E::typed(text).is_some()
}

fn names_of<E: Choice>() -> Vec<&'static str> {
    E::all().iter().map(|v| v.name()).collect()
}

fn is_agency(text: &str) -> bool {
    AgencyId::parse(text).is_some()
}

/// The free-text search, `?q=`.
pub const fn search() -> Filter {
    text("q", "list-search")
}

/// A text filter.
pub const fn text(name: &'static str, label: &'static str) -> Filter {
    Filter {
        name,
        label,
        input: Input::Text,
        accepts: any_text,
        options: None,
    }
}

/// One value of a closed set, labelled by `prefix` + its name.
pub const fn choice<E: Choice>(
    name: &'static str,
    label: &'static str,
    prefix: &'static str,
) -> Filter {
    Filter {
        name,
        label,
        input: Input::Select,
        accepts: is_choice::<E>,
        options: Some((names_of::<E>, prefix)),
    }
}

/// A calendar day as a date filter takes it, `YYYY-MM-DD`.
fn day(text: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

fn is_date(text: &str) -> bool {
    day(text).is_some()
}

/// A calendar date (`YYYY-MM-DD`).
pub const fn date(name: &'static str, label: &'static str) -> Filter {
    Filter {
        name,
        label,
        input: Input::Date,
        accepts: is_date,
        options: None,
    }
}

/// One of the values the handler lists (what the data holds, such as the kinds of record in
/// the audit trail); any text is accepted and simply matches nothing when unknown.
pub const fn listed(name: &'static str, label: &'static str) -> Filter {
    Filter {
        name,
        label,
        input: Input::Select,
        accepts: any_text,
        options: None,
    }
}

/// An agency by its id; the page lists the agencies the handler gives it.
pub const fn agency(name: &'static str, label: &'static str) -> Filter {
    Filter {
        name,
        label,
        input: Input::Select,
        accepts: is_agency,
        options: None,
    }
}

/// How a cell looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Plain text.
    Plain,
    /// A tag: good.
    Green,
    /// A tag: needs attention.
    Red,
    /// A tag: no longer in force.
    Grey,
    /// A tag: neutral.
    Tag,
    /// A code or identifier.
    Code,
    /// Long machine text (JSON), wrapped anywhere.
    Data,
}

/// One cell of a list as a person reads it.
#[derive(Debug, Clone)]
pub struct Cell {
    /// What it says.
    pub text: String,
    /// Where it links.
    pub link: Option<String>,
    /// How it looks.
    pub tone: Tone,
    /// A small tag after it ("Dinas").
    pub badge: Option<String>,
}

impl Cell {
    /// Plain text; empty reads as a dash.
    pub fn text(text: impl Into<String>) -> Self {
        let text = text.into();
        Self {
            text: if text.is_empty() { "—".into() } else { text },
            link: None,
            tone: Tone::Plain,
            badge: None,
        }
    }

    /// Optional text (a dash when absent).
    pub fn maybe(text: Option<&str>) -> Self {
        Self::text(text.unwrap_or(""))
    }

    /// A link to the record.
    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            link: Some(href.into()),
            ..Self::text(text)
        }
    }

    /// A coloured tag.
    pub fn tag(text: impl Into<String>, tone: Tone) -> Self {
        Self {
            tone,
            ..Self::text(text)
        }
    }

    /// With a small tag after it, when `shown`.
    pub fn badge(mut self, shown: bool, text: impl Into<String>) -> Self {
        if shown {
            self.badge = Some(text.into());
        }
        self
    }

    /// A code or identifier, shown as such.
    pub fn code(text: impl Into<String>) -> Self {
        Self {
            tone: Tone::Code,
            ..Self::text(text)
        }
    }

    /// Long machine text such as a JSON summary, wrapped anywhere to fit.
    pub fn data(text: impl Into<String>) -> Self {
        Self {
            tone: Tone::Data,
            ..Self::text(text)
        }
    }

    /// Whether it is shown as code.
    pub fn is_code(&self) -> bool {
        matches!(self.tone, Tone::Code | Tone::Data)
    }

    /// The class of its code element.
    pub fn code_class(&self) -> &'static str {
        if self.tone == Tone::Data {
            "wrap-any"
        } else {
            ""
        }
    }

    /// The CSS class of its tag, if it is one.
    pub fn tag_class(&self) -> Option<&'static str> {
        match self.tone {
            Tone::Green => Some("tag green"),
            Tone::Red => Some("tag red"),
            Tone::Grey => Some("tag grey"),
            Tone::Tag => Some("tag"),
            Tone::Plain | Tone::Code | Tone::Data => None,
        }
    }
}

/// One column of a list.
pub struct Column<R: 'static> {
    /// Its header's message key.
    pub label: &'static str,
    /// The sort key its header sorts by, if any.
    pub sort: Option<&'static str>,
    /// Its cell for a row.
    pub cell: fn(&R, Tr) -> Cell,
}

/// How a list leaves as a file: the columns its import reads back.
pub struct Export<R: 'static> {
    /// The file name without extension.
    pub stem: &'static str,
    /// The header row.
    pub header: fn() -> Vec<&'static str>,
    /// A row's cells, as stored (codes, not labels).
    pub row: fn(&R) -> Vec<String>,
}

/// A list, declared once by its context.
pub struct List<R: 'static> {
    /// Its page (the filter form and pager links point here).
    pub path: &'static str,
    /// What it may be filtered by, in the order the page shows them.
    pub filters: &'static [Filter],
    /// The keys it may be sorted by.
    pub sorts: &'static [&'static str],
    /// The order when none is asked for: a key, `-` in front for descending.
    pub default_sort: &'static str,
    /// Its columns.
    pub columns: &'static [Column<R>],
    /// Its download, if it has one.
    pub export: Option<Export<R>>,
}

/// The file a list is downloaded as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated text.
    Csv,
    /// A spreadsheet.
    Xlsx,
}

/// A list's query string, read and checked: filters, order, page, and whether it is a download.
#[derive(Debug, Clone)]
pub struct ListQuery {
    values: Vec<(&'static str, String)>,
    /// The sort key.
    pub sort: &'static str,
    /// Whether the order is reversed.
    pub descending: bool,
    /// Page number from 1.
    pub page: i64,
    /// Rows per page.
    pub per_page: i64,
    /// A download instead of a page.
    pub format: Option<Format>,
}

fn bad(field: &str, key: &'static str) -> AppError {
    AppError::BadRequest(FieldError::new(field, key))
}

fn whole(
    text: &str,
    field: &str,
    range: std::ops::RangeInclusive<i64>,
    key: &'static str,
) -> AppResult<i64> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| bad(field, key))
}

impl<R> List<R> {
    /// Reads the query string. Unknown or repeated parameters, values outside a filter's set,
    /// control characters and unknown sort keys are refused with a message naming the
    /// parameter, never silently ignored.
    pub fn read(&self, raw: Option<&str>) -> AppResult<ListQuery> {
        self.parse(raw, self.export.is_some())
    }

    /// Reads an API request's query string (the API answers JSON pages; `format` is unknown).
    pub fn read_api(&self, raw: Option<&str>) -> AppResult<ListQuery> {
        self.parse(raw, false)
    }

    fn parse(&self, raw: Option<&str>, downloads: bool) -> AppResult<ListQuery> {
        let mut q = ListQuery {
            values: vec![],
            sort: "",
            descending: false,
            page: 1,
            per_page: PER_PAGE,
            format: None,
        };
        let (default_desc, default_key) = match self.default_sort.strip_prefix('-') {
            Some(k) => (true, k),
            None => (false, self.default_sort),
        };
        q.sort = self
            .sorts
            .iter()
            .copied()
            .find(|k| *k == default_key)
            .unwrap_or(default_key);
        q.descending = default_desc;
        let mut seen: Vec<String> = vec![];
        for (name, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            if seen.contains(&name.to_string()) {
                return Err(bad(&name, "error-parameter-repeated"));
            }
            seen.push(name.to_string());
            if value.chars().any(char::is_control) {
                return Err(bad(&name, "error-control-characters"));
            }
            let value = value.trim();
            match &*name {
                "page" if !value.is_empty() => {
                    q.page = whole(value, "page", 1..=1_000_000, "error-page")?;
                }
                "per_page" if !value.is_empty() => {
                    q.per_page = whole(value, "per_page", 1..=PER_PAGE_MAX, "error-per-page")?;
                }
                "page" | "per_page" | "sort" if value.is_empty() => {}
                "format" if downloads && value.is_empty() => {}
                "sort" => {
                    let (desc, key) = match value.strip_prefix('-') {
                        Some(k) => (true, k),
                        None => (false, value),
                    };
                    let key = self
                        .sorts
                        .iter()
                        .copied()
                        .find(|k| *k == key)
                        .ok_or_else(|| {
                            AppError::BadRequest(
                                FieldError::new("sort", "error-choice")
                                    .arg("choices", self.sorts.join(", ")),
                            )
                        })?;
                    q.sort = key;
                    q.descending = desc;
                }
                "format" if downloads => {
                    q.format = Some(match value {
                        "csv" => Format::Csv,
                        "xlsx" => Format::Xlsx,
                        _ => {
                            return Err(AppError::BadRequest(
                                FieldError::new("format", "error-choice")
                                    .arg("choices", "csv, xlsx"),
                            ));
                        }
                    });
                }
                other => {
                    let filter = self
                        .filters
                        .iter()
                        .find(|f| f.name == other)
                        .ok_or_else(|| bad(other, "error-parameter-unknown"))?;
                    if value.is_empty() {
                        continue;
                    }
                    if value.chars().count() > 200 || !(filter.accepts)(value) {
                        return Err(bad(filter.name, "error-filter-value"));
                    }
                    q.values.push((filter.name, value.to_owned()));
                }
            }
        }
        Ok(q)
    }

    /// The page of a list: give it the shell, the query, this page's rows and the total.
    pub fn view(
        &self,
        chrome: Chrome,
        q: &ListQuery,
        rows: &[R],
        total: impl Into<Total>,
    ) -> ListView {
        let total: Total = total.into();
        let tr = chrome.tr;
        let query = q.query_string();
        let headers = self
            .columns
            .iter()
            .map(|c| {
                let (href, aria) = match c.sort {
                    Some(key) => {
                        let now = q.sort == key;
                        let next = if now && !q.descending {
                            format!("-{key}")
                        } else {
                            key.to_owned()
                        };
                        let aria = match (now, q.descending) {
                            (false, _) => None,
                            (true, false) => Some("ascending"),
                            (true, true) => Some("descending"),
                        };
                        (Some(format!("{}?{}", self.path, q.with_sort(&next))), aria)
                    }
                    None => (None, None),
                };
                Header {
                    label: tr.t(c.label),
                    href,
                    aria_sort: aria,
                }
            })
            .collect();
        let filters = self
            .filters
            .iter()
            .map(|f| FilterView {
                name: f.name,
                label: tr.t(f.label),
                value: q.get(f.name).unwrap_or("").to_owned(),
                input: f.input,
                choices: f.options.map(|(names, prefix)| {
                    names()
                        .into_iter()
                        .map(|n| (n.to_owned(), tr.tp(prefix, n)))
                        .collect()
                }),
                shown: f.input != Input::Select || f.options.is_some(),
            })
            .collect();
        ListView {
            path: self.path,
            intro: None,
            above: None,
            actions: vec![],
            filters,
            headers,
            rows: rows
                .iter()
                .map(|r| self.columns.iter().map(|c| (c.cell)(r, tr)).collect())
                .collect(),
            total: total.count(),
            total_exact: total.is_exact(),
            page: q.page,
            per_page: q.per_page,
            pages: ((total.count() + q.per_page - 1) / q.per_page).max(1),
            query,
            sort: q.sort_param(),
            exports: self.export.is_some(),
            chrome,
        }
    }

    /// The download of the rows, in the format asked for.
    pub fn download(&self, format: Format, rows: &[R]) -> AppResult<Response> {
        let export = self
            .export
            .as_ref()
            .ok_or_else(|| bad("format", "error-parameter-unknown"))?;
        let lines = rows.iter().map(|r| (export.row)(r));
        let name = match format {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        };
        crate::export::download(name, export.stem, &(export.header)(), lines)
    }

    /// The API's page of records.
    pub fn json<T: Serialize>(
        &self,
        q: &ListQuery,
        items: Vec<T>,
        total: impl Into<Total>,
    ) -> Json<Page<T>> {
        let total: Total = total.into();
        Json(Page {
            items,
            total: total.count(),
            total_exact: total.is_exact(),
            page: q.page,
            per_page: q.per_page,
        })
    }
}

impl ListQuery {
    /// A filter's value (trimmed, never empty).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A closed-set filter's value.
    pub fn choice<E: Choice>(&self, name: &str) -> Option<E> {
        self.get(name).and_then(E::typed)
    }

    /// An agency filter's value.
    pub fn agency(&self, name: &str) -> Option<AgencyId> {
        self.get(name).and_then(AgencyId::parse)
    }

    /// A date filter's value.
    pub fn date(&self, name: &str) -> Option<chrono::NaiveDate> {
        self.get(name).and_then(day)
    }

    /// How many rows to fetch: a page, or a whole download (one more than allowed, so an
    /// oversized one is noticed).
    pub fn limit(&self) -> i64 {
        match self.format {
            Some(_) => EXPORT_MAX + 1,
            None => self.per_page,
        }
    }

    /// How many rows to skip.
    pub fn offset(&self) -> i64 {
        match self.format {
            Some(_) => 0,
            None => (self.page - 1) * self.per_page,
        }
    }

    /// The page (or the whole download) of records already in memory — a report computed
    /// rather than queried — and how many there are.
    pub fn window<T>(&self, items: Vec<T>) -> (Vec<T>, i64) {
        let total = items.len() as i64;
        let skip = usize::try_from(self.offset()).unwrap_or(usize::MAX);
        let take = usize::try_from(self.limit()).unwrap_or(usize::MAX);
        (items.into_iter().skip(skip).take(take).collect(), total)
    }

    /// The most matching rows worth counting for this page: those before it and
    /// [`COUNT_MAX`] more. Count up to one past it (a `LIMIT`), then read the count with
    /// [`ListQuery::total_of`].
    pub fn count_limit(&self) -> i64 {
        self.offset() + COUNT_MAX
    }

    /// The total a count stopped at `count_limit() + 1` rows gives.
    pub fn total_of(&self, counted: i64) -> Total {
        if counted > self.count_limit() {
            Total::AtLeast(self.count_limit())
        } else {
            Total::Exact(counted)
        }
    }

    /// Refuses a download larger than [`EXPORT_MAX`] rows.
    pub fn check_download(&self, rows: usize) -> AppResult<()> {
        if rows as i64 > EXPORT_MAX {
            return Err(AppError::Validation(vec![
                FieldError::new("format", "error-export-too-large").arg("max", EXPORT_MAX),
            ]));
        }
        Ok(())
    }

    fn sort_param(&self) -> String {
        if self.descending {
            format!("-{}", self.sort)
        } else {
            self.sort.to_owned()
        }
    }

    /// The filters as a query string (for links that keep them).
    pub fn query_string(&self) -> String {
        let mut pairs: Vec<(&str, String)> =
            self.values.iter().map(|(n, v)| (*n, v.clone())).collect();
        pairs.push(("sort", self.sort_param()));
        if self.per_page != PER_PAGE {
            pairs.push(("per_page", self.per_page.to_string()));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    fn with_sort(&self, sort: &str) -> String {
        let mut pairs: Vec<(&str, String)> =
            self.values.iter().map(|(n, v)| (*n, v.clone())).collect();
        pairs.push(("sort", sort.to_owned()));
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// How many records a list counts past the page asked for before it says "more than".
/// Counting every match of a broad search over a national registry (5,000 of 50,000
/// applications) costs more than finding the page itself; nobody pages through a thousand.
pub const COUNT_MAX: i64 = 1_000;

/// How many records match a list's filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    /// Exactly so many.
    Exact(i64),
    /// At least so many: counting stopped there.
    AtLeast(i64),
}

impl Total {
    /// The number counted.
    pub fn count(self) -> i64 {
        match self {
            Total::Exact(n) | Total::AtLeast(n) => n,
        }
    }

    /// Whether every match was counted.
    pub fn is_exact(self) -> bool {
        matches!(self, Total::Exact(_))
    }
}

impl From<i64> for Total {
    fn from(n: i64) -> Self {
        Total::Exact(n)
    }
}

/// A page of records, as the API answers a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// This page's records.
    pub items: Vec<T>,
    /// How many match, in all — or, when `total_exact` is false, at least how many.
    pub total: i64,
    /// False when more match than were counted: a broad search of a national registry
    /// stops counting [`COUNT_MAX`] records past the page asked for. Page on until a page
    /// comes back short.
    pub total_exact: bool,
    /// The page number, from 1.
    pub page: i64,
    /// Rows per page.
    pub per_page: i64,
}

/// A column header as rendered.
#[derive(Debug, Clone)]
pub struct Header {
    /// Its text.
    pub label: String,
    /// The link that sorts by it.
    pub href: Option<String>,
    /// `ascending`/`descending` when the list is sorted by it.
    pub aria_sort: Option<&'static str>,
}

/// A filter as rendered.
#[derive(Debug, Clone)]
pub struct FilterView {
    /// Its parameter.
    pub name: &'static str,
    /// Its label.
    pub label: String,
    /// Its current value.
    pub value: String,
    /// How it is asked.
    pub input: Input,
    /// The choices of a select.
    pub choices: Option<Vec<(String, String)>>,
    /// Whether the page shows it.
    pub shown: bool,
}

/// A button or link above the list.
#[derive(Debug, Clone)]
pub struct Action {
    /// Where it goes.
    pub href: String,
    /// What it says.
    pub label: String,
    /// The page's main action (a filled button) or another one.
    pub primary: bool,
}

/// A list page, ready to render.
#[derive(Template)]
#[template(path = "list.html")]
pub struct ListView {
    /// The shell.
    pub chrome: Chrome,
    path: &'static str,
    intro: Option<String>,
    above: Option<String>,
    actions: Vec<Action>,
    filters: Vec<FilterView>,
    headers: Vec<Header>,
    rows: Vec<Vec<Cell>>,
    total: i64,
    total_exact: bool,
    page: i64,
    per_page: i64,
    pages: i64,
    query: String,
    sort: String,
    exports: bool,
}

impl ListView {
    fn any_filter_shown(&self) -> bool {
        self.filters.iter().any(|f| f.shown)
    }

    /// A sentence under the title.
    pub fn intro(mut self, text: String) -> Self {
        self.intro = Some(text);
        self
    }

    /// Rendered HTML above the title (a context's tabs).
    pub fn above(mut self, html: String) -> Self {
        self.above = Some(html);
        self
    }

    /// A button above the list, when `shown`.
    pub fn action(mut self, shown: bool, href: &str, label: String, primary: bool) -> Self {
        if shown {
            self.actions.push(Action {
                href: href.to_owned(),
                label,
                primary,
            });
        }
        self
    }

    /// The choices of a select filter (an agency picker); `None` hides the filter.
    pub fn choices(mut self, name: &str, choices: Option<Vec<(String, String)>>) -> Self {
        for f in self.filters.iter_mut().filter(|f| f.name == name) {
            f.shown = choices.is_some();
            f.choices = choices.clone();
        }
        self
    }

    /// Hides a filter (one that only applies in some cases, such as a code where no picker
    /// fits).
    pub fn hide(mut self, name: &str, hidden: bool) -> Self {
        for f in self.filters.iter_mut().filter(|f| f.name == name) {
            f.shown = !hidden;
        }
        self
    }

    /// The page as a response.
    pub fn response(&self) -> AppResult<Response> {
        Ok(render(self)?.into_response())
    }
}

/// Answers a list request: the download when one was asked for, else the page `view` builds.
pub fn respond<R>(
    list: &List<R>,
    q: &ListQuery,
    rows: &[R],
    view: impl FnOnce() -> AppResult<ListView>,
) -> AppResult<Response> {
    match q.format {
        Some(format) => {
            q.check_download(rows.len())?;
            list.download(format, rows)
        }
        None => view()?.response(),
    }
}

/// Choices keyed by filter name, for lists whose handler fills several.
pub type Choices = HashMap<&'static str, Vec<(String, String)>>;

#[cfg(test)]
mod tests {
    use super::*;

    use crate::compliance::Pack;

    struct Row(&'static str);

    const LIST: List<Row> = List {
        path: "/things",
        filters: &[search(), choice::<Pack>("pack", "pack", "pack-")],
        sorts: &["name", "at"],
        default_sort: "-at",
        columns: &[Column {
            label: "name",
            sort: Some("name"),
            cell: |r, _| Cell::text(r.0),
        }],
        export: None,
    };

    fn field(e: AppError) -> String {
        e.field_errors()
            .first()
            .map(|f| f.field.clone())
            .unwrap_or_default()
    }

    #[test]
    fn reads_filters_sort_and_paging() {
        let q = LIST
            .read(Some("q=+kantor+&pack=mu&sort=-name&page=3&per_page=20"))
            .unwrap();
        assert_eq!(q.get("q"), Some("kantor"));
        assert_eq!(q.choice::<Pack>("pack"), Some(Pack::MU));
        assert_eq!((q.sort, q.descending), ("name", true));
        assert_eq!((q.limit(), q.offset()), (20, 40));
        let q = LIST.read(None).unwrap();
        assert_eq!(
            (q.sort, q.descending, q.page, q.per_page),
            ("at", true, 1, PER_PAGE)
        );
        assert_eq!(q.query_string(), "sort=-at");
    }

    #[test]
    fn refuses_what_it_does_not_understand_naming_the_parameter() {
        for (raw, name) in [
            ("pack=XX", "pack"),
            ("sort=colour", "sort"),
            ("q=a&q=b", "q"),
            ("shape=round", "shape"),
            ("q=%00", "q"),
            ("page=0", "page"),
            ("per_page=201", "per_page"),
            ("format=csv", "format"),
        ] {
            assert_eq!(field(LIST.read(Some(raw)).unwrap_err()), name, "{raw}");
        }
        let exported = List {
            export: Some(Export {
                stem: "things",
                header: || vec!["name"],
                row: |r: &Row| vec![r.0.to_owned()],
            }),
            ..LIST
        };
        assert_eq!(
            exported.read(Some("format=xlsx")).unwrap().format,
            Some(Format::Xlsx)
        );
        assert_eq!(
            field(exported.read_api(Some("format=csv")).unwrap_err()),
            "format"
        );
    }

    #[test]
    fn downloads_fetch_everything_up_to_the_cap() {
        let q = ListQuery {
            format: Some(Format::Csv),
            ..LIST.read(Some("page=4")).unwrap()
        };
        assert_eq!((q.limit(), q.offset()), (EXPORT_MAX + 1, 0));
        assert!(q.check_download(EXPORT_MAX as usize).is_ok());
        assert!(q.check_download(EXPORT_MAX as usize + 1).is_err());
        let q = LIST.read(Some("page=2&per_page=2")).unwrap();
        assert_eq!(q.window(vec![1, 2, 3, 4, 5]), (vec![3, 4], 5));
    }
}
