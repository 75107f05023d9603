//! `GET /api/v1/notifications` and `POST /api/v1/notifications/seen`: what the notifications
//! page shows, for other systems and apps.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDateTime;
use serde::Serialize;

use crate::context::Ctx;
use crate::error::AppResult;
use crate::notify;
use crate::state::AppState;

/// How many are listed (the newest).
const LISTED: i64 = 100;

/// One notification, in the caller's language.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Notification {
    /// Id.
    pub id: String,
    /// What happened.
    pub text: String,
    /// Where to act (a page path).
    pub href: String,
    /// When.
    #[serde(serialize_with = "crate::api::utc")]
    pub at: NaiveDateTime,
    /// Not seen before.
    pub new: bool,
}

/// The caller's notifications and how many are new.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Notifications {
    /// The newest hundred, newest first.
    pub items: Vec<Notification>,
    /// How many of them are new.
    pub unread: usize,
}

/// Lists the caller's notifications (their agencies', or the Dinas's), without marking them.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    responses((status = 200, body = Notifications), (status = 401)))]
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Notifications>> {
    let p = ctx.require()?;
    let (user, grants) = (p.user_id.to_string(), p.grants.clone());
    let (rows, seen) = state
        .read(move |c| Ok(notify::for_person(c, &user, &grants, LISTED)?))
        .await?;
    let tr = ctx.tr();
    let unread = notify::unread(&rows, seen);
    let items = rows
        .iter()
        .map(|r| Notification {
            id: r.id.clone(),
            text: r.text(tr),
            href: r.href.clone(),
            at: r.created_at,
            new: r.is_new(seen),
        })
        .collect();
    Ok(Json(Notifications { items, unread }))
}

/// Marks everything up to now as seen (as opening the notifications page does).
#[utoipa::path(post, path = "/api/v1/notifications/seen", tag = "notifications",
    responses((status = 204), (status = 401)))]
pub async fn seen(State(state): State<AppState>, ctx: Ctx) -> AppResult<axum::http::StatusCode> {
    let user = ctx.require()?.user_id.to_string();
    state
        .write(move |c| Ok(notify::mark_seen(c, &user)?))
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
