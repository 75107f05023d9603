//! The registry's types and pure rules: what an application record holds and how it is
//! validated, the nine technical documents, and the registration workflow's transitions.

use chrono::NaiveDate;
use kernel::FieldError;
use kernel::ids::AgencyId;
use kernel::validate::Checker;
use sso::{ClientId, SecurityLevel};

kernel::id_type!(
    /// A registered application.
    ApplicationId
);
kernel::id_type!(
    /// One version of one of an application's technical documents.
    DocumentId
);
kernel::id_type!(
    /// A master plan (Rencana Induk).
    PlanId
);
kernel::id_type!(
    /// An item of the master plan.
    PlanItemId
);

kernel::text_enum! {
    /// General applications (*Aplikasi Umum*, provided by the Dinas, MU 8) or special ones
    /// (*Aplikasi Khusus*, built by an agency for its duties, KT 15, MU 9).
    pub enum AppKind {
        /// General.
        Umum = "umum",
        /// Special.
        Khusus = "khusus",
    }
}

kernel::text_enum! {
    /// Where the money came from.
    pub enum Funding {
        /// The region's budget.
        Apbd = "apbd",
        /// The province's budget.
        ApbdProvinsi = "apbd_provinsi",
        /// The national budget.
        Apbn = "apbn",
        /// A grant.
        Hibah = "hibah",
        /// A loan.
        Pinjaman = "pinjaman",
        /// Anything else.
        Lainnya = "lainnya",
    }
}

impl Funding {
    /// Public money: code and licence must then belong to the region.
    pub fn is_public(self) -> bool {
        matches!(self, Self::Apbd | Self::ApbdProvinsi | Self::Apbn)
    }
}

kernel::text_enum! {
    /// Where an application runs.
    pub enum Placement {
        /// The Dinas's data center.
        DinasDc = "dinas_dc",
        /// The Dinas's disaster-recovery site.
        DinasDr = "dinas_dr",
        /// Elsewhere.
        Outside = "outside",
        /// Nowhere yet.
        None = "none",
    }
}

kernel::text_enum! {
    /// An application's lifecycle, in order.
    pub enum Lifecycle {
        /// Planned.
        Planned = "planned",
        /// Being built.
        Development = "development",
        /// In use.
        Production = "production",
        /// No longer in use.
        Retired = "retired",
    }
}

kernel::text_enum! {
    /// The nine technical documents to hand to the Dinas (KT 16.3, MU 13.3, BT 18.3).
    pub enum DocumentKind {
        /// Source code.
        SourceCode = "source_code",
        /// User requirements.
        UserRequirements = "user_requirements",
        /// Design.
        Design = "design",
        /// Test results.
        TestResults = "test_results",
        /// Installation manual.
        InstallationManual = "installation_manual",
        /// User manual.
        UserManual = "user_manual",
        /// Administrator manual.
        AdminManual = "admin_manual",
        /// Metadata.
        Metadata = "metadata",
        /// Troubleshooting guide.
        Troubleshooting = "troubleshooting",
    }
}

/// What a file is by its content, whatever its name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// PDF.
    Pdf,
    /// A PDF cut short (no end-of-file marker).
    BrokenPdf,
    /// OpenDocument text.
    Odt,
    /// Word document.
    Docx,
    /// OpenDocument spreadsheet.
    Ods,
    /// Excel workbook.
    Xlsx,
    /// Another archive: ZIP, gzip (tar.gz), bzip2, xz, 7z or tar.
    Archive,
    /// UTF-8 text (JSON, XML, CSV, plain).
    Text,
    /// A program: Windows, Linux or macOS executable.
    Program,
    /// Anything else.
    Other,
}

/// Reads what a file is from its first and last bytes (and, for ZIP-based office files, the
/// names of the parts, which ZIP stores uncompressed).
pub fn sniff(bytes: &[u8]) -> FileFormat {
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"%PDF-") {
        let tail = bytes
            .get(bytes.len().saturating_sub(1024)..)
            .unwrap_or(bytes);
        return if tail.windows(5).any(|w| w == b"%%EOF") {
            FileFormat::Pdf
        } else {
            FileFormat::BrokenPdf
        };
    }
    if starts(b"MZ")
        || starts(b"\x7fELF")
        || starts(&[0xcf, 0xfa, 0xed, 0xfe])
        || starts(&[0xfe, 0xed, 0xfa, 0xcf])
        || starts(&[0xca, 0xfe, 0xba, 0xbe])
    {
        return FileFormat::Program;
    }
    if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        return if has(b"mimetypeapplication/vnd.oasis.opendocument.text") {
            FileFormat::Odt
        } else if has(b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet") {
            FileFormat::Ods
        } else if has(b"word/document.xml") {
            FileFormat::Docx
        } else if has(b"xl/workbook.xml") {
            FileFormat::Xlsx
        } else {
            FileFormat::Archive
        };
    }
    let tar = bytes.get(257..262) == Some(b"ustar".as_slice());
    if starts(&[0x1f, 0x8b])
        || starts(b"BZh")
        || starts(&[0xfd, b'7', b'z', b'X', b'Z', 0])
        || starts(&[b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c])
        || tar
    {
        return FileFormat::Archive;
    }
    if !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok() {
        return FileFormat::Text;
    }
    FileFormat::Other
}

/// Whether a file may be handed over as `kind`, judged by its content: source code is an
/// archive (its repository's address is the application's own field), metadata a document,
/// a spreadsheet or machine-readable text, every other document PDF, ODT or DOCX. The error
/// says what this kind of document must be.
pub fn check_document(kind: DocumentKind, bytes: &[u8]) -> Result<(), FieldError> {
    use FileFormat as F;
    let refuse = |key: &'static str| Err(FieldError::new("file", key));
    if bytes.is_empty() {
        return refuse("error-document-empty");
    }
    let format = sniff(bytes);
    match (kind, format) {
        (_, F::Program) => refuse("error-document-program"),
        (_, F::BrokenPdf) => refuse("error-document-broken-pdf"),
        (DocumentKind::SourceCode, F::Archive) => Ok(()),
        (DocumentKind::SourceCode, _) => refuse("error-document-source-archive"),
        (DocumentKind::Metadata, F::Pdf | F::Odt | F::Docx | F::Ods | F::Xlsx | F::Text) => Ok(()),
        (DocumentKind::Metadata, _) => refuse("error-document-metadata-format"),
        (_, F::Pdf | F::Odt | F::Docx) => Ok(()),
        _ => refuse("error-document-format"),
    }
}

/// An application as typed in a form or sent to the API.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationDraft {
    /// Owner agency id.
    #[serde(default)]
    pub agency_id: String,
    /// Name.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub name: String,
    /// `umum` or `khusus`.
    #[serde(default)]
    #[schema(value_type = AppKind)]
    pub kind: String,
    /// What it is for.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub purpose: String,
    /// Who uses it.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub users: String,
    /// `apbd`, `apbd_provinsi`, `apbn`, `hibah`, `pinjaman` or `lainnya`.
    #[serde(default)]
    #[schema(value_type = Funding)]
    pub funding_source: String,
    /// Amount in rupiah, if known.
    #[serde(default)]
    pub funding_amount: Option<i64>,
    /// Open source.
    #[serde(default)]
    pub open_source: bool,
    /// Its licence (SPDX id or name).
    #[serde(default)]
    pub licence: Option<String>,
    /// Source repository URL.
    #[serde(default)]
    pub source_repo: Option<String>,
    /// The region owns the source code.
    #[serde(default)]
    pub code_owned_by_region: bool,
    /// The region owns the licence.
    #[serde(default)]
    pub licence_owned_by_region: bool,
    /// Runs in a web browser.
    #[serde(default)]
    pub web_based: bool,
    /// Production address.
    #[serde(default)]
    pub production_url: Option<String>,
    /// Its single sign-on client id.
    #[serde(default)]
    pub sso_client_id: Option<String>,
    /// Interfaces it offers to other systems.
    #[serde(default)]
    pub interfaces: String,
    /// `rendah`, `tinggi` or `strategis`.
    #[serde(default)]
    #[schema(value_type = sso::SecurityLevel)]
    pub security_level: String,
    /// `dinas_dc`, `dinas_dr`, `outside` or `none`.
    #[serde(default)]
    #[schema(value_type = Placement)]
    pub hosting: String,
    /// `planned`, `development`, `production` or `retired`.
    #[serde(default)]
    #[schema(value_type = Lifecycle)]
    pub lifecycle: String,
    /// The master-plan item it implements.
    #[serde(default)]
    pub master_plan_item_id: Option<String>,
    /// Users can correct what they entered (KT 16.5.a).
    #[serde(default)]
    pub feature_correction: bool,
    /// Users can cancel a command (KT 16.5.b).
    #[serde(default)]
    pub feature_cancel: bool,
    /// Users confirm or re-confirm what they do (KT 16.5.c).
    #[serde(default)]
    pub feature_confirmation: bool,
    /// Users choose whether to be shown offers of contracts or advertisements (KT 16.5.d).
    #[serde(default)]
    pub feature_offer_choice: bool,
}

/// An `http(s)` URL, or a field error.
pub fn check_url(field: &str, value: &str) -> Result<String, FieldError> {
    let v = value.trim();
    match url::Url::parse(v) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
            Ok(v.to_owned())
        }
        _ => Err(FieldError::new(field, "error-url")),
    }
}

/// An application, checked: what is stored (beside its status and history).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// Owner agency.
    pub agency_id: AgencyId,
    /// Name.
    pub name: String,
    /// General or special.
    pub kind: AppKind,
    /// What it is for.
    pub purpose: String,
    /// Who uses it.
    pub users: String,
    /// Funding source.
    pub funding_source: Funding,
    /// Amount in rupiah.
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
    /// Its single sign-on client.
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
    /// The four facilities of KT 16.5.
    pub features: UserFeatures,
}

/// The facilities a special application's developer must give its users (KT 16.5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UserFeatures {
    /// Correct what they entered (a).
    pub correction: bool,
    /// Cancel a command (b).
    pub cancel: bool,
    /// Confirm or re-confirm (c).
    pub confirmation: bool,
    /// Choose whether to see offers or advertisements (d).
    pub offer_choice: bool,
}

impl UserFeatures {
    /// Whether all four are there.
    pub fn all(self) -> bool {
        self.correction && self.cancel && self.confirmation && self.offer_choice
    }
}

/// An agency chosen in a form or named in the API: blank asks to choose; text that is not an
/// agency id names the problem.
pub fn check_agency(c: &mut Checker, field: &str, value: &str) -> Option<AgencyId> {
    let v = value.trim();
    if v.is_empty() {
        c.push(FieldError::new(field, "error-choose"));
        return None;
    }
    let id = AgencyId::parse(v);
    if id.is_none() {
        c.push(FieldError::new(field, "error-agency-unknown"));
    }
    id
}

/// Checks an application, returning it cleaned or every problem.
pub fn validate_application(d: &ApplicationDraft) -> Result<Application, Vec<FieldError>> {
    let mut c = Checker::default();
    let agency_id = check_agency(&mut c, "agency_id", &d.agency_id);
    let name = c.text("name", &d.name, 200);
    let kind = c.choice::<AppKind>("kind", &d.kind);
    let purpose = c.text("purpose", &d.purpose, 2000);
    let users = c.text("users", &d.users, 500);
    let funding_source = c.choice::<Funding>("funding_source", &d.funding_source);
    if d.funding_amount.is_some_and(|a| a < 0) {
        c.push(FieldError::new("funding_amount", "error-amount"));
    }
    let licence = c.optional("licence", d.licence.as_deref(), 100);
    if d.open_source && licence.is_none() {
        c.push(FieldError::new("licence", "error-licence-needed"));
    }
    let source_repo = d
        .source_repo
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|s| c.check(check_url("source_repo", s)));
    let production_url = d
        .production_url
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|s| c.check(check_url("production_url", s)));
    let interfaces = d.interfaces.trim().to_owned();
    if interfaces.chars().count() > 2000 {
        c.push(FieldError::new("interfaces", "error-field-too-long").arg("max", 2000));
    }
    let security_level = c.choice::<SecurityLevel>("security_level", &d.security_level);
    let hosting = c.choice::<Placement>("hosting", &d.hosting);
    let lifecycle = c.choice::<Lifecycle>("lifecycle", &d.lifecycle);
    let blank = |o: &Option<String>| {
        o.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let master_plan_item_id = match blank(&d.master_plan_item_id) {
        Some(text) => {
            let id = PlanItemId::parse(&text);
            if id.is_none() {
                c.push(FieldError::new(
                    "master_plan_item_id",
                    "error-plan-item-unknown",
                ));
            }
            id
        }
        None => None,
    };
    match (
        c.errors.is_empty(),
        agency_id,
        kind,
        funding_source,
        security_level,
        hosting,
        lifecycle,
    ) {
        (
            true,
            Some(agency_id),
            Some(kind),
            Some(funding_source),
            Some(security_level),
            Some(hosting),
            Some(lifecycle),
        ) => Ok(Application {
            agency_id,
            name,
            kind,
            purpose,
            users,
            funding_source,
            funding_amount: d.funding_amount,
            open_source: d.open_source,
            licence,
            source_repo,
            code_owned_by_region: d.code_owned_by_region,
            licence_owned_by_region: d.licence_owned_by_region,
            web_based: d.web_based,
            production_url,
            sso_client_id: blank(&d.sso_client_id).map(|t| ClientId::sent(&t)),
            interfaces,
            security_level,
            hosting,
            lifecycle,
            master_plan_item_id,
            features: UserFeatures {
                correction: d.feature_correction,
                cancel: d.feature_cancel,
                confirmation: d.feature_confirmation,
                offer_choice: d.feature_offer_choice,
            },
        }),
        _ => Err(c.errors),
    }
}

kernel::text_enum! {
    /// Where a registration stands.
    pub enum Status {
        /// Being written by the agency.
        Draft = "draft",
        /// Waiting for the Dinas.
        Submitted = "submitted",
        /// Sent back to the agency with notes.
        Returned = "returned",
        /// Registered.
        Approved = "approved",
        /// Refused, with reasons.
        Rejected = "rejected",
        /// Withdrawn by the agency, with a reason (kept, never deleted).
        Withdrawn = "withdrawn",
    }
}

impl Status {
    /// Whether the agency may still change the record (a change to an approved record goes
    /// back to the Dinas for review).
    pub fn editable(self) -> bool {
        matches!(self, Self::Draft | Self::Returned | Self::Approved)
    }
}

kernel::text_enum! {
    /// A step of the registration workflow.
    pub enum Action {
        /// The agency sends it to the Dinas.
        Submit = "submit",
        /// The Dinas registers it.
        Approve = "approve",
        /// The Dinas sends it back with notes.
        Return = "return",
        /// The Dinas refuses it with reasons.
        Reject = "reject",
        /// The agency withdraws it with a reason.
        Withdraw = "withdraw",
    }
}

impl Action {
    /// Whether only the Dinas may take it.
    pub fn by_dinas(self) -> bool {
        matches!(self, Self::Approve | Self::Return | Self::Reject)
    }

    /// Whether it needs a note (the reason or the corrections asked for).
    pub fn needs_note(self) -> bool {
        matches!(self, Self::Return | Self::Reject | Self::Withdraw)
    }
}

/// The status an action leads to from `from`, or why it cannot be taken.
pub fn transition(from: Status, action: Action, note: &str) -> Result<Status, FieldError> {
    use Status as S;
    if action.needs_note() && note.trim().is_empty() {
        return Err(FieldError::new("note", "error-note-needed"));
    }
    let to = match (from, action) {
        (S::Draft | S::Returned, Action::Submit) => S::Submitted,
        (S::Submitted, Action::Approve) => S::Approved,
        (S::Submitted, Action::Return) => S::Returned,
        (S::Submitted, Action::Reject) => S::Rejected,
        (S::Draft | S::Submitted | S::Returned | S::Approved, Action::Withdraw) => S::Withdrawn,
        _ => {
            return Err(FieldError::new("action", "error-transition")
                .arg("status", from.as_str())
                .arg("action", action.as_str()));
        }
    };
    Ok(to)
}

/// The master plan's standing on `today` (KT 4.3: valid five years, reviewed at least every
/// two).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanStanding {
    /// In force and reviewed in time.
    Current,
    /// Its period has ended.
    Expired,
    /// In force, but not reviewed for more than two years.
    ReviewOverdue,
}

/// Judges a plan's period (inclusive years) and its last review (or adoption) date.
pub fn plan_standing(
    period_end: i32,
    reviewed_or_adopted: NaiveDate,
    today: NaiveDate,
) -> PlanStanding {
    use chrono::Datelike;
    if today.year() > period_end {
        return PlanStanding::Expired;
    }
    let due = reviewed_or_adopted
        .checked_add_months(chrono::Months::new(24))
        .unwrap_or(reviewed_or_adopted);
    if today > due {
        PlanStanding::ReviewOverdue
    } else {
        PlanStanding::Current
    }
}

/// Whole months left of a plan's period (0: it ends this month) when at most six are left:
/// time to prepare the next plan. `None` when more are left, or when it has ended.
pub fn plan_months_left(period_end: i32, today: NaiveDate) -> Option<u32> {
    use chrono::Datelike;
    let months =
        (period_end - today.year()) * 12 + (12 - i32::try_from(today.month()).unwrap_or(12));
    u32::try_from(months).ok().filter(|m| *m <= 6)
}

/// Checks a master plan's period: five years, start before end.
pub fn check_plan_period(start: i32, end: i32) -> Result<(), FieldError> {
    if !(2000..=2100).contains(&start) || end != start + 4 {
        return Err(FieldError::new("period_end", "error-plan-period"));
    }
    Ok(())
}

/// A master plan as typed: its title, first year and adoption date (`YYYY-MM-DD`).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanDraft {
    /// Title.
    #[serde(default)]
    #[schema(max_length = 300)]
    pub title: String,
    /// First year of the five.
    #[serde(default)]
    pub period_start: String,
    /// Adopted on.
    #[serde(default)]
    pub adopted_on: String,
}

/// A master plan, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Title.
    pub title: String,
    /// First year (the plan runs five).
    pub period_start: i32,
    /// Adopted on.
    pub adopted_on: NaiveDate,
}

/// Checks a master plan, every field at once.
pub fn validate_plan(d: &PlanDraft) -> Result<Plan, Vec<FieldError>> {
    let mut c = Checker::default();
    let title = c.text("title", &d.title, 300);
    let start = match d.period_start.trim() {
        "" => {
            c.push(FieldError::new("period_start", "error-required"));
            None
        }
        text => match text.parse::<i32>() {
            Ok(y) => c
                .check(
                    check_plan_period(y, y + 4).map_err(|e| FieldError::new("period_start", e.key)),
                )
                .map(|()| y),
            Err(_) => {
                c.push(FieldError::new("period_start", "error-year-plain"));
                None
            }
        },
    };
    let adopted = match d.adopted_on.trim() {
        "" => {
            c.push(FieldError::new("adopted_on", "error-required"));
            None
        }
        text => {
            let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
            if date.is_none() {
                c.push(FieldError::new("adopted_on", "error-date"));
            }
            date
        }
    };
    match (c.errors.is_empty(), start, adopted) {
        (true, Some(period_start), Some(adopted_on)) => Ok(Plan {
            title,
            period_start,
            adopted_on,
        }),
        _ => Err(c.errors),
    }
}

/// Whether a production URL lies in the region's domain (the domain itself or a subdomain).
pub fn in_region_domain(url: &str, domain: &str) -> bool {
    let domain = domain.trim().trim_end_matches('.').to_lowercase();
    if domain.is_empty() {
        return false;
    }
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_lowercase))
        .is_some_and(|h| h == domain || h.ends_with(&format!(".{domain}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ApplicationDraft {
        ApplicationDraft {
            agency_id: AgencyId::new().to_string(),
            name: " SIMPEG ".into(),
            kind: "Khusus".into(),
            purpose: "Kepegawaian".into(),
            users: "BKPSDM".into(),
            funding_source: "apbd".into(),
            funding_amount: Some(150_000_000),
            open_source: true,
            licence: Some("GPL-3.0".into()),
            source_repo: Some("https://git.sukamajukab.go.id/simpeg".into()),
            web_based: true,
            production_url: Some("https://simpeg.sukamajukab.go.id".into()),
            security_level: "tinggi".into(),
            hosting: "dinas_dc".into(),
            lifecycle: "production".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_application_is_cleaned() {
        let v = validate_application(&good()).unwrap();
        assert_eq!((v.name.as_str(), v.kind), ("SIMPEG", AppKind::Khusus));
    }

    #[test]
    fn every_problem_is_reported() {
        let d = ApplicationDraft {
            open_source: true,
            funding_amount: Some(-1),
            production_url: Some("ftp://x".into()),
            ..Default::default()
        };
        let fields: Vec<String> = validate_application(&d)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        for f in [
            "agency_id",
            "name",
            "kind",
            "purpose",
            "users",
            "funding_source",
            "funding_amount",
            "licence",
            "production_url",
            "security_level",
            "hosting",
            "lifecycle",
        ] {
            assert!(fields.contains(&f.to_owned()), "{f} in {fields:?}");
        }
    }

    #[test]
    fn the_workflow_allows_only_its_steps() {
        use Status as S;
        assert_eq!(transition(S::Draft, Action::Submit, ""), Ok(S::Submitted));
        assert_eq!(
            transition(S::Submitted, Action::Approve, ""),
            Ok(S::Approved)
        );
        assert_eq!(
            transition(S::Submitted, Action::Return, "lengkapi"),
            Ok(S::Returned)
        );
        assert_eq!(
            transition(S::Returned, Action::Submit, ""),
            Ok(S::Submitted)
        );
        assert_eq!(
            transition(S::Approved, Action::Withdraw, "diganti"),
            Ok(S::Withdrawn)
        );
        assert_eq!(
            transition(S::Submitted, Action::Reject, " ")
                .unwrap_err()
                .key,
            "error-note-needed"
        );
        assert_eq!(
            transition(S::Draft, Action::Approve, "").unwrap_err().key,
            "error-transition"
        );
        assert_eq!(
            transition(S::Withdrawn, Action::Submit, "")
                .unwrap_err()
                .key,
            "error-transition"
        );
        assert_eq!(
            transition(S::Rejected, Action::Withdraw, "x")
                .unwrap_err()
                .key,
            "error-transition"
        );
        assert!(Action::Approve.by_dinas() && !Action::Submit.by_dinas());
        assert!(S::Approved.editable() && !S::Submitted.editable());
    }

    #[test]
    fn master_plans_last_five_years_and_are_reviewed_every_two() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            plan_standing(2026, d(2025, 1, 10), d(2026, 11, 24)),
            PlanStanding::Current
        );
        assert_eq!(
            plan_standing(2026, d(2024, 1, 10), d(2026, 11, 24)),
            PlanStanding::ReviewOverdue
        );
        assert_eq!(
            plan_standing(2025, d(2025, 6, 1), d(2026, 1, 1)),
            PlanStanding::Expired
        );
        assert!(check_plan_period(2022, 2026).is_ok());
        assert!(check_plan_period(2022, 2030).is_err());
    }

    #[test]
    fn a_plan_reports_every_problem_at_once() {
        let fields: Vec<String> = validate_plan(&PlanDraft {
            title: " ".into(),
            period_start: "dua ribu".into(),
            adopted_on: "1/3/2022".into(),
        })
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect();
        assert_eq!(fields, ["title", "period_start", "adopted_on"]);
        let ok = validate_plan(&PlanDraft {
            title: "Rencana Induk".into(),
            period_start: "2022".into(),
            adopted_on: "2022-03-01".into(),
        })
        .unwrap();
        assert_eq!(ok.period_start, 2022);
    }

    #[test]
    fn documents_are_judged_by_their_content() {
        let pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
        let docx = [
            b"PK\x03\x04".as_slice(),
            b"....[Content_Types].xml....word/document.xml....",
        ]
        .concat();
        let odt = [
            b"PK\x03\x04".as_slice(),
            b"..........................mimetypeapplication/vnd.oasis.opendocument.text",
        ]
        .concat();
        let zip = [b"PK\x03\x04".as_slice(), b"....src/main.rs...."].concat();
        let exe = b"MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode".to_vec();
        let key = |k, b: &[u8]| check_document(k, b).map_err(|e| e.key);
        assert_eq!(key(DocumentKind::UserManual, &pdf), Ok(()));
        assert_eq!(key(DocumentKind::Design, &docx), Ok(()));
        assert_eq!(key(DocumentKind::AdminManual, &odt), Ok(()));
        assert_eq!(key(DocumentKind::SourceCode, &zip), Ok(()));
        assert_eq!(
            key(DocumentKind::SourceCode, &[0x1f, 0x8b, 8, 0]),
            Ok(()),
            "tar.gz"
        );
        assert_eq!(
            key(DocumentKind::Metadata, br#"{"dataset": "penduduk"}"#),
            Ok(())
        );
        assert_eq!(
            key(DocumentKind::SourceCode, &exe),
            Err("error-document-program"),
            "program.exe is not source code"
        );
        assert_eq!(
            key(DocumentKind::UserManual, &exe),
            Err("error-document-program")
        );
        assert_eq!(
            key(DocumentKind::SourceCode, &pdf),
            Err("error-document-source-archive")
        );
        assert_eq!(
            key(DocumentKind::UserManual, &zip),
            Err("error-document-format")
        );
        assert_eq!(
            key(DocumentKind::UserManual, b"just some text"),
            Err("error-document-format")
        );
        assert_eq!(
            key(DocumentKind::UserManual, b""),
            Err("error-document-empty")
        );
        assert_eq!(
            key(DocumentKind::UserManual, b"%PDF-1.7\n"),
            Err("error-document-broken-pdf"),
            "a PDF cut short"
        );
    }

    #[test]
    fn a_plan_ending_within_six_months_says_so() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            plan_months_left(2026, d(2026, 12, 2)),
            Some(0),
            "ends this month"
        );
        assert_eq!(plan_months_left(2026, d(2026, 7, 1)), Some(5));
        assert_eq!(plan_months_left(2026, d(2026, 6, 30)), Some(6));
        assert_eq!(
            plan_months_left(2026, d(2026, 5, 31)),
            None,
            "seven months left"
        );
        assert_eq!(plan_months_left(2027, d(2026, 12, 2)), None);
        assert_eq!(
            plan_months_left(2025, d(2026, 1, 5)),
            None,
            "ended: the standing says expired"
        );
    }

    #[test]
    fn region_domain_covers_subdomains_only() {
        assert!(in_region_domain(
            "https://simpeg.sukamajukab.go.id/x",
            "sukamajukab.go.id"
        ));
        assert!(in_region_domain(
            "https://sukamajukab.go.id",
            "sukamajukab.go.id."
        ));
        assert!(!in_region_domain(
            "https://simpeg-sukamajukab.go.id",
            "sukamajukab.go.id"
        ));
        assert!(!in_region_domain(
            "https://sukamajukab.go.id.evil.com",
            "sukamajukab.go.id"
        ));
        assert!(!in_region_domain("not a url", "sukamajukab.go.id"));
    }
}
