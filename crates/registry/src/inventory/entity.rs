//! What the inventory's pages, API and import need to know of each kind of record, so that one
//! set of handlers serves vendors, devices and servers alike (as NetBox's generic views do).
//! A record travels as named text values: the form, a CSV or XLSX row and the stored row all
//! read into the same draft.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use db::DbConn;
use diesel::QueryResult;
use kernel::audit::Actor;
use kernel::i18n::Tr;
use kernel::listing::{self, Cell, Column, Export, List, ListQuery};
use kernel::permissions::Visible;
use kernel::{AppError, AppResult};
use serde::Serialize;
use serde::de::DeserializeOwned;

use kernel::ids::{AgencyId, Choice};

use super::api::{DeviceRecord, ServerRecord, VendorRecord};
use super::export;
use super::store::{self, DeviceRow, ServerRow, VendorRow};
use super::{
    DeviceDraft, DeviceId, DeviceKind, ServerDraft, ServerId, ServerKind, Site, VendorDraft,
    VendorId, service,
};
use crate::lookups::Lookups;
use crate::model::{AppKind, ApplicationId, Funding, Lifecycle, Placement};
use sso::SecurityLevel;

/// How a field is typed in.
#[derive(Debug, Clone, Copy)]
pub enum Input {
    /// Free text.
    Text,
    /// `YYYY-MM-DD`.
    Date,
    /// A whole number.
    Number,
    /// A checkbox.
    Check,
    /// One of fixed values (their names), labelled by the message `prefix` + name.
    Choice(fn() -> Vec<&'static str>, &'static str),
    /// One of the agency's applications.
    Application,
}

/// One field of a record, as shown on its form and named in an import's header.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Field name (also the CSV column).
    pub name: &'static str,
    /// How it is typed.
    pub input: Input,
}

const fn f(name: &'static str, input: Input) -> Spec {
    Spec { name, input }
}

/// The names of a closed set, for a [`Input::Choice`].
fn names<E: Choice>() -> Vec<&'static str> {
    E::all().iter().map(|v| v.name()).collect()
}

/// The agency column every inventory list starts with.
const fn agency_column<R>() -> Column<(R, String)> {
    Column {
        label: "app-agency",
        sort: None,
        cell: agency_cell::<R>,
    }
}

fn agency_cell<R>((_, code): &(R, String), _: Tr) -> Cell {
    Cell::code(code)
}

fn date(d: Option<NaiveDate>, tr: Tr) -> Cell {
    Cell::text(d.map(|d| tr.date(d)).unwrap_or_default())
}

/// A page of records, and how many match in all.
pub type Listed<R> = (Vec<R>, listing::Total);

/// A kind of inventory record.
pub trait Entity: Send + Sync + 'static {
    /// What a form, a JSON body or an import row reads into.
    type Draft: DeserializeOwned + Send + 'static;
    /// What is stored.
    type Row: Serialize + Clone + Send + 'static;
    /// What the API sends.
    type Out: Serialize + From<Self::Row> + Send + 'static;
    /// Its id.
    type Id: Copy + std::fmt::Display + Eq + std::hash::Hash + Send + 'static;
    /// A draft once checked: what is stored.
    type Valid: Send + 'static;
    /// URL segment (`vendors`) under `/registry/` and `/api/v1/`.
    const PATH: &'static str;
    /// Record type in the audit trail and findings (`vendor`).
    const RECORD: &'static str;
    /// The form's fields in order (the agency comes first and is not listed).
    const FIELDS: &'static [Spec];
    /// The list of them, on its page and in the API.
    const LISTING: List<(Self::Row, String)>;
    /// The field holding the key [`Entity::draft_key`] reads.
    const KEY: &'static str;
    /// Read-only columns an export adds after the fields (an import ignores them).
    const EXTRA: &'static [&'static str] = &[];

    /// The message key of a field's label.
    fn label_key(field: &str) -> String {
        format!("{}-{field}", Self::PATH)
    }

    /// Reads an id from a path or an import row.
    fn parse_id(text: &str) -> Option<Self::Id>;
    /// The record's id.
    fn id(r: &Self::Row) -> Self::Id;
    /// The record's owner agency.
    fn agency(r: &Self::Row) -> AgencyId;
    /// The draft's owner agency.
    fn draft_agency(d: &Self::Draft) -> &str;
    /// The record's display name.
    fn name(r: &Self::Row) -> &str;
    /// One stored record.
    fn find(c: &mut DbConn, id: Self::Id) -> QueryResult<Option<Self::Row>>;
    /// A page of the visible records the list asks for (or all, for a download), and the
    /// total.
    fn list(c: &mut DbConn, v: &Visible, q: &ListQuery) -> QueryResult<Listed<Self::Row>>;
    /// Checks as [`Entity::save`] would, writing nothing (an import's preview): `before` is
    /// the record a correction starts from.
    fn check(
        c: &mut DbConn,
        look: &mut Lookups,
        region: bool,
        before: Option<&Self::Row>,
        d: &Self::Draft,
    ) -> AppResult<Self::Valid>;
    /// What tells an import row's record apart within its agency (lower-case): the serial
    /// number, the host name, the contract number, the application's name. A row whose key
    /// its agency already has is that record again (updated, skipped or refused).
    fn draft_key(d: &Self::Draft) -> Option<String>;
    /// An agency's records and their keys (as [`Entity::draft_key`] gives them).
    fn keyed(c: &mut DbConn, agency: AgencyId) -> QueryResult<Vec<(Self::Id, String)>>;
    /// Stores new records an import checked, many in one statement, and gives them back as
    /// stored; the import records them in the audit trail.
    fn insert_many(c: &mut DbConn, by: &str, new: &[Self::Valid]) -> QueryResult<Vec<Self::Row>>;
    /// Validates and stores (`id`: update), recording the change. `region`: whether the actor
    /// may write region-wide (the Dinas), which some records' fields need.
    fn save(
        c: &mut DbConn,
        look: &mut Lookups,
        actor: &Actor,
        region: bool,
        id: Option<Self::Id>,
        d: &Self::Draft,
    ) -> AppResult<Self::Row>;
}

/// A key as [`Entity::draft_key`] compares it.
fn key(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_lowercase())
}

/// Keys as [`Entity::keyed`] gives them.
fn keys<I>(rows: Vec<(I, String)>) -> Vec<(I, String)> {
    rows.into_iter()
        .filter_map(|(id, k)| key(&k).map(|k| (id, k)))
        .collect()
}

/// Applications (their own pages are in `crate::pages`; this serves import and export).
pub struct Applications;
/// Vendors.
pub struct Vendors;
/// Devices.
pub struct Devices;
/// Servers.
pub struct Servers;

impl Entity for Vendors {
    type Draft = VendorDraft;
    type Row = VendorRow;
    type Out = VendorRecord;
    type Id = VendorId;
    const KEY: &'static str = "contract_number";
    type Valid = super::Vendor;
    const PATH: &'static str = "vendors";
    const RECORD: &'static str = "vendor";
    const FIELDS: &'static [Spec] = &[
        f("name", Input::Text),
        f("contract_number", Input::Text),
        f("contract_start", Input::Date),
        f("contract_end", Input::Date),
        f("application_id", Input::Application),
        f("confidentiality_signed", Input::Check),
        f("training_given", Input::Check),
        f("warranty_until", Input::Date),
    ];
    const LISTING: List<(VendorRow, String)> = List {
        path: "/registry/vendors",
        filters: &[listing::search()],
        sorts: &["name", "contract_end"],
        default_sort: "name",
        columns: &[
            agency_column(),
            Column {
                label: "vendors-name",
                sort: Some("name"),
                cell: |(r, _), _| Cell::link(&r.name, format!("/registry/vendors/{}", r.id)),
            },
            Column {
                label: "vendors-contract_number",
                sort: None,
                cell: |(r, _), _| Cell::text(&r.contract_number),
            },
            Column {
                label: "vendors-contract_end",
                sort: Some("contract_end"),
                cell: |(r, _), tr| date(Some(r.contract_end), tr),
            },
            Column {
                label: "vendors-warranty_until",
                sort: None,
                cell: |(r, _), tr| date(r.warranty_until, tr),
            },
        ],
        export: Some(Export {
            stem: "vendors",
            header: export::columns::<Vendors>,
            row: export::line::<Vendors>,
        }),
    };

    fn parse_id(text: &str) -> Option<VendorId> {
        VendorId::parse(text)
    }
    fn id(r: &VendorRow) -> VendorId {
        r.id
    }
    fn agency(r: &VendorRow) -> AgencyId {
        r.agency_id
    }
    fn draft_agency(d: &VendorDraft) -> &str {
        &d.agency_id
    }
    fn name(r: &VendorRow) -> &str {
        &r.name
    }
    fn find(c: &mut DbConn, id: VendorId) -> QueryResult<Option<VendorRow>> {
        store::vendor_find(c, id)
    }
    fn list(c: &mut DbConn, v: &Visible, q: &ListQuery) -> QueryResult<Listed<VendorRow>> {
        store::vendor_list(c, v, q)
    }
    fn save(
        c: &mut DbConn,
        look: &mut Lookups,
        a: &Actor,
        _region: bool,
        id: Option<VendorId>,
        d: &VendorDraft,
    ) -> AppResult<VendorRow> {
        service::save_vendor(c, look, a, id, d)
    }
    fn check(
        c: &mut DbConn,
        look: &mut Lookups,
        _region: bool,
        before: Option<&VendorRow>,
        d: &VendorDraft,
    ) -> AppResult<super::Vendor> {
        service::check_vendor(c, look, before, d)
    }
    fn draft_key(d: &VendorDraft) -> Option<String> {
        key(&d.contract_number)
    }
    fn keyed(c: &mut DbConn, agency: AgencyId) -> QueryResult<Vec<(VendorId, String)>> {
        store::vendor_contracts(c, agency).map(keys)
    }
    fn insert_many(c: &mut DbConn, by: &str, new: &[super::Vendor]) -> QueryResult<Vec<VendorRow>> {
        store::vendors_insert(c, new, by)
    }
}

impl Entity for Devices {
    type Draft = DeviceDraft;
    type Row = DeviceRow;
    type Out = DeviceRecord;
    type Id = DeviceId;
    const KEY: &'static str = "serial";
    type Valid = super::Device;
    const PATH: &'static str = "devices";
    const RECORD: &'static str = "device";
    const FIELDS: &'static [Spec] = &[
        f("kind", Input::Choice(names::<DeviceKind>, "device-kind-")),
        f("name", Input::Text),
        f("serial", Input::Text),
        f("acquired_on", Input::Date),
        f(
            "funding_source",
            Input::Choice(names::<Funding>, "app-funding-"),
        ),
        f("location", Input::Text),
        f("maintenance_months", Input::Number),
        f("last_maintained_on", Input::Date),
        f("retired", Input::Check),
    ];
    const LISTING: List<(DeviceRow, String)> = List {
        path: "/registry/devices",
        filters: &[listing::search()],
        sorts: &["name", "last_maintained_on"],
        default_sort: "name",
        columns: &[
            agency_column(),
            Column {
                label: "devices-name",
                sort: Some("name"),
                cell: |(r, _), _| Cell::link(&r.name, format!("/registry/devices/{}", r.id)),
            },
            Column {
                label: "devices-kind",
                sort: None,
                cell: |(r, _), tr| Cell::text(tr.tp("device-kind-", r.kind)),
            },
            Column {
                label: "devices-serial",
                sort: None,
                cell: |(r, _), _| Cell::maybe(r.serial.as_deref()),
            },
            Column {
                label: "devices-location",
                sort: None,
                cell: |(r, _), _| Cell::text(&r.location),
            },
            Column {
                label: "devices-last_maintained_on",
                sort: Some("last_maintained_on"),
                cell: |(r, _), tr| date(r.last_maintained_on, tr),
            },
        ],
        export: Some(Export {
            stem: "devices",
            header: export::columns::<Devices>,
            row: export::line::<Devices>,
        }),
    };

    fn parse_id(text: &str) -> Option<DeviceId> {
        DeviceId::parse(text)
    }
    fn id(r: &DeviceRow) -> DeviceId {
        r.id
    }
    fn agency(r: &DeviceRow) -> AgencyId {
        r.agency_id
    }
    fn draft_agency(d: &DeviceDraft) -> &str {
        &d.agency_id
    }
    fn name(r: &DeviceRow) -> &str {
        &r.name
    }
    fn find(c: &mut DbConn, id: DeviceId) -> QueryResult<Option<DeviceRow>> {
        store::device_find(c, id)
    }
    fn list(c: &mut DbConn, v: &Visible, q: &ListQuery) -> QueryResult<Listed<DeviceRow>> {
        store::device_list(c, v, q)
    }
    fn save(
        c: &mut DbConn,
        look: &mut Lookups,
        a: &Actor,
        _region: bool,
        id: Option<DeviceId>,
        d: &DeviceDraft,
    ) -> AppResult<DeviceRow> {
        service::save_device(c, look, a, id, d)
    }
    fn check(
        c: &mut DbConn,
        look: &mut Lookups,
        _region: bool,
        before: Option<&DeviceRow>,
        d: &DeviceDraft,
    ) -> AppResult<super::Device> {
        service::check_device(c, look, before, d)
    }
    fn draft_key(d: &DeviceDraft) -> Option<String> {
        key(&d.serial)
    }
    fn keyed(c: &mut DbConn, agency: AgencyId) -> QueryResult<Vec<(DeviceId, String)>> {
        let serials = store::device_serials(c, agency)?;
        Ok(keys(
            serials.into_iter().map(|(id, s, _)| (id, s)).collect(),
        ))
    }
    fn insert_many(c: &mut DbConn, by: &str, new: &[super::Device]) -> QueryResult<Vec<DeviceRow>> {
        store::devices_insert(c, new, by)
    }
}

impl Entity for Servers {
    type Draft = ServerDraft;
    type Row = ServerRow;
    type Out = ServerRecord;
    type Id = ServerId;
    const KEY: &'static str = "name";
    type Valid = super::Server;
    const PATH: &'static str = "servers";
    const RECORD: &'static str = "server";
    const FIELDS: &'static [Spec] = &[
        f("name", Input::Text),
        f("kind", Input::Choice(names::<ServerKind>, "server-kind-")),
        f("site", Input::Choice(names::<Site>, "server-site-")),
        f("rack_or_cluster", Input::Text),
        f("cpu_cores", Input::Number),
        f("memory_gb", Input::Number),
        f("storage_gb", Input::Number),
        f("retired", Input::Check),
    ];
    const LISTING: List<(ServerRow, String)> = List {
        path: "/registry/servers",
        filters: &[listing::search()],
        sorts: &["name"],
        default_sort: "name",
        columns: &[
            agency_column(),
            Column {
                label: "servers-name",
                sort: Some("name"),
                cell: |(r, _), _| Cell::link(&r.name, format!("/registry/servers/{}", r.id)),
            },
            Column {
                label: "servers-kind",
                sort: None,
                cell: |(r, _), tr| Cell::text(tr.tp("server-kind-", r.kind)),
            },
            Column {
                label: "servers-site",
                sort: None,
                cell: |(r, _), tr| Cell::text(tr.tp("server-site-", r.site)),
            },
            Column {
                label: "servers-rack_or_cluster",
                sort: None,
                cell: |(r, _), _| Cell::text(&r.rack_or_cluster),
            },
            Column {
                label: "servers-cpu_cores",
                sort: None,
                cell: |(r, _), _| Cell::text(r.cpu_cores.to_string()),
            },
            Column {
                label: "servers-memory_gb",
                sort: None,
                cell: |(r, _), _| Cell::text(r.memory_gb.to_string()),
            },
        ],
        export: Some(Export {
            stem: "servers",
            header: export::columns::<Servers>,
            row: export::line::<Servers>,
        }),
    };

    fn parse_id(text: &str) -> Option<ServerId> {
        ServerId::parse(text)
    }
    fn id(r: &ServerRow) -> ServerId {
        r.id
    }
    fn agency(r: &ServerRow) -> AgencyId {
        r.agency_id
    }
    fn draft_agency(d: &ServerDraft) -> &str {
        &d.agency_id
    }
    fn name(r: &ServerRow) -> &str {
        &r.name
    }
    fn find(c: &mut DbConn, id: ServerId) -> QueryResult<Option<ServerRow>> {
        store::server_find(c, id)
    }
    fn list(c: &mut DbConn, v: &Visible, q: &ListQuery) -> QueryResult<Listed<ServerRow>> {
        store::server_list(c, v, q)
    }
    fn save(
        c: &mut DbConn,
        look: &mut Lookups,
        a: &Actor,
        region: bool,
        id: Option<ServerId>,
        d: &ServerDraft,
    ) -> AppResult<ServerRow> {
        service::save_server(c, look, a, region, id, d)
    }
    fn check(
        c: &mut DbConn,
        look: &mut Lookups,
        region: bool,
        before: Option<&ServerRow>,
        d: &ServerDraft,
    ) -> AppResult<super::Server> {
        service::check_server(c, look, region, before, d)
    }
    fn draft_key(d: &ServerDraft) -> Option<String> {
        key(&d.name)
    }
    fn keyed(c: &mut DbConn, agency: AgencyId) -> QueryResult<Vec<(ServerId, String)>> {
        store::server_names(c, agency).map(keys)
    }
    fn insert_many(c: &mut DbConn, by: &str, new: &[super::Server]) -> QueryResult<Vec<ServerRow>> {
        store::servers_insert(c, new, by)
    }
}

impl Entity for Applications {
    type Draft = crate::pages::AppForm;
    type Row = crate::store::ApplicationRow;
    type Out = crate::api::ApplicationRecord;
    type Id = ApplicationId;
    const KEY: &'static str = "name";
    type Valid = crate::model::Application;
    const PATH: &'static str = "applications";
    /// As the registration form labels them.
    fn label_key(field: &str) -> String {
        crate::pages::APP_FORM
            .fields
            .iter()
            .find(|f| f.name == field)
            .map_or_else(
                || format!("app-{}", field.replace('_', "-")),
                |f| f.label.to_owned(),
            )
    }
    const RECORD: &'static str = "application";
    const FIELDS: &'static [Spec] = &[
        f("name", Input::Text),
        f("kind", Input::Choice(names::<AppKind>, "app-kind-")),
        f("purpose", Input::Text),
        f("users", Input::Text),
        f(
            "funding_source",
            Input::Choice(names::<Funding>, "app-funding-"),
        ),
        f("funding_amount", Input::Number),
        f("open_source", Input::Check),
        f("licence", Input::Text),
        f("source_repo", Input::Text),
        f("code_owned_by_region", Input::Check),
        f("licence_owned_by_region", Input::Check),
        f("web_based", Input::Check),
        f("production_url", Input::Text),
        f("sso_client_id", Input::Text),
        f("interfaces", Input::Text),
        f(
            "security_level",
            Input::Choice(names::<SecurityLevel>, "sso-level-"),
        ),
        f("hosting", Input::Choice(names::<Placement>, "app-hosting-")),
        f(
            "lifecycle",
            Input::Choice(names::<Lifecycle>, "app-lifecycle-"),
        ),
        f("master_plan_item_id", Input::Text),
        f("feature_correction", Input::Check),
        f("feature_cancel", Input::Check),
        f("feature_confirmation", Input::Check),
        f("feature_offer_choice", Input::Check),
    ];
    const LISTING: List<(Self::Row, String)> = crate::pages::app_list::LIST;
    const EXTRA: &'static [&'static str] = &["status"];

    fn parse_id(text: &str) -> Option<ApplicationId> {
        ApplicationId::parse(text)
    }
    fn id(r: &Self::Row) -> ApplicationId {
        r.id
    }
    fn agency(r: &Self::Row) -> AgencyId {
        r.agency_id
    }
    fn draft_agency(d: &Self::Draft) -> &str {
        d.agency_id()
    }
    fn name(r: &Self::Row) -> &str {
        &r.name
    }
    fn find(c: &mut DbConn, id: ApplicationId) -> QueryResult<Option<Self::Row>> {
        crate::store::app_find(c, id)
    }
    fn list(c: &mut DbConn, v: &Visible, q: &ListQuery) -> QueryResult<Listed<Self::Row>> {
        let agency = org::directory::filter(c, q)?;
        crate::store::app_list(c, v, q, agency)
    }
    /// A new application is recorded as a draft; a correction follows the review's rules.
    fn save(
        c: &mut DbConn,
        look: &mut Lookups,
        a: &Actor,
        _region: bool,
        id: Option<ApplicationId>,
        d: &Self::Draft,
    ) -> AppResult<Self::Row> {
        let draft = d.draft().map_err(AppError::Validation)?;
        match id {
            Some(id) => crate::service::update_in(c, look, a, id, &draft),
            None => crate::service::create_in(c, look, a, &draft),
        }
    }
    fn check(
        c: &mut DbConn,
        look: &mut Lookups,
        _region: bool,
        before: Option<&Self::Row>,
        d: &Self::Draft,
    ) -> AppResult<crate::model::Application> {
        let draft = d.draft().map_err(AppError::Validation)?;
        match before {
            Some(b) => crate::service::checked_update(c, look, b, &draft),
            None => crate::service::checked(c, look, &draft),
        }
    }
    fn draft_key(d: &Self::Draft) -> Option<String> {
        key(d.name())
    }
    fn keyed(c: &mut DbConn, agency: AgencyId) -> QueryResult<Vec<(ApplicationId, String)>> {
        crate::store::app_names(c, agency).map(keys)
    }
    /// Each recorded as a draft with its first step in the application's history.
    fn insert_many(
        c: &mut DbConn,
        by: &str,
        new: &[crate::model::Application],
    ) -> QueryResult<Vec<Self::Row>> {
        let mut rows = Vec::with_capacity(new.len());
        for a in new {
            let row = crate::store::app_insert(c, a, crate::model::Status::Draft, by)?;
            crate::store::event_insert(c, row.id, by, "create", crate::model::Status::Draft, None)?;
            rows.push(row);
        }
        Ok(rows)
    }
}

/// A record's fields as text, keyed by name: dates as `YYYY-MM-DD`, checkboxes as `on` or
/// empty, nothing as empty — what a form shows and an export writes.
pub fn values<T: Serialize>(row: &T) -> BTreeMap<String, String> {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(row) else {
        return BTreeMap::new();
    };
    map.into_iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::Null | serde_json::Value::Bool(false) => String::new(),
                serde_json::Value::Bool(true) => "on".to_owned(),
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (k, text)
        })
        .collect()
}

/// Reads named text values into a draft; a column or field it does not know is refused by name.
pub fn draft_from<D: DeserializeOwned>(pairs: &[(String, String)]) -> AppResult<D> {
    let encoded =
        serde_urlencoded::to_string(pairs).map_err(|e| AppError::Internal(e.to_string()))?;
    serde_urlencoded::from_str(&encoded).map_err(|e| {
        let text = e.to_string();
        match text.strip_prefix("unknown field `") {
            Some(rest) => AppError::Validation(vec![
                kernel::FieldError::new(
                    rest.split('`').next().unwrap_or("?"),
                    "error-unknown-field",
                )
                .arg("detail", rest.split('`').next().unwrap_or("?")),
            ]),
            None => AppError::BadRequest(
                kernel::FieldError::new("form", "error-form").arg("detail", text),
            ),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_record_reads_back_into_its_own_draft() {
        let now = chrono::NaiveDateTime::default();
        let row = ServerRow {
            id: ServerId::new(),
            agency_id: AgencyId::new(),
            name: "srv-01".into(),
            kind: ServerKind::Virtual,
            site: Site::DinasDc,
            rack_or_cluster: "cluster-1".into(),
            cpu_cores: 4,
            memory_gb: 16,
            storage_gb: 200,
            retired: false,
            created_at: now,
            created_by: "x".into(),
            updated_at: now,
            updated_by: "x".into(),
        };
        let v = values(&row);
        let pairs: Vec<(String, String)> = std::iter::once("agency_id")
            .chain(Servers::FIELDS.iter().map(|s| s.name))
            .map(|k| (k.to_owned(), v.get(k).cloned().unwrap_or_default()))
            .collect();
        let draft: ServerDraft = draft_from(&pairs).unwrap();
        let back = super::super::validate_server(&draft).unwrap();
        assert_eq!(
            (back.cpu_cores, back.retired, back.site),
            (4, false, Site::DinasDc)
        );
        let err = draft_from::<ServerDraft>(&[("colour".into(), "red".into())]).unwrap_err();
        assert!(matches!(err, AppError::Validation(e) if e[0].field == "colour"));
    }
}
