//! The registry's SQL for applications, their history and documents, and the master plan.
//! Private to the crate; other contexts see none of it.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use db::DbConn;
use db::schema::{
    application_documents, application_events, applications, master_plan_items, master_plans,
};
use diesel::prelude::*;
use kernel::ids::AgencyId;
use kernel::listing::{ListQuery, Total};
use kernel::permissions::Visible;
use sso::{ClientId, SecurityLevel};

use crate::model::{
    AppKind, Application, ApplicationId, DocumentId, DocumentKind, Funding, Lifecycle, Placement,
    PlanId, PlanItemId, Status, UserFeatures,
};

/// A stored application.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = applications)]
pub struct ApplicationRow {
    /// Id.
    pub id: ApplicationId,
    /// Owner agency.
    pub agency_id: AgencyId,
    /// Name.
    pub name: String,
    /// General or special.
    pub kind: AppKind,
    /// Purpose.
    pub purpose: String,
    /// Users.
    pub users: String,
    /// Funding source.
    pub funding_source: Funding,
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
    pub sso_client_id: Option<ClientId>,
    /// Interfaces offered.
    pub interfaces: String,
    /// Security level.
    pub security_level: SecurityLevel,
    /// Where it runs.
    pub hosting: Placement,
    /// Lifecycle.
    pub lifecycle: Lifecycle,
    /// Master-plan item.
    pub master_plan_item_id: Option<PlanItemId>,
    /// Registration status.
    pub status: Status,
    /// The Dinas's last note.
    pub review_note: Option<String>,
    /// Created.
    #[serde(serialize_with = "kernel::api::utc")]
    pub created_at: NaiveDateTime,
    /// By.
    pub created_by: String,
    /// Updated.
    #[serde(serialize_with = "kernel::api::utc")]
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
    /// The four facilities of KT 16.5 it gives its users.
    pub fn features(&self) -> UserFeatures {
        UserFeatures {
            correction: self.feature_correction,
            cancel: self.feature_cancel,
            confirmation: self.feature_confirmation,
            offer_choice: self.feature_offer_choice,
        }
    }

    /// Whether it gives its users every facility KT 16.5 asks of a developer.
    pub fn has_user_features(&self) -> bool {
        self.features().all()
    }
}

/// One application by id.
pub fn app_find(c: &mut DbConn, id: ApplicationId) -> QueryResult<Option<ApplicationRow>> {
    applications::table
        .find(id)
        .select(ApplicationRow::as_select())
        .first(c)
        .optional()
}

/// An agency's applications as `(id, name)`, for choosing one.
pub fn app_names(c: &mut DbConn, agency: AgencyId) -> QueryResult<Vec<(ApplicationId, String)>> {
    applications::table
        .filter(applications::agency_id.eq(agency))
        .order(applications::name.asc())
        .select((applications::id, applications::name))
        .load(c)
}

/// An agency's applications whose registration the Dinas has seen (sent, returned or
/// approved): those room in the data center may be asked for.
pub fn app_names_sent(
    c: &mut DbConn,
    agency: AgencyId,
) -> QueryResult<Vec<(ApplicationId, String)>> {
    applications::table
        .filter(applications::agency_id.eq(agency))
        .filter(applications::status.eq_any([
            Status::Submitted,
            Status::Returned,
            Status::Approved,
        ]))
        .order(applications::name.asc())
        .select((applications::id, applications::name))
        .load(c)
}

/// The applications of these agencies waiting for their operator: drafts not yet sent and
/// registrations returned for corrections, the returned first.
pub fn apps_waiting(
    c: &mut DbConn,
    agencies: &[AgencyId],
) -> QueryResult<Vec<(ApplicationId, String, Status)>> {
    let mut rows: Vec<(ApplicationId, String, Status)> = applications::table
        .filter(applications::agency_id.eq_any(agencies))
        .filter(applications::status.eq_any([Status::Draft, Status::Returned]))
        .order(applications::name.asc())
        .select((applications::id, applications::name, applications::status))
        .limit(50)
        .load(c)?;
    rows.sort_by_key(|(_, _, s)| *s != Status::Returned);
    Ok(rows)
}

type ApplicationQuery<'a> = applications::BoxedQuery<'a, db::MultiBackend>;

/// A page of the applications the principal may see (or all, for a download), and the total.
/// `agency` is the owner the filter resolved to (an agency code becomes an id before asking
/// here); `Some(None)` means the filter named an agency that does not exist, which matches
/// nothing.
pub fn app_list(
    c: &mut DbConn,
    visible: &Visible,
    list: &ListQuery,
    agency: Option<Option<AgencyId>>,
) -> QueryResult<(Vec<ApplicationRow>, Total)> {
    let build = || {
        let mut q = applications::table.into_boxed();
        if let Visible::Only(ids) = visible {
            q = q.filter(applications::agency_id.eq_any(ids.clone()));
        }
        if let Some(text) = list.get("q") {
            q = q.filter(
                db::dialect::lower(applications::name)
                    .like(db::dialect::contains_pattern(text))
                    .escape('\\'),
            );
        }
        match agency {
            Some(Some(a)) => q = q.filter(applications::agency_id.eq(a)),
            Some(None) => q = q.filter(applications::id.is_null()),
            None => {}
        }
        if let Some(s) = list.choice::<Status>("status") {
            q = q.filter(applications::status.eq(s));
        }
        if let Some(l) = list.choice::<Lifecycle>("lifecycle") {
            q = q.filter(applications::lifecycle.eq(l));
        }
        q
    };
    // Counted in the list's order too: both backends then walk the same index as the page
    // does and stop at the limit, instead of reading every match.
    let in_order = |q: ApplicationQuery<'static>| {
        db::sorted!(q, list.descending, applications::name, applications::id)
    };
    let total = list.total_of(db::count_upto!(
        c,
        in_order(build()),
        list.count_limit() + 1
    )?);
    let rows = in_order(build())
        .limit(list.limit())
        .offset(list.offset())
        .select(ApplicationRow::as_select())
        .load(c)?;
    Ok((rows, total))
}

/// The columns a draft sets, shared by insert and update so the two never drift apart.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = applications, treat_none_as_null = true)]
struct AppColumns<'a> {
    name: &'a str,
    kind: AppKind,
    purpose: &'a str,
    users: &'a str,
    funding_source: Funding,
    funding_amount: Option<i64>,
    open_source: bool,
    licence: Option<&'a str>,
    source_repo: Option<&'a str>,
    code_owned_by_region: bool,
    licence_owned_by_region: bool,
    web_based: bool,
    production_url: Option<&'a str>,
    sso_client_id: Option<&'a ClientId>,
    interfaces: &'a str,
    security_level: SecurityLevel,
    hosting: Placement,
    lifecycle: Lifecycle,
    master_plan_item_id: Option<PlanItemId>,
    feature_correction: bool,
    feature_cancel: bool,
    feature_confirmation: bool,
    feature_offer_choice: bool,
    status: Status,
    updated_at: NaiveDateTime,
    updated_by: &'a str,
}

impl<'a> AppColumns<'a> {
    fn of(d: &'a Application, status: Status, by: &'a str, now: NaiveDateTime) -> Self {
        Self {
            name: &d.name,
            kind: d.kind,
            purpose: &d.purpose,
            users: &d.users,
            funding_source: d.funding_source,
            funding_amount: d.funding_amount,
            open_source: d.open_source,
            licence: d.licence.as_deref(),
            source_repo: d.source_repo.as_deref(),
            code_owned_by_region: d.code_owned_by_region,
            licence_owned_by_region: d.licence_owned_by_region,
            web_based: d.web_based,
            production_url: d.production_url.as_deref(),
            sso_client_id: d.sso_client_id.as_ref(),
            interfaces: &d.interfaces,
            security_level: d.security_level,
            hosting: d.hosting,
            lifecycle: d.lifecycle,
            master_plan_item_id: d.master_plan_item_id,
            feature_correction: d.features.correction,
            feature_cancel: d.features.cancel,
            feature_confirmation: d.features.confirmation,
            feature_offer_choice: d.features.offer_choice,
            status,
            updated_at: now,
            updated_by: by,
        }
    }
}

/// Inserts an application.
pub fn app_insert(
    c: &mut DbConn,
    d: &Application,
    status: Status,
    by: &str,
) -> QueryResult<ApplicationRow> {
    let now = db::now();
    diesel::insert_into(applications::table)
        .values((
            applications::id.eq(ApplicationId::new()),
            applications::agency_id.eq(d.agency_id),
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
    id: ApplicationId,
    d: &Application,
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
    id: ApplicationId,
    status: Status,
    note: Option<&str>,
    by: &str,
) -> QueryResult<usize> {
    diesel::update(applications::table.find(id))
        .set((
            applications::status.eq(status),
            applications::review_note.eq(note),
            applications::updated_at.eq(db::now()),
            applications::updated_by.eq(by),
        ))
        .execute(c)
}

/// Links an application to its single sign-on client.
pub fn app_set_sso_client(
    c: &mut DbConn,
    id: ApplicationId,
    client: &ClientId,
    by: &str,
) -> QueryResult<usize> {
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
pub fn linked_sso_clients(
    c: &mut DbConn,
    among: Option<&[ClientId]>,
) -> QueryResult<Vec<ClientId>> {
    let mut q = applications::table
        .filter(applications::sso_client_id.is_not_null())
        .filter(applications::status.eq(Status::Approved))
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
    pub application_id: ApplicationId,
    /// When.
    #[serde(serialize_with = "kernel::api::utc")]
    pub at: NaiveDateTime,
    /// Who.
    pub actor: String,
    /// `create`, `update`, `submit`, `approve`, `return`, `reject`, `withdraw`, `document`.
    pub action: String,
    /// The status after it.
    pub status: Status,
    /// Its note.
    pub note: Option<String>,
}

/// Records a step.
pub fn event_insert(
    c: &mut DbConn,
    app: ApplicationId,
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
            application_events::status.eq(status),
            application_events::note.eq(note),
        ))
        .execute(c)
}

/// An application's history, oldest first.
pub fn events(c: &mut DbConn, app: ApplicationId) -> QueryResult<Vec<EventRow>> {
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
    pub id: DocumentId,
    /// Application.
    pub application_id: ApplicationId,
    /// One of the nine kinds.
    pub kind: DocumentKind,
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
    #[serde(serialize_with = "kernel::api::utc")]
    pub uploaded_at: NaiveDateTime,
    /// Who.
    pub uploaded_by: String,
}

/// What a new document version needs.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    /// Application.
    pub application_id: ApplicationId,
    /// Kind.
    pub kind: DocumentKind,
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
    let id = DocumentId::new();
    diesel::insert_into(application_documents::table)
        .values((
            application_documents::id.eq(id),
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
        .find(id)
        .select(DocumentRow::as_select())
        .first(c)
}

/// Every version of an application's documents, newest first within each kind.
pub fn docs_of(c: &mut DbConn, app: ApplicationId) -> QueryResult<Vec<DocumentRow>> {
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
pub fn doc_find(c: &mut DbConn, id: DocumentId) -> QueryResult<Option<DocumentRow>> {
    application_documents::table
        .find(id)
        .select(DocumentRow::as_select())
        .first(c)
        .optional()
}

/// The document kinds each application has handed over.
pub fn doc_kinds(
    c: &mut DbConn,
    apps: &[ApplicationId],
) -> QueryResult<HashMap<ApplicationId, HashSet<DocumentKind>>> {
    let mut out: HashMap<ApplicationId, HashSet<DocumentKind>> = HashMap::new();
    for chunk in apps.chunks(500) {
        let rows: Vec<(ApplicationId, DocumentKind)> = application_documents::table
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
pub fn doc_kinds_all(c: &mut DbConn) -> QueryResult<HashMap<ApplicationId, HashSet<DocumentKind>>> {
    let mut out: HashMap<ApplicationId, HashSet<DocumentKind>> = HashMap::new();
    let rows: Vec<(ApplicationId, DocumentKind)> = application_documents::table
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
pub fn apps_for_rules(
    c: &mut DbConn,
    agency: Option<AgencyId>,
) -> QueryResult<Vec<ApplicationRow>> {
    let mut q = applications::table
        .filter(applications::status.ne_all([Status::Withdrawn, Status::Rejected]))
        .into_boxed();
    if let Some(a) = agency {
        q = q.filter(applications::agency_id.eq(a));
    }
    q.select(ApplicationRow::as_select()).load(c)
}

/// A master plan.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = master_plans)]
pub struct PlanRow {
    /// Id.
    pub id: PlanId,
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
    #[serde(serialize_with = "kernel::api::utc")]
    pub created_at: NaiveDateTime,
    /// By.
    pub created_by: String,
    /// Updated.
    #[serde(serialize_with = "kernel::api::utc")]
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
    let id = PlanId::new();
    let now = db::now();
    diesel::insert_into(master_plans::table)
        .values((
            master_plans::id.eq(id),
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
        .find(id)
        .select(PlanRow::as_select())
        .first(c)
}

/// Records a review of the plan.
pub fn plan_reviewed(c: &mut DbConn, id: PlanId, on: NaiveDate, by: &str) -> QueryResult<usize> {
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
    pub id: PlanItemId,
    /// Plan.
    pub plan_id: PlanId,
    /// Code (`RI-3.2`).
    pub code: String,
    /// Title.
    pub title: String,
    /// Created.
    #[serde(serialize_with = "kernel::api::utc")]
    pub created_at: NaiveDateTime,
    /// By.
    pub created_by: String,
}

/// A plan's items by code.
pub fn items(c: &mut DbConn, plan: PlanId) -> QueryResult<Vec<ItemRow>> {
    master_plan_items::table
        .filter(master_plan_items::plan_id.eq(plan))
        .order(master_plan_items::code.asc())
        .select(ItemRow::as_select())
        .load(c)
}

/// One item.
pub fn item_find(c: &mut DbConn, id: PlanItemId) -> QueryResult<Option<ItemRow>> {
    master_plan_items::table
        .find(id)
        .select(ItemRow::as_select())
        .first(c)
        .optional()
}

/// Adds an item; `None` when the code is taken in that plan.
pub fn item_insert(
    c: &mut DbConn,
    plan: PlanId,
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
    let id = PlanItemId::new();
    diesel::insert_into(master_plan_items::table)
        .values((
            master_plan_items::id.eq(id),
            master_plan_items::plan_id.eq(plan),
            master_plan_items::code.eq(code),
            master_plan_items::title.eq(title),
            master_plan_items::created_at.eq(db::now()),
            master_plan_items::created_by.eq(by),
        ))
        .execute(c)?;
    item_find(c, id)
}

/// When the region's score of `day` was last recorded.
pub fn history_recorded_at(c: &mut DbConn, day: NaiveDate) -> QueryResult<Option<NaiveDateTime>> {
    use db::schema::compliance_history as h;
    h::table
        .filter(h::day.eq(day))
        .select(h::recorded_at)
        .first(c)
        .optional()
}

/// Records the region's score of `day`, replacing an earlier reading of the same day.
pub fn history_record(
    c: &mut DbConn,
    day: NaiveDate,
    (score, checked, failed): (i32, i32, i32),
    now: NaiveDateTime,
) -> QueryResult<()> {
    use db::schema::compliance_history as h;
    let values = (
        h::score.eq(score),
        h::checked.eq(checked),
        h::failed.eq(failed),
        h::recorded_at.eq(now),
    );
    let updated = diesel::update(h::table.filter(h::day.eq(day)))
        .set(values)
        .execute(c)?;
    if updated == 0 {
        diesel::insert_into(h::table)
            .values((h::day.eq(day), values))
            .execute(c)?;
    }
    Ok(())
}

/// The region's recorded scores from `from` on, oldest first.
pub fn history_since(c: &mut DbConn, from: NaiveDate) -> QueryResult<Vec<(NaiveDate, i32)>> {
    use db::schema::compliance_history as h;
    h::table
        .filter(h::day.ge(from))
        .order(h::day.asc())
        .select((h::day, h::score))
        .load(c)
}

/// How many applications each agency has in each status.
pub fn apps_by_agency_and_status(c: &mut DbConn) -> QueryResult<Vec<(AgencyId, Status, i64)>> {
    applications::table
        .group_by((applications::agency_id, applications::status))
        .select((
            applications::agency_id,
            applications::status,
            diesel::dsl::count_star(),
        ))
        .load(c)
}

/// Of the applications neither withdrawn nor refused: how many there are, and how many cite
/// an item of the master plan.
pub fn plan_coverage(c: &mut DbConn) -> QueryResult<(i64, i64)> {
    let live = || {
        applications::table
            .filter(applications::status.ne_all([Status::Withdrawn, Status::Rejected]))
    };
    let all = live().count().get_result(c)?;
    let citing = live()
        .filter(applications::master_plan_item_id.is_not_null())
        .count()
        .get_result(c)?;
    Ok((all, citing))
}
