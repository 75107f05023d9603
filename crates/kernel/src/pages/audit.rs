//! `GET /audit`: the auditor's view of the trail, filtered, paged and downloadable.

use axum::extract::{RawQuery, State};
use axum::response::Response;

use crate::audit::{self, AuditEvent, AuditFilter};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::layout::Chrome;
use crate::listing::{self, Cell, Column, Export, List, respond};
use crate::permissions::{Access, Scope};
use crate::state::AppState;

/// The audit trail as a list, on its page and in the API.
pub const LIST: List<AuditEvent> = List {
    path: "/audit",
    filters: &[
        listing::date("from", "audit-from"),
        listing::date("to", "audit-to"),
        listing::text("actor", "audit-actor"),
        listing::agency("agency_id", "audit-agency"),
        listing::listed("action", "audit-action"),
        listing::listed("record_type", "audit-record-type"),
        listing::text("record_id", "audit-record-id"),
    ],
    sorts: &["seq"],
    default_sort: "-seq",
    columns: &[
        Column {
            label: "audit-seq",
            sort: Some("seq"),
            cell: |e, _| Cell::text(e.seq.to_string()),
        },
        Column {
            label: "audit-at",
            sort: None,
            cell: |e, tr| Cell::text(tr.when(e.at)),
        },
        Column {
            label: "audit-actor",
            sort: None,
            cell: |e, _| Cell::text(&e.actor),
        },
        Column {
            label: "audit-action",
            sort: None,
            cell: |e, tr| Cell::text(tr.tp_or("audit-act-", &e.action)),
        },
        Column {
            label: "audit-record",
            sort: None,
            cell: |e, tr| {
                Cell::text(format!(
                    "{} {}",
                    tr.tp_or("audit-kind-", &e.record_type),
                    e.record_id
                ))
            },
        },
        Column {
            label: "audit-summary",
            sort: None,
            cell: |e, _| Cell::data(&e.summary),
        },
    ],
    export: Some(Export {
        stem: "jejak-audit",
        header: || {
            vec![
                "seq",
                "at_utc",
                "actor",
                "action",
                "record_type",
                "record_id",
                "agency_id",
                "summary",
                "hash",
            ]
        },
        row: |e| {
            vec![
                e.seq.to_string(),
                e.at.format("%Y-%m-%d %H:%M:%S%.6f").to_string(),
                e.actor.clone(),
                e.action.clone(),
                e.record_type.clone(),
                e.record_id.clone(),
                e.agency_id.clone().unwrap_or_default(),
                e.summary.clone(),
                e.hash.clone(),
            ]
        },
    }),
};

/// Lists events, newest first.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    ctx.authorize(&crate::AUDIT_TRAIL, Access::Read, Scope::Region)?;
    let q = LIST.read(raw.as_deref())?;
    let (filter, limit, offset) = (AuditFilter::of(&q), q.limit(), q.offset());
    // The pickers' choices only for the page, not for a download; one trip for both.
    let (modules, page) = (state.modules.clone(), q.format.is_none());
    let ((events, total), choices) = state
        .read(move |conn| {
            let found = audit::list(conn, &filter, limit, offset)?;
            let choices = match page {
                true => Some((audit::vocabulary(conn)?, modules.agencies(conn)?)),
                false => None,
            };
            Ok((found, choices))
        })
        .await?;
    let tr = ctx.tr();
    let labelled = |prefix: &str, codes: Vec<String>| {
        codes
            .into_iter()
            .map(|c| {
                let label = tr.tp_or(prefix, &c);
                (c, label)
            })
            .collect::<Vec<_>>()
    };
    respond(&LIST, &q, &events, || {
        let ((actions, kinds), agencies) = choices.unwrap_or_default();
        Ok(LIST
            .view(Chrome::new(&state, &ctx, "audit-title"), &q, &events, total)
            .choices("action", Some(labelled("audit-act-", actions)))
            .choices("record_type", Some(labelled("audit-kind-", kinds)))
            .choices("agency_id", Some(agencies)))
    })
}
