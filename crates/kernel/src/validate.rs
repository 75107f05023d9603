//! Small validation helpers shared by every context's forms and API.

use crate::error::FieldError;

/// Whether `text` holds a control character other than tab, newline or carriage return. NUL
/// cannot be stored in PostgreSQL text at all, and the others are never typed by a person:
/// input with them is refused, the same way on both backends, where it enters (JSON bodies,
/// forms, list queries, imported files).
pub fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// The refusal for a field holding a control character.
pub fn control_error(field: impl Into<String>) -> crate::error::AppError {
    crate::error::AppError::Validation(vec![FieldError::new(field, "error-control-characters")])
}

/// The path (`name`, `roles[0].agency`) of the first string in `v` — keys included — holding a
/// control character.
pub fn control_in_json(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::String(s) if has_control(s) => Some(String::new()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| control_in_json(item).map(|p| format!("[{i}]{}", dotted(&p)))),
        Value::Object(map) => map.iter().find_map(|(k, item)| {
            if has_control(k) {
                return Some("body".to_owned());
            }
            control_in_json(item).map(|p| format!("{k}{}", dotted(&p)))
        }),
        _ => None,
    }
}

fn dotted(rest: &str) -> String {
    if rest.is_empty() || rest.starts_with('[') {
        rest.to_owned()
    } else {
        format!(".{rest}")
    }
}

/// Collects field errors while checking a form, then fails with all of them at once.
#[derive(Debug, Default)]
pub struct Checker {
    /// What has gone wrong so far.
    pub errors: Vec<FieldError>,
}

impl Checker {
    /// A required text of at most `max` characters, trimmed.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.errors.push(FieldError::new(field, "error-required"));
        } else if v.chars().count() > max {
            self.errors
                .push(FieldError::new(field, "error-field-too-long").arg("max", max));
        }
        v.to_owned()
    }

    /// An optional text of at most `max` characters; empty becomes `None`.
    pub fn optional(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let v = value.map(str::trim).filter(|v| !v.is_empty())?;
        if v.chars().count() > max {
            self.errors
                .push(FieldError::new(field, "error-field-too-long").arg("max", max));
        }
        Some(v.to_owned())
    }

    /// A required choice among a closed set: blank asks to choose, anything else not in the set
    /// names the choices.
    pub fn choice<E: crate::ids::Choice>(&mut self, field: &str, value: &str) -> Option<E> {
        if value.trim().is_empty() {
            self.errors.push(FieldError::new(field, "error-choose"));
            return None;
        }
        let v = E::typed(value);
        if v.is_none() {
            self.errors
                .push(FieldError::new(field, "error-choice").arg("choices", E::names()));
        }
        v
    }

    /// Records the outcome of a domain check.
    pub fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    /// Adds an error.
    pub fn push(&mut self, e: FieldError) {
        self.errors.push(e);
    }

    /// `Ok` when nothing went wrong, otherwise every error.
    pub fn finish(self) -> Result<(), crate::error::AppError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(crate::error::AppError::Validation(self.errors))
        }
    }
}

/// Most problems an import reports; the rest are counted in one last line.
pub const IMPORT_MAX_ERRORS: usize = 200;

/// An import's problems, at most [`IMPORT_MAX_ERRORS`] of them plus one line that says how
/// many more there are (`more`: problems found but not kept, already counted by the caller),
/// so a file with a problem on every row cannot answer with megabytes of errors.
pub fn capped(mut errors: Vec<FieldError>, more: usize) -> Vec<FieldError> {
    let rest = errors.len().saturating_sub(IMPORT_MAX_ERRORS) + more;
    errors.truncate(IMPORT_MAX_ERRORS);
    if rest > 0 {
        errors.push(FieldError::new("file", "error-import-more").arg("count", rest));
    }
    errors
}

/// A plausible e-mail address (one `@`, a dot in the domain, no spaces).
pub fn check_email(field: &str, value: &str) -> Result<String, FieldError> {
    let v = value.trim().to_lowercase();
    let ok = v.len() <= 254
        && !v.contains(char::is_whitespace)
        && v.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if ok {
        Ok(v)
    } else {
        Err(FieldError::new(field, "error-email"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checker_collects_every_error() {
        let mut c = Checker::default();
        c.text("name", "  ", 10);
        c.text("code", "abcdefghijkl", 10);
        assert_eq!(c.optional("x", Some(""), 3), None);
        assert_eq!(c.errors.len(), 2);
        assert!(c.finish().is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(
            check_email("e", " Budi@Sukamajukab.go.id ").unwrap(),
            "budi@sukamajukab.go.id"
        );
        assert!(check_email("e", "budi@localhost").is_err());
        assert!(check_email("e", "bu di@x.id").is_err());
        assert!(check_email("e", "@x.id").is_err());
    }
}
