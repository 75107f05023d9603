//! Hosting requests' SQL.

use chrono::NaiveDateTime;
use db::DbConn;
use db::schema::{application_servers, applications, hosting_requests, servers};
use diesel::prelude::*;
use kernel::ids::AgencyId;
use kernel::listing::ListQuery;
use kernel::permissions::Visible;

use super::{Hosting, HostingRequestId, HostingStatus};
use crate::inventory::{ServerId, Site};
use crate::model::ApplicationId;

/// An application's hosting requests, newest first.
pub fn of_app(c: &mut DbConn, app: ApplicationId) -> QueryResult<Vec<HostingRow>> {
    hosting_requests::table
        .filter(hosting_requests::application_id.eq(app))
        .order(hosting_requests::created_at.desc())
        .select(HostingRow::as_select())
        .load(c)
}

/// The servers an application runs on: id and host name.
pub fn servers_of(c: &mut DbConn, app: ApplicationId) -> QueryResult<Vec<(ServerId, String)>> {
    application_servers::table
        .inner_join(servers::table)
        .filter(application_servers::application_id.eq(app))
        .filter(servers::retired.eq(false))
        .order(servers::name.asc())
        .select((servers::id, servers::name))
        .load(c)
}

/// A stored request.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = hosting_requests)]
pub struct HostingRow {
    /// Id.
    pub id: HostingRequestId,
    /// The requesting agency.
    pub agency_id: AgencyId,
    /// The application to host.
    pub application_id: ApplicationId,
    /// CPU cores.
    pub cpu_cores: i32,
    /// Memory (GB).
    pub memory_gb: i32,
    /// Storage (GB).
    pub storage_gb: i32,
    /// What it is for.
    pub note: String,
    /// Where it stands.
    pub status: HostingStatus,
    /// The server it was placed on.
    pub server_id: Option<ServerId>,
    /// The reason given with a rejection or withdrawal, or the Dinas's note with an approval.
    pub decision_note: Option<String>,
    /// Asked.
    #[serde(serialize_with = "kernel::api::utc")]
    pub created_at: NaiveDateTime,
    /// By.
    pub created_by: String,
    /// Decided.
    #[serde(serialize_with = "kernel::api::utc_opt")]
    pub decided_at: Option<NaiveDateTime>,
    /// By.
    pub decided_by: Option<String>,
}

/// A request with its application's name and its server's name, for lists.
pub type Listed = (HostingRow, String, Option<String>);

/// Requests visible, newest first (or as the list asks); one page and the total.
pub fn list(c: &mut DbConn, v: &Visible, list: &ListQuery) -> QueryResult<(Vec<Listed>, i64)> {
    let build = || {
        let mut q = hosting_requests::table
            .inner_join(applications::table)
            .left_join(servers::table.on(servers::id.nullable().eq(hosting_requests::server_id)))
            .into_boxed();
        if let Visible::Only(ids) = v {
            q = q.filter(hosting_requests::agency_id.eq_any(ids.clone()));
        }
        if let Some(s) = list.choice::<HostingStatus>("status") {
            q = q.filter(hosting_requests::status.eq(s));
        }
        q
    };
    let total = build().count().get_result(c)?;
    let rows = db::sorted!(
        build(),
        list.descending,
        hosting_requests::created_at,
        hosting_requests::id
    )
    .limit(list.limit())
    .offset(list.offset())
    .select((
        HostingRow::as_select(),
        applications::name,
        servers::name.nullable(),
    ))
    .load(c)?;
    Ok((rows, total))
}

/// One request.
pub fn find(c: &mut DbConn, id: HostingRequestId) -> QueryResult<Option<HostingRow>> {
    hosting_requests::table
        .find(id)
        .select(HostingRow::as_select())
        .first(c)
        .optional()
}

/// Records a new request.
pub fn insert(c: &mut DbConn, agency: AgencyId, h: &Hosting, by: &str) -> QueryResult<HostingRow> {
    let id = HostingRequestId::new();
    diesel::insert_into(hosting_requests::table)
        .values((
            hosting_requests::id.eq(id),
            hosting_requests::agency_id.eq(agency),
            hosting_requests::application_id.eq(h.application_id),
            hosting_requests::cpu_cores.eq(h.cpu_cores),
            hosting_requests::memory_gb.eq(h.memory_gb),
            hosting_requests::storage_gb.eq(h.storage_gb),
            hosting_requests::note.eq(&h.note),
            hosting_requests::status.eq(HostingStatus::Submitted),
            hosting_requests::created_at.eq(db::now()),
            hosting_requests::created_by.eq(by),
        ))
        .execute(c)?;
    find(c, id)?.ok_or(diesel::result::Error::NotFound)
}

/// Records a decision.
pub fn decide(
    c: &mut DbConn,
    id: HostingRequestId,
    to: HostingStatus,
    server: Option<ServerId>,
    note: Option<&str>,
    by: &str,
) -> QueryResult<()> {
    diesel::update(hosting_requests::table.find(id))
        .set((
            hosting_requests::status.eq(to),
            hosting_requests::server_id.eq(server),
            hosting_requests::decision_note.eq(note),
            hosting_requests::decided_at.eq(db::now()),
            hosting_requests::decided_by.eq(by),
        ))
        .execute(c)?;
    Ok(())
}

/// The Dinas's servers in use (its data center or DR site), to select from.
fn dinas_in_use() -> servers::BoxedQuery<'static, db::MultiBackend> {
    servers::table
        .filter(servers::site.eq_any([Site::DinasDc, Site::DinasDr]))
        .filter(servers::retired.eq(false))
        .into_boxed()
}

/// Whether a request can be placed on `server`: one of the Dinas's servers, in use.
pub fn is_dinas_server(c: &mut DbConn, server: ServerId) -> QueryResult<bool> {
    let n: i64 = dinas_in_use()
        .filter(servers::id.eq(server))
        .count()
        .get_result(c)?;
    Ok(n > 0)
}

/// A server's sums of vCPU, memory and storage granted to approved requests.
type Granted = (Option<ServerId>, Option<i64>, Option<i64>, Option<i64>);

/// The Dinas's servers a request can be placed on: in its data center or DR site, in use.
pub fn dinas_servers(c: &mut DbConn) -> QueryResult<Vec<ServerRoom>> {
    let list: Vec<(ServerId, String, i32, i32, i32)> = dinas_in_use()
        .order(servers::name.asc())
        .select((
            servers::id,
            servers::name,
            servers::cpu_cores,
            servers::memory_gb,
            servers::storage_gb,
        ))
        .load(c)?;
    let ids: Vec<ServerId> = list.iter().map(|s| s.0).collect();
    let given: Vec<Granted> = hosting_requests::table
        .filter(hosting_requests::status.eq(HostingStatus::Approved))
        .filter(hosting_requests::server_id.eq_any(ids.clone()))
        .group_by(hosting_requests::server_id)
        .select((
            hosting_requests::server_id,
            diesel::dsl::sum(hosting_requests::cpu_cores),
            diesel::dsl::sum(hosting_requests::memory_gb),
            diesel::dsl::sum(hosting_requests::storage_gb),
        ))
        .load(c)?;
    let running: Vec<(ServerId, i64)> = application_servers::table
        .filter(application_servers::server_id.eq_any(ids))
        .group_by(application_servers::server_id)
        .select((
            application_servers::server_id,
            diesel::dsl::count(application_servers::application_id),
        ))
        .load(c)?;
    Ok(list
        .into_iter()
        .map(|(id, name, cpu, memory, storage)| {
            let (_, gc, gm, gs) = given
                .iter()
                .find(|g| g.0 == Some(id))
                .copied()
                .unwrap_or((None, None, None, None));
            ServerRoom {
                id,
                name,
                capacity: (cpu.into(), memory.into(), storage.into()),
                given: (gc.unwrap_or(0), gm.unwrap_or(0), gs.unwrap_or(0)),
                applications: running.iter().find(|r| r.0 == id).map_or(0, |r| r.1),
            }
        })
        .collect())
}

/// A server of the Dinas's data center as the Dinas choosing where to place an application
/// sees it: what it has, what approved requests already took, how many applications run on it.
#[derive(Debug, Clone)]
pub struct ServerRoom {
    /// Id.
    pub id: ServerId,
    /// Host name.
    pub name: String,
    /// vCPU, memory GB, storage GB.
    pub capacity: (i64, i64, i64),
    /// The same, granted to approved hosting requests.
    pub given: (i64, i64, i64),
    /// Applications placed on it.
    pub applications: i64,
}
