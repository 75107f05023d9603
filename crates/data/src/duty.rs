//! The update duty's reminders: when a dataset's due date passes, its agency's staff (its
//! operators and its Wali Data among them) and the Dinas are told, once per due date. Any
//! instance may find it first: the one whose conditional update marks the due date as told
//! sends the notifications, in the same transaction.

use std::time::Duration;

use chrono::NaiveDate;
use db::DbConn;
use kernel::notify::{Audience, notify};
use kernel::{AppResult, AppState};

use crate::store;

/// How often the due dates are looked at.
const EVERY: Duration = Duration::from_secs(600);

/// Tells the agencies and the Dinas of every dataset that became overdue and was not told of
/// yet; returns how many.
pub fn remind(c: &mut DbConn, today: NaiveDate) -> AppResult<usize> {
    let mut told = 0;
    for d in store::all(c)? {
        let Some(due) = d.next_due.filter(|due| *due < today) else {
            continue;
        };
        if d.overdue_told == Some(due) || !store::mark_told(c, d.id, due)? {
            continue;
        }
        let href = format!("/data/{}", d.id);
        let due_text = due.format("%Y-%m-%d").to_string();
        let args = [("title", d.title.as_str()), ("date", due_text.as_str())];
        notify(
            c,
            Audience::Agency(d.agency_id),
            "data-notify-overdue",
            &args,
            &href,
            "system:data",
        )?;
        notify(
            c,
            Audience::Dinas,
            "data-notify-overdue",
            &args,
            &href,
            "system:data",
        )?;
        told += 1;
    }
    Ok(told)
}

/// Looks at the due dates now and every [`EVERY`] while the process runs.
pub fn start(state: AppState) {
    tokio::spawn(async move {
        loop {
            let today = crate::today(&state).await;
            if let Err(e) = state.write_unaudited(move |c| remind(c, today)).await {
                tracing::warn!(error = %e, "overdue reminders failed");
            }
            tokio::time::sleep(EVERY).await;
        }
    });
}
