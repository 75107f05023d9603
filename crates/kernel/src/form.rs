//! One way to build forms. A form declares its fields once — name, label, how it is asked —
//! as a [`FormSpec`]; validation (plain functions in each context) reports every problem at
//! once as field errors; the spec turns them into what a person reads, each naming its field in
//! their language ("Masukkan nama aplikasi", "Pilih perangkat daerah"), for the GOV.UK error
//! summary that links to each field and for the message beside it. A form posted with a stale
//! anti-forgery token (the page was open too long, or the person signed in again elsewhere) is
//! shown again with what was typed and a fresh token, never lost: its handler takes
//! [`Submitted`] and its route is listed in its module's `forms`.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::context::CSRF_FIELD;
use crate::error::{AppError, FieldError};
use crate::i18n::Tr;
use crate::layout::{FormError, FormErrors};

/// How a field is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Typed text (also numbers, dates, addresses).
    Text,
    /// Chosen from a list.
    Choice,
    /// A box to tick.
    Check,
    /// A file to upload.
    File,
}

/// One field of a form.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Its name as posted (and its element id).
    pub name: &'static str,
    /// Its label's message key.
    pub label: &'static str,
    /// How it is asked.
    pub kind: Kind,
}

/// A text field.
pub const fn text(name: &'static str, label: &'static str) -> Field {
    Field {
        name,
        label,
        kind: Kind::Text,
    }
}

/// A choice.
pub const fn choice(name: &'static str, label: &'static str) -> Field {
    Field {
        name,
        label,
        kind: Kind::Choice,
    }
}

/// A checkbox.
pub const fn check(name: &'static str, label: &'static str) -> Field {
    Field {
        name,
        label,
        kind: Kind::Check,
    }
}

/// A file.
pub const fn file(name: &'static str, label: &'static str) -> Field {
    Field {
        name,
        label,
        kind: Kind::File,
    }
}

/// A form's fields.
#[derive(Debug, Clone, Copy)]
pub struct FormSpec {
    /// In the order the form shows them (and the summary lists their errors).
    pub fields: &'static [Field],
}

/// A label as it reads inside a sentence: "Nama aplikasi" → "nama aplikasi", but "NIP" stays.
fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_owned(),
    }
}

/// A field as the error messages name it: its name, its label (translated) and how it is asked.
pub type Named = (String, String, Kind);

/// One field error as a person reads it, beside the field and in the summary (where it must
/// name the field). `field` is the field's name, label and kind, when the form has it.
pub fn explain(e: &FieldError, tr: Tr, field: Option<&Named>) -> FormError {
    let message = e.message(tr.lang);
    let Some((_, label, kind)) = field else {
        let summary = match place(&e.field, tr) {
            Some(at) => format!("{at}: {message}"),
            None => message.clone(),
        };
        return FormError {
            field: e.field.clone(),
            message,
            summary,
        };
    };
    let asks = match (e.key, kind) {
        // A choice outside the list only comes from a tampered or outdated page: ask again
        // rather than list the stored codes.
        ("error-required" | "error-choose" | "error-choice", Kind::Choice | Kind::File) => {
            Some("form-choose")
        }
        ("error-required" | "error-choose", _) => Some("form-enter"),
        _ => None,
    };
    match asks {
        Some(key) => {
            let text = tr.t1(key, "label", &in_sentence(label));
            FormError {
                field: e.field.clone(),
                message: text.clone(),
                summary: text,
            }
        }
        // A message that already starts with the field's name ("NIP harus 18 angka.") says
        // which field it is about without a prefix.
        None if message.to_lowercase().starts_with(&label.to_lowercase()) => FormError {
            field: e.field.clone(),
            summary: message.clone(),
            message,
        },
        None => FormError {
            field: e.field.clone(),
            summary: tr.t2("form-field-message", "label", label, "message", &message),
            message,
        },
    }
}

/// Where in an imported file an error is, in words: "Baris 3, kolom nip" for the field
/// `line 3: nip` that imports report (the column as the file's header names it).
pub fn place(field: &str, tr: Tr) -> Option<String> {
    let rest = field.strip_prefix("line ")?;
    Some(match rest.split_once(": ") {
        Some((line, column)) => tr.t2("import-at-cell", "line", &line, "column", &column),
        None => tr.t1("import-at-line", "line", &rest),
    })
}

/// The errors of `err` for a form with these fields, in the form's order (errors of fields it
/// does not list, such as an import's lines, after them in their own order).
pub fn errors_for(err: &AppError, tr: Tr, fields: &[Named]) -> FormErrors {
    let mut out: Vec<(usize, FormError)> = err
        .field_errors()
        .iter()
        .map(|e| {
            let at = fields.iter().position(|(n, ..)| *n == e.field);
            let named = at.and_then(|i| fields.get(i));
            (at.unwrap_or(usize::MAX), explain(e, tr, named))
        })
        .collect();
    out.sort_by_key(|(at, _)| *at);
    FormErrors(out.into_iter().map(|(_, e)| e).collect())
}

/// KT 16.5: an action with consequences is taken only once the person ticked the form's
/// `confirm` box; otherwise an error on that field saying nothing was changed yet.
pub fn confirmed(confirm: Option<&String>) -> Result<(), AppError> {
    match confirm {
        Some(_) => Ok(()),
        None => Err(AppError::Validation(vec![FieldError::new(
            "confirm",
            "error-confirm-action",
        )])),
    }
}

/// The error shown when a form came back with a stale anti-forgery token.
pub fn expired(tr: Tr, first_field: &str) -> FormErrors {
    FormErrors::one(first_field, tr.t("form-csrf-expired"))
}

impl FormSpec {
    fn named(&self, tr: Tr) -> Vec<Named> {
        self.fields
            .iter()
            .map(|f| (f.name.to_owned(), tr.t(f.label), f.kind))
            .collect()
    }

    /// The errors of `err`, each naming its field, in the form's order.
    pub fn errors(&self, err: &AppError, tr: Tr) -> FormErrors {
        errors_for(err, tr, &self.named(tr))
    }

    /// The error shown when the form came back with a stale anti-forgery token.
    pub fn expired(&self, tr: Tr) -> FormErrors {
        expired(tr, self.fields.first().map_or("", |f| f.name))
    }
}

/// Marks a request whose anti-forgery token did not match (set by the request middleware for
/// forms whose route re-renders; any other handler never sees such a request).
#[derive(Debug, Clone, Copy)]
pub struct CsrfMismatch;

/// A posted form: its values as typed, and whether its anti-forgery token was stale, in which
/// case the handler shows the form again (with the values, a fresh token and
/// [`FormSpec::expired`]) and does nothing else.
#[derive(Debug, Clone)]
pub struct Submitted<T> {
    /// The values.
    pub values: T,
    /// The token was stale: act on nothing.
    pub stale: bool,
}

/// Reads an urlencoded body without its anti-forgery token (so form types can refuse unknown
/// fields).
pub fn read_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(bytes)
        .filter(|(k, _)| k != CSRF_FIELD)
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    if let Some((k, _)) = pairs
        .iter()
        .find(|(k, v)| crate::validate::has_control(k) || crate::validate::has_control(v))
    {
        return Err(crate::validate::control_error(k.clone()));
    }
    let encoded =
        serde_urlencoded::to_string(&pairs).map_err(|e| AppError::Internal(e.to_string()))?;
    serde_urlencoded::from_str(&encoded)
        .map_err(|e| AppError::BadRequest(FieldError::new("form", "error-form").arg("detail", e)))
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Submitted<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let stale = req.extensions().get::<CsrfMismatch>().is_some();
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::BadRequest(FieldError::new("body", "error-body-too-large")))?;
        Ok(Submitted {
            values: read_form(&bytes)?,
            stale,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_inside_a_sentence() {
        assert_eq!(in_sentence("Nama aplikasi"), "nama aplikasi");
        assert_eq!(in_sentence("NIP"), "NIP");
        assert_eq!(in_sentence("Perangkat Daerah"), "perangkat Daerah");
        assert_eq!(in_sentence(""), "");
    }
}
