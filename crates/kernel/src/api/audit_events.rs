//! `GET /api/v1/audit-events`: the audit trail for auditors and the Dinas.

use axum::Json;
use axum::extract::{Query, State};
use serde::Serialize;

use crate::audit::{self, AuditEvent, AuditFilter};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::extract::Paging;
use crate::permissions::{Access, Scope};
use crate::state::AppState;

/// A page of events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEventPage {
    /// Events, newest first.
    pub items: Vec<AuditEvent>,
    /// How many match in all.
    pub total: i64,
    /// This page.
    pub page: i64,
    /// Rows per page.
    pub per_page: i64,
}

/// Lists events, newest first.
#[utoipa::path(get, path = "/api/v1/audit-events", tag = "audit",
    params(("action" = Option<String>, Query, description = "exact action"),
           ("actor" = Option<String>, Query, description = "actor contains"),
           ("record_type" = Option<String>, Query), ("record_id" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = AuditEventPage), (status = 401), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    paging: Paging,
    Query(filter): Query<AuditFilter>,
) -> AppResult<Json<AuditEventPage>> {
    ctx.authorize(&crate::AUDIT_TRAIL, Access::Read, Scope::Region)?;
    let (items, total) = state
        .read(move |conn| {
            Ok(audit::list(
                conn,
                &filter,
                paging.per_page,
                paging.offset(),
            )?)
        })
        .await?;
    Ok(Json(AuditEventPage {
        items,
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}
