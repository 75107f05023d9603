//! `GET /api/v1/audit-events`: the audit trail for auditors and the Dinas.

use axum::Json;
use axum::extract::{RawQuery, State};

use crate::audit::{self, AuditEvent, AuditFilter};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::listing::Page;
use crate::pages::audit::LIST;
use crate::permissions::{Access, Scope};
use crate::state::AppState;

/// Lists events, newest first.
#[utoipa::path(get, path = "/api/v1/audit-events", tag = "audit",
    params(("action" = Option<String>, Query, description = "exact action"),
           ("actor" = Option<String>, Query, description = "actor contains"),
           ("record_type" = Option<String>, Query), ("record_id" = Option<String>, Query),
           ("agency_id" = Option<String>, Query, description = "the agency a change concerned"),
           ("from" = Option<String>, Query, description = "from this day on, YYYY-MM-DD, in the region's time zone"),
           ("to" = Option<String>, Query, description = "up to and including this day, YYYY-MM-DD, in the region's time zone"),
           ("sort" = Option<String>, Query, description = "-seq (newest first, the default) or seq"),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = Page<AuditEvent>), (status = 400), (status = 401), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<Page<AuditEvent>>> {
    ctx.authorize(&crate::AUDIT_TRAIL, Access::Read, Scope::Region)?;
    let q = LIST.read_api(raw.as_deref())?;
    let (filter, limit, offset) = (AuditFilter::of(&q, ctx.zone), q.limit(), q.offset());
    let (items, total) = state
        .read(move |conn| Ok(audit::list(conn, &filter, limit, offset)?))
        .await?;
    Ok(LIST.json(&q, items, total))
}
