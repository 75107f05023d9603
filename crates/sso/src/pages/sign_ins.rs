//! `GET /account/sign-ins`: a person's own sign-in history and account-security events
//! (sign-ins, failures, second-factor changes, role changes), read from the audit trail.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDateTime;
use kernel::audit::{self, AuditFilter};
use kernel::extract::Paging;
use kernel::layout::{Chrome, render};
use kernel::{AppResult, AppState, Ctx};

/// One line of the history.
struct Line {
    at: NaiveDateTime,
    /// Translated name of what happened.
    what: String,
    /// How (method, step, browser).
    detail: String,
    /// A failure, shown in red.
    failed: bool,
}

#[derive(Template)]
#[template(path = "sign_ins.html")]
struct SignInsPage {
    chrome: Chrome,
    lines: Vec<Line>,
    total: i64,
    page: i64,
    pages: i64,
    query: String,
}

/// The event's details worth showing to its owner.
fn detail(summary: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(summary).unwrap_or_default();
    ["method", "step", "user_agent"]
        .iter()
        .filter_map(|k| v.get(*k).and_then(|x| x.as_str()))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Lists the events about the signed-in account, newest first.
pub async fn show(State(state): State<AppState>, ctx: Ctx, paging: Paging) -> AppResult<Response> {
    let uid = ctx.require()?.user_id.to_string();
    let filter = AuditFilter {
        record_type: Some("user".into()),
        record_id: Some(uid),
        ..AuditFilter::default()
    };
    let (events, total) = state
        .read(move |c| Ok(audit::list(c, &filter, paging.per_page, paging.offset())?))
        .await?;
    let tr = ctx.tr();
    let lines = events
        .into_iter()
        .map(|e| Line {
            at: e.at,
            what: tr.tp("event-", e.action.replace('.', "-")),
            detail: detail(&e.summary),
            failed: e.action.ends_with("_failed"),
        })
        .collect();
    let page = SignInsPage {
        chrome: Chrome::new(&state, &ctx, "sign-ins-title"),
        lines,
        total,
        page: paging.page,
        pages: paging.pages(total),
        query: String::new(),
    };
    Ok(render(&page)?.into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn detail_shows_method_step_and_browser_only() {
        let s = r#"{"method":"password+totp","user_agent":"Firefox","other":"x"}"#;
        assert_eq!(super::detail(s), "password+totp · Firefox");
        assert_eq!(super::detail("not json"), "");
    }
}
