//! Message catalogues (Fluent) for Bahasa Indonesia, the default, and English.
//! Every context contributes its own `.ftl` files; the kernel merges them at start.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A language the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Bahasa Indonesia (the default).
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag (`id`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::En => "en",
        }
    }

    /// Parses a stored or submitted code.
    pub fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "id" | "id-id" | "in" => Some(Self::Id),
            "en" | "en-us" | "en-gb" => Some(Self::En),
            _ => None,
        }
    }

    /// The first supported language in an `Accept-Language` header, by weight.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Lang::parse(primary)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }
}

/// The merged catalogues of both languages.
pub struct Catalog {
    id: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

/// One context's message files.
#[derive(Clone, Copy)]
pub struct Messages {
    /// The Bahasa Indonesia catalogue.
    pub id: &'static str,
    /// The English catalogue.
    pub en: &'static str,
}

static CATALOG: OnceLock<Catalog> = OnceLock::new();

/// The kernel's own messages (layout, errors, sign-in).
pub const KERNEL_MESSAGES: Messages = Messages {
    id: include_str!("../i18n/id.ftl"),
    en: include_str!("../i18n/en.ftl"),
};

fn bundle(tag: &str, sources: &[&'static str]) -> FluentBundle<FluentResource> {
    let langid: LanguageIdentifier = tag.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // No Unicode isolation marks: they end up inside HTML attributes and JSON messages.
    bundle.set_use_isolating(false);
    for source in sources {
        let resource = match FluentResource::try_new((*source).to_owned()) {
            Ok(r) => r,
            Err((r, errors)) => {
                tracing::error!(?errors, "message catalogue has syntax errors");
                r
            }
        };
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(?errors, "duplicate message ids in catalogue");
        }
    }
    bundle
}

/// Builds the catalogue once from every module's messages (the kernel's among them); later
/// calls are no-ops.
pub fn init(all: &[Messages]) {
    CATALOG.get_or_init(|| {
        let ids: Vec<_> = all.iter().map(|m| m.id).collect();
        let ens: Vec<_> = all.iter().map(|m| m.en).collect();
        Catalog {
            id: bundle("id", &ids),
            en: bundle("en", &ens),
        }
    });
}

/// Translates `key` into `lang`, filling in `args`; a missing key shows itself, so it is
/// noticed in review rather than hidden.
pub fn message(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let Some(catalog) = CATALOG.get() else {
        return key.to_owned();
    };
    let bundle = match lang {
        Lang::Id => &catalog.id,
        Lang::En => &catalog.en,
    };
    let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
        return key.to_owned();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        // Numbers go in as numbers so plural rules ("1 record", "2 records") apply; a number
        // already written for people ("1.000", Indonesian for a thousand) stays as written,
        // or it would read as one.
        match value.parse::<f64>() {
            Ok(n) if n.to_string() == *value => fluent_args.set(*name, FluentValue::from(n)),
            _ => fluent_args.set(*name, FluentValue::from(value.clone())),
        }
    }
    let mut errors = vec![];
    bundle
        .format_pattern(pattern, Some(&fluent_args), &mut errors)
        .into_owned()
}

/// A translator bound to one language, for templates: `{{ tr.t("nav-home") }}`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    /// The language it translates into.
    pub lang: Lang,
    /// The region's time zone, for the times it writes.
    pub zone: crate::time::Zone,
}

impl Tr {
    /// A translator for `lang`, writing times in WIB (pages use [`Tr::in_zone`] through the
    /// request context, with the region's zone).
    pub fn new(lang: Lang) -> Self {
        Self {
            lang,
            zone: crate::time::Zone::default(),
        }
    }

    /// A translator for `lang` writing times in `zone`.
    pub fn in_zone(lang: Lang, zone: crate::time::Zone) -> Self {
        Self { lang, zone }
    }

    /// "2 Desember 2026".
    pub fn date(&self, d: impl crate::time::Given<chrono::NaiveDate>) -> String {
        crate::time::date(self.lang, d.given())
    }

    /// "2 Desember 2026 13:28 WIB" for a stored UTC time.
    pub fn when(&self, utc: impl crate::time::Given<chrono::NaiveDateTime>) -> String {
        crate::time::date_time(self.lang, self.zone, utc.given())
    }

    /// The day, in the region's zone, of a stored UTC time: "2 Desember 2026".
    pub fn day_of(&self, utc: impl crate::time::Given<chrono::NaiveDateTime>) -> String {
        crate::time::date(self.lang, self.zone.local(utc.given()).date())
    }

    /// "13:28 WIB" for a stored UTC time.
    pub fn clock(&self, utc: impl crate::time::Given<chrono::NaiveDateTime>) -> String {
        crate::time::clock(self.zone, utc.given())
    }

    /// "1.234" in Indonesian, "1,234" in English.
    pub fn number(&self, n: impl crate::time::Whole) -> String {
        crate::time::number(self.lang, n.whole())
    }

    /// "Rp150.000.000".
    pub fn rupiah(&self, n: impl crate::time::Given<i64>) -> String {
        crate::time::rupiah(n.given())
    }

    /// The message `key`.
    pub fn t(&self, key: &str) -> String {
        message(self.lang, key, &[])
    }

    /// The message `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: &dyn std::fmt::Display) -> String {
        message(self.lang, key, &[(name, value.to_string())])
    }

    /// The message `key` with two arguments.
    pub fn t2(
        &self,
        key: &str,
        a: &str,
        a_value: &dyn std::fmt::Display,
        b: &str,
        b_value: &dyn std::fmt::Display,
    ) -> String {
        message(
            self.lang,
            key,
            &[(a, a_value.to_string()), (b, b_value.to_string())],
        )
    }

    /// The message `prefix` + `value`, for translated codes (`agency-kind-` + `dinas`).
    pub fn tp(&self, prefix: &str, value: impl std::fmt::Display) -> String {
        message(self.lang, &format!("{prefix}{value}"), &[])
    }

    /// `prefix` + `value` translated, or `value` itself where the catalogue has no such
    /// message (a code some context wrote without a label). Fluent names hold no dots: a
    /// dotted code (`auth.sign_in`) is looked up with dashes (`audit-act-auth-sign_in`).
    pub fn tp_or(&self, prefix: &str, value: &str) -> String {
        let key = format!("{prefix}{}", value.replace('.', "-"));
        let text = message(self.lang, &key, &[]);
        if text == key { value.to_owned() } else { text }
    }

    /// The language code, for `<html lang>`.
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_heaviest_supported_tag() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,id;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("fr;q=1, id;q=0.5, en;q=0.4"),
            Some(Lang::Id)
        );
        assert_eq!(Lang::from_accept_language("fr, de"), None);
    }

    #[test]
    fn both_catalogues_have_the_same_keys() {
        fn keys(src: &str) -> Vec<String> {
            let mut k: Vec<String> = src
                .lines()
                .filter(|l| !l.starts_with(' ') && !l.starts_with('#') && l.contains(" ="))
                .filter_map(|l| l.split(" =").next().map(str::to_owned))
                .collect();
            k.sort();
            k
        }
        assert_eq!(keys(KERNEL_MESSAGES.id), keys(KERNEL_MESSAGES.en));
    }

    #[test]
    fn messages_translate_with_arguments() {
        init(&[KERNEL_MESSAGES]);
        assert_eq!(message(Lang::En, "error-not-found", &[]), "Not found.");
        assert!(message(Lang::Id, "error-field-too-long", &[("max", "10".into())]).contains("10"));
        assert_eq!(message(Lang::Id, "no-such-key", &[]), "no-such-key");
        assert_eq!(
            message(Lang::Id, "list-total", &[("count", "1.000".into())]),
            "Jumlah: 1.000",
            "a grouped number is not read as a decimal"
        );
        assert_eq!(
            message(Lang::En, "list-total", &[("count", "1".into())]),
            "1 record"
        );
        assert_eq!(
            message(Lang::En, "list-total", &[("count", "3".into())]),
            "3 records"
        );
    }
}
