//! The inventory beside applications: vendors (third parties with their contract,
//! confidentiality duty, training and warranty, KT 8.3, BT 18.5), devices (hardware, end-user
//! devices, network gear, with a maintenance schedule, KT 22) and servers (physical or virtual,
//! in the Dinas's data center or DR site, KT 9.3). Drafts read the same from a form or JSON;
//! validation and the rules are plain functions here, the SQL is in `store`.

pub mod api;
pub mod entity;
pub mod export;
pub mod import;
pub mod import_pages;
pub mod pages;
pub mod rules;
pub mod service;
pub(crate) mod store;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use kernel::AppState;

use entity::{Devices, Entity, Servers, Vendors};

fn routes_of<E: Entity>(r: Router<AppState>) -> Router<AppState> {
    let base = format!("/registry/{}", E::PATH);
    r.route(&base, get(pages::list::<E>))
        .route(
            &format!("{base}/new"),
            get(pages::new::<E>).post(pages::create::<E>),
        )
        .route(
            &format!("{base}/{{id}}"),
            get(pages::show::<E>).post(pages::update::<E>),
        )
}

/// The inventory's pages and API.
pub fn router() -> Router<AppState> {
    let r = Router::new();
    let r = routes_of::<Vendors>(r);
    let r = routes_of::<Devices>(r);
    let r = routes_of::<Servers>(r);
    let limit = DefaultBodyLimit::max(import_pages::MAX_IMPORT + 64 * 1024);
    r.route(
        "/registry/servers/{id}/applications",
        post(pages::set_applications),
    )
    .route(
        "/registry/import",
        get(import_pages::show)
            .post(import_pages::preview)
            .layer(limit),
    )
    .route("/registry/import/confirm", post(import_pages::confirm))
    .route(
        "/registry/import/template/{kind}",
        get(import_pages::template),
    )
    .route("/registry/import/jobs/{id}", get(import_pages::job))
    .route(
        "/api/v1/applications/import",
        post(api::import_applications).layer(limit),
    )
    .route(
        "/api/v1/vendors",
        get(api::vendors::list).post(api::vendors::create),
    )
    .route(
        "/api/v1/vendors/{id}",
        get(api::vendors::get).put(api::vendors::update),
    )
    .route(
        "/api/v1/vendors/import",
        post(api::vendors::import).layer(limit),
    )
    .route(
        "/api/v1/devices",
        get(api::devices::list).post(api::devices::create),
    )
    .route(
        "/api/v1/devices/{id}",
        get(api::devices::get).put(api::devices::update),
    )
    .route(
        "/api/v1/devices/import",
        post(api::devices::import).layer(limit),
    )
    .route(
        "/api/v1/servers",
        get(api::servers::list).post(api::servers::create),
    )
    .route(
        "/api/v1/servers/{id}",
        get(api::servers::get).put(api::servers::update),
    )
    .route(
        "/api/v1/servers/import",
        post(api::servers::import).layer(limit),
    )
    .route(
        "/api/v1/servers/{id}/applications",
        put(api::set_applications),
    )
}

use chrono::NaiveDate;
use kernel::FieldError;
use kernel::ids::AgencyId;
use kernel::validate::Checker;
use serde::{Deserialize, Deserializer};

use crate::model::{ApplicationId, Funding, check_agency};

kernel::id_type!(
    /// A vendor (a third party under contract).
    VendorId
);
kernel::id_type!(
    /// A device.
    DeviceId
);
kernel::id_type!(
    /// A server.
    ServerId
);

kernel::text_enum! {
    /// Kinds of device.
    pub enum DeviceKind {
        /// Hardware (UPS, storage, printers…).
        Hardware = "hardware",
        /// End-user devices.
        EndUser = "end_user",
        /// Network equipment.
        Network = "network",
    }
}

kernel::text_enum! {
    /// Physical or virtual.
    pub enum ServerKind {
        /// A machine.
        Physical = "physical",
        /// A virtual machine.
        Virtual = "virtual",
    }
}

kernel::text_enum! {
    /// Where a server stands.
    pub enum Site {
        /// The Dinas's data center.
        DinasDc = "dinas_dc",
        /// The Dinas's disaster-recovery site.
        DinasDr = "dinas_dr",
        /// An agency's own server room.
        Agency = "agency",
        /// Elsewhere.
        Other = "other",
    }
}

impl Site {
    /// Whether it is in the Dinas's care (its data center or DR site).
    pub fn is_dinas(self) -> bool {
        matches!(self, Self::DinasDc | Self::DinasDr)
    }
}

/// A checkbox (`on`) or a JSON boolean.
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum F {
        B(bool),
        S(String),
    }
    Ok(match F::deserialize(d)? {
        F::B(b) => b,
        F::S(s) => matches!(s.as_str(), "on" | "true" | "1" | "yes"),
    })
}

/// Any scalar as text (a form sends `4`, JSON may send 4), checked later with a field error.
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum T {
        S(String),
        I(i64),
        F(f64),
    }
    Ok(match Option::<T>::deserialize(d)? {
        Some(T::S(s)) => s,
        Some(T::I(i)) => i.to_string(),
        Some(T::F(f)) => f.to_string(),
        None => String::new(),
    })
}

fn date(c: &mut Checker, field: &str, value: &str, required: bool) -> Option<NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        if required {
            c.push(FieldError::new(field, "error-required"));
        }
        return None;
    }
    let d = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok();
    if d.is_none() {
        c.push(FieldError::new(field, "error-date"));
    }
    d
}

fn number(
    c: &mut Checker,
    field: &str,
    value: &str,
    range: std::ops::RangeInclusive<i32>,
) -> Option<i32> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<i32>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            c.push(
                FieldError::new(field, "error-number")
                    .arg("min", range.start())
                    .arg("max", range.end()),
            );
            None
        }
    }
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// A vendor as typed or sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VendorDraft {
    /// The contracting agency.
    #[serde(default)]
    pub agency_id: String,
    /// Company name.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub name: String,
    /// Contract number.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub contract_number: String,
    /// Contract start (`YYYY-MM-DD`).
    #[serde(default, deserialize_with = "text")]
    pub contract_start: String,
    /// Contract end.
    #[serde(default, deserialize_with = "text")]
    pub contract_end: String,
    /// The application it builds or maintains.
    #[serde(default)]
    pub application_id: Option<String>,
    /// Signed the duty to keep the data on devices it services confidential (KT 8.3).
    #[serde(default, deserialize_with = "flag")]
    pub confidentiality_signed: bool,
    /// Trained the agency's staff (BT 18.5).
    #[serde(default, deserialize_with = "flag")]
    pub training_given: bool,
    /// End of the warranty or maintenance period.
    #[serde(default, deserialize_with = "text")]
    pub warranty_until: String,
}

/// A vendor, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Vendor {
    /// Agency.
    pub agency_id: AgencyId,
    /// Name.
    pub name: String,
    /// Contract number.
    pub contract_number: String,
    /// Start.
    pub contract_start: NaiveDate,
    /// End.
    pub contract_end: NaiveDate,
    /// Application.
    pub application_id: Option<ApplicationId>,
    /// Confidentiality duty signed.
    pub confidentiality_signed: bool,
    /// Training given.
    pub training_given: bool,
    /// Warranty end.
    pub warranty_until: Option<NaiveDate>,
}

/// Checks a vendor.
pub fn validate_vendor(d: &VendorDraft) -> Result<Vendor, Vec<FieldError>> {
    let mut c = Checker::default();
    let agency_id = check_agency(&mut c, "agency_id", &d.agency_id);
    let name = c.text("name", &d.name, 200);
    let contract_number = c.text("contract_number", &d.contract_number, 100);
    let start = date(&mut c, "contract_start", &d.contract_start, true);
    let end = date(&mut c, "contract_end", &d.contract_end, true);
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        c.push(FieldError::new("contract_end", "error-date-order"));
    }
    let warranty = date(&mut c, "warranty_until", &d.warranty_until, false);
    let application_id = match d.application_id.as_deref().and_then(opt) {
        Some(text) => {
            let id = ApplicationId::parse(&text);
            if id.is_none() {
                c.push(FieldError::new(
                    "application_id",
                    "error-application-unknown",
                ));
            }
            id
        }
        None => None,
    };
    match (c.errors.is_empty(), agency_id, start, end) {
        (true, Some(agency_id), Some(contract_start), Some(contract_end)) => Ok(Vendor {
            agency_id,
            name,
            contract_number,
            contract_start,
            contract_end,
            application_id,
            confidentiality_signed: d.confidentiality_signed,
            training_given: d.training_given,
            warranty_until: warranty,
        }),
        _ => Err(c.errors),
    }
}

/// A device as typed or sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceDraft {
    /// Owner agency.
    #[serde(default)]
    pub agency_id: String,
    /// `hardware`, `end_user` or `network`.
    #[serde(default)]
    #[schema(value_type = DeviceKind)]
    pub kind: String,
    /// Name or model.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub name: String,
    /// Serial number.
    #[serde(default)]
    pub serial: String,
    /// Acquired on (`YYYY-MM-DD`).
    #[serde(default, deserialize_with = "text")]
    pub acquired_on: String,
    /// Funding source.
    #[serde(default)]
    #[schema(value_type = crate::model::Funding)]
    pub funding_source: String,
    /// Where it is.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub location: String,
    /// Maintenance every this many months.
    #[serde(default, deserialize_with = "text")]
    pub maintenance_months: String,
    /// Last maintained on.
    #[serde(default, deserialize_with = "text")]
    pub last_maintained_on: String,
    /// No longer in use.
    #[serde(default, deserialize_with = "flag")]
    pub retired: bool,
}

/// A device, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    /// Agency.
    pub agency_id: AgencyId,
    /// Kind.
    pub kind: DeviceKind,
    /// Name.
    pub name: String,
    /// Serial.
    pub serial: Option<String>,
    /// Acquired.
    pub acquired_on: Option<NaiveDate>,
    /// Funding.
    pub funding_source: Funding,
    /// Location.
    pub location: String,
    /// Maintenance interval in months.
    pub maintenance_months: Option<i32>,
    /// Last maintenance.
    pub last_maintained_on: Option<NaiveDate>,
    /// Retired.
    pub retired: bool,
}

/// Checks a device.
pub fn validate_device(d: &DeviceDraft) -> Result<Device, Vec<FieldError>> {
    let mut c = Checker::default();
    let agency_id = check_agency(&mut c, "agency_id", &d.agency_id);
    let kind = c.choice::<DeviceKind>("kind", &d.kind);
    let name = c.text("name", &d.name, 200);
    let serial = c.optional("serial", Some(&d.serial), 100);
    let acquired_on = date(&mut c, "acquired_on", &d.acquired_on, false);
    let funding_source = c.choice::<Funding>("funding_source", &d.funding_source);
    let location = c.text("location", &d.location, 200);
    let maintenance_months = number(&mut c, "maintenance_months", &d.maintenance_months, 1..=120);
    let last_maintained_on = date(&mut c, "last_maintained_on", &d.last_maintained_on, false);
    match (c.errors.is_empty(), agency_id, kind, funding_source) {
        (true, Some(agency_id), Some(kind), Some(funding_source)) => Ok(Device {
            agency_id,
            kind,
            name,
            serial,
            acquired_on,
            funding_source,
            location,
            maintenance_months,
            last_maintained_on,
            retired: d.retired,
        }),
        _ => Err(c.errors),
    }
}

/// A server as typed or sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerDraft {
    /// Owner agency.
    #[serde(default)]
    pub agency_id: String,
    /// Host name.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub name: String,
    /// `physical` or `virtual`.
    #[serde(default)]
    #[schema(value_type = ServerKind)]
    pub kind: String,
    /// `dinas_dc`, `dinas_dr`, `agency` or `other`.
    #[serde(default)]
    #[schema(value_type = Site)]
    pub site: String,
    /// Rack (physical) or cluster (virtual).
    #[serde(default)]
    pub rack_or_cluster: String,
    /// CPU cores.
    #[serde(default, deserialize_with = "text")]
    pub cpu_cores: String,
    /// Memory in GB.
    #[serde(default, deserialize_with = "text")]
    pub memory_gb: String,
    /// Storage in GB.
    #[serde(default, deserialize_with = "text")]
    pub storage_gb: String,
    /// No longer in use.
    #[serde(default, deserialize_with = "flag")]
    pub retired: bool,
}

/// A server, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// Agency.
    pub agency_id: AgencyId,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ServerKind,
    /// Site.
    pub site: Site,
    /// Rack or cluster.
    pub rack_or_cluster: String,
    /// Cores.
    pub cpu_cores: i32,
    /// Memory.
    pub memory_gb: i32,
    /// Storage.
    pub storage_gb: i32,
    /// Retired.
    pub retired: bool,
}

/// Checks a server.
pub fn validate_server(d: &ServerDraft) -> Result<Server, Vec<FieldError>> {
    let mut c = Checker::default();
    let agency_id = check_agency(&mut c, "agency_id", &d.agency_id);
    let name = c.text("name", &d.name, 100);
    let kind = c.choice::<ServerKind>("kind", &d.kind);
    let site = c.choice::<Site>("site", &d.site);
    let rack_or_cluster = d.rack_or_cluster.trim().to_owned();
    let mut need = |field: &str, v: &str, max: i32| {
        let n = number(&mut c, field, v, 1..=max);
        if n.is_none() && v.trim().is_empty() {
            c.push(FieldError::new(field, "error-required"));
        }
        n
    };
    let cpu = need("cpu_cores", &d.cpu_cores, 4096);
    let mem = need("memory_gb", &d.memory_gb, 1_048_576);
    let disk = need("storage_gb", &d.storage_gb, 10_000_000);
    match (c.errors.is_empty(), agency_id, kind, site, cpu, mem, disk) {
        (
            true,
            Some(agency_id),
            Some(kind),
            Some(site),
            Some(cpu_cores),
            Some(memory_gb),
            Some(storage_gb),
        ) => Ok(Server {
            agency_id,
            name,
            kind,
            site,
            rack_or_cluster,
            cpu_cores,
            memory_gb,
            storage_gb,
            retired: d.retired,
        }),
        _ => Err(c.errors),
    }
}

/// When a device's next maintenance is due, if it is on a schedule.
pub fn maintenance_due(
    every: Option<i32>,
    last: Option<NaiveDate>,
    acquired: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let months = u32::try_from(every?).ok()?;
    let from = last.or(acquired)?;
    from.checked_add_months(chrono::Months::new(months))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn vendors_need_a_contract_in_order() {
        let mut v = VendorDraft {
            agency_id: AgencyId::new().to_string(),
            name: "PT Solusi".into(),
            contract_number: "027/123/2025".into(),
            contract_start: "2025-01-10".into(),
            contract_end: "2025-12-31".into(),
            warranty_until: "2026-12-31".into(),
            ..Default::default()
        };
        assert_eq!(
            validate_vendor(&v).unwrap().warranty_until,
            Some(d(2026, 12, 31))
        );
        v.contract_end = "2024-01-01".into();
        v.warranty_until = "31/12/2026".into();
        let fields: Vec<String> = validate_vendor(&v)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["contract_end", "warranty_until"]);
    }

    #[test]
    fn devices_and_servers_report_every_problem() {
        let e = validate_device(&DeviceDraft {
            maintenance_months: "0".into(),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<String> = e.into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "agency_id",
                "kind",
                "name",
                "funding_source",
                "location",
                "maintenance_months"
            ]
        );
        let e = validate_server(&ServerDraft {
            cpu_cores: "x".into(),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<String> = e.into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "agency_id",
                "name",
                "kind",
                "site",
                "cpu_cores",
                "memory_gb",
                "storage_gb"
            ]
        );
        let ok = validate_server(&ServerDraft {
            agency_id: AgencyId::new().to_string(),
            name: "srv-simpeg-01".into(),
            kind: "Virtual".into(),
            site: "dinas_dc".into(),
            cpu_cores: "4".into(),
            memory_gb: "16".into(),
            storage_gb: "200".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!((ok.kind, ok.cpu_cores), (ServerKind::Virtual, 4));
    }

    #[test]
    fn forms_and_json_read_alike() {
        let form: VendorDraft = serde_urlencoded::from_str(
            "name=X&confidentiality_signed=on&contract_start=2025-01-01",
        )
        .unwrap();
        let json: VendorDraft = serde_json::from_str(
            r#"{"name":"X","confidentiality_signed":true,"contract_start":"2025-01-01"}"#,
        )
        .unwrap();
        assert_eq!(
            (form.confidentiality_signed, json.confidentiality_signed),
            (true, true)
        );
        let s: ServerDraft = serde_json::from_str(r#"{"cpu_cores": 8}"#).unwrap();
        assert_eq!(s.cpu_cores, "8");
    }

    #[test]
    fn maintenance_falls_due_after_its_interval() {
        assert_eq!(
            maintenance_due(Some(6), Some(d(2026, 1, 31)), None),
            Some(d(2026, 7, 31))
        );
        assert_eq!(
            maintenance_due(Some(12), None, Some(d(2025, 3, 1))),
            Some(d(2026, 3, 1))
        );
        assert_eq!(maintenance_due(None, Some(d(2026, 1, 1)), None), None);
        assert_eq!(maintenance_due(Some(6), None, None), None);
    }
}
