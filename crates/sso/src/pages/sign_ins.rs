//! `GET /account/sign-ins`: a person's own sign-in history and account-security events
//! (sign-ins, failures, second-factor changes, role changes), read from the audit trail.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use kernel::audit::{self, AuditEvent, AuditFilter};
use kernel::layout::Chrome;
use kernel::listing::{Cell, Column, List, Tone};
use kernel::{AppResult, AppState, Ctx};

/// The account's history: newest first, a page at a time.
const LIST: List<AuditEvent> = List {
    path: "/account/sign-ins",
    filters: &[],
    sorts: &["at"],
    default_sort: "-at",
    columns: &[
        Column {
            label: "audit-at",
            sort: Some("at"),
            cell: |e, _| Cell::text(e.at.format("%Y-%m-%d %H:%M:%S").to_string()),
        },
        Column {
            label: "sign-ins-what",
            sort: None,
            cell: |e, tr| {
                let what = tr.tp("event-", e.action.replace('.', "-"));
                if e.action.ends_with("_failed") {
                    Cell::tag(what, Tone::Red)
                } else {
                    Cell::text(what)
                }
            },
        },
        Column {
            label: "sign-ins-detail",
            sort: None,
            cell: |e, _| Cell::text(detail(&e.summary)),
        },
    ],
    export: None,
};

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
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let uid = ctx.require()?.user_id.to_string();
    let q = LIST.read(raw.as_deref())?;
    let filter = AuditFilter {
        record_type: Some("user".into()),
        record_id: Some(uid),
        oldest_first: !q.descending,
        ..AuditFilter::default()
    };
    let (limit, offset) = (q.limit(), q.offset());
    let (events, total) = state
        .read(move |c| Ok(audit::list(c, &filter, limit, offset)?))
        .await?;
    let tr = ctx.tr();
    LIST.view(
        Chrome::new(&state, &ctx, "sign-ins-title"),
        &q,
        &events,
        total,
    )
    .intro(tr.t("sign-ins-intro"))
    .action(true, "/account", tr.t("account-title"), false)
    .response()
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
