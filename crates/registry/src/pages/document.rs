//! `POST /registry/applications/{id}/documents` hands over a new version of one of the nine
//! technical documents (into the blob store); `GET /registry/documents/{id}` downloads one.

use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::form::{FormSpec, choice, file};
use kernel::permissions::Access;
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};

use super::app_form::find_for;
use crate::model::{DocumentId, DocumentKind};
use crate::{service, store};

/// The largest document accepted (the whole request is capped at 20 MiB).
pub const MAX_DOCUMENT: usize = 19 * 1024 * 1024;

/// The document form's fields, as its errors name them.
const DOCUMENT_FORM: FormSpec = FormSpec {
    fields: &[
        choice("kind", "app-document"),
        file("file", "app-document-file"),
    ],
};

/// Stores the file and records the new version; a file that cannot be taken is named on the
/// application's page, beside the form it came from.
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    multipart: Multipart,
) -> AppResult<Response> {
    let app = find_for(&state, &ctx, &id, Access::Write).await?;
    let actor = ctx.require()?.actor();
    let saved = match read_upload(multipart).await {
        Ok((kind, file)) => save(&state, actor, app.id, kind, file).await.map(drop),
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => Ok(
            Redirect::to(&format!("/registry/applications/{id}?saved=1#documents")).into_response(),
        ),
        Err(e @ (AppError::Validation(_) | AppError::BadRequest(_))) => {
            let errors = DOCUMENT_FORM.errors(&e, ctx.tr());
            super::app_show::page(&state, &ctx, &id, errors).await
        }
        Err(e) => Err(e),
    }
}

/// The kind and the file of the document form.
async fn read_upload(
    mut multipart: Multipart,
) -> AppResult<(DocumentKind, (String, String, axum::body::Bytes))> {
    let (mut kind, mut file) = (None, None);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            // A body cut off at the size limit, or not a form at all.
            Err(_) => return Err(AppError::field("file", "error-document-too-large")),
        };
        match field.name() {
            Some("kind") => kind = field.text().await.ok(),
            Some("file") => {
                let name = field.file_name().unwrap_or("dokumen").to_owned();
                let media = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::field("file", "error-document-too-large"))?;
                // A form sent without choosing a file still carries the field, nameless and
                // empty.
                if !(name.is_empty() && bytes.is_empty()) {
                    file = Some((name, media, bytes));
                }
            }
            _ => {}
        }
    }
    let kind = kind.as_deref().and_then(DocumentKind::parse);
    match (kind, file) {
        (Some(kind), Some(file)) => Ok((kind, file)),
        (kind, file) => {
            let mut errors = vec![];
            if kind.is_none() {
                errors.push(FieldError::new("kind", "error-document-kind"));
            }
            if file.is_none() {
                errors.push(FieldError::new("file", "error-document-no-file"));
            }
            Err(AppError::Validation(errors))
        }
    }
}

/// Stores one uploaded version (file name, media type, bytes) of an application's document,
/// for the page and the API alike.
pub(crate) async fn save(
    state: &AppState,
    actor: kernel::audit::Actor,
    target: crate::model::ApplicationId,
    kind: DocumentKind,
    (name, media, bytes): (String, String, axum::body::Bytes),
) -> AppResult<store::DocumentRow> {
    if bytes.len() > MAX_DOCUMENT {
        return Err(AppError::field("file", "error-document-too-large"));
    }
    if kernel::validate::has_control(&name) || kernel::validate::has_control(&media) {
        return Err(kernel::validate::control_error("filename"));
    }
    // Reading a 19 MB file for what it is is work for a blocking thread.
    let checked = bytes.clone();
    tokio::task::spawn_blocking(move || crate::model::check_document(kind, &checked))
        .await
        .map_err(|e| AppError::Internal(format!("blocking task: {e}")))?
        .map_err(|e| AppError::Validation(vec![e]))?;
    // The blob is written first: a failed transaction leaves at most an unreferenced file,
    // never a record without its file.
    let size = bytes.len();
    let sha = state.blobs.put(bytes).await?;
    state
        .write(move |c| {
            let size = i64::try_from(size).unwrap_or(i64::MAX);
            let name: String = name.chars().take(200).collect();
            let media: String = media.chars().take(200).collect();
            service::add_document(c, &actor, target, kind, (&sha, &name, &media, size))
        })
        .await
}

/// Sends a stored document version (the page's link and `GET /api/v1/documents/{id}`).
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "registry", params(("id" = String, Path)),
    responses((status = 200, description = "The file as uploaded (a type a browser would run is sent as application/octet-stream), with its name in Content-Disposition",
               content(("application/*"), ("text/plain"), ("text/csv"))),
              (status = 401), (status = 404)))]
pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.require()?;
    let id = DocumentId::parse(&id).ok_or(AppError::NotFound)?;
    let doc = state
        .read(move |c| Ok(store::doc_find(c, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    find_for(&state, &ctx, &doc.application_id.to_string(), Access::Read).await?;
    let bytes = state.blobs.get(&doc.sha256).await?;
    let disposition = kernel::export::content_disposition(&doc.filename);
    // Never hand back a type a browser would run (an uploaded HTML or SVG page).
    let safe = doc.media_type == "application/pdf"
        || doc.media_type.starts_with("application/vnd.")
        || matches!(
            doc.media_type.as_str(),
            "application/zip"
                | "application/gzip"
                | "application/x-tar"
                | "text/plain"
                | "text/csv"
        );
    let media = if safe {
        doc.media_type.clone()
    } else {
        "application/octet-stream".to_owned()
    };
    Ok((
        [
            (header::CONTENT_TYPE, media),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
