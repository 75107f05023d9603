//! `GET /audit`: the auditor's view of the trail, filtered and paged.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};

use crate::audit::{self, AuditEvent, AuditFilter};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::extract::Paging;
use crate::layout::{Chrome, render};
use crate::permissions::{Access, Scope};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    events: Vec<AuditEvent>,
    filter: AuditFilter,
    total: i64,
    page: i64,
    pages: i64,
    query: String,
}

/// Lists events, newest first.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    paging: Paging,
    Query(filter): Query<AuditFilter>,
) -> AppResult<Response> {
    ctx.authorize(&crate::AUDIT_TRAIL, Access::Read, Scope::Region)?;
    let f = filter.clone();
    let (events, total) = state
        .read(move |conn| Ok(audit::list(conn, &f, paging.per_page, paging.offset())?))
        .await?;
    let query = serde_urlencoded::to_string([
        ("action", filter.action.clone().unwrap_or_default()),
        ("actor", filter.actor.clone().unwrap_or_default()),
        (
            "record_type",
            filter.record_type.clone().unwrap_or_default(),
        ),
    ])
    .unwrap_or_default();
    let page = AuditPage {
        chrome: Chrome::new(&state, &ctx, "audit-title"),
        events,
        filter,
        total,
        page: paging.page,
        pages: paging.pages(total),
        query,
    };
    Ok(render(&page)?.into_response())
}
