//! The page shell every context renders into: header, navigation by context, language
//! switch, sign-out, footer. Contexts put their templates in `{% extends "layout.html" %}`.

use askama::Template;
use axum::response::Html;

use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::principal::Principal;
use crate::state::AppState;

/// One item of the main navigation, contributed by a context.
#[derive(Clone, Copy)]
pub struct NavEntry {
    /// Where it goes.
    pub href: &'static str,
    /// Its label's catalogue key.
    pub key: &'static str,
    /// Who sees it.
    pub show: fn(&Principal) -> bool,
    /// Its place in the bar: lower comes first (home 0, the organisation 10–19, registry
    /// 20–29, …, the kernel's own 90–99).
    pub order: u16,
}

/// A navigation item as rendered.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Where it goes.
    pub href: &'static str,
    /// Its label.
    pub label: String,
    /// Whether it is the current section.
    pub current: bool,
}

/// What the shell needs besides the page's own content.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// Translator for the request's language.
    pub tr: Tr,
    /// Page title (already translated).
    pub title: String,
    /// The signed-in person's name.
    pub user: Option<String>,
    /// The anti-forgery token for every form on the page.
    pub csrf: String,
    /// Main navigation.
    pub nav: Vec<NavItem>,
    /// Current path, for the language switch to come back to.
    pub path: String,
    /// The confirmation a page opens with after a form was saved: what was done and what
    /// happens next.
    pub notice: Option<String>,
}

impl Chrome {
    /// The shell for a page titled by catalogue key `title_key`.
    pub fn new(state: &AppState, ctx: &Ctx, title_key: &str) -> Self {
        let tr = ctx.tr();
        let under = |href: &str| {
            if href == "/" {
                ctx.path == "/"
            } else {
                ctx.path == href || ctx.path.starts_with(&format!("{href}/"))
            }
        };
        let nav = match ctx.principal.as_deref() {
            None => vec![],
            Some(p) => {
                let shown: Vec<_> = state.modules.nav().iter().filter(|e| (e.show)(p)).collect();
                // The closest entry is the current one: /domains/requests, not also /domains.
                let closest = shown
                    .iter()
                    .filter(|e| under(e.href))
                    .map(|e| e.href.len())
                    .max();
                shown
                    .into_iter()
                    .map(|e| NavItem {
                        href: e.href,
                        label: tr.t(e.key),
                        current: under(e.href) && Some(e.href.len()) == closest,
                    })
                    .collect()
            }
        };
        Self {
            tr,
            title: tr.t(title_key),
            user: ctx.principal.as_deref().map(|p| p.name.clone()),
            csrf: ctx.csrf.clone(),
            nav,
            path: ctx.path.clone(),
            notice: ctx.saved.then(|| tr.t("form-saved")),
        }
    }

    /// After a save, says `text` (what was done and what happens next) instead of the plain
    /// "saved"; otherwise nothing.
    pub fn after_saving(mut self, text: String) -> Self {
        if self.notice.is_some() {
            self.notice = Some(text);
        }
        self
    }

    /// The other language's code and label, for the switch.
    pub fn other_lang(&self) -> (&'static str, &'static str) {
        match self.tr.lang {
            crate::i18n::Lang::Id => ("en", "English"),
            crate::i18n::Lang::En => ("id", "Bahasa Indonesia"),
        }
    }
}

/// Renders a template into an HTML response.
pub fn render<T: Template>(page: &T) -> AppResult<Html<String>> {
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    message: String,
    details: Vec<String>,
    signed_in: bool,
}

/// The page shown for an error that a handler did not turn into a form message.
pub fn error_page(state: &AppState, ctx: &Ctx, err: &AppError) -> Html<String> {
    let title = match err.status().as_u16() {
        404 => "error-title-not-found",
        _ => "error-title",
    };
    let mut chrome = Chrome::new(state, ctx, title);
    chrome.title = format!("{} — {}", err.status().as_u16(), chrome.title);
    let page = ErrorPage {
        message: err.message(ctx.lang),
        details: err
            .field_errors()
            .iter()
            .map(|f| {
                let at = crate::form::place(&f.field, ctx.tr()).unwrap_or_else(|| f.field.clone());
                format!("{at}: {}", f.message(ctx.lang))
            })
            .collect(),
        signed_in: ctx.principal.is_some(),
        chrome,
    };
    Html(
        page.render()
            .unwrap_or_else(|_| "<!doctype html><title>Error</title><p>Error".into()),
    )
}

/// One error of a failed form, as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    /// The field (its element id, for the summary's link).
    pub field: String,
    /// What is shown beside the field.
    pub message: String,
    /// What the error summary says: it names the field.
    pub summary: String,
}

/// Field errors of a failed form, translated, for the error summary and beside each field.
/// Forms build them with their [`crate::form::FormSpec`], which names each field.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub Vec<FormError>);

impl FormErrors {
    /// One error, already in words.
    pub fn one(field: &str, text: String) -> Self {
        Self(vec![FormError {
            field: field.to_owned(),
            summary: text.clone(),
            message: text,
        }])
    }

    /// The message for one field.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Choices for a `<select>`: value and translated label.
pub fn choices(tr: Tr, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| ((*v).to_owned(), tr.t(&format!("{prefix}{v}"))))
        .collect()
}

/// Choices for a `<select>` of every value of a closed set, labelled by `prefix` + name.
pub fn choices_of<E: crate::ids::Choice>(tr: Tr, prefix: &str) -> Vec<(String, String)> {
    E::all()
        .iter()
        .map(|v| (v.name().to_owned(), tr.t(&format!("{prefix}{}", v.name()))))
        .collect()
}

/// A browser's `User-Agent` as a person recognises it: "Chrome · Android", "Firefox ·
/// Windows". An agent it does not recognise is shown cut to 40 characters.
pub fn browser(agent: &str) -> String {
    const BROWSERS: [(&str, &str); 7] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let name = BROWSERS
        .iter()
        .find(|(k, _)| agent.contains(k))
        .map(|(_, n)| *n);
    let system = SYSTEMS
        .iter()
        .find(|(k, _)| agent.contains(k))
        .map(|(_, n)| *n);
    match (name, system) {
        (Some(n), Some(s)) => format!("{n} · {s}"),
        (Some(n), None) => n.to_owned(),
        _ => {
            let short: String = agent.chars().take(40).collect();
            if short.len() < agent.len() {
                format!("{short}…")
            } else {
                short
            }
        }
    }
}

/// Whether two texts are equal, whatever string types a template holds them in.
pub fn same(a: impl std::fmt::Display, b: impl std::fmt::Display) -> bool {
    a.to_string() == b.to_string()
}
