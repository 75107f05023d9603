//! The catalogue's API under `/api/v1/data/`: datasets, their variables, Wali Data and
//! indicators, uploads and versions, and the rows of any version (`rows`). Responses have their
//! own types, separate from the stored rows.

pub mod datasets;
pub mod regions;
pub mod rows;
pub mod versions;

use chrono::{NaiveDate, NaiveDateTime};
use kernel::ids::{AgencyId, PersonId};

use crate::model::{Classification, DatasetId, Frequency, Topic, VersionId};
use crate::store::{DatasetRow, VersionRow, VersionStatus};

/// A dataset as the API shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = DataDataset)]
pub struct DatasetRecord {
    /// Id.
    pub id: DatasetId,
    /// Producing agency.
    pub agency_id: AgencyId,
    /// Name in addresses and the CKAN API.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Group (EN 10.3).
    pub topic: Topic,
    /// Who may see it.
    pub classification: Classification,
    /// Why it is excluded.
    pub exclusion_reason: String,
    /// How often it must be brought up to date.
    pub frequency: Frequency,
    /// When the next update is due.
    pub next_due: Option<NaiveDate>,
    /// Whether that date has passed.
    pub overdue: bool,
    /// Period covered.
    pub period: String,
    /// Region codes of the area covered.
    pub coverage: String,
    /// Unit.
    pub unit: String,
    /// Licence.
    pub licence: String,
    /// Contact.
    pub contact_name: String,
    /// Contact's e-mail.
    pub contact_email: String,
    /// Tags, `a, b`.
    pub tags: String,
    /// The statistical activity (MS-Keg).
    pub activity_name: String,
    /// How it collects the data.
    pub activity_method: String,
    /// The Wali Data.
    pub wali_person_id: Option<PersonId>,
    /// The decision appointing them.
    pub wali_decree_number: String,
    /// Its date.
    pub wali_decree_date: Option<NaiveDate>,
    /// The current version.
    pub current_version: Option<VersionId>,
    /// The version the open-data portal shows (the newest the Walidata published).
    pub published_version: Option<VersionId>,
    /// When the data was last brought up to date (UTC).
    #[serde(serialize_with = "kernel::api::utc_opt")]
    pub updated_data_at: Option<NaiveDateTime>,
    /// When the description last changed (UTC).
    #[serde(serialize_with = "kernel::api::utc")]
    pub updated_at: NaiveDateTime,
}

impl DatasetRecord {
    /// The record of a stored dataset, `today` deciding whether it is overdue.
    pub fn of(r: DatasetRow, today: NaiveDate) -> Self {
        Self {
            overdue: crate::model::overdue(r.next_due, today),
            id: r.id,
            agency_id: r.agency_id,
            slug: r.slug,
            title: r.title,
            description: r.description,
            topic: r.topic,
            classification: r.classification,
            exclusion_reason: r.exclusion_reason,
            frequency: r.frequency,
            next_due: r.next_due,
            period: r.period,
            coverage: r.coverage,
            unit: r.unit,
            licence: r.licence,
            contact_name: r.contact_name,
            contact_email: r.contact_email,
            tags: r.tags,
            activity_name: r.activity_name,
            activity_method: r.activity_method,
            wali_person_id: r.wali_person_id,
            wali_decree_number: r.wali_decree_number,
            wali_decree_date: r.wali_decree_date,
            current_version: r.current_version,
            published_version: r.published_version,
            updated_data_at: r.updated_data_at,
            updated_at: r.updated_at,
        }
    }
}

/// A version as the API shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = DataVersion)]
pub struct VersionRecord {
    /// Its number within the dataset, from 1.
    pub number: i32,
    /// `ingesting`, `ready` or `failed`.
    pub status: VersionStatus,
    /// The uploaded file's name.
    pub file_name: String,
    /// Its SHA-256.
    pub file_sha256: String,
    /// Rows read.
    pub rows: i64,
    /// Rows not in the version before.
    pub added: i64,
    /// Rows of the version before no longer there.
    pub removed: i64,
    /// Rows whose key stayed but whose values changed.
    pub changed: i64,
    /// Why it was refused.
    pub report: Option<crate::ingest::Report>,
    /// The variables it was read with.
    pub columns: Vec<crate::variables::Column>,
    /// When it was uploaded (UTC).
    #[serde(serialize_with = "kernel::api::utc")]
    pub created_at: NaiveDateTime,
    /// By whom.
    pub created_by: String,
    /// The Walidata's check of a public dataset's version: `pending`, `published` (the
    /// portal shows it) or `returned`.
    pub review: crate::model::Review,
    /// Why it was returned.
    pub review_note: String,
    /// When it was checked (UTC).
    #[serde(serialize_with = "kernel::api::utc_opt")]
    pub reviewed_at: Option<NaiveDateTime>,
}

impl From<VersionRow> for VersionRecord {
    fn from(v: VersionRow) -> Self {
        Self {
            columns: v.schema(),
            report: serde_json::from_str(&v.report).ok(),
            number: v.number,
            status: v.status,
            file_name: v.file_name,
            file_sha256: v.file_sha,
            rows: v.row_count,
            added: v.added,
            removed: v.removed,
            changed: v.changed,
            created_at: v.created_at,
            created_by: v.created_by,
            review: v.review,
            review_note: v.review_note,
            reviewed_at: v.reviewed_at,
        }
    }
}
