//! What the inventory's pages, API and import need to know of each kind of record, so that one
//! set of handlers serves vendors, devices and servers alike (as NetBox's generic views do).
//! A record travels as named text values: the form, a CSV or XLSX row and the stored row all
//! read into the same draft.

use std::collections::BTreeMap;

use db::DbConn;
use diesel::QueryResult;
use kernel::audit::Actor;
use kernel::permissions::Visible;
use kernel::{AppError, AppResult};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::store::{self, DeviceRow, ServerRow, VendorRow};
use super::{DEVICE_KINDS, DeviceDraft, SERVER_KINDS, SITES, ServerDraft, VendorDraft, service};
use crate::model::{self, FUNDING};

/// How a field is typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// Free text.
    Text,
    /// `YYYY-MM-DD`.
    Date,
    /// A whole number.
    Number,
    /// A checkbox.
    Check,
    /// One of fixed values, labelled by the message `prefix` + value.
    Choice(&'static [&'static str], &'static str),
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

/// A page of records with their agency codes, and how many match in all.
pub type Listed<R> = (Vec<(R, String)>, i64);

/// A kind of inventory record.
pub trait Entity: Send + Sync + 'static {
    /// What a form, a JSON body or an import row reads into.
    type Draft: DeserializeOwned + Send + 'static;
    /// What is stored.
    type Row: Serialize + Clone + Send + 'static;
    /// URL segment (`vendors`) under `/registry/` and `/api/v1/`.
    const PATH: &'static str;
    /// Record type in the audit trail and findings (`vendor`).
    const RECORD: &'static str;
    /// The form's fields in order (the agency comes first and is not listed).
    const FIELDS: &'static [Spec];
    /// The fields shown as list columns.
    const LIST: &'static [&'static str];
    /// Read-only columns an export adds after the fields (an import ignores them).
    const EXTRA: &'static [&'static str] = &[];

    /// The record's id.
    fn id(r: &Self::Row) -> &str;
    /// The record's owner agency.
    fn agency(r: &Self::Row) -> &str;
    /// The draft's owner agency.
    fn draft_agency(d: &Self::Draft) -> &str;
    /// The record's display name.
    fn name(r: &Self::Row) -> &str;
    /// One stored record.
    fn find(c: &mut DbConn, id: &str) -> QueryResult<Option<Self::Row>>;
    /// A page of the visible records matching `q`, with their agency codes, and the total.
    fn list(
        c: &mut DbConn,
        v: &Visible,
        q: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> QueryResult<Listed<Self::Row>>;
    /// Validates and stores (`id`: update), recording the change.
    fn save(
        c: &mut DbConn,
        actor: &Actor,
        id: Option<&str>,
        d: &Self::Draft,
    ) -> AppResult<Self::Row>;
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
    const LIST: &'static [&'static str] =
        &["name", "contract_number", "contract_end", "warranty_until"];

    fn id(r: &VendorRow) -> &str {
        &r.id
    }
    fn agency(r: &VendorRow) -> &str {
        &r.agency_id
    }
    fn draft_agency(d: &VendorDraft) -> &str {
        &d.agency_id
    }
    fn name(r: &VendorRow) -> &str {
        &r.name
    }
    fn find(c: &mut DbConn, id: &str) -> QueryResult<Option<VendorRow>> {
        store::vendor_find(c, id)
    }
    fn list(
        c: &mut DbConn,
        v: &Visible,
        q: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> QueryResult<(Vec<(VendorRow, String)>, i64)> {
        store::vendor_list(c, v, q, limit, offset)
    }
    fn save(c: &mut DbConn, a: &Actor, id: Option<&str>, d: &VendorDraft) -> AppResult<VendorRow> {
        service::save_vendor(c, a, id, d)
    }
}

impl Entity for Devices {
    type Draft = DeviceDraft;
    type Row = DeviceRow;
    const PATH: &'static str = "devices";
    const RECORD: &'static str = "device";
    const FIELDS: &'static [Spec] = &[
        f("kind", Input::Choice(&DEVICE_KINDS, "device-kind-")),
        f("name", Input::Text),
        f("serial", Input::Text),
        f("acquired_on", Input::Date),
        f("funding_source", Input::Choice(&FUNDING, "app-funding-")),
        f("location", Input::Text),
        f("maintenance_months", Input::Number),
        f("last_maintained_on", Input::Date),
        f("retired", Input::Check),
    ];
    const LIST: &'static [&'static str] =
        &["name", "kind", "serial", "location", "last_maintained_on"];

    fn id(r: &DeviceRow) -> &str {
        &r.id
    }
    fn agency(r: &DeviceRow) -> &str {
        &r.agency_id
    }
    fn draft_agency(d: &DeviceDraft) -> &str {
        &d.agency_id
    }
    fn name(r: &DeviceRow) -> &str {
        &r.name
    }
    fn find(c: &mut DbConn, id: &str) -> QueryResult<Option<DeviceRow>> {
        store::device_find(c, id)
    }
    fn list(
        c: &mut DbConn,
        v: &Visible,
        q: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> QueryResult<(Vec<(DeviceRow, String)>, i64)> {
        store::device_list(c, v, q, limit, offset)
    }
    fn save(c: &mut DbConn, a: &Actor, id: Option<&str>, d: &DeviceDraft) -> AppResult<DeviceRow> {
        service::save_device(c, a, id, d)
    }
}

impl Entity for Servers {
    type Draft = ServerDraft;
    type Row = ServerRow;
    const PATH: &'static str = "servers";
    const RECORD: &'static str = "server";
    const FIELDS: &'static [Spec] = &[
        f("name", Input::Text),
        f("kind", Input::Choice(&SERVER_KINDS, "server-kind-")),
        f("site", Input::Choice(&SITES, "server-site-")),
        f("rack_or_cluster", Input::Text),
        f("cpu_cores", Input::Number),
        f("memory_gb", Input::Number),
        f("storage_gb", Input::Number),
        f("retired", Input::Check),
    ];
    const LIST: &'static [&'static str] = &[
        "name",
        "kind",
        "site",
        "rack_or_cluster",
        "cpu_cores",
        "memory_gb",
    ];

    fn id(r: &ServerRow) -> &str {
        &r.id
    }
    fn agency(r: &ServerRow) -> &str {
        &r.agency_id
    }
    fn draft_agency(d: &ServerDraft) -> &str {
        &d.agency_id
    }
    fn name(r: &ServerRow) -> &str {
        &r.name
    }
    fn find(c: &mut DbConn, id: &str) -> QueryResult<Option<ServerRow>> {
        store::server_find(c, id)
    }
    fn list(
        c: &mut DbConn,
        v: &Visible,
        q: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> QueryResult<(Vec<(ServerRow, String)>, i64)> {
        store::server_list(c, v, q, limit, offset)
    }
    fn save(c: &mut DbConn, a: &Actor, id: Option<&str>, d: &ServerDraft) -> AppResult<ServerRow> {
        service::save_server(c, a, id, d)
    }
}

impl Entity for Applications {
    type Draft = crate::pages::AppForm;
    type Row = crate::store::ApplicationRow;
    const PATH: &'static str = "applications";
    const RECORD: &'static str = "application";
    const FIELDS: &'static [Spec] = &[
        f("name", Input::Text),
        f("kind", Input::Choice(&model::KINDS, "app-kind-")),
        f("purpose", Input::Text),
        f("users", Input::Text),
        f("funding_source", Input::Choice(&FUNDING, "app-funding-")),
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
            Input::Choice(&model::SECURITY_LEVELS, "sso-level-"),
        ),
        f("hosting", Input::Choice(&model::HOSTING, "app-hosting-")),
        f(
            "lifecycle",
            Input::Choice(&model::LIFECYCLE, "app-lifecycle-"),
        ),
        f("master_plan_item_id", Input::Text),
        f("feature_correction", Input::Check),
        f("feature_cancel", Input::Check),
        f("feature_confirmation", Input::Check),
        f("feature_offer_choice", Input::Check),
    ];
    const LIST: &'static [&'static str] = &["name", "kind", "lifecycle"];
    const EXTRA: &'static [&'static str] = &["status"];

    fn id(r: &Self::Row) -> &str {
        &r.id
    }
    fn agency(r: &Self::Row) -> &str {
        &r.agency_id
    }
    fn draft_agency(d: &Self::Draft) -> &str {
        d.agency_id()
    }
    fn name(r: &Self::Row) -> &str {
        &r.name
    }
    fn find(c: &mut DbConn, id: &str) -> QueryResult<Option<Self::Row>> {
        crate::store::app_find(c, id)
    }
    fn list(
        c: &mut DbConn,
        v: &Visible,
        q: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> QueryResult<Listed<Self::Row>> {
        let filter = crate::store::AppFilter {
            q: q.map(str::to_owned),
            ..Default::default()
        };
        crate::store::app_list(c, v, &filter, limit, offset)
    }
    /// A new application is recorded as a draft; a correction follows the review's rules.
    fn save(c: &mut DbConn, a: &Actor, id: Option<&str>, d: &Self::Draft) -> AppResult<Self::Row> {
        let draft = d.draft().map_err(|e| AppError::Validation(vec![e]))?;
        match id {
            Some(id) => crate::service::update(c, a, id, &draft),
            None => crate::service::create(c, a, &draft),
        }
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
            id: "s".into(),
            agency_id: "a".into(),
            name: "srv-01".into(),
            kind: "virtual".into(),
            site: "dinas_dc".into(),
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
            (back.cpu_cores, back.retired, back.site.as_str()),
            (4, false, "dinas_dc")
        );
        let err = draft_from::<ServerDraft>(&[("colour".into(), "red".into())]).unwrap_err();
        assert!(matches!(err, AppError::Validation(e) if e[0].field == "colour"));
    }
}
