//! `GET /notifications`: what happened in the workflows that concern the person — their
//! agencies' registrations and requests, or for the Dinas what awaits its review. Looking
//! marks everything as seen. The home page shows the newest with the count of new ones.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::context::Ctx;
use crate::error::AppResult;
use crate::i18n::Tr;
use crate::layout::{Chrome, render};
use crate::notify;
use crate::state::AppState;

/// How many notifications the page lists.
const SHOWN: i64 = 100;

/// One notification as read.
pub struct Item {
    /// When (`YYYY-MM-DD HH:MM`).
    pub at: String,
    /// What happened.
    pub text: String,
    /// Where to act.
    pub href: String,
    /// Not seen before.
    pub new: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct Page {
    chrome: Chrome,
    items: Vec<Item>,
}

#[derive(Template)]
#[template(path = "notifications_panel.html")]
struct Panel {
    tr: Tr,
    items: Vec<Item>,
    unread: usize,
}

async fn items(
    state: &AppState,
    ctx: &Ctx,
    limit: i64,
    mark: bool,
) -> AppResult<(Vec<Item>, usize)> {
    let p = ctx.require()?;
    let (user, grants) = (p.user_id.to_string(), p.grants.clone());
    let write = move |c: &mut db::DbConn| -> AppResult<_> {
        let (rows, seen) = notify::for_person(c, &user, &grants, limit)?;
        if mark {
            notify::mark_seen(c, &user)?;
        }
        Ok((rows, seen))
    };
    // Only a look that marks things seen writes.
    let (rows, seen) = if mark {
        state.write(write).await?
    } else {
        state.read(write).await?
    };
    let tr = ctx.tr();
    let unread = notify::unread(&rows, seen);
    let items = rows
        .iter()
        .map(|r| Item {
            at: tr.when(r.created_at),
            text: r.text(tr),
            href: r.href.clone(),
            new: r.is_new(seen),
        })
        .collect();
    Ok((items, unread))
}

/// Lists them and marks them seen.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (items, _) = items(&state, &ctx, SHOWN, true).await?;
    let page = Page {
        chrome: Chrome::new(&state, &ctx, "notifications-title"),
        items,
    };
    Ok(render(&page)?.into_response())
}

/// The home page's block: the newest five and how many are new.
pub fn home_panel<'a>(
    state: &'a AppState,
    ctx: &'a Ctx,
    _place: crate::module::Place,
) -> crate::module::PanelFuture<'a> {
    Box::pin(async move {
        if ctx.principal.is_none() {
            return Ok(None);
        }
        let (mut items, unread) = items(state, ctx, 50, false).await?;
        if items.is_empty() {
            return Ok(None);
        }
        items.truncate(5);
        let panel = Panel {
            tr: ctx.tr(),
            items,
            unread,
        };
        Ok(Some(panel.render()?))
    })
}
