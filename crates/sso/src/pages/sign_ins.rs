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
            cell: |e, tr| Cell::text(tr.when(e.at)),
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
            cell: |e, tr| Cell::text(detail(&e.summary, tr)),
        },
    ],
    export: None,
};

/// The event's details worth showing to its owner, in words: how they signed in (or at which
/// step it failed) and from which browser.
fn detail(summary: &str, tr: kernel::i18n::Tr) -> String {
    let v: serde_json::Value = serde_json::from_str(summary).unwrap_or_default();
    let text = |k: &str| v.get(k).and_then(|x| x.as_str());
    let mut parts = vec![];
    if let Some(m) = text("method") {
        parts.push(tr.tp_or("sign-in-method-", &m.replace('+', "-")));
    }
    if let Some(s) = text("step") {
        parts.push(tr.tp_or("sign-in-step-", s));
    }
    if let Some(a) = text("user_agent") {
        parts.push(kernel::layout::browser(a));
    }
    parts.join(" · ")
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
    use kernel::i18n::{Lang, Tr};

    #[test]
    fn detail_says_how_and_from_which_browser_in_words() {
        kernel::i18n::init(&[kernel::i18n::KERNEL_MESSAGES, crate::MODULE.messages]);
        let tr = Tr::new(Lang::Id);
        let agent = "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
        let s = format!(r#"{{"method":"password+totp","user_agent":"{agent}","other":"x"}}"#);
        assert_eq!(
            super::detail(&s, tr),
            "Kata sandi dan kode autentikator · Chrome · Android"
        );
        let failed = r#"{"step":"second_factor","locked":false}"#;
        assert_eq!(super::detail(failed, tr), "Pada langkah kedua (kode)");
        assert_eq!(super::detail("not json", tr), "");
    }
}
