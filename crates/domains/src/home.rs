//! The home page's block: requests for a name still waiting, and how many are past the
//! 48-hour service level (the Dinas sees every agency's; an agency its own).

use askama::Template;
use kernel::i18n::Tr;
use kernel::permissions::Visible;
use kernel::{AppResult, AppState, Ctx};

use crate::request::{Clock, clock};

#[derive(Template)]
#[template(path = "domains_home.html")]
struct Panel {
    tr: Tr,
    waiting: usize,
    late: usize,
}

/// Nothing when nothing waits, or for those who see no requests.
pub async fn panel(state: &AppState, ctx: &Ctx) -> AppResult<Option<String>> {
    if ctx.principal.is_none() {
        return Ok(None);
    }
    let visible = ctx.visible(&crate::REQUESTS)?;
    if matches!(&visible, Visible::Only(ids) if ids.is_empty()) {
        return Ok(None);
    }
    let since = state
        .read(move |c| Ok(crate::store::waiting_since(c, &visible)?))
        .await?;
    if since.is_empty() {
        return Ok(None);
    }
    let now = db::now();
    let late = since
        .iter()
        .filter(|at| matches!(clock(**at, None, now), Clock::Late(_)))
        .count();
    Ok(Some(
        Panel {
            tr: ctx.tr(),
            waiting: since.len(),
            late,
        }
        .render()?,
    ))
}
