//! The registry's JSON API: applications with their workflow and documents, the master plan,
//! compliance findings and scores.

pub mod app_action;
pub mod app_create;
pub mod app_get;
pub mod app_list;
pub mod app_sso;
pub mod app_update;
pub mod compliance;
pub mod master_plan;

use serde::Serialize;

use crate::store::{ApplicationRow, DocumentRow, EventRow};

/// A page of applications.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApplicationPage {
    /// This page.
    pub items: Vec<ApplicationRow>,
    /// Matching in all.
    pub total: i64,
    /// Page number.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
}

/// One application with its documents and history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApplicationDetail {
    /// The record.
    #[serde(flatten)]
    pub application: ApplicationRow,
    /// Every document version handed over.
    pub documents: Vec<DocumentRow>,
    /// Kinds of the nine still missing.
    pub documents_missing: Vec<String>,
    /// Every step so far.
    pub history: Vec<EventRow>,
}
