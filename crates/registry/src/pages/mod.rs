//! The registry's pages: applications (list, form, record with its review and documents), the
//! master plan, and compliance.

pub mod app_form;
pub mod app_list;
pub mod app_show;
pub mod compliance;
pub mod document;
pub mod master_plan;

use kernel::i18n::Tr;
use kernel::layout::choices_of;
use serde::Deserialize;
use sso::SecurityLevel;

use crate::model::{AppKind, ApplicationDraft, Funding, Lifecycle, Placement};
use crate::store::ApplicationRow;

/// The application form as typed (text for everything, so bad values are shown back).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppForm {
    #[serde(default)]
    agency_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    users: String,
    #[serde(default)]
    funding_source: String,
    #[serde(default)]
    funding_amount: String,
    #[serde(default)]
    open_source: Option<String>,
    #[serde(default)]
    licence: String,
    #[serde(default)]
    source_repo: String,
    #[serde(default)]
    code_owned_by_region: Option<String>,
    #[serde(default)]
    licence_owned_by_region: Option<String>,
    #[serde(default)]
    web_based: Option<String>,
    #[serde(default)]
    production_url: String,
    #[serde(default)]
    sso_client_id: String,
    #[serde(default)]
    interfaces: String,
    #[serde(default)]
    security_level: String,
    #[serde(default)]
    hosting: String,
    #[serde(default)]
    lifecycle: String,
    #[serde(default)]
    master_plan_item_id: String,
    #[serde(default)]
    feature_correction: Option<String>,
    #[serde(default)]
    feature_cancel: Option<String>,
    #[serde(default)]
    feature_confirmation: Option<String>,
    #[serde(default)]
    feature_offer_choice: Option<String>,
}

/// A ticked checkbox: a form sends `on`; an imported sheet may say `1`, `true`, `yes` or `ya`.
fn ticked(v: Option<&String>) -> bool {
    v.is_some_and(|v| {
        matches!(
            v.trim().to_lowercase().as_str(),
            "on" | "1" | "true" | "yes" | "ya"
        )
    })
}

impl AppForm {
    /// The owner agency as typed.
    pub fn agency_id(&self) -> &str {
        &self.agency_id
    }

    /// The name as typed.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The draft, checked as far as the form can: every problem at once (an amount that is
    /// not a number among the rest), so the person fixes them in one go.
    pub fn checked(&self) -> Result<ApplicationDraft, Vec<kernel::FieldError>> {
        let (draft, mut errors) = self.read();
        if let Err(more) = crate::model::validate_application(&draft) {
            errors.extend(more);
        }
        if errors.is_empty() {
            Ok(draft)
        } else {
            Err(errors)
        }
    }

    /// The draft to validate (an import row reads the same way).
    pub fn draft(&self) -> Result<ApplicationDraft, Vec<kernel::FieldError>> {
        let (draft, errors) = self.read();
        if errors.is_empty() {
            Ok(draft)
        } else {
            Err(errors)
        }
    }

    /// The draft as typed, and the error of an amount that is not a number.
    fn read(&self) -> (ApplicationDraft, Vec<kernel::FieldError>) {
        let mut errors = vec![];
        let typed = self.funding_amount.trim();
        let funding_amount = if typed.is_empty() {
            None
        } else {
            let amount = kernel::time::parse_rupiah(typed);
            if amount.is_none() {
                errors.push(kernel::FieldError::new("funding_amount", "error-amount"));
            }
            amount
        };
        let opt = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
        let draft = ApplicationDraft {
            agency_id: self.agency_id.clone(),
            name: self.name.clone(),
            kind: self.kind.clone(),
            purpose: self.purpose.clone(),
            users: self.users.clone(),
            funding_source: self.funding_source.clone(),
            funding_amount,
            open_source: ticked(self.open_source.as_ref()),
            licence: opt(&self.licence),
            source_repo: opt(&self.source_repo),
            code_owned_by_region: ticked(self.code_owned_by_region.as_ref()),
            licence_owned_by_region: ticked(self.licence_owned_by_region.as_ref()),
            web_based: ticked(self.web_based.as_ref()),
            production_url: opt(&self.production_url),
            sso_client_id: opt(&self.sso_client_id),
            interfaces: self.interfaces.clone(),
            security_level: self.security_level.clone(),
            hosting: self.hosting.clone(),
            lifecycle: self.lifecycle.clone(),
            master_plan_item_id: opt(&self.master_plan_item_id),
            feature_correction: ticked(self.feature_correction.as_ref()),
            feature_cancel: ticked(self.feature_cancel.as_ref()),
            feature_confirmation: ticked(self.feature_confirmation.as_ref()),
            feature_offer_choice: ticked(self.feature_offer_choice.as_ref()),
        };
        (draft, errors)
    }

    /// The form filled from a stored application.
    pub fn from_row(r: &ApplicationRow) -> Self {
        let on = |b: bool| b.then(|| "on".to_owned());
        Self {
            agency_id: r.agency_id.to_string(),
            name: r.name.clone(),
            kind: r.kind.to_string(),
            purpose: r.purpose.clone(),
            users: r.users.clone(),
            funding_source: r.funding_source.to_string(),
            funding_amount: r
                .funding_amount
                .map(kernel::time::rupiah)
                .unwrap_or_default(),
            open_source: on(r.open_source),
            licence: r.licence.clone().unwrap_or_default(),
            source_repo: r.source_repo.clone().unwrap_or_default(),
            code_owned_by_region: on(r.code_owned_by_region),
            licence_owned_by_region: on(r.licence_owned_by_region),
            web_based: on(r.web_based),
            production_url: r.production_url.clone().unwrap_or_default(),
            sso_client_id: r
                .sso_client_id
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            interfaces: r.interfaces.clone(),
            security_level: r.security_level.to_string(),
            hosting: r.hosting.to_string(),
            lifecycle: r.lifecycle.to_string(),
            master_plan_item_id: r
                .master_plan_item_id
                .map(|i| i.to_string())
                .unwrap_or_default(),
            feature_correction: on(r.feature_correction),
            feature_cancel: on(r.feature_cancel),
            feature_confirmation: on(r.feature_confirmation),
            feature_offer_choice: on(r.feature_offer_choice),
        }
    }

    /// A fresh form for an agency, with the usual defaults.
    pub fn for_agency(agency_id: String) -> Self {
        Self {
            agency_id,
            kind: "khusus".into(),
            funding_source: "apbd".into(),
            security_level: "rendah".into(),
            hosting: "dinas_dc".into(),
            lifecycle: "planned".into(),
            web_based: Some("on".into()),
            ..Self::default()
        }
    }
}

/// The application form's fields, as its errors name them.
pub const APP_FORM: kernel::form::FormSpec = {
    use kernel::form::{check, choice, text};
    kernel::form::FormSpec {
        fields: &[
            choice("agency_id", "app-agency"),
            text("name", "app-name"),
            choice("kind", "app-kind"),
            text("purpose", "app-purpose"),
            text("users", "app-users"),
            choice("lifecycle", "app-lifecycle"),
            choice("funding_source", "app-funding-source"),
            text("funding_amount", "app-funding-amount"),
            check("code_owned_by_region", "app-code-owned"),
            check("licence_owned_by_region", "app-licence-owned"),
            check("open_source", "app-open-source"),
            text("licence", "app-licence"),
            text("source_repo", "app-source-repo"),
            check("web_based", "app-web-based"),
            text("production_url", "app-production-url"),
            choice("hosting", "app-hosting"),
            choice("security_level", "app-security-level"),
            choice("sso_client_id", "app-sso-client"),
            text("interfaces", "app-interfaces"),
            choice("master_plan_item_id", "app-master-plan-item"),
        ],
    }
};

/// The select choices of the form, translated.
pub struct Choices {
    /// Kinds.
    pub kinds: Vec<(String, String)>,
    /// Funding sources.
    pub funding: Vec<(String, String)>,
    /// Security levels.
    pub levels: Vec<(String, String)>,
    /// Hosting.
    pub hosting: Vec<(String, String)>,
    /// Lifecycle.
    pub lifecycle: Vec<(String, String)>,
}

impl Choices {
    /// In the reader's language.
    pub fn new(tr: Tr) -> Self {
        Self {
            kinds: choices_of::<AppKind>(tr, "app-kind-"),
            funding: choices_of::<Funding>(tr, "app-funding-"),
            levels: choices_of::<SecurityLevel>(tr, "sso-level-"),
            hosting: choices_of::<Placement>(tr, "app-hosting-"),
            lifecycle: choices_of::<Lifecycle>(tr, "app-lifecycle-"),
        }
    }
}
