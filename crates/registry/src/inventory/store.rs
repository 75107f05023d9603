//! The inventory's SQL: vendors, devices, servers and which applications run where.

use chrono::{NaiveDate, NaiveDateTime};
use db::DbConn;
use db::schema::{application_servers, applications, devices, servers, vendors};
use diesel::prelude::*;
use kernel::ids::AgencyId;
use kernel::listing::{ListQuery, Total};
use kernel::permissions::Visible;

use super::{Device, DeviceId, DeviceKind, Server, ServerId, ServerKind, Site, Vendor, VendorId};
use crate::model::{ApplicationId, Funding, Lifecycle};

fn visible_ids(v: &Visible) -> Option<Vec<AgencyId>> {
    match v {
        Visible::All => None,
        Visible::Only(ids) => Some(ids.clone()),
    }
}

/// Updates the row `id` of `$table` with `$fields`, or inserts a new one with a fresh id and its
/// creation stamp, and returns the stored row in the same statement. The row types are
/// `Queryable` in the table's own column order, so `all_columns` reads them back.
macro_rules! save_row {
    ($c:expr, $table:ident, $id:expr, $new:expr, $fields:expr, $now:expr, $by:expr) => {
        match $id {
            Some(id) => diesel::update($table::table.find(id))
                .set($fields)
                .returning($table::all_columns)
                .get_result($c),
            None => diesel::insert_into($table::table)
                .values((
                    $table::id.eq($new),
                    $table::created_at.eq($now),
                    $table::created_by.eq($by),
                    $fields,
                ))
                .returning($table::all_columns)
                .get_result($c),
        }
    };
}

/// Inserts checked records (`$items`) as new rows of `$table`, in one statement, and gives
/// them back as stored.
macro_rules! insert_rows {
    ($c:expr, $table:ident, $new:expr, $items:expr, $columns:ident, $by:expr, $row:ty) => {{
        let now = db::now();
        let rows: Vec<_> = $items
            .iter()
            .map(|v| {
                (
                    $table::id.eq($new),
                    $table::created_at.eq(now),
                    $table::created_by.eq($by),
                    $columns!(v, $by, now),
                )
            })
            .collect();
        db::insert_many!($c, $table::table, &rows, <$row>::as_returning())
    }};
}

/// A vendor's columns, as an insert and an update set them.
macro_rules! vendor_columns {
    ($v:expr, $by:expr, $now:expr) => {
        (
            vendors::agency_id.eq($v.agency_id),
            vendors::name.eq(&$v.name),
            vendors::contract_number.eq(&$v.contract_number),
            vendors::contract_start.eq($v.contract_start),
            vendors::contract_end.eq($v.contract_end),
            vendors::application_id.eq($v.application_id),
            vendors::confidentiality_signed.eq($v.confidentiality_signed),
            vendors::training_given.eq($v.training_given),
            vendors::warranty_until.eq($v.warranty_until),
            vendors::updated_at.eq($now),
            vendors::updated_by.eq($by),
        )
    };
}

/// A device's columns, as an insert and an update set them.
macro_rules! device_columns {
    ($d:expr, $by:expr, $now:expr) => {
        (
            devices::agency_id.eq($d.agency_id),
            devices::kind.eq($d.kind),
            devices::name.eq(&$d.name),
            devices::serial.eq(&$d.serial),
            devices::acquired_on.eq($d.acquired_on),
            devices::funding_source.eq($d.funding_source),
            devices::location.eq(&$d.location),
            devices::maintenance_months.eq($d.maintenance_months),
            devices::last_maintained_on.eq($d.last_maintained_on),
            devices::retired.eq($d.retired),
            devices::updated_at.eq($now),
            devices::updated_by.eq($by),
        )
    };
}

/// A server's columns, as an insert and an update set them.
macro_rules! server_columns {
    ($s:expr, $by:expr, $now:expr) => {
        (
            servers::agency_id.eq($s.agency_id),
            servers::name.eq(&$s.name),
            servers::kind.eq($s.kind),
            servers::site.eq($s.site),
            servers::rack_or_cluster.eq(&$s.rack_or_cluster),
            servers::cpu_cores.eq($s.cpu_cores),
            servers::memory_gb.eq($s.memory_gb),
            servers::storage_gb.eq($s.storage_gb),
            servers::retired.eq($s.retired),
            servers::updated_at.eq($now),
            servers::updated_by.eq($by),
        )
    };
}

/// A stored vendor.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = vendors)]
pub struct VendorRow {
    /// Id.
    pub id: VendorId,
    /// Contracting agency.
    pub agency_id: AgencyId,
    /// Company.
    pub name: String,
    /// Contract number.
    pub contract_number: String,
    /// Contract start.
    pub contract_start: NaiveDate,
    /// Contract end.
    pub contract_end: NaiveDate,
    /// Application served.
    pub application_id: Option<ApplicationId>,
    /// Confidentiality duty signed (KT 8.3).
    pub confidentiality_signed: bool,
    /// Training given (BT 18.5).
    pub training_given: bool,
    /// Warranty or maintenance period end.
    pub warranty_until: Option<NaiveDate>,
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

/// A stored device.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = devices)]
pub struct DeviceRow {
    /// Id.
    pub id: DeviceId,
    /// Owner agency.
    pub agency_id: AgencyId,
    /// Kind.
    pub kind: DeviceKind,
    /// Name or model.
    pub name: String,
    /// Serial.
    pub serial: Option<String>,
    /// Acquired.
    pub acquired_on: Option<NaiveDate>,
    /// Funding source.
    pub funding_source: Funding,
    /// Location.
    pub location: String,
    /// Maintenance interval (months).
    pub maintenance_months: Option<i32>,
    /// Last maintained.
    pub last_maintained_on: Option<NaiveDate>,
    /// Retired.
    pub retired: bool,
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

/// A stored server.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = servers)]
pub struct ServerRow {
    /// Id.
    pub id: ServerId,
    /// Owner agency.
    pub agency_id: AgencyId,
    /// Host name.
    pub name: String,
    /// Physical or virtual.
    pub kind: ServerKind,
    /// Site.
    pub site: Site,
    /// Rack or cluster.
    pub rack_or_cluster: String,
    /// Cores.
    pub cpu_cores: i32,
    /// Memory (GB).
    pub memory_gb: i32,
    /// Storage (GB).
    pub storage_gb: i32,
    /// Retired.
    pub retired: bool,
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

/// Vendors visible, name-matching `q`; one page and the total.
pub fn vendor_list(
    c: &mut DbConn,
    v: &Visible,
    list: &ListQuery,
) -> QueryResult<(Vec<VendorRow>, Total)> {
    let build = || {
        let mut query = vendors::table.into_boxed();
        if let Some(ids) = visible_ids(v) {
            query = query.filter(vendors::agency_id.eq_any(ids));
        }
        if let Some(t) = list.get("q") {
            let p = db::dialect::contains_pattern(t);
            query = query.filter(
                db::dialect::lower(vendors::name)
                    .like(p.clone())
                    .escape('\\')
                    .or(db::dialect::lower(vendors::contract_number)
                        .like(p)
                        .escape('\\')),
            );
        }
        query
    };
    let in_order = |q: vendors::BoxedQuery<'static, db::MultiBackend>| match list.sort {
        "contract_end" => db::sorted!(
            q,
            list.descending,
            vendors::contract_end,
            vendors::name,
            vendors::id
        ),
        _ => db::sorted!(q, list.descending, vendors::name, vendors::id),
    };
    let total = list.total_of(db::count_upto!(
        c,
        in_order(build()),
        list.count_limit() + 1
    )?);
    let rows = in_order(build())
        .limit(list.limit())
        .offset(list.offset())
        .select(VendorRow::as_select())
        .load(c)?;
    Ok((rows, total))
}

/// Devices visible, name- or serial-matching `q`; one page and the total.
pub fn device_list(
    c: &mut DbConn,
    v: &Visible,
    list: &ListQuery,
) -> QueryResult<(Vec<DeviceRow>, Total)> {
    let build = || {
        let mut query = devices::table.into_boxed();
        if let Some(ids) = visible_ids(v) {
            query = query.filter(devices::agency_id.eq_any(ids));
        }
        if let Some(t) = list.get("q") {
            let p = db::dialect::contains_pattern(t);
            query = query.filter(
                db::dialect::lower(devices::name)
                    .like(p.clone())
                    .escape('\\')
                    .or(db::dialect::lower_opt(devices::serial).like(p).escape('\\')),
            );
        }
        query
    };
    let in_order = |q: devices::BoxedQuery<'static, db::MultiBackend>| match list.sort {
        "last_maintained_on" => db::sorted!(
            q,
            list.descending,
            devices::last_maintained_on,
            devices::name,
            devices::id
        ),
        _ => db::sorted!(q, list.descending, devices::name, devices::id),
    };
    // Counted in the list's order: the walk of the page's index stops at the limit.
    let total = list.total_of(db::count_upto!(
        c,
        in_order(build()),
        list.count_limit() + 1
    )?);
    let rows = in_order(build())
        .limit(list.limit())
        .offset(list.offset())
        .select(DeviceRow::as_select())
        .load(c)?;
    Ok((rows, total))
}

/// Servers visible, name-matching `q`; one page and the total.
pub fn server_list(
    c: &mut DbConn,
    v: &Visible,
    list: &ListQuery,
) -> QueryResult<(Vec<ServerRow>, Total)> {
    let build = || {
        let mut query = servers::table.into_boxed();
        if let Some(ids) = visible_ids(v) {
            query = query.filter(servers::agency_id.eq_any(ids));
        }
        if let Some(t) = list.get("q") {
            query = query.filter(
                db::dialect::lower(servers::name)
                    .like(db::dialect::contains_pattern(t))
                    .escape('\\'),
            );
        }
        query
    };
    let in_order = |q: servers::BoxedQuery<'static, db::MultiBackend>| {
        db::sorted!(q, list.descending, servers::name, servers::id)
    };
    let total = list.total_of(db::count_upto!(
        c,
        in_order(build()),
        list.count_limit() + 1
    )?);
    let rows = in_order(build())
        .limit(list.limit())
        .offset(list.offset())
        .select(ServerRow::as_select())
        .load(c)?;
    Ok((rows, total))
}

/// One vendor.
pub fn vendor_find(c: &mut DbConn, id: VendorId) -> QueryResult<Option<VendorRow>> {
    vendors::table
        .find(id)
        .select(VendorRow::as_select())
        .first(c)
        .optional()
}

/// One device.
pub fn device_find(c: &mut DbConn, id: DeviceId) -> QueryResult<Option<DeviceRow>> {
    devices::table
        .find(id)
        .select(DeviceRow::as_select())
        .first(c)
        .optional()
}

/// An agency's devices that carry a serial number: id, serial, name.
pub fn device_serials(
    c: &mut DbConn,
    agency: AgencyId,
) -> QueryResult<Vec<(DeviceId, String, String)>> {
    devices::table
        .filter(devices::agency_id.eq(agency))
        .filter(devices::serial.is_not_null())
        .select((
            devices::id,
            devices::serial.assume_not_null(),
            devices::name,
        ))
        .load(c)
}

/// An agency's servers: id and host name.
pub fn server_names(c: &mut DbConn, agency: AgencyId) -> QueryResult<Vec<(ServerId, String)>> {
    servers::table
        .filter(servers::agency_id.eq(agency))
        .select((servers::id, servers::name))
        .load(c)
}

/// An agency's vendors: id and contract number.
pub fn vendor_contracts(c: &mut DbConn, agency: AgencyId) -> QueryResult<Vec<(VendorId, String)>> {
    vendors::table
        .filter(vendors::agency_id.eq(agency))
        .select((vendors::id, vendors::contract_number))
        .load(c)
}

/// One server.
pub fn server_find(c: &mut DbConn, id: ServerId) -> QueryResult<Option<ServerRow>> {
    servers::table
        .find(id)
        .select(ServerRow::as_select())
        .first(c)
        .optional()
}

/// Inserts or replaces a vendor (`id` given: update).
pub fn vendor_save(
    c: &mut DbConn,
    id: Option<VendorId>,
    v: &Vendor,
    by: &str,
) -> QueryResult<VendorRow> {
    let now = db::now();
    save_row!(
        c,
        vendors,
        id,
        VendorId::new(),
        vendor_columns!(v, by, now),
        now,
        by
    )
}

/// Inserts new vendors in one statement.
pub fn vendors_insert(c: &mut DbConn, new: &[Vendor], by: &str) -> QueryResult<Vec<VendorRow>> {
    insert_rows!(
        c,
        vendors,
        VendorId::new(),
        new,
        vendor_columns,
        by,
        VendorRow
    )
}

/// Inserts or replaces a device.
pub fn device_save(
    c: &mut DbConn,
    id: Option<DeviceId>,
    d: &Device,
    by: &str,
) -> QueryResult<DeviceRow> {
    let now = db::now();
    save_row!(
        c,
        devices,
        id,
        DeviceId::new(),
        device_columns!(d, by, now),
        now,
        by
    )
}

/// Inserts new devices in one statement.
pub fn devices_insert(c: &mut DbConn, new: &[Device], by: &str) -> QueryResult<Vec<DeviceRow>> {
    insert_rows!(
        c,
        devices,
        DeviceId::new(),
        new,
        device_columns,
        by,
        DeviceRow
    )
}

/// Inserts or replaces a server.
pub fn server_save(
    c: &mut DbConn,
    id: Option<ServerId>,
    s: &Server,
    by: &str,
) -> QueryResult<ServerRow> {
    let now = db::now();
    save_row!(
        c,
        servers,
        id,
        ServerId::new(),
        server_columns!(s, by, now),
        now,
        by
    )
}

/// Inserts new servers in one statement.
pub fn servers_insert(c: &mut DbConn, new: &[Server], by: &str) -> QueryResult<Vec<ServerRow>> {
    insert_rows!(
        c,
        servers,
        ServerId::new(),
        new,
        server_columns,
        by,
        ServerRow
    )
}

/// The applications running on a server (id, name).
pub fn apps_on(c: &mut DbConn, server: ServerId) -> QueryResult<Vec<(ApplicationId, String)>> {
    application_servers::table
        .inner_join(
            applications::table.on(applications::id.eq(application_servers::application_id)),
        )
        .filter(application_servers::server_id.eq(server))
        .order(applications::name.asc())
        .select((applications::id, applications::name))
        .load(c)
}

/// Replaces which applications run on a server.
pub fn set_apps_on(c: &mut DbConn, server: ServerId, apps: &[ApplicationId]) -> QueryResult<()> {
    diesel::delete(application_servers::table.filter(application_servers::server_id.eq(server)))
        .execute(c)?;
    for a in apps {
        diesel::insert_into(application_servers::table)
            .values((
                application_servers::application_id.eq(a),
                application_servers::server_id.eq(server),
            ))
            .execute(c)?;
    }
    Ok(())
}

/// What the maintenance rule needs of a device (not the whole row: there may be half a million).
#[derive(Debug, Clone, Queryable)]
pub struct DeviceFact {
    /// Id.
    pub id: DeviceId,
    /// Owner agency.
    pub agency_id: AgencyId,
    /// Name.
    pub name: String,
    /// Maintenance interval (months).
    pub maintenance_months: Option<i32>,
    /// Last maintained.
    pub last_maintained_on: Option<NaiveDate>,
    /// Acquired.
    pub acquired_on: Option<NaiveDate>,
}

/// Scheduled devices per agency, and those that may be overdue.
pub type DeviceFacts = (Vec<(AgencyId, i64)>, Vec<DeviceFact>);

/// Devices on a maintenance schedule, counted per agency, and those that may be overdue on
/// `today`. A region may hold half a million devices: rather than load them all, each interval
/// in use gets its own cut-off date, a few days late so that month-end arithmetic never hides
/// an overdue device; the rule itself then decides on exactly those rows.
pub fn device_facts(
    c: &mut DbConn,
    agency: Option<AgencyId>,
    today: NaiveDate,
) -> QueryResult<DeviceFacts> {
    let scheduled = || {
        let mut q = devices::table
            .filter(devices::retired.eq(false))
            .filter(devices::maintenance_months.is_not_null())
            .into_boxed();
        if let Some(a) = agency {
            q = q.filter(devices::agency_id.eq(a));
        }
        q
    };
    let counted = devices::table
        .filter(devices::retired.eq(false))
        .filter(devices::maintenance_months.is_not_null())
        .group_by(devices::agency_id)
        .select((devices::agency_id, diesel::dsl::count_star()));
    let checked = match agency {
        Some(a) => counted.filter(devices::agency_id.eq(a)).load(c)?,
        None => counted.load(c)?,
    };
    let intervals: Vec<Option<i32>> = scheduled()
        .select(devices::maintenance_months)
        .distinct()
        .load(c)?;
    let mut due = vec![];
    for months in intervals.into_iter().flatten() {
        let Some(cut) = u32::try_from(months)
            .ok()
            .and_then(|m| today.checked_sub_months(chrono::Months::new(m)))
            .and_then(|d| d.checked_add_days(chrono::Days::new(4)))
        else {
            continue;
        };
        due.extend(
            scheduled()
                .filter(devices::maintenance_months.eq(months))
                .filter(
                    devices::last_maintained_on
                        .lt(cut)
                        .or(devices::last_maintained_on
                            .is_null()
                            .and(devices::acquired_on.lt(cut))),
                )
                .select((
                    devices::id,
                    devices::agency_id,
                    devices::name,
                    devices::maintenance_months,
                    devices::last_maintained_on,
                    devices::acquired_on,
                ))
                .load::<DeviceFact>(c)?,
        );
    }
    Ok((checked, due))
}

/// What the inventory rules look at, within one agency or all.
pub struct Facts {
    /// Vendors with the lifecycle of the application they serve.
    pub vendors: Vec<(VendorRow, Option<Lifecycle>)>,
    /// Devices in use on a maintenance schedule, counted per agency.
    pub devices_checked: Vec<(AgencyId, i64)>,
    /// Those of them that may be overdue on the day asked (a superset: the rule decides).
    pub devices_due: Vec<DeviceFact>,
    /// Servers in use with the applications on them.
    pub servers: Vec<(ServerRow, Vec<String>)>,
}

/// Loads the facts.
pub fn facts(c: &mut DbConn, agency: Option<AgencyId>, today: NaiveDate) -> QueryResult<Facts> {
    let mut vq = vendors::table
        .left_join(applications::table.on(applications::id.nullable().eq(vendors::application_id)))
        .into_boxed();
    let mut sq = servers::table
        .filter(servers::retired.eq(false))
        .into_boxed();
    if let Some(a) = agency {
        vq = vq.filter(vendors::agency_id.eq(a));
        sq = sq.filter(servers::agency_id.eq(a));
    }
    let vendors = vq
        .select((VendorRow::as_select(), applications::lifecycle.nullable()))
        .load(c)?;
    let (devices_checked, devices_due) = device_facts(c, agency, today)?;
    let servers: Vec<ServerRow> = sq.select(ServerRow::as_select()).load(c)?;
    // One query for every server's applications, not one per server.
    let mut on: std::collections::HashMap<ServerId, Vec<String>> = std::collections::HashMap::new();
    let mut lq = application_servers::table
        .inner_join(servers::table)
        .inner_join(
            applications::table.on(applications::id.eq(application_servers::application_id)),
        )
        .filter(servers::retired.eq(false))
        .into_boxed();
    if let Some(a) = agency {
        lq = lq.filter(servers::agency_id.eq(a));
    }
    for (server, app) in lq
        .select((application_servers::server_id, applications::name))
        .load::<(ServerId, String)>(c)?
    {
        on.entry(server).or_default().push(app);
    }
    let with_apps = servers
        .into_iter()
        .map(|s| {
            let apps = on.remove(&s.id).unwrap_or_default();
            (s, apps)
        })
        .collect();
    Ok(Facts {
        vendors,
        devices_checked,
        devices_due,
        servers: with_apps,
    })
}
