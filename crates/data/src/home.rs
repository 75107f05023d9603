//! The home page's block: the datasets the caller's agencies keep (the region's, for the Dinas
//! and the oversight roles), how many are overdue and how many lack a Wali Data — counted on
//! the dashboards as the update duty asks (KT 18.2, MU 12.1, EN 11.1) — and how many versions
//! wait for the Walidata's check before the portal shows them.

use askama::Template;
use kernel::i18n::Tr;
use kernel::permissions::Visible;
use kernel::{AppResult, AppState, Ctx};

#[derive(Template)]
#[template(path = "data_home.html")]
struct Panel {
    tr: Tr,
    total: usize,
    overdue: usize,
    without_wali: usize,
    /// Versions of public datasets waiting for the Walidata's check.
    awaiting: i64,
}

/// Nothing for those who keep or oversee no datasets, or when there are none.
pub async fn panel(state: &AppState, ctx: &Ctx) -> AppResult<Option<String>> {
    if ctx.principal.is_none() {
        return Ok(None);
    }
    let visible = ctx.visible(&crate::DATASETS)?;
    if matches!(&visible, Visible::Only(ids) if ids.is_empty()) {
        return Ok(None);
    }
    let today = crate::today(state).await;
    let (rows, awaiting) = state
        .read(move |c| {
            let awaiting = crate::store::awaiting_review(c, &visible)?;
            let rows = crate::store::all(c)?
                .into_iter()
                .filter(|d| visible.includes(d.agency_id))
                .collect::<Vec<_>>();
            Ok((rows, awaiting))
        })
        .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        Panel {
            tr: ctx.tr(),
            total: rows.len(),
            overdue: rows
                .iter()
                .filter(|d| crate::model::overdue(d.next_due, today))
                .count(),
            without_wali: rows.iter().filter(|d| d.wali_person_id.is_none()).count(),
            awaiting,
        }
        .render()?,
    ))
}
