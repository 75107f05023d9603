//! The catalogue's SQL: private to this crate. Other contexts ask through the crate's public
//! functions, never these. (The rows of each version live in tables of their own: `table`.)

use chrono::{NaiveDate, NaiveDateTime};
use db::DbConn;
use db::schema::{
    data_columns as col, data_datasets as t, data_indicators as ind, data_region_codes as rc,
    data_versions as v,
};
use diesel::prelude::*;
use kernel::ids::{AgencyId, PersonId};
use kernel::listing::ListQuery;
use kernel::permissions::Visible;

use crate::model::{
    Classification, Dataset, DatasetId, Frequency, IndicatorId, Review, Topic, VersionId, Wali,
};
use crate::variables::{Column, ColumnKind};

kernel::text_enum! {
    /// Where a version stands.
    pub enum VersionStatus {
        /// Being read.
        Ingesting = "ingesting",
        /// Clean and readable.
        Ready = "ready",
        /// Refused (its report says why); its rows were thrown away.
        Failed = "failed",
    }
}

/// A stored dataset.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = t)]
pub struct DatasetRow {
    pub id: DatasetId,
    pub agency_id: AgencyId,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub topic: Topic,
    pub classification: Classification,
    pub exclusion_reason: String,
    pub frequency: Frequency,
    pub next_due: Option<NaiveDate>,
    pub period: String,
    pub coverage: String,
    pub unit: String,
    pub licence: String,
    pub contact_name: String,
    pub contact_email: String,
    pub tags: String,
    pub activity_name: String,
    pub activity_method: String,
    pub wali_person_id: Option<PersonId>,
    pub wali_decree_number: String,
    pub wali_decree_date: Option<NaiveDate>,
    pub current_version: Option<VersionId>,
    pub published_version: Option<VersionId>,
    pub published_at: Option<NaiveDateTime>,
    pub overdue_told: Option<NaiveDate>,
    pub updated_data_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

/// Which datasets a list shows: those of the visible agencies, and public ones of any.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Agencies whose every dataset the caller sees.
    pub visible: Visible,
    /// Whether public datasets of other agencies are shown too.
    pub public_too: bool,
}

type Boxed<'a> = t::BoxedQuery<'a, db::MultiBackend>;

fn scoped<'a>(scope: &Scope) -> Boxed<'a> {
    let mut query = t::table.into_boxed();
    if let Visible::Only(ids) = &scope.visible {
        query = if scope.public_too {
            query.filter(
                t::agency_id
                    .eq_any(ids.clone())
                    .or(t::classification.eq(Classification::Public)),
            )
        } else {
            query.filter(t::agency_id.eq_any(ids.clone()))
        };
    }
    query
}

/// The datasets the list asks for: one page, and how many there are in all.
pub fn list(
    c: &mut DbConn,
    scope: &Scope,
    q: &ListQuery,
    today: NaiveDate,
) -> QueryResult<(Vec<DatasetRow>, i64)> {
    let build = || {
        let mut query = scoped(scope);
        if let Some(a) = q.agency("agency_id") {
            query = query.filter(t::agency_id.eq(a));
        }
        if let Some(s) = q.choice::<Topic>("topic") {
            query = query.filter(t::topic.eq(s));
        }
        if let Some(s) = q.choice::<Classification>("classification") {
            query = query.filter(t::classification.eq(s));
        }
        if let Some(r) = q.choice::<Review>("review") {
            query = query.filter(
                t::classification.eq(Classification::Public).and(
                    t::id.eq_any(
                        v::table
                            .filter(v::status.eq(VersionStatus::Ready))
                            .filter(v::review.eq(r))
                            .select(v::dataset_id),
                    ),
                ),
            );
        }
        match q.choice::<crate::model::Due>("due") {
            Some(crate::model::Due::Overdue) => query = query.filter(t::next_due.lt(today)),
            Some(crate::model::Due::Current) => {
                query = query.filter(t::next_due.is_null().or(t::next_due.ge(today)));
            }
            None => {}
        }
        if let Some(text) = q.get("q") {
            let p = db::dialect::contains_pattern(text);
            query = query.filter(
                db::dialect::lower(t::title)
                    .like(p.clone())
                    .escape('\\')
                    .or(db::dialect::lower(t::tags).like(p).escape('\\')),
            );
        }
        query
    };
    let total = build().count().get_result(c)?;
    let sorted = match q.sort {
        "title" => db::sorted!(build(), q.descending, t::title, t::id),
        "due" => db::sorted!(build(), q.descending, t::next_due, t::id),
        _ => db::sorted!(build(), q.descending, t::updated_at, t::id),
    };
    let rows = sorted
        .limit(q.limit())
        .offset(q.offset())
        .select(DatasetRow::as_select())
        .load(c)?;
    Ok((rows, total))
}

/// Every dataset (the rules and the portal's facets read them all; a region has hundreds).
pub fn all(c: &mut DbConn) -> QueryResult<Vec<DatasetRow>> {
    t::table
        .order(t::title)
        .select(DatasetRow::as_select())
        .load(c)
}

/// The public datasets the Dinas has published a version of, in title order (the portal and
/// the CKAN API).
pub fn public(c: &mut DbConn) -> QueryResult<Vec<DatasetRow>> {
    t::table
        .filter(t::classification.eq(Classification::Public))
        .filter(t::published_version.is_not_null())
        .order((t::title, t::id))
        .select(DatasetRow::as_select())
        .load(c)
}

/// The published versions of these datasets, newest first.
pub fn published_versions(c: &mut DbConn, datasets: &[DatasetId]) -> QueryResult<Vec<VersionRow>> {
    v::table
        .filter(v::dataset_id.eq_any(datasets))
        .filter(v::status.eq(VersionStatus::Ready))
        .filter(v::review.eq(Review::Published))
        .order((v::dataset_id, v::number.desc()))
        .select(VersionRow::as_select())
        .load(c)
}

/// One dataset.
pub fn find(c: &mut DbConn, id: DatasetId) -> QueryResult<Option<DatasetRow>> {
    t::table
        .find(id)
        .select(DatasetRow::as_select())
        .first(c)
        .optional()
}

/// One dataset by its slug.
pub fn find_by_slug(c: &mut DbConn, slug: &str) -> QueryResult<Option<DatasetRow>> {
    t::table
        .filter(t::slug.eq(slug))
        .select(DatasetRow::as_select())
        .first(c)
        .optional()
}

/// The agency and classification of another dataset with this slug, if there is one.
pub fn slug_owner(
    c: &mut DbConn,
    slug: &str,
    except: Option<DatasetId>,
) -> QueryResult<Option<(AgencyId, Classification)>> {
    let mut q = t::table.filter(t::slug.eq(slug)).into_boxed();
    if let Some(id) = except {
        q = q.filter(t::id.ne(id));
    }
    q.select((t::agency_id, t::classification))
        .first(c)
        .optional()
}

/// The description's columns, as written on insert and update.
macro_rules! described {
    ($d:expr) => {
        (
            t::slug.eq(&$d.slug),
            t::title.eq(&$d.title),
            t::description.eq(&$d.description),
            t::topic.eq($d.topic),
            t::classification.eq($d.classification),
            t::exclusion_reason.eq(&$d.exclusion_reason),
            t::frequency.eq($d.frequency),
            t::next_due.eq($d.next_due),
            t::period.eq(&$d.period),
            t::coverage.eq(&$d.coverage),
            t::unit.eq(&$d.unit),
            t::licence.eq(&$d.licence),
            t::contact_name.eq(&$d.contact_name),
            t::contact_email.eq(&$d.contact_email),
            (
                t::tags.eq(&$d.tags),
                t::activity_name.eq(&$d.activity_name),
                t::activity_method.eq(&$d.activity_method),
            ),
        )
    };
}

/// Writes a new dataset with its description.
pub fn create(c: &mut DbConn, d: &Dataset, by: &str) -> QueryResult<DatasetId> {
    let id = DatasetId::new();
    let now = db::now();
    diesel::insert_into(t::table)
        .values((
            (
                t::id.eq(id),
                t::agency_id.eq(d.agency_id),
                t::wali_decree_number.eq(""),
                t::created_at.eq(now),
                t::created_by.eq(by),
                t::updated_at.eq(now),
                t::updated_by.eq(by),
            ),
            described!(d),
        ))
        .execute(c)?;
    Ok(id)
}

/// Rewrites a dataset's description (its agency stays).
pub fn update(c: &mut DbConn, id: DatasetId, d: &Dataset, by: &str) -> QueryResult<usize> {
    diesel::update(t::table.find(id))
        .set((
            described!(d),
            (t::updated_at.eq(db::now()), t::updated_by.eq(by)),
        ))
        .execute(c)
}

/// Records the Wali Data's appointment.
pub fn appoint(c: &mut DbConn, id: DatasetId, w: &Wali, by: &str) -> QueryResult<usize> {
    diesel::update(t::table.find(id))
        .set((
            t::wali_person_id.eq(Some(w.person_id)),
            t::wali_decree_number.eq(&w.decree_number),
            t::wali_decree_date.eq(Some(w.decree_date)),
            t::updated_at.eq(db::now()),
            t::updated_by.eq(by),
        ))
        .execute(c)
}

/// Marks that the agency and the Dinas were told the dataset is overdue since `due`; false when
/// another instance did it first.
pub fn mark_told(c: &mut DbConn, id: DatasetId, due: NaiveDate) -> QueryResult<bool> {
    let n = diesel::update(
        t::table
            .find(id)
            .filter(t::overdue_told.is_null().or(t::overdue_told.ne(due))),
    )
    .set(t::overdue_told.eq(Some(due)))
    .execute(c)?;
    Ok(n == 1)
}

/// Sets when the next update is due (the demo's overdue datasets).
pub fn set_due(c: &mut DbConn, id: DatasetId, due: Option<NaiveDate>) -> QueryResult<usize> {
    diesel::update(t::table.find(id))
        .set(t::next_due.eq(due))
        .execute(c)
}

/// A stored column.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = col)]
struct ColumnRow {
    name: String,
    label: String,
    kind: ColumnKind,
    required: bool,
    is_unique: bool,
    min_value: Option<f64>,
    max_value: Option<f64>,
    personal: bool,
    concept: String,
    definition: String,
    alias: String,
    is_indexed: bool,
}

/// A dataset's schema, in column order.
pub fn columns(c: &mut DbConn, id: DatasetId) -> QueryResult<Vec<Column>> {
    Ok(col::table
        .filter(col::dataset_id.eq(id))
        .order(col::position)
        .select(ColumnRow::as_select())
        .load(c)?
        .into_iter()
        .map(|r| Column {
            name: r.name,
            label: r.label,
            kind: r.kind,
            required: r.required,
            unique: r.is_unique,
            min: r.min_value,
            max: r.max_value,
            personal: r.personal,
            concept: r.concept,
            definition: r.definition,
            alias: r.alias,
            indexed: r.is_indexed,
        })
        .collect())
}

/// Replaces a dataset's schema.
pub fn set_columns(c: &mut DbConn, id: DatasetId, columns: &[Column]) -> QueryResult<()> {
    diesel::delete(col::table.filter(col::dataset_id.eq(id))).execute(c)?;
    for (i, k) in columns.iter().enumerate() {
        diesel::insert_into(col::table)
            .values((
                col::dataset_id.eq(id),
                col::position.eq(i32::try_from(i).unwrap_or(i32::MAX)),
                col::name.eq(&k.name),
                col::label.eq(&k.label),
                col::kind.eq(k.kind),
                col::required.eq(k.required),
                col::is_unique.eq(k.unique),
                col::min_value.eq(k.min),
                col::max_value.eq(k.max),
                col::personal.eq(k.personal),
                col::concept.eq(&k.concept),
                col::definition.eq(&k.definition),
                col::alias.eq(&k.alias),
                col::is_indexed.eq(k.indexed),
            ))
            .execute(c)?;
    }
    Ok(())
}

/// A stored version.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = v)]
pub struct VersionRow {
    pub id: VersionId,
    pub dataset_id: DatasetId,
    pub number: i32,
    pub status: VersionStatus,
    pub table_name: String,
    pub schema_json: String,
    pub file_name: String,
    pub file_sha: String,
    pub row_count: i64,
    pub added: i64,
    pub removed: i64,
    pub changed: i64,
    pub report: String,
    pub job_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub finished_at: Option<NaiveDateTime>,
    pub review: Review,
    pub review_note: String,
    pub reviewed_at: Option<NaiveDateTime>,
    pub reviewed_by: Option<String>,
}

impl VersionRow {
    /// The schema the version was read with.
    pub fn schema(&self) -> Vec<Column> {
        serde_json::from_str(&self.schema_json).unwrap_or_default()
    }
}

/// What a new version starts with.
pub struct NewVersion<'a> {
    /// Its dataset.
    pub dataset: DatasetId,
    /// The schema it is read with.
    pub columns: &'a [Column],
    /// The uploaded file's name.
    pub file_name: &'a str,
    /// Its address in the blob store.
    pub file_sha: &'a str,
}

/// Records a new version, numbered after the dataset's last one.
pub fn add_version(c: &mut DbConn, n: &NewVersion<'_>, by: &str) -> QueryResult<VersionRow> {
    let id = VersionId::new();
    let last: Option<i32> = v::table
        .filter(v::dataset_id.eq(n.dataset))
        .select(diesel::dsl::max(v::number))
        .first(c)?;
    diesel::insert_into(v::table)
        .values((
            v::id.eq(id),
            v::dataset_id.eq(n.dataset),
            v::number.eq(last.unwrap_or(0) + 1),
            v::status.eq(VersionStatus::Ingesting),
            v::table_name.eq(crate::table::name_of(id)),
            v::schema_json.eq(serde_json::to_string(n.columns).unwrap_or_default()),
            v::file_name.eq(n.file_name),
            v::file_sha.eq(n.file_sha),
            v::row_count.eq(0_i64),
            v::added.eq(0_i64),
            v::removed.eq(0_i64),
            v::changed.eq(0_i64),
            v::report.eq(""),
            v::created_at.eq(db::now()),
            v::created_by.eq(by),
        ))
        .execute(c)?;
    find_version(c, id)?.ok_or(diesel::result::Error::NotFound)
}

/// Notes the job reading a version.
pub fn set_version_job(c: &mut DbConn, id: VersionId, job: &str) -> QueryResult<usize> {
    diesel::update(v::table.find(id))
        .set(v::job_id.eq(Some(job)))
        .execute(c)
}

/// One version.
pub fn find_version(c: &mut DbConn, id: VersionId) -> QueryResult<Option<VersionRow>> {
    v::table
        .find(id)
        .select(VersionRow::as_select())
        .first(c)
        .optional()
}

/// A dataset's version by number.
pub fn version_number(
    c: &mut DbConn,
    dataset: DatasetId,
    number: i32,
) -> QueryResult<Option<VersionRow>> {
    v::table
        .filter(v::dataset_id.eq(dataset))
        .filter(v::number.eq(number))
        .select(VersionRow::as_select())
        .first(c)
        .optional()
}

/// A dataset's versions, newest first.
pub fn versions(c: &mut DbConn, dataset: DatasetId) -> QueryResult<Vec<VersionRow>> {
    v::table
        .filter(v::dataset_id.eq(dataset))
        .order(v::number.desc())
        .select(VersionRow::as_select())
        .load(c)
}

/// Whether a version of the dataset is being read now.
pub fn ingesting(c: &mut DbConn, dataset: DatasetId) -> QueryResult<bool> {
    Ok(v::table
        .filter(v::dataset_id.eq(dataset))
        .filter(v::status.eq(VersionStatus::Ingesting))
        .count()
        .get_result::<i64>(c)?
        > 0)
}

/// What a finished reading records.
pub struct Finished {
    /// Ready or failed.
    pub status: VersionStatus,
    /// Rows in the file.
    pub rows: i64,
    /// Rows added, removed, changed.
    pub diff: (i64, i64, i64),
    /// The report of a failed one (JSON), or empty.
    pub report: String,
}

/// Records how a version's reading ended, if it is still being read (a second worker finding
/// it finished changes nothing). Returns whether this call finished it.
pub fn finish_version(c: &mut DbConn, id: VersionId, f: &Finished) -> QueryResult<bool> {
    let n = diesel::update(
        v::table
            .find(id)
            .filter(v::status.eq(VersionStatus::Ingesting)),
    )
    .set((
        v::status.eq(f.status),
        v::row_count.eq(f.rows),
        v::added.eq(f.diff.0),
        v::removed.eq(f.diff.1),
        v::changed.eq(f.diff.2),
        v::report.eq(&f.report),
        v::finished_at.eq(Some(db::now())),
    ))
    .execute(c)?;
    Ok(n == 1)
}

/// Makes a version the dataset's current one, and moves the due date on.
pub fn make_current(
    c: &mut DbConn,
    dataset: DatasetId,
    version: VersionId,
    next_due: Option<NaiveDate>,
) -> QueryResult<usize> {
    diesel::update(t::table.find(dataset))
        .set((
            t::current_version.eq(Some(version)),
            t::updated_data_at.eq(Some(db::now())),
            t::next_due.eq(next_due),
        ))
        .execute(c)
}

/// Records the Walidata's decision on a readable version unless it already stands, and points
/// the dataset at its newest published version (none when the last is withdrawn). Returns
/// whether the decision changed anything.
pub fn review(
    c: &mut DbConn,
    dataset: DatasetId,
    version: VersionId,
    decision: Review,
    note: &str,
    by: &str,
) -> QueryResult<bool> {
    let n = diesel::update(
        v::table
            .find(version)
            .filter(v::dataset_id.eq(dataset))
            .filter(v::status.eq(VersionStatus::Ready))
            .filter(v::review.ne(decision)),
    )
    .set((
        v::review.eq(decision),
        v::review_note.eq(note),
        v::reviewed_at.eq(Some(db::now())),
        v::reviewed_by.eq(Some(by)),
    ))
    .execute(c)?;
    let newest: Option<VersionId> = v::table
        .filter(v::dataset_id.eq(dataset))
        .filter(v::review.eq(Review::Published))
        .order(v::number.desc())
        .select(v::id)
        .first(c)
        .optional()?;
    // What the public sees changes only when the newest published version does.
    let shown: Option<VersionId> = t::table
        .find(dataset)
        .select(t::published_version)
        .first(c)?;
    if shown != newest {
        diesel::update(t::table.find(dataset))
            .set((
                t::published_version.eq(newest),
                t::published_at.eq(Some(db::now())),
            ))
            .execute(c)?;
    }
    Ok(n == 1)
}

/// How many readable versions of public datasets wait for the Walidata, among `visible`'s.
pub fn awaiting_review(c: &mut DbConn, visible: &Visible) -> QueryResult<i64> {
    let mut q = v::table
        .inner_join(t::table.on(t::id.eq(v::dataset_id)))
        .filter(t::classification.eq(Classification::Public))
        .filter(v::status.eq(VersionStatus::Ready))
        .filter(v::review.eq(Review::Pending))
        .into_boxed();
    if let Visible::Only(ids) = visible {
        q = q.filter(t::agency_id.eq_any(ids.clone()));
    }
    q.count().get_result(c)
}

/// A region code the region added.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = rc)]
pub struct AddedCode {
    /// The code (`32.04.32`).
    pub code: String,
    /// Its name.
    pub name: String,
    /// What it rests on (a regional regulation, a Kemendagri letter).
    pub basis: String,
    #[schema(value_type = String)]
    pub created_at: NaiveDateTime,
    pub created_by: String,
}

/// The codes the region added, in code order.
pub fn added_codes(c: &mut DbConn) -> QueryResult<Vec<AddedCode>> {
    rc::table
        .order(rc::code)
        .select(AddedCode::as_select())
        .load(c)
}

/// The codes the region added, as the checks take them.
pub fn added_regions(c: &mut DbConn) -> QueryResult<crate::regions::Added> {
    Ok(rc::table
        .select((rc::code, rc::name))
        .load::<(String, String)>(c)?
        .into_iter()
        .collect())
}

/// Adds a region code.
pub fn add_code(c: &mut DbConn, code: &str, name: &str, basis: &str, by: &str) -> QueryResult<()> {
    diesel::insert_into(rc::table)
        .values((
            rc::code.eq(code),
            rc::name.eq(name),
            rc::basis.eq(basis),
            rc::created_at.eq(db::now()),
            rc::created_by.eq(by),
        ))
        .execute(c)
        .map(|_| ())
}

/// A stored indicator.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = ind)]
pub struct IndicatorRow {
    pub id: IndicatorId,
    pub dataset_id: DatasetId,
    pub name: String,
    pub concept: String,
    pub definition: String,
    pub formula: String,
    pub unit: String,
    pub interpretation: String,
    pub created_at: NaiveDateTime,
    pub created_by: String,
}

/// A dataset's indicators.
pub fn indicators(c: &mut DbConn, dataset: DatasetId) -> QueryResult<Vec<IndicatorRow>> {
    ind::table
        .filter(ind::dataset_id.eq(dataset))
        .order(ind::name)
        .select(IndicatorRow::as_select())
        .load(c)
}

/// Adds an indicator.
pub fn add_indicator(
    c: &mut DbConn,
    dataset: DatasetId,
    i: &crate::model::Indicator,
    by: &str,
) -> QueryResult<IndicatorId> {
    let id = IndicatorId::new();
    diesel::insert_into(ind::table)
        .values((
            ind::id.eq(id),
            ind::dataset_id.eq(dataset),
            ind::name.eq(&i.name),
            ind::concept.eq(&i.concept),
            ind::definition.eq(&i.definition),
            ind::formula.eq(&i.formula),
            ind::unit.eq(&i.unit),
            ind::interpretation.eq(&i.interpretation),
            ind::created_at.eq(db::now()),
            ind::created_by.eq(by),
        ))
        .execute(c)?;
    Ok(id)
}

/// How many datasets there are (the demo loads once).
pub fn count(c: &mut DbConn) -> QueryResult<i64> {
    t::table.count().get_result(c)
}
