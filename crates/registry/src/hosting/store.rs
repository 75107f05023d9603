//! Hosting requests' SQL.

use chrono::NaiveDateTime;
use db::DbConn;
use db::schema::{agencies, applications, hosting_requests, servers};
use diesel::prelude::*;
use kernel::permissions::Visible;

use super::{Hosting, Status};

/// A stored request.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = hosting_requests)]
pub struct HostingRow {
    /// Id.
    pub id: String,
    /// The requesting agency.
    pub agency_id: String,
    /// The application to host.
    pub application_id: String,
    /// CPU cores.
    pub cpu_cores: i32,
    /// Memory (GB).
    pub memory_gb: i32,
    /// Storage (GB).
    pub storage_gb: i32,
    /// What it is for.
    pub note: String,
    /// `submitted`, `approved`, `rejected` or `withdrawn`.
    pub status: String,
    /// The server it was placed on.
    pub server_id: Option<String>,
    /// The reason given with a rejection or withdrawal, or the Dinas's note with an approval.
    pub decision_note: Option<String>,
    /// Asked.
    pub created_at: NaiveDateTime,
    /// By.
    pub created_by: String,
    /// Decided.
    pub decided_at: Option<NaiveDateTime>,
    /// By.
    pub decided_by: Option<String>,
}

impl HostingRow {
    /// The status.
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Withdrawn)
    }
}

/// A request with its agency code, application name and server name, for lists.
pub type Listed = (HostingRow, String, String, Option<String>);

/// Requests visible, pending first then newest; one page and the total.
pub fn list(
    c: &mut DbConn,
    v: &Visible,
    status: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Listed>, i64)> {
    let build = || {
        let mut q = hosting_requests::table
            .inner_join(agencies::table)
            .inner_join(applications::table)
            .left_join(servers::table.on(servers::id.nullable().eq(hosting_requests::server_id)))
            .into_boxed();
        if let Visible::Only(ids) = v {
            let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
            q = q.filter(hosting_requests::agency_id.eq_any(ids));
        }
        if let Some(s) = status.filter(|s| !s.is_empty()) {
            q = q.filter(hosting_requests::status.eq(s.to_owned()));
        }
        q
    };
    let total = build().count().get_result(c)?;
    let rows = build()
        .order((
            hosting_requests::created_at.desc(),
            hosting_requests::id.desc(),
        ))
        .limit(limit)
        .offset(offset)
        .select((
            HostingRow::as_select(),
            agencies::code,
            applications::name,
            servers::name.nullable(),
        ))
        .load(c)?;
    Ok((rows, total))
}

/// One request.
pub fn find(c: &mut DbConn, id: &str) -> QueryResult<Option<HostingRow>> {
    hosting_requests::table
        .find(id)
        .select(HostingRow::as_select())
        .first(c)
        .optional()
}

/// Records a new request.
pub fn insert(c: &mut DbConn, agency: &str, h: &Hosting, by: &str) -> QueryResult<HostingRow> {
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(hosting_requests::table)
        .values((
            hosting_requests::id.eq(&id),
            hosting_requests::agency_id.eq(agency),
            hosting_requests::application_id.eq(&h.application_id),
            hosting_requests::cpu_cores.eq(h.cpu_cores),
            hosting_requests::memory_gb.eq(h.memory_gb),
            hosting_requests::storage_gb.eq(h.storage_gb),
            hosting_requests::note.eq(&h.note),
            hosting_requests::status.eq(Status::Submitted.as_str()),
            hosting_requests::created_at.eq(db::now()),
            hosting_requests::created_by.eq(by),
        ))
        .execute(c)?;
    find(c, &id)?.ok_or(diesel::result::Error::NotFound)
}

/// Records a decision.
pub fn decide(
    c: &mut DbConn,
    id: &str,
    to: Status,
    server: Option<&str>,
    note: Option<&str>,
    by: &str,
) -> QueryResult<()> {
    diesel::update(hosting_requests::table.find(id))
        .set((
            hosting_requests::status.eq(to.as_str()),
            hosting_requests::server_id.eq(server),
            hosting_requests::decision_note.eq(note),
            hosting_requests::decided_at.eq(db::now()),
            hosting_requests::decided_by.eq(by),
        ))
        .execute(c)?;
    Ok(())
}

/// The Dinas's servers a request can be placed on: in its data center or DR site, in use.
pub fn dinas_servers(c: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    servers::table
        .filter(servers::site.eq_any(["dinas_dc", "dinas_dr"]))
        .filter(servers::retired.eq(false))
        .order(servers::name.asc())
        .select((servers::id, servers::name))
        .load(c)
}
