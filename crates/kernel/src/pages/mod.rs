//! The kernel's own pages: the audit trail and notifications.

pub mod audit;
pub mod notifications;

/// Only local paths are followed after sign-in or a language switch (no open redirects).
pub fn safe_next(next: Option<&str>) -> String {
    next.and_then(same_origin_path)
        .unwrap_or_else(|| "/".to_owned())
}

/// `next` as a path on this site, or `None`. It must be a path (`/…`), free of whitespace,
/// control characters and backslashes (browsers read `/\t/evil` and `/\\evil` as another host),
/// and, resolved against a stand-in origin by a URL parser, still on that origin.
fn same_origin_path(next: &str) -> Option<String> {
    if !next.starts_with('/')
        || next.starts_with("//")
        || next
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return None;
    }
    let base = url::Url::parse("http://simpul.invalid/").ok()?;
    let url = base.join(next).ok()?;
    if url.origin() != base.origin() {
        return None;
    }
    let mut out = url.path().to_owned();
    if let Some(q) = url.query() {
        out.push('?');
        out.push_str(q);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_never_leaves_the_site() {
        assert_eq!(safe_next(Some("/agencies?page=2")), "/agencies?page=2");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        for evil in [
            "/\t/evil.example/x",
            "/\n/evil.example",
            "/ /evil.example",
            "/\u{0}/x",
            "/\u{a0}/evil.example",
            "/x\\y",
            "\\\\evil.example",
            "javascript:alert(1)",
            "/\u{2028}/evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(
            safe_next(Some("/registry/applications?status=draft&page=2")),
            "/registry/applications?status=draft&page=2"
        );
        assert_eq!(safe_next(Some("/a/../b")), "/b");
    }
}
