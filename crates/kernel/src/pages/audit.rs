//! `GET /audit`: the auditor's view of the trail, filtered, paged and downloadable.

use axum::extract::{RawQuery, State};
use axum::response::Response;

use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::audit::{self, AuditEvent, AuditFilter};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::i18n::Tr;
use crate::layout::Chrome;
use crate::listing::{self, Cell, Column, Export, List, respond};
use crate::permissions::{Access, Scope};
use crate::state::AppState;

/// The audit trail as a list, on its page and in the API.
pub const LIST: List<AuditEvent> = List {
    path: "/audit",
    filters: &[
        listing::date("from", "audit-from"),
        listing::date("to", "audit-to"),
        listing::text("actor", "audit-actor"),
        listing::agency("agency_id", "audit-agency"),
        listing::listed("action", "audit-action"),
        listing::listed("record_type", "audit-record-type"),
        listing::text("record_id", "audit-record-id"),
    ],
    sorts: &["seq"],
    default_sort: "-seq",
    columns: &[
        Column {
            label: "audit-seq",
            sort: Some("seq"),
            cell: |e, _| Cell::text(e.seq.to_string()),
        },
        Column {
            label: "audit-at",
            sort: None,
            cell: |e, tr| Cell::text(tr.when(e.at)),
        },
        Column {
            label: "audit-actor",
            sort: None,
            cell: |e, _| Cell::text(&e.actor),
        },
        Column {
            label: "audit-action",
            sort: None,
            cell: |e, tr| Cell::text(tr.tp_or("audit-act-", &e.action)),
        },
        Column {
            label: "audit-record",
            sort: None,
            cell: |e, tr| {
                let kind = tr.tp_or("audit-kind-", &e.record_type);
                match record_href(&e.record_type, &e.record_id) {
                    Some(href) => Cell::link(kind, href),
                    None => Cell::text(kind),
                }
            },
        },
        Column {
            label: "audit-summary",
            sort: None,
            cell: |e, tr| Cell::text(readable(&e.summary, tr)),
        },
    ],
    export: Some(Export {
        stem: "jejak-audit",
        header: || {
            vec![
                "seq",
                "at_utc",
                "actor",
                "action",
                "record_type",
                "record_id",
                "agency_id",
                "summary",
                "hash",
            ]
        },
        row: |e| {
            vec![
                e.seq.to_string(),
                e.at.format("%Y-%m-%d %H:%M:%S%.6f").to_string(),
                e.actor.clone(),
                e.action.clone(),
                e.record_type.clone(),
                e.record_id.clone(),
                e.agency_id.clone().unwrap_or_default(),
                e.summary.clone(),
                e.hash.clone(),
            ]
        },
    }),
};

/// Each kind of record's page, from every module (see [`crate::module::Module::records`]).
static RECORD_PAGES: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();

/// Sets the record pages once, at start, from every module.
pub fn init_record_pages(pages: Vec<(&'static str, &'static str)>) {
    RECORD_PAGES.get_or_init(|| pages);
}

/// The page of a record the trail names, when its kind has one and its id is a plain one.
pub fn record_href(kind: &str, id: &str) -> Option<String> {
    let plain = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
    let (_, path) = RECORD_PAGES.get()?.iter().find(|(k, _)| *k == kind)?;
    match path.contains("{id}") {
        true if plain => Some(path.replace("{id}", id)),
        true => None,
        false => Some((*path).to_owned()),
    }
}

/// Fields every record carries that say nothing about what changed.
const BOOKKEEPING: [&str; 6] = [
    "id",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "agency_id",
];

/// The most changes one line names; the rest are counted.
const SHOWN_CHANGES: usize = 5;

/// What an event's summary says, in words: what a change changed ("Nama: Router → Router
/// inti"), what a creation made ("Dibuat: Router inti"), or the details an event keeps.
pub fn readable(summary: &str, tr: Tr) -> String {
    let Ok(Value::Object(v)) = serde_json::from_str::<Value>(summary) else {
        return cut(summary, 120);
    };
    let side = |k: &str| v.get(k).and_then(Value::as_object);
    match (side("before"), side("after")) {
        (Some(before), Some(after)) => {
            let changed: Vec<String> = after
                .iter()
                .filter(|(k, _)| !BOOKKEEPING.contains(&k.as_str()))
                .filter(|(k, new)| before.get(k.as_str()) != Some(*new))
                .map(|(k, new)| {
                    let old = before.get(k.as_str()).unwrap_or(&Value::Null);
                    format!("{}: {} → {}", label(k, tr), value(old, tr), value(new, tr))
                })
                .collect();
            if changed.is_empty() {
                return tr.t("audit-no-change");
            }
            let more = changed.len().saturating_sub(SHOWN_CHANGES);
            let mut text = changed
                .into_iter()
                .take(SHOWN_CHANGES)
                .collect::<Vec<_>>()
                .join("; ");
            if more > 0 {
                text.push_str(&format!(
                    "; {}",
                    tr.t1("audit-more-changes", "count", &more)
                ));
            }
            text
        }
        (None, Some(after)) => tr.t1("audit-created", "what", &name_of(after, tr)),
        (Some(before), None) => tr.t1("audit-removed", "what", &name_of(before, tr)),
        (None, None) => v
            .iter()
            .filter(|(k, x)| k.as_str() != "before" && k.as_str() != "after" && !x.is_object())
            .map(|(k, x)| format!("{}: {}", label(k, tr), value(x, tr)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// What names a record in its summary: its name, title, code or login.
fn name_of(record: &Map<String, Value>, tr: Tr) -> String {
    ["name", "title", "code", "login", "filename"]
        .iter()
        .find_map(|k| record.get(*k).filter(|v| !v.is_null()))
        .map_or_else(|| "—".to_owned(), |v| value(v, tr))
}

/// A field's label where the catalogue has one (`field-serial`), else its name in words.
fn label(key: &str, tr: Tr) -> String {
    let text = tr.tp_or("field-", key);
    if text == key {
        key.replace('_', " ")
    } else {
        text
    }
}

fn value(v: &Value, tr: Tr) -> String {
    match v {
        Value::Null => "—".to_owned(),
        Value::Bool(true) => tr.t("yes"),
        Value::Bool(false) => tr.t("no"),
        Value::String(s) if s.is_empty() => "—".to_owned(),
        Value::String(s) => cut(s, 40),
        Value::Array(items) => cut(
            &items
                .iter()
                .map(|i| value(i, tr))
                .collect::<Vec<_>>()
                .join(", "),
            60,
        ),
        other => cut(&other.to_string(), 40),
    }
}

/// `text` cut to `max` characters, with an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", text.get(..at).unwrap_or(text)),
        None => text.to_owned(),
    }
}

/// Lists events, newest first.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    ctx.authorize(&crate::AUDIT_TRAIL, Access::Read, Scope::Region)?;
    let q = LIST.read(raw.as_deref())?;
    let (filter, limit, offset) = (AuditFilter::of(&q, ctx.zone), q.limit(), q.offset());
    // The pickers' choices only for the page, not for a download; one trip for both.
    let (modules, page) = (state.modules.clone(), q.format.is_none());
    let ((events, total), choices) = state
        .read(move |conn| {
            let found = audit::list(conn, &filter, limit, offset)?;
            let choices = match page {
                true => Some((audit::vocabulary(conn)?, modules.agencies(conn)?)),
                false => None,
            };
            Ok((found, choices))
        })
        .await?;
    let tr = ctx.tr();
    let labelled = |prefix: &str, codes: Vec<String>| {
        codes
            .into_iter()
            .map(|c| {
                let label = tr.tp_or(prefix, &c);
                (c, label)
            })
            .collect::<Vec<_>>()
    };
    respond(&LIST, &q, &events, || {
        let ((actions, kinds), agencies) = choices.unwrap_or_default();
        Ok(LIST
            .view(Chrome::new(&state, &ctx, "audit-title"), &q, &events, total)
            .choices("action", Some(labelled("audit-act-", actions)))
            .choices("record_type", Some(labelled("audit-kind-", kinds)))
            .choices("agency_id", Some(agencies)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{KERNEL_MESSAGES, Lang, init};

    #[test]
    fn a_summary_reads_as_what_changed() {
        init(&[KERNEL_MESSAGES]);
        let tr = Tr::new(Lang::Id);
        let change = r#"{"before":{"id":"1","name":"Router","serial":null,"retired":false,"updated_at":"x"},
            "after":{"id":"1","name":"Router inti","serial":"SN001","retired":false,"updated_at":"y"}}"#;
        assert_eq!(
            readable(change, tr),
            "Nama: Router → Router inti; Nomor seri: — → SN001"
        );
        let created = r#"{"before":null,"after":{"code":"DINKES","name":"Dinas Kesehatan"}}"#;
        assert_eq!(readable(created, tr), "Dibuat: Dinas Kesehatan");
        let same =
            r#"{"before":{"name":"A","updated_at":"1"},"after":{"name":"A","updated_at":"2"}}"#;
        assert_eq!(readable(same, tr), "Tanpa perubahan isi");
        let event = r#"{"method":"password","locked":true}"#;
        assert_eq!(
            readable(event, tr),
            "Terkunci: Ya; Cara: password",
            "keys in alphabetical order"
        );
        let many = r#"{"before":{"a":1,"b":1,"c":1,"d":1,"e":1,"f":1,"g":1},"after":{"a":2,"b":2,"c":2,"d":2,"e":2,"f":2,"g":2}}"#;
        assert!(
            readable(many, tr).ends_with("; dan 2 perubahan lain"),
            "{}",
            readable(many, tr)
        );
        assert_eq!(readable("not json at all", tr), "not json at all");
        let long = format!(r#"{{"note":"{}"}}"#, "x".repeat(100));
        assert_eq!(
            readable(&long, tr).chars().count(),
            "Catatan: ".chars().count() + 41
        );
    }

    #[test]
    fn a_record_links_to_its_page_only_with_a_plain_id() {
        init_record_pages(vec![("agency", "/agencies/{id}"), ("region", "/region")]);
        assert_eq!(
            record_href("agency", "0193-ab_c").as_deref(),
            Some("/agencies/0193-ab_c")
        );
        assert_eq!(record_href("agency", "../x?y"), None);
        assert_eq!(record_href("agency", ""), None);
        assert_eq!(record_href("region", "1").as_deref(), Some("/region"));
        assert_eq!(record_href("thing", "1"), None);
    }
}
