//! The registry's JSON API: applications with their workflow and documents, the master plan,
//! compliance findings and scores.

pub mod app_action;
pub mod app_create;
pub mod app_get;
pub mod app_list;
pub mod app_sso;
pub mod app_update;
pub mod compliance;
pub mod documents;
pub mod master_plan;

use chrono::{NaiveDate, NaiveDateTime};
use kernel::ids::AgencyId;
use serde::Serialize;
use sso::{ClientId, SecurityLevel};

use crate::model::{
    AppKind, ApplicationId, DocumentId, DocumentKind, Funding, Lifecycle, Placement, PlanId,
    PlanItemId, Status,
};
use crate::store::{ApplicationRow, DocumentRow, EventRow, ItemRow, PlanRow};

/// An application as the API shows it (its stored row stays private).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = Application)]
pub struct ApplicationRecord {
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

impl From<ApplicationRow> for ApplicationRecord {
    fn from(r: ApplicationRow) -> Self {
        Self {
            id: r.id,
            agency_id: r.agency_id,
            name: r.name,
            kind: r.kind,
            purpose: r.purpose,
            users: r.users,
            funding_source: r.funding_source,
            funding_amount: r.funding_amount,
            open_source: r.open_source,
            licence: r.licence,
            source_repo: r.source_repo,
            code_owned_by_region: r.code_owned_by_region,
            licence_owned_by_region: r.licence_owned_by_region,
            web_based: r.web_based,
            production_url: r.production_url,
            sso_client_id: r.sso_client_id,
            interfaces: r.interfaces,
            security_level: r.security_level,
            hosting: r.hosting,
            lifecycle: r.lifecycle,
            master_plan_item_id: r.master_plan_item_id,
            status: r.status,
            review_note: r.review_note,
            created_at: r.created_at,
            created_by: r.created_by,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
            feature_correction: r.feature_correction,
            feature_cancel: r.feature_cancel,
            feature_confirmation: r.feature_confirmation,
            feature_offer_choice: r.feature_offer_choice,
        }
    }
}

/// A version of a technical document as the API shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = Document)]
pub struct DocumentRecord {
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

impl From<DocumentRow> for DocumentRecord {
    fn from(r: DocumentRow) -> Self {
        Self {
            id: r.id,
            application_id: r.application_id,
            kind: r.kind,
            version: r.version,
            sha256: r.sha256,
            filename: r.filename,
            media_type: r.media_type,
            size: r.size,
            uploaded_at: r.uploaded_at,
            uploaded_by: r.uploaded_by,
        }
    }
}

/// A step of an application's history.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = HistoryStep)]
pub struct HistoryStep {
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

impl From<EventRow> for HistoryStep {
    fn from(r: EventRow) -> Self {
        Self {
            id: r.id,
            application_id: r.application_id,
            at: r.at,
            actor: r.actor,
            action: r.action,
            status: r.status,
            note: r.note,
        }
    }
}

/// The master plan as the API shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = MasterPlan)]
pub struct PlanRecord {
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

impl From<PlanRow> for PlanRecord {
    fn from(r: PlanRow) -> Self {
        Self {
            id: r.id,
            title: r.title,
            period_start: r.period_start,
            period_end: r.period_end,
            adopted_on: r.adopted_on,
            last_reviewed_on: r.last_reviewed_on,
            created_at: r.created_at,
            created_by: r.created_by,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
        }
    }
}

/// An item of the master plan.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = MasterPlanItem)]
pub struct PlanItemRecord {
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

impl From<ItemRow> for PlanItemRecord {
    fn from(r: ItemRow) -> Self {
        Self {
            id: r.id,
            plan_id: r.plan_id,
            code: r.code,
            title: r.title,
            created_at: r.created_at,
            created_by: r.created_by,
        }
    }
}

/// One application with its documents and history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApplicationDetail {
    /// The record.
    #[serde(flatten)]
    pub application: ApplicationRecord,
    /// Every document version handed over.
    pub documents: Vec<DocumentRecord>,
    /// Kinds of the nine still missing.
    pub documents_missing: Vec<DocumentKind>,
    /// Every step so far.
    pub history: Vec<HistoryStep>,
}
