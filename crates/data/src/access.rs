//! Who may see a dataset, and how much: its agency's staff and the oversight roles read it,
//! everyone signed in reads a public one (with personal columns masked), and only the producing
//! agency's operator and Wali Data see personal values. A dataset the caller may not read is
//! answered exactly like one that does not exist.

use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::model::{Classification, DatasetId};
use crate::query::Viewer;
use crate::store::{self, DatasetRow};

/// A dataset the caller may read, and how much of it they see.
pub struct Readable {
    /// The dataset.
    pub row: DatasetRow,
    /// How much of its data the caller sees.
    pub viewer: Viewer,
}

/// How much of `row`'s data the signed-in caller sees, if they may read it at all.
pub fn viewer(ctx: &Ctx, row: &DatasetRow) -> Option<Viewer> {
    let agency = Scope::Agency(row.agency_id);
    if ctx.can(&crate::PERSONAL, Access::Read, agency) {
        Some(Viewer::Full)
    } else if ctx.can(&crate::DATASETS, Access::Read, agency)
        || row.classification == Classification::Public
    {
        Some(Viewer::Masked)
    } else {
        None
    }
}

/// The dataset named by `key` (its id or its slug) if the caller may read it; 404 alike for
/// one that does not exist and one they may not see.
pub async fn dataset(state: &AppState, ctx: &Ctx, key: &str) -> AppResult<Readable> {
    ctx.require()?;
    let key = key.to_owned();
    let row = state
        .read(move |c| {
            Ok(match DatasetId::parse(&key) {
                Some(id) => store::find(c, id)?,
                None => store::find_by_slug(c, &key)?,
            })
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let viewer = viewer(ctx, &row).ok_or(AppError::NotFound)?;
    Ok(Readable { row, viewer })
}

/// The dataset, if the caller may change it (404 if they may not read it, 403 if they may
/// read but not change).
pub async fn writable(state: &AppState, ctx: &Ctx, key: &str) -> AppResult<DatasetRow> {
    let r = dataset(state, ctx, key).await?;
    ctx.authorize(
        &crate::DATASETS,
        Access::Write,
        Scope::Agency(r.row.agency_id),
    )?;
    Ok(r.row)
}

/// The dataset, if the caller may check and publish it as the Walidata (404 if they may not
/// read it, 403 if they may read but are not the Walidata).
pub async fn reviewable(state: &AppState, ctx: &Ctx, key: &str) -> AppResult<DatasetRow> {
    let r = dataset(state, ctx, key).await?;
    ctx.authorize(&crate::WALIDATA, Access::Write, Scope::Region)?;
    Ok(r.row)
}
