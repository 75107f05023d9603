//! `GET /import`, `POST /import/{agencies,people}` to check an uploaded CSV or XLSX and see
//! what importing it would do — every bad line listed, nothing written — and
//! `POST /import/{agencies,people}/confirm` to import it, all or nothing. Each list has an
//! XLSX template (`GET /import/template/{agencies,people}`) with its drop-downs.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kernel::export::TemplateColumn;
use kernel::i18n::Tr;
use kernel::layout::{Chrome, FormErrors, render};
use kernel::permissions::{Access, Role, Scope};
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};

/// The upload form's field (errors of the file's lines name their line).
const IMPORT_FORM: kernel::form::FormSpec = kernel::form::FormSpec {
    fields: &[kernel::form::file("file", "import-file")],
};

use crate::import;
use crate::model::{AgencyKind, PersonKind};

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    chrome: Chrome,
    errors: FormErrors,
    /// The list imported into and what was done, in words.
    imported: Option<(String, String)>,
    can_import_agencies: bool,
    agency_columns: Vec<TemplateColumn>,
    person_columns: Vec<TemplateColumn>,
    existing_choices: Vec<(String, String)>,
    preview: Option<Preview>,
}

/// A column of a template: its name, the message saying what it holds, its allowed values.
fn column_of(
    tr: Tr,
    required: &'static [&'static str],
) -> impl Fn(&'static str, &str, Vec<(String, String)>) -> TemplateColumn {
    move |name, label, allowed| TemplateColumn {
        name,
        label: tr.t(label),
        required: required.contains(&name),
        allowed,
    }
}

/// What the agencies file's columns hold and take.
fn agency_columns(tr: Tr) -> Vec<TemplateColumn> {
    let column = column_of(tr, &import::AGENCY_REQUIRED);
    vec![
        column("name", "agency-name-hint", vec![]),
        column("code", "agency-code-hint", vec![]),
        column(
            "kind",
            "agency-kind",
            kernel::layout::choices_of::<AgencyKind>(tr, "agency-kind-"),
        ),
        column(
            "is_dinas",
            "agency-is-dinas",
            kernel::export::yes_no_choices(tr),
        ),
        column("egov_unit", "agency-egov-unit-hint", vec![]),
    ]
}

/// What the people file's columns hold and take; `agencies` are those the importer may add
/// people to.
fn person_columns(tr: Tr, agencies: Vec<(String, String)>) -> Vec<TemplateColumn> {
    let column = column_of(tr, &import::PERSON_REQUIRED);
    vec![
        column("agency_code", "import-agency-code", agencies),
        column("name", "person-name", vec![]),
        column(
            "kind",
            "person-kind",
            kernel::layout::choices_of::<PersonKind>(tr, "person-kind-"),
        ),
        column("nip", "person-nip-hint", vec![]),
        column("nik", "person-nik-hint", vec![]),
        column("position", "person-position", vec![]),
        column("email", "person-email-hint", vec![]),
        column("phone", "person-phone", vec![]),
    ]
}

/// The agencies the viewer may add people to, as codes and names.
async fn writable_agencies(state: &AppState, ctx: &Ctx) -> AppResult<Vec<(String, String)>> {
    let agencies = state.read(|c| Ok(crate::store::agency_all(c)?)).await?;
    Ok(agencies
        .into_iter()
        .filter(|a| ctx.can(&crate::PEOPLE, Access::Write, Scope::Agency(a.id)))
        .map(|a| (a.code, a.name))
        .collect())
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
    imported: Option<(String, String)>,
) -> AppResult<ImportPage> {
    let tr = ctx.tr();
    Ok(ImportPage {
        chrome: Chrome::new(state, ctx, "import-title"),
        errors,
        imported,
        can_import_agencies: ctx.can(&crate::PEOPLE, Access::Write, Scope::Region),
        agency_columns: agency_columns(tr),
        person_columns: person_columns(tr, writable_agencies(state, ctx).await?),
        existing_choices: kernel::layout::choices_of::<import::Existing>(tr, "import-existing-"),
        preview: None,
    })
}

/// `GET /import/template/{agencies,people}`: an empty workbook with its drop-downs.
pub async fn template(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(what): Path<String>,
) -> AppResult<Response> {
    may_import(&ctx)?;
    let tr = ctx.tr();
    let columns = match what.as_str() {
        "agencies" if ctx.can(&crate::PEOPLE, Access::Write, Scope::Region) => agency_columns(tr),
        "people" => person_columns(tr, writable_agencies(&state, &ctx).await?),
        _ => return Err(AppError::NotFound),
    };
    let stem = format!(
        "templat-{}",
        tr.t(&format!("{what}-title"))
            .to_lowercase()
            .replace(' ', "-")
    );
    kernel::export::template_download(&stem, &columns, tr)
}

fn may_import(ctx: &Ctx) -> AppResult<()> {
    let p = ctx.require()?;
    if p.grants
        .iter()
        .any(|g| matches!(g.role, Role::DinasAdmin | Role::AgencyOperator))
    {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Shows the upload forms.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    may_import(&ctx)?;
    Ok(render(&page(&state, &ctx, FormErrors::default(), None).await?)?.into_response())
}

/// The uploaded file, and what to do with people already recorded (the people form's
/// choice; the agencies form has none).
async fn file_of(mut multipart: Multipart) -> AppResult<(Vec<u8>, import::Existing)> {
    let mut existing = import::Existing::Refuse;
    let mut file = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("existing") => {
                let text = field.text().await.unwrap_or_default();
                existing = import::Existing::parse(&text)
                    .ok_or_else(|| AppError::field("existing", "error-choose"))?;
            }
            Some("file") => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::field("file", "error-body-too-large"))?;
                if !bytes.is_empty() {
                    file = Some(bytes.to_vec());
                }
            }
            _ => {}
        }
    }
    match file {
        Some(bytes) => Ok((bytes, existing)),
        None => Err(AppError::Validation(vec![FieldError::new(
            "file",
            "error-import-no-file",
        )])),
    }
}

/// What an import would do, shown before anything is written; confirming sends back the
/// file's digest (the upload is kept as a scratch file) and the choice made.
struct Preview {
    /// `agencies` or `people`.
    what: &'static str,
    sha: String,
    existing: String,
    /// What will be done, in words.
    will: String,
    rows: usize,
    header: Vec<String>,
    sample: Vec<(usize, Vec<String>)>,
}

/// Rows shown in the preview.
const PREVIEW_ROWS: usize = 10;

/// What an upload or a confirmation came to.
enum Outcome {
    Preview(Preview),
    /// The list imported into, and what was done in words.
    Done(&'static str, String),
}

async fn finish(state: &AppState, ctx: &Ctx, result: AppResult<Outcome>) -> AppResult<Response> {
    match result {
        Ok(Outcome::Done(what, done)) => Ok(render(
            &page(
                state,
                ctx,
                FormErrors::default(),
                Some((what.to_owned(), done)),
            )
            .await?,
        )?
        .into_response()),
        Ok(Outcome::Preview(preview)) => {
            let mut shown = page(state, ctx, FormErrors::default(), None).await?;
            shown.preview = Some(preview);
            Ok(render(&shown)?.into_response())
        }
        Err(e @ (AppError::Validation(_) | AppError::BadRequest(_))) => {
            let errors = IMPORT_FORM.errors(&e, ctx.tr());
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&page(state, ctx, errors, None).await?)?,
            )
                .into_response())
        }
        Err(e) => Err(e),
    }
}

/// Keeps the upload for its confirmation and shows what it would do.
async fn preview(
    state: &AppState,
    what: &'static str,
    bytes: Vec<u8>,
    existing: import::Existing,
    will: String,
) -> AppResult<Outcome> {
    let (upload, max) = (bytes.clone(), state.config.import_max_rows);
    let table =
        kernel::export::parse_upload(move || kernel::export::read_table(&upload, max)).await?;
    Ok(Outcome::Preview(Preview {
        what,
        sha: state.blobs.put_scratch(bytes.into()).await?,
        existing: existing.as_str().to_owned(),
        will,
        rows: table.rows.len(),
        header: table.header,
        sample: table.rows.into_iter().take(PREVIEW_ROWS).collect(),
    }))
}

fn people_done(ctx: &Ctx, key: &str, done: import::PeopleImported) -> String {
    let tr = ctx.tr();
    kernel::i18n::message(
        ctx.lang,
        key,
        &[
            ("added", tr.number(done.added)),
            ("updated", tr.number(done.updated)),
            ("skipped", tr.number(done.skipped)),
        ],
    )
}

/// Checks an agencies file (the Dinas only) and shows what importing it would do.
pub async fn agencies(
    State(state): State<AppState>,
    ctx: Ctx,
    multipart: Multipart,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&crate::PEOPLE, Access::Write, Scope::Region)?
        .actor();
    let tr = ctx.tr();
    let result = async {
        let (bytes, _) = file_of(multipart).await?;
        let upload = bytes.clone();
        let n = state
            .dry_run(move |c| import::import_agencies(c, &actor, &upload))
            .await?;
        let will = tr.t1("import-will-agencies", "count", &tr.number(n));
        preview(&state, "agencies", bytes, import::Existing::Refuse, will).await
    }
    .await;
    finish(&state, &ctx, result).await
}

/// Checks a people file and shows what importing it would do.
pub async fn people(
    State(state): State<AppState>,
    ctx: Ctx,
    multipart: Multipart,
) -> AppResult<Response> {
    may_import(&ctx)?;
    let result = async {
        let (bytes, existing) = file_of(multipart).await?;
        let done = import::import_people_for(&state, &ctx, bytes.clone(), existing, true).await?;
        let will = people_done(&ctx, "import-will-people", done);
        preview(&state, "people", bytes, existing, will).await
    }
    .await;
    finish(&state, &ctx, result).await
}

/// A previewed import, confirmed.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confirm {
    /// The previewed file's digest.
    sha: String,
    /// What to do with people already recorded, as previewed.
    #[serde(default)]
    existing: import::Existing,
}

/// `POST /import/{agencies,people}/confirm`: imports the previewed file, checking it again
/// (the records may have changed since), all or nothing.
pub async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(what): Path<String>,
    kernel::extract::PageForm(form): kernel::extract::PageForm<Confirm>,
) -> AppResult<Response> {
    may_import(&ctx)?;
    let tr = ctx.tr();
    let result = async {
        let bytes = state.blobs.get_scratch(&form.sha).await?.to_vec();
        match what.as_str() {
            "agencies" => {
                let actor = ctx
                    .authorize(&crate::PEOPLE, Access::Write, Scope::Region)?
                    .actor();
                let n = state
                    .write(move |c| import::import_agencies(c, &actor, &bytes))
                    .await?;
                Ok(Outcome::Done(
                    "agencies",
                    tr.t1("import-done", "count", &tr.number(n)),
                ))
            }
            "people" => {
                let done =
                    import::import_people_for(&state, &ctx, bytes, form.existing, false).await?;
                Ok(Outcome::Done(
                    "people",
                    people_done(&ctx, "import-done-people", done),
                ))
            }
            _ => Err(AppError::NotFound),
        }
    }
    .await;
    finish(&state, &ctx, result).await
}
