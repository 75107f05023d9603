//! All of the registry's SQL: applications, their history and documents, the master plan.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use db::DbConn;
use db::schema::{
    agencies, application_documents, application_events, applications, master_plan_items,
    master_plans,
};
use diesel::prelude::*;
use kernel::permissions::Visible;

use crate::model::{ApplicationDraft, Status};

/// A stored application.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = applications)]
pub struct ApplicationRow {
    /// Id.
    pub id: String,
    /// Owner agency.
    pub agency_id: String,
    /// Name.
    pub name: String,
    /// `umum` or `khusus`.
    pub kind: String,
    /// Purpose.
    pub purpose: String,
    /// Users.
    pub users: String,
    /// Funding source.
    pub funding_source: String,
    /// Amount (rupiah).
    pub funding_amount: Option<i64>,
    /// Open source.
    pub open_source: bool,
    /// Licence.
    pub licence: Option<String>,
    /// Source repository.
    pub source_repo: Option<String>,
    /// The region owns the code.
    pub code_owned_by_region: bool,
    /// The region owns the licence.
    pub licence_owned_by_region: bool,
    /// Web-based.
    pub web_based: bool,
    /// Production address.
    pub production_url: Option<String>,
    /// Single sign-on client.
    pub sso_client_id: Option<String>,
    /// Interfaces offered.
    pub interfaces: String,
    /// Security level.
    pub security_level: String,
    /// Where it runs.
    pub hosting: String,
    /// Lifecycle.
    pub lifecycle: String,
    /// Master-plan item.
    pub master_plan_item_id: Option<String>,
    /// Registration status.
    pub status: String,
    /// The Dinas's last note.
    pub review_note: Option<String>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// By.
    pub created_by: String,
    /// Updated.
    pub updated_at: NaiveDateTime,
    /// By.
    pub updated_by: String,
    /// Users can correct what they entered (KT 16.5.a).
    pub feature_correction: bool,
    /// Users can cancel a command (KT 16.5.b).
    pub feature_cancel: bool,
    /// Users confirm or re-confirm (KT 16.5.c).
    pub feature_confirmation: bool,
    /// Users choose whether to see offers or advertisements (KT 16.5.d).
    pub feature_offer_choice: bool,
}

impl ApplicationRow {
    /// Whether it gives its users every facility KT 16.5 asks of a developer.
    pub fn has_user_features(&self) -> bool {
        self.feature_correction
            && self.feature_cancel
            && self.feature_confirmation
            && self.feature_offer_choice
    }

    /// The registration status.
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Draft)
    }
}

/// One application by id.
pub fn app_find(c: &mut DbConn, id: &str) -> QueryResult<Option<ApplicationRow>> {
    applications::table
        .find(id)
        .select(ApplicationRow::as_select())
        .first(c)
        .optional()
}

/// An agency's applications as `(id, name)`, for choosing one.
pub fn app_names(c: &mut DbConn, agency: &str) -> QueryResult<Vec<(String, String)>> {
    applications::table
        .filter(applications::agency_id.eq(agency))
        .order(applications::name.asc())
        .select((applications::id, applications::name))
        .load(c)
}

/// Filters of the application list.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AppFilter {
    /// Name contains.
    pub q: Option<String>,
    /// Owner agency.
    pub agency_id: Option<String>,
    /// Owner agency by its code (where there are too many agencies to pick from a list).
    pub agency_code: Option<String>,
    /// Registration status.
    pub status: Option<String>,
    /// Lifecycle.
    pub lifecycle: Option<String>,
}

/// A page of applications the principal may see, with their agency's code, and the total.
pub fn app_list(
    c: &mut DbConn,
    visible: &Visible,
    f: &AppFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<(ApplicationRow, String)>, i64)> {
    let build = || {
        let mut q = applications::table.inner_join(agencies::table).into_boxed();
        if let Visible::Only(ids) = visible {
            let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
            q = q.filter(applications::agency_id.eq_any(ids));
        }
        if let Some(text) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            q = q.filter(
                db::dialect::lower(applications::name)
                    .like(db::dialect::contains_pattern(text))
                    .escape('\\'),
            );
        }
        if let Some(a) = f.agency_id.as_deref().filter(|s| !s.is_empty()) {
            q = q.filter(applications::agency_id.eq(a.to_owned()));
        }
        if let Some(code) = f
            .agency_code
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            q = q.filter(agencies::code.eq(code.to_uppercase()));
        }
        if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
            q = q.filter(applications::status.eq(s.to_owned()));
        }
        if let Some(l) = f.lifecycle.as_deref().filter(|s| !s.is_empty()) {
            q = q.filter(applications::lifecycle.eq(l.to_owned()));
        }
        q
    };
    let total = build().count().get_result(c)?;
    let rows = build()
        .order((agencies::code.asc(), applications::name.asc()))
        .limit(limit)
        .offset(offset)
        .select((ApplicationRow::as_select(), agencies::code))
        .load(c)?;
    Ok((rows, total))
}

/// The columns a draft sets, shared by insert and update so the two never drift apart.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = applications, treat_none_as_null = true)]
struct AppColumns<'a> {
    name: &'a str,
    kind: &'a str,
    purpose: &'a str,
    users: &'a str,
    funding_source: &'a str,
    funding_amount: Option<i64>,
    open_source: bool,
    licence: Option<&'a str>,
    source_repo: Option<&'a str>,
    code_owned_by_region: bool,
    licence_owned_by_region: bool,
    web_based: bool,
    production_url: Option<&'a str>,
    sso_client_id: Option<&'a str>,
    interfaces: &'a str,
    security_level: &'a str,
    hosting: &'a str,
    lifecycle: &'a str,
    master_plan_item_id: Option<&'a str>,
    feature_correction: bool,
    feature_cancel: bool,
    feature_confirmation: bool,
    feature_offer_choice: bool,
    status: &'a str,
    updated_at: NaiveDateTime,
    updated_by: &'a str,
}

impl<'a> AppColumns<'a> {
    fn of(d: &'a ApplicationDraft, status: Status, by: &'a str, now: NaiveDateTime) -> Self {
        Self {
            name: &d.name,
            kind: &d.kind,
            purpose: &d.purpose,
            users: &d.users,
            funding_source: &d.funding_source,
            funding_amount: d.funding_amount,
            open_source: d.open_source,
            licence: d.licence.as_deref(),
            source_repo: d.source_repo.as_deref(),
            code_owned_by_region: d.code_owned_by_region,
            licence_owned_by_region: d.licence_owned_by_region,
            web_based: d.web_based,
            production_url: d.production_url.as_deref(),
            sso_client_id: d.sso_client_id.as_deref(),
            interfaces: &d.interfaces,
            security_level: &d.security_level,
            hosting: &d.hosting,
            lifecycle: &d.lifecycle,
            master_plan_item_id: d.master_plan_item_id.as_deref(),
            feature_correction: d.feature_correction,
            feature_cancel: d.feature_cancel,
            feature_confirmation: d.feature_confirmation,
            feature_offer_choice: d.feature_offer_choice,
            status: status.as_str(),
            updated_at: now,
            updated_by: by,
        }
    }
}

/// Inserts an application.
pub fn app_insert(
    c: &mut DbConn,
    d: &ApplicationDraft,
    status: Status,
    by: &str,
) -> QueryResult<ApplicationRow> {
    let now = db::now();
    diesel::insert_into(applications::table)
        .values((
            applications::id.eq(uuid::Uuid::now_v7().to_string()),
            applications::agency_id.eq(&d.agency_id),
            applications::created_at.eq(now),
            applications::created_by.eq(by),
            AppColumns::of(d, status, by, now),
        ))
        .returning(applications::all_columns)
        .get_result(c)
}

/// Replaces an application's fields and status.
pub fn app_update(
    c: &mut DbConn,
    id: &str,
    d: &ApplicationDraft,
    status: Status,
    by: &str,
) -> QueryResult<usize> {
    diesel::update(applications::table.find(id))
        .set(AppColumns::of(d, status, by, db::now()))
        .execute(c)
}

/// Sets the registration status and the note that came with it.
pub fn app_set_status(
    c: &mut DbConn,
    id: &str,
    status: Status,
    note: Option<&str>,
    by: &str,
) -> QueryResult<usize> {
    diesel::update(applications::table.find(id))
        .set((
            applications::status.eq(status.as_str()),
            applications::review_note.eq(note),
            applications::updated_at.eq(db::now()),
            applications::updated_by.eq(by),
        ))
        .execute(c)
}

/// Links an application to its single sign-on client.
pub fn app_set_sso_client(c: &mut DbConn, id: &str, client: &str, by: &str) -> QueryResult<usize> {
    diesel::update(applications::table.find(id))
        .set((
            applications::sso_client_id.eq(client),
            applications::updated_at.eq(db::now()),
            applications::updated_by.eq(by),
        ))
        .execute(c)
}

/// The single sign-on clients that approved applications point at (of `among` only, when
/// given: one agency's evaluation need not read the whole registry).
pub fn linked_sso_clients(c: &mut DbConn, among: Option<&[String]>) -> QueryResult<Vec<String>> {
    let mut q = applications::table
        .filter(applications::sso_client_id.is_not_null())
        .filter(applications::status.eq("approved"))
        .into_boxed();
    match among {
        // No clients to ask about, so nothing to read.
        Some([]) => return Ok(vec![]),
        Some(ids) => q = q.filter(applications::sso_client_id.eq_any(ids.to_vec())),
        None => {}
    }
    q.select(applications::sso_client_id.assume_not_null())
        .load(c)
}

/// A step in an application's history.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = application_events)]
pub struct EventRow {
    /// Id.
    pub id: String,
    /// Application.
    pub application_id: String,
    /// When.
    pub at: NaiveDateTime,
    /// Who.
    pub actor: String,
    /// `create`, `update`, `submit`, `approve`, `return`, `reject`, `withdraw`, `document`.
    pub action: String,
    /// The status after it.
    pub status: String,
    /// Its note.
    pub note: Option<String>,
}

/// Records a step.
pub fn event_insert(
    c: &mut DbConn,
    app: &str,
    actor: &str,
    action: &str,
    status: Status,
    note: Option<&str>,
) -> QueryResult<usize> {
    diesel::insert_into(application_events::table)
        .values((
            application_events::id.eq(uuid::Uuid::now_v7().to_string()),
            application_events::application_id.eq(app),
            application_events::at.eq(db::now()),
            application_events::actor.eq(actor),
            application_events::action.eq(action),
            application_events::status.eq(status.as_str()),
            application_events::note.eq(note),
        ))
        .execute(c)
}

/// An application's history, oldest first.
pub fn events(c: &mut DbConn, app: &str) -> QueryResult<Vec<EventRow>> {
    application_events::table
        .filter(application_events::application_id.eq(app))
        .order((application_events::at.asc(), application_events::id.asc()))
        .select(EventRow::as_select())
        .load(c)
}

/// A stored document version.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = application_documents)]
pub struct DocumentRow {
    /// Id.
    pub id: String,
    /// Application.
    pub application_id: String,
    /// One of the nine kinds.
    pub kind: String,
    /// 1, 2, …
    pub version: i32,
    /// Blob address.
    pub sha256: String,
    /// Name as uploaded.
    pub filename: String,
    /// Media type.
    pub media_type: String,
    /// Bytes.
    pub size: i64,
    /// When.
    pub uploaded_at: NaiveDateTime,
    /// Who.
    pub uploaded_by: String,
}

/// What a new document version needs.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    /// Application.
    pub application_id: &'a str,
    /// Kind.
    pub kind: &'a str,
    /// Blob address.
    pub sha256: &'a str,
    /// File name.
    pub filename: &'a str,
    /// Media type.
    pub media_type: &'a str,
    /// Size.
    pub size: i64,
}

/// Adds the next version of a document.
pub fn doc_insert(c: &mut DbConn, d: &NewDocument<'_>, by: &str) -> QueryResult<DocumentRow> {
    let last: Option<i32> = application_documents::table
        .filter(application_documents::application_id.eq(d.application_id))
        .filter(application_documents::kind.eq(d.kind))
        .select(diesel::dsl::max(application_documents::version))
        .first(c)?;
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(application_documents::table)
        .values((
            application_documents::id.eq(&id),
            application_documents::application_id.eq(d.application_id),
            application_documents::kind.eq(d.kind),
            application_documents::version.eq(last.unwrap_or(0) + 1),
            application_documents::sha256.eq(d.sha256),
            application_documents::filename.eq(d.filename),
            application_documents::media_type.eq(d.media_type),
            application_documents::size.eq(d.size),
            application_documents::uploaded_at.eq(db::now()),
            application_documents::uploaded_by.eq(by),
        ))
        .execute(c)?;
    application_documents::table
        .find(&id)
        .select(DocumentRow::as_select())
        .first(c)
}

/// Every version of an application's documents, newest first within each kind.
pub fn docs_of(c: &mut DbConn, app: &str) -> QueryResult<Vec<DocumentRow>> {
    application_documents::table
        .filter(application_documents::application_id.eq(app))
        .order((
            application_documents::kind.asc(),
            application_documents::version.desc(),
        ))
        .select(DocumentRow::as_select())
        .load(c)
}

/// One document version.
pub fn doc_find(c: &mut DbConn, id: &str) -> QueryResult<Option<DocumentRow>> {
    application_documents::table
        .find(id)
        .select(DocumentRow::as_select())
        .first(c)
        .optional()
}

/// The document kinds each application has handed over.
pub fn doc_kinds(c: &mut DbConn, apps: &[String]) -> QueryResult<HashMap<String, HashSet<String>>> {
    let mut out: HashMap<String, HashSet<String>> = HashMap::new();
    for chunk in apps.chunks(500) {
        let rows: Vec<(String, String)> = application_documents::table
            .filter(application_documents::application_id.eq_any(chunk))
            .select((
                application_documents::application_id,
                application_documents::kind,
            ))
            .distinct()
            .load(c)?;
        for (a, k) in rows {
            out.entry(a).or_default().insert(k);
        }
    }
    Ok(out)
}

/// The kinds of document handed over, for every application.
pub fn doc_kinds_all(c: &mut DbConn) -> QueryResult<HashMap<String, HashSet<String>>> {
    let mut out: HashMap<String, HashSet<String>> = HashMap::new();
    let rows: Vec<(String, String)> = application_documents::table
        .select((
            application_documents::application_id,
            application_documents::kind,
        ))
        .distinct()
        .load(c)?;
    for (a, k) in rows {
        out.entry(a).or_default().insert(k);
    }
    Ok(out)
}

/// The applications the compliance rules look at: everything not withdrawn or rejected,
/// within one agency or the whole region.
pub fn apps_for_rules(c: &mut DbConn, agency: Option<&str>) -> QueryResult<Vec<ApplicationRow>> {
    let mut q = applications::table
        .filter(applications::status.ne_all(["withdrawn", "rejected"]))
        .into_boxed();
    if let Some(a) = agency {
        q = q.filter(applications::agency_id.eq(a.to_owned()));
    }
    q.select(ApplicationRow::as_select()).load(c)
}

/// A master plan.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = master_plans)]
pub struct PlanRow {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// First year.
    pub period_start: i32,
    /// Last year.
    pub period_end: i32,
    /// Adopted.
    pub adopted_on: NaiveDate,
    /// Last reviewed.
    pub last_reviewed_on: Option<NaiveDate>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// By.
    pub created_by: String,
    /// Updated.
    pub updated_at: NaiveDateTime,
    /// By.
    pub updated_by: String,
}

/// The most recent master plan.
pub fn plan_latest(c: &mut DbConn) -> QueryResult<Option<PlanRow>> {
    master_plans::table
        .order(master_plans::period_start.desc())
        .select(PlanRow::as_select())
        .first(c)
        .optional()
}

/// Adds a master plan.
pub fn plan_insert(
    c: &mut DbConn,
    title: &str,
    start: i32,
    adopted: NaiveDate,
    by: &str,
) -> QueryResult<PlanRow> {
    let id = uuid::Uuid::now_v7().to_string();
    let now = db::now();
    diesel::insert_into(master_plans::table)
        .values((
            master_plans::id.eq(&id),
            master_plans::title.eq(title),
            master_plans::period_start.eq(start),
            master_plans::period_end.eq(start + 4),
            master_plans::adopted_on.eq(adopted),
            master_plans::created_at.eq(now),
            master_plans::created_by.eq(by),
            master_plans::updated_at.eq(now),
            master_plans::updated_by.eq(by),
        ))
        .execute(c)?;
    master_plans::table
        .find(&id)
        .select(PlanRow::as_select())
        .first(c)
}

/// Records a review of the plan.
pub fn plan_reviewed(c: &mut DbConn, id: &str, on: NaiveDate, by: &str) -> QueryResult<usize> {
    diesel::update(master_plans::table.find(id))
        .set((
            master_plans::last_reviewed_on.eq(on),
            master_plans::updated_at.eq(db::now()),
            master_plans::updated_by.eq(by),
        ))
        .execute(c)
}

/// An item of the plan.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = master_plan_items)]
pub struct ItemRow {
    /// Id.
    pub id: String,
    /// Plan.
    pub plan_id: String,
    /// Code (`RI-3.2`).
    pub code: String,
    /// Title.
    pub title: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// By.
    pub created_by: String,
}

/// A plan's items by code.
pub fn items(c: &mut DbConn, plan: &str) -> QueryResult<Vec<ItemRow>> {
    master_plan_items::table
        .filter(master_plan_items::plan_id.eq(plan))
        .order(master_plan_items::code.asc())
        .select(ItemRow::as_select())
        .load(c)
}

/// One item.
pub fn item_find(c: &mut DbConn, id: &str) -> QueryResult<Option<ItemRow>> {
    master_plan_items::table
        .find(id)
        .select(ItemRow::as_select())
        .first(c)
        .optional()
}

/// Adds an item; `None` when the code is taken in that plan.
pub fn item_insert(
    c: &mut DbConn,
    plan: &str,
    code: &str,
    title: &str,
    by: &str,
) -> QueryResult<Option<ItemRow>> {
    let taken: i64 = master_plan_items::table
        .filter(master_plan_items::plan_id.eq(plan))
        .filter(master_plan_items::code.eq(code))
        .count()
        .get_result(c)?;
    if taken > 0 {
        return Ok(None);
    }
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(master_plan_items::table)
        .values((
            master_plan_items::id.eq(&id),
            master_plan_items::plan_id.eq(plan),
            master_plan_items::code.eq(code),
            master_plan_items::title.eq(title),
            master_plan_items::created_at.eq(db::now()),
            master_plan_items::created_by.eq(by),
        ))
        .execute(c)?;
    item_find(c, &id)
}
