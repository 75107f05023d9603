//! The catalogue's pages: `GET /data` (the list: filters, sort, paging, CSV/XLSX download) and,
//! one action per file, the dataset's form, page, variables, Wali Data and uploads.

pub mod columns;
pub mod form;
pub mod indicators;
pub mod regions;
pub mod review;
pub mod show;
pub mod upload;
pub mod wali;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use kernel::layout::Chrome;
use kernel::listing::{self, Cell, Column, Export, List, Tone, respond};
use kernel::{AppResult, AppState, Ctx};

use crate::model::{Classification, Due, Review, Topic};
use crate::store::{self, DatasetRow, Scope};

/// A dataset with its agency's code and whether it is overdue, as lists show it.
pub type Listed = (DatasetRow, String, bool);

/// The tone of a classification's tag.
pub fn classification_tone(c: Classification) -> Tone {
    match c {
        Classification::Public => Tone::Green,
        Classification::Limited => Tone::Tag,
        Classification::Excluded => Tone::Grey,
    }
}

/// The datasets, on their page and in the API.
pub const LIST: List<Listed> = List {
    path: "/data",
    filters: &[
        listing::search(),
        listing::agency("agency_id", "data-agency"),
        listing::choice::<Topic>("topic", "data-topic", "data-topic-"),
        listing::choice::<Classification>(
            "classification",
            "data-classification",
            "data-classification-",
        ),
        listing::choice::<Due>("due", "data-due", "data-due-"),
        listing::choice::<Review>("review", "data-review", "data-review-filter-"),
    ],
    sorts: &["title", "due", "updated"],
    default_sort: "title",
    columns: &[
        Column {
            label: "data-title-label",
            sort: Some("title"),
            cell: |(r, _, _), _| Cell::link(&r.title, format!("/data/{}", r.id)),
        },
        Column {
            label: "data-agency",
            sort: None,
            cell: |(_, code, _), _| Cell::code(code),
        },
        Column {
            label: "data-topic",
            sort: None,
            cell: |(r, _, _), tr| Cell::text(tr.tp("data-topic-", r.topic)),
        },
        Column {
            label: "data-classification",
            sort: None,
            cell: |(r, _, _), tr| {
                Cell::tag(
                    tr.tp("data-classification-", r.classification),
                    classification_tone(r.classification),
                )
            },
        },
        Column {
            label: "data-next-due",
            sort: Some("due"),
            cell: |(r, _, overdue), tr| match r.next_due {
                None => Cell::text(tr.tp("data-frequency-", r.frequency)),
                Some(d) if *overdue => {
                    Cell::tag(tr.t1("data-overdue-since", "date", &tr.date(d)), Tone::Red)
                }
                Some(d) => Cell::text(tr.date(d)),
            },
        },
    ],
    export: Some(Export {
        stem: "datasets",
        header: || {
            vec![
                "agency_code",
                "slug",
                "title",
                "topic",
                "classification",
                "frequency",
                "next_due",
                "period",
                "unit",
                "licence",
                "tags",
                "id",
            ]
        },
        row: |(r, code, _)| {
            vec![
                code.clone(),
                r.slug.clone(),
                r.title.clone(),
                r.topic.as_str().to_owned(),
                r.classification.as_str().to_owned(),
                r.frequency.as_str().to_owned(),
                r.next_due.map(|d| d.to_string()).unwrap_or_default(),
                r.period.clone(),
                r.unit.clone(),
                r.licence.clone(),
                r.tags.clone(),
                r.id.to_string(),
            ]
        },
    }),
};

/// The datasets the caller may see: their agencies' and every public one.
pub async fn read_list(
    state: &AppState,
    ctx: &Ctx,
    q: &kernel::listing::ListQuery,
) -> AppResult<(Vec<Listed>, i64, Option<Vec<(String, String)>>)> {
    let scope = Scope {
        visible: ctx.visible(&crate::DATASETS)?,
        public_too: true,
    };
    let today = crate::today(state).await;
    let query = q.clone();
    state
        .read(move |c| {
            let (rows, total) = store::list(c, &scope, &query, today)?;
            let rows = org::directory::with_codes(c, rows, |r| r.agency_id)?
                .into_iter()
                .map(|(r, code)| {
                    let late = crate::model::overdue(r.next_due, today);
                    (r, code, late)
                })
                .collect();
            let picker = org::directory::all_agencies(c)?
                .into_iter()
                .map(|a| (a.id.to_string(), a.label()))
                .collect();
            Ok((rows, total, Some(picker)))
        })
        .await
}

/// The catalogue (or its download, with `?format=csv|xlsx`).
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let q = LIST.read(raw.as_deref())?;
    let (rows, total, picker) = read_list(&state, &ctx, &q).await?;
    respond(&LIST, &q, &rows, || {
        let tr = ctx.tr();
        Ok(LIST
            .view(Chrome::new(&state, &ctx, "data-title"), &q, &rows, total)
            .intro(tr.t("data-intro"))
            .choices("agency_id", picker)
            .action(
                ctx.can_write_any(&crate::DATASETS),
                "/data/new",
                tr.t("data-new-title"),
                true,
            )
            .action(true, "/data/regions", tr.t("data-regions-title"), false))
    })
}
