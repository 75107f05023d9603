//! Datasets as typed and as checked, and the rules on them: the groups of EN 10.3, the
//! classification for dissemination (BT 24), the update duty (KT 18.2, MU 12.1, EN 11.1,
//! BT 23.2) and its next due date. Plain functions, tested without a database.

use chrono::{Months, NaiveDate};
use kernel::FieldError;
use kernel::ids::{AgencyId, PersonId};
use kernel::validate::Checker;
use serde::Deserialize;

kernel::id_type!(
    /// A dataset (a *basis data* of an agency).
    DatasetId
);
kernel::id_type!(
    /// One upload of a dataset.
    VersionId
);
kernel::id_type!(
    /// An indicator computed from a dataset (BPS MS-Ind).
    IndicatorId
);

kernel::text_enum! {
    /// The groups of databases (EN 10.3; MU 11.3 and KT 17.2 group them alike).
    pub enum Topic {
        /// Pelayanan.
        Services = "services",
        /// Administrasi dan manajemen.
        Administration = "administration",
        /// Legislasi.
        Legislation = "legislation",
        /// Pembangunan daerah.
        Development = "development",
        /// Keuangan.
        Finance = "finance",
        /// Kepegawaian (keyed by NIP, EN 10.6).
        Personnel = "personnel",
        /// Pemerintahan.
        Government = "government",
        /// Kewilayahan.
        Territory = "territory",
        /// Kemasyarakatan.
        Community = "community",
        /// Kependudukan (keyed by NIK, EN 10.7).
        Population = "population",
        /// Kesehatan.
        Health = "health",
        /// Pendidikan.
        Education = "education",
        /// Ketenagakerjaan.
        Labour = "labour",
        /// Pertanian.
        Agriculture = "agriculture",
        /// Perdagangan.
        Trade = "trade",
        /// Perikanan dan peternakan.
        Fisheries = "fisheries",
        /// Transportasi.
        Transport = "transport",
        /// Pariwisata dan perhotelan.
        Tourism = "tourism",
        /// Prasarana.
        Infrastructure = "infrastructure",
        /// Lainnya.
        Other = "other",
    }
}

kernel::text_enum! {
    /// Who may see a dataset (BT 24: dissemination follows the law; UU 14/2008).
    pub enum Classification {
        /// Published on the open-data portal.
        Public = "public",
        /// Within the government only.
        Limited = "limited",
        /// Excluded from disclosure, with the reason.
        Excluded = "excluded",
    }
}

kernel::text_enum! {
    /// How often the data must be brought up to date.
    pub enum Frequency {
        /// Every day.
        Daily = "daily",
        /// Every week.
        Weekly = "weekly",
        /// Every month.
        Monthly = "monthly",
        /// Every three months.
        Quarterly = "quarterly",
        /// Every six months.
        Semiannual = "semiannual",
        /// Every year.
        Annual = "annual",
        /// When something changes; no due date.
        Irregular = "irregular",
    }
}

impl Frequency {
    /// The date the next update is due after an update on `from`; none when irregular.
    pub fn next_due(self, from: NaiveDate) -> Option<NaiveDate> {
        let months = |n| from.checked_add_months(Months::new(n));
        match self {
            Frequency::Daily => from.succ_opt(),
            Frequency::Weekly => from.checked_add_days(chrono::Days::new(7)),
            Frequency::Monthly => months(1),
            Frequency::Quarterly => months(3),
            Frequency::Semiannual => months(6),
            Frequency::Annual => months(12),
            Frequency::Irregular => None,
        }
    }
}

kernel::text_enum! {
    /// A list's filter on the update duty.
    pub enum Due {
        /// The next update is late.
        Overdue = "overdue",
        /// Up to date (or with no fixed frequency).
        Current = "current",
    }
}

/// Whether a dataset due on `due` is overdue on `today`.
pub fn overdue(due: Option<NaiveDate>, today: NaiveDate) -> bool {
    due.is_some_and(|d| d < today)
}

/// A dataset's description as typed in the form or sent to the API: text, so that every mistake
/// can be named.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DatasetDraft {
    /// The producing agency (Produsen Data).
    #[serde(default)]
    pub agency_id: String,
    /// Its name in the portal's addresses and the CKAN API: lower-case letters, digits and
    /// hyphens (`penduduk-per-kecamatan`).
    #[serde(default)]
    pub slug: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// What it holds and how it is made.
    #[serde(default)]
    pub description: String,
    /// Its group (EN 10.3): `services` … `other`.
    #[serde(default)]
    pub topic: String,
    /// `public`, `limited` or `excluded`.
    #[serde(default)]
    pub classification: String,
    /// Why it is excluded (required when it is).
    #[serde(default)]
    pub exclusion_reason: String,
    /// `daily` … `annual` or `irregular`.
    #[serde(default)]
    pub frequency: String,
    /// The first (or next) date an update is due, `YYYY-MM-DD`; blank to count from the
    /// first upload.
    #[serde(default)]
    pub next_due: String,
    /// The period the data covers (`2025`, `2020-2025`, `Semester I 2026`).
    #[serde(default)]
    pub period: String,
    /// The area it covers: Kemendagri region codes, separated by spaces or commas.
    #[serde(default)]
    pub coverage: String,
    /// Unit of measure (`jiwa`, `unit`, `rupiah`).
    #[serde(default)]
    pub unit: String,
    /// Licence (`CC-BY-4.0` by default).
    #[serde(default)]
    pub licence: String,
    /// Who answers questions about it.
    #[serde(default)]
    pub contact_name: String,
    /// Their e-mail address.
    #[serde(default)]
    pub contact_email: String,
    /// Keywords, separated by commas.
    #[serde(default)]
    pub tags: String,
    /// The statistical activity that produces it (BPS MS-Keg).
    #[serde(default)]
    pub activity_name: String,
    /// How the activity collects the data (census, survey, administrative records…).
    #[serde(default)]
    pub activity_method: String,
}

/// A dataset's description, checked: what the store writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Producing agency.
    pub agency_id: AgencyId,
    /// Name in addresses.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Group.
    pub topic: Topic,
    /// Classification.
    pub classification: Classification,
    /// Reason for exclusion (empty unless excluded).
    pub exclusion_reason: String,
    /// Update frequency.
    pub frequency: Frequency,
    /// When the next update is due.
    pub next_due: Option<NaiveDate>,
    /// Period.
    pub period: String,
    /// Region codes of the area covered, normalised to one space between.
    pub coverage: String,
    /// Unit.
    pub unit: String,
    /// Licence.
    pub licence: String,
    /// Contact.
    pub contact_name: String,
    /// Contact's e-mail (may be empty).
    pub contact_email: String,
    /// Tags, normalised to `a, b, c`.
    pub tags: String,
    /// MS-Keg activity.
    pub activity_name: String,
    /// MS-Keg method.
    pub activity_method: String,
}

/// The licence a dataset gets when none is named: the open licence national portals use.
pub const DEFAULT_LICENCE: &str = "CC-BY-4.0";

/// Whether `slug` may name a dataset: 2–100 lower-case letters, digits, `-` or `_`, as CKAN
/// requires of a package name.
pub fn valid_slug(slug: &str) -> bool {
    (2..=100).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// The agency code a short name begins with, if it has one (`bkpsdm_pegawai-asn` → `BKPSDM`):
/// agency codes have no `_`, so the part before the first one is the candidate.
pub fn slug_agency(slug: &str) -> Option<String> {
    slug.split_once('_').map(|(code, _)| code.to_uppercase())
}

/// The short name a dataset gets. Short names are global, as CKAN's are, so a dataset the
/// public cannot see carries its agency's code (`pasien` → `dinkes_pasien`): only that
/// agency's own datasets can then hold the name, and whoever may write for the agency sees all
/// of them — a taken name is an error they can act on, never a hint that a hidden dataset
/// exists. A name may not begin with another agency's code (`other_agency`: whether
/// [`slug_agency`] names an agency other than `own`).
pub fn namespaced(
    slug: &str,
    classification: Classification,
    own: &str,
    other_agency: bool,
) -> Result<String, FieldError> {
    if other_agency {
        return Err(FieldError::new("slug", "data-error-slug-agency"));
    }
    let prefix = format!("{}_", own.to_lowercase());
    if classification == Classification::Public || slug.starts_with(&prefix) {
        return Ok(slug.to_owned());
    }
    let named = format!("{prefix}{slug}");
    Ok(named.chars().take(100).collect())
}

/// A slug made from a title: "Jumlah Penduduk 2025" → `jumlah-penduduk-2025`.
pub fn slug_of(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut s = out.trim_end_matches('-').to_owned();
    s.truncate(100);
    s.trim_end_matches('-').to_owned()
}

/// A date typed as `YYYY-MM-DD`.
pub fn parse_date(field: &str, value: &str) -> Result<Option<NaiveDate>, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| FieldError::new(field, "error-date"))
}

/// Checks every field and returns every problem at once, in the form's order; region codes as
/// `regions` says.
pub fn validate(
    d: &DatasetDraft,
    regions: crate::regions::Check<'_>,
) -> Result<Dataset, Vec<FieldError>> {
    let mut c = Checker::default();
    let agency_id = if d.agency_id.trim().is_empty() {
        c.push(FieldError::new("agency_id", "error-choose"));
        None
    } else {
        let id = AgencyId::parse(d.agency_id.trim());
        if id.is_none() {
            c.push(FieldError::new("agency_id", "error-agency-unknown"));
        }
        id
    };
    let title = c.text("title", &d.title, 200);
    let slug = if d.slug.trim().is_empty() {
        slug_of(&title)
    } else {
        d.slug.trim().to_owned()
    };
    if !valid_slug(&slug) {
        c.push(FieldError::new("slug", "data-error-slug"));
    }
    let description = c.optional("description", Some(&d.description), 5000);
    let topic = c.choice::<Topic>("topic", &d.topic);
    let classification = c.choice::<Classification>("classification", &d.classification);
    let exclusion_reason = c
        .optional("exclusion_reason", Some(&d.exclusion_reason), 1000)
        .unwrap_or_default();
    if classification == Some(Classification::Excluded) && exclusion_reason.is_empty() {
        c.push(FieldError::new(
            "exclusion_reason",
            "data-error-exclusion-reason",
        ));
    }
    let frequency = c.choice::<Frequency>("frequency", &d.frequency);
    let next_due = c.check(parse_date("next_due", &d.next_due)).flatten();
    let period = c.optional("period", Some(&d.period), 100);
    let coverage = c.check(crate::regions::parse_coverage(
        "coverage",
        &d.coverage,
        regions,
    ));
    let unit = c.optional("unit", Some(&d.unit), 100);
    let licence = c
        .optional("licence", Some(&d.licence), 100)
        .unwrap_or_else(|| DEFAULT_LICENCE.to_owned());
    let contact_name = c.optional("contact_name", Some(&d.contact_name), 200);
    let contact_email = if d.contact_email.trim().is_empty() {
        String::new()
    } else {
        c.check(kernel::validate::check_email(
            "contact_email",
            &d.contact_email,
        ))
        .unwrap_or_default()
    };
    let tags = normalise_tags(&d.tags);
    if tags.len() > 500 {
        c.push(FieldError::new("tags", "error-field-too-long").arg("max", 500));
    }
    let activity_name = c.optional("activity_name", Some(&d.activity_name), 300);
    let activity_method = c.optional("activity_method", Some(&d.activity_method), 300);
    match (
        c.errors.is_empty(),
        agency_id,
        topic,
        classification,
        frequency,
    ) {
        (true, Some(agency_id), Some(topic), Some(classification), Some(frequency)) => {
            Ok(Dataset {
                agency_id,
                slug,
                title,
                description: description.unwrap_or_default(),
                topic,
                classification,
                exclusion_reason: if classification == Classification::Excluded {
                    exclusion_reason
                } else {
                    String::new()
                },
                frequency,
                next_due: if frequency == Frequency::Irregular {
                    None
                } else {
                    next_due
                },
                period: period.unwrap_or_default(),
                coverage: coverage.unwrap_or_default(),
                unit: unit.unwrap_or_default(),
                licence,
                contact_name: contact_name.unwrap_or_default(),
                contact_email,
                tags,
                activity_name: activity_name.unwrap_or_default(),
                activity_method: activity_method.unwrap_or_default(),
            })
        }
        _ => Err(c.errors),
    }
}

/// Tags as `a, b, c`: trimmed, lower-cased, without blanks or repeats.
pub fn normalise_tags(text: &str) -> String {
    let mut seen: Vec<String> = vec![];
    for t in text.split(',') {
        let t = t.trim().to_lowercase();
        if !t.is_empty() && !seen.contains(&t) {
            seen.push(t);
        }
    }
    seen.join(", ")
}

/// The split tags of a stored dataset.
pub fn tags_of(stored: &str) -> Vec<&str> {
    stored
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect()
}

/// A Wali Data's appointment as typed: the person, and the decision (KT 17.4: the Bupati
/// appoints on the Dinas's proposal) by number and date.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaliDraft {
    /// The person appointed (one of the agency's staff).
    #[serde(default)]
    pub person_id: String,
    /// Number of the decision (`100.3.3.2/Kep.45/2026`).
    #[serde(default)]
    pub decree_number: String,
    /// Its date, `YYYY-MM-DD`.
    #[serde(default)]
    pub decree_date: String,
}

/// An appointment, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wali {
    /// The person.
    pub person_id: PersonId,
    /// The decision's number.
    pub decree_number: String,
    /// The decision's date.
    pub decree_date: NaiveDate,
}

/// Checks an appointment; a decision dated after `today` is refused.
pub fn validate_wali(d: &WaliDraft, today: NaiveDate) -> Result<Wali, Vec<FieldError>> {
    let mut c = Checker::default();
    let person_id = if d.person_id.trim().is_empty() {
        c.push(FieldError::new("person_id", "error-choose"));
        None
    } else {
        let p = PersonId::parse(d.person_id.trim());
        if p.is_none() {
            c.push(FieldError::new("person_id", "data-error-person"));
        }
        p
    };
    let decree_number = c.text("decree_number", &d.decree_number, 100);
    let decree_date = match c.check(parse_date("decree_date", &d.decree_date)) {
        Some(None) => {
            c.push(FieldError::new("decree_date", "error-required"));
            None
        }
        Some(Some(date)) if date > today => {
            c.push(FieldError::new("decree_date", "data-error-future"));
            None
        }
        other => other.flatten(),
    };
    match (c.errors.is_empty(), person_id, decree_date) {
        (true, Some(person_id), Some(decree_date)) => Ok(Wali {
            person_id,
            decree_number,
            decree_date,
        }),
        _ => Err(c.errors),
    }
}

/// An indicator as typed (BPS MS-Ind).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorDraft {
    /// Its name (`Rasio jenis kelamin`).
    #[serde(default)]
    pub name: String,
    /// The concept it measures.
    #[serde(default)]
    pub concept: String,
    /// Its definition.
    #[serde(default)]
    pub definition: String,
    /// How it is computed from the variables.
    #[serde(default)]
    pub formula: String,
    /// Its unit.
    #[serde(default)]
    pub unit: String,
    /// How to read it.
    #[serde(default)]
    pub interpretation: String,
}

/// An indicator, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    /// Name.
    pub name: String,
    /// Concept.
    pub concept: String,
    /// Definition.
    pub definition: String,
    /// Formula.
    pub formula: String,
    /// Unit.
    pub unit: String,
    /// Interpretation.
    pub interpretation: String,
}

/// Checks an indicator: a name and a definition at least.
pub fn validate_indicator(d: &IndicatorDraft) -> Result<Indicator, Vec<FieldError>> {
    let mut c = Checker::default();
    let name = c.text("name", &d.name, 200);
    let concept = c
        .optional("concept", Some(&d.concept), 1000)
        .unwrap_or_default();
    let definition = c.text("definition", &d.definition, 2000);
    let formula = c
        .optional("formula", Some(&d.formula), 1000)
        .unwrap_or_default();
    let unit = c.optional("unit", Some(&d.unit), 100).unwrap_or_default();
    let interpretation = c
        .optional("interpretation", Some(&d.interpretation), 2000)
        .unwrap_or_default();
    if c.errors.is_empty() {
        Ok(Indicator {
            name,
            concept,
            definition,
            formula,
            unit,
            interpretation,
        })
    } else {
        Err(c.errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static NONE_ADDED: crate::regions::Added = crate::regions::Added::new();
    const LISTED: crate::regions::Check<'static> = crate::regions::Check::Listed(&NONE_ADDED);

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_bad_field_is_named_in_the_forms_order() {
        let e = validate(
            &DatasetDraft {
                agency_id: "not-an-id".into(),
                slug: "Bad Slug".into(),
                topic: "weather".into(),
                classification: "excluded".into(),
                frequency: "hourly".into(),
                next_due: "31-12-2026".into(),
                contact_email: "nobody".into(),
                ..DatasetDraft::default()
            },
            LISTED,
        )
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "agency_id",
                "title",
                "slug",
                "topic",
                "exclusion_reason",
                "frequency",
                "next_due",
                "contact_email"
            ]
        );
    }

    #[test]
    fn a_good_dataset_gets_a_slug_licence_and_tidy_tags() {
        let agency = AgencyId::new();
        let ok = validate(
            &DatasetDraft {
                agency_id: agency.to_string(),
                title: "  Jumlah Penduduk menurut Kecamatan (2025) ".into(),
                topic: "population".into(),
                classification: "public".into(),
                exclusion_reason: "ignored unless excluded".into(),
                frequency: "annual".into(),
                next_due: "2026-12-31".into(),
                tags: "Penduduk, , kecamatan,penduduk".into(),
                coverage: "32.01, 32.01.01".into(),
                ..DatasetDraft::default()
            },
            LISTED,
        )
        .unwrap();
        assert_eq!(ok.slug, "jumlah-penduduk-menurut-kecamatan-2025");
        assert_eq!(ok.licence, DEFAULT_LICENCE);
        assert_eq!(ok.tags, "penduduk, kecamatan");
        assert_eq!(ok.exclusion_reason, "");
        assert_eq!(ok.coverage, "32.01 32.01.01");
        assert_eq!(ok.next_due, Some(date("2026-12-31")));
    }

    #[test]
    fn an_irregular_dataset_is_never_due() {
        let ok = validate(
            &DatasetDraft {
                agency_id: AgencyId::new().to_string(),
                title: "Daftar".into(),
                topic: "other".into(),
                classification: "limited".into(),
                frequency: "irregular".into(),
                next_due: "2026-01-01".into(),
                ..DatasetDraft::default()
            },
            LISTED,
        )
        .unwrap();
        assert_eq!(ok.next_due, None);
    }

    #[test]
    fn due_dates_follow_the_frequency_and_month_ends() {
        let d = date("2026-01-31");
        assert_eq!(Frequency::Daily.next_due(d), Some(date("2026-02-01")));
        assert_eq!(Frequency::Weekly.next_due(d), Some(date("2026-02-07")));
        assert_eq!(Frequency::Monthly.next_due(d), Some(date("2026-02-28")));
        assert_eq!(Frequency::Quarterly.next_due(d), Some(date("2026-04-30")));
        assert_eq!(Frequency::Semiannual.next_due(d), Some(date("2026-07-31")));
        assert_eq!(Frequency::Annual.next_due(d), Some(date("2027-01-31")));
        assert_eq!(Frequency::Irregular.next_due(d), None);
        assert!(overdue(Some(date("2026-12-01")), date("2026-12-02")));
        assert!(!overdue(Some(date("2026-12-02")), date("2026-12-02")));
        assert!(!overdue(None, date("2026-12-02")));
    }

    #[test]
    fn an_appointment_needs_a_person_a_number_and_a_past_date() {
        let today = date("2026-12-02");
        let e = validate_wali(
            &WaliDraft {
                person_id: "x".into(),
                decree_number: " ".into(),
                decree_date: "2027-01-01".into(),
            },
            today,
        )
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["person_id", "decree_number", "decree_date"]);
        let p = PersonId::new();
        let ok = validate_wali(
            &WaliDraft {
                person_id: p.to_string(),
                decree_number: "100/Kep.45/2026".into(),
                decree_date: "2026-03-01".into(),
            },
            today,
        )
        .unwrap();
        assert_eq!(ok.person_id, p);
    }

    #[test]
    fn a_hidden_dataset_is_named_in_its_agencys_namespace() {
        let public = Classification::Public;
        let limited = Classification::Limited;
        assert_eq!(
            namespaced("pasien", limited, "DINKES", false).unwrap(),
            "dinkes_pasien"
        );
        assert_eq!(
            namespaced("dinkes_pasien", limited, "DINKES", false).unwrap(),
            "dinkes_pasien"
        );
        assert_eq!(
            namespaced("pasien", public, "DINKES", false).unwrap(),
            "pasien"
        );
        assert_eq!(
            namespaced("pasien", Classification::Excluded, "KEC-SUKAMAJU", false).unwrap(),
            "kec-sukamaju_pasien"
        );
        assert_eq!(
            namespaced("disdik_sekolah", public, "DINKES", true)
                .unwrap_err()
                .key,
            "data-error-slug-agency"
        );
        assert_eq!(
            slug_agency("kec-sukamaju_pasien").as_deref(),
            Some("KEC-SUKAMAJU")
        );
        assert_eq!(slug_agency("pasien-2026"), None);
        assert_eq!(
            namespaced(&"a".repeat(100), limited, "DINKES", false)
                .unwrap()
                .len(),
            100
        );
    }

    #[test]
    fn slugs_follow_ckan_names() {
        assert!(valid_slug("penduduk-2025"));
        assert!(!valid_slug("Penduduk"));
        assert!(!valid_slug("a"));
        assert!(!valid_slug("a b"));
        assert_eq!(slug_of("Sekolah — SD & SMP"), "sekolah-sd-smp");
    }
}

kernel::text_enum! {
    /// Where the Walidata's check of a public dataset's version stands (Perpres 39/2019: the
    /// Walidata checks and publishes what the Produsen Data produce).
    pub enum Review {
        /// Waiting for the Dinas.
        Pending = "pending",
        /// Checked: the portal shows it.
        Published = "published",
        /// Sent back to the agency with a note (a published one is withdrawn from the portal).
        Returned = "returned",
    }
}

/// The Walidata's decision on a version as typed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewDraft {
    /// `published` or `returned`.
    #[serde(default)]
    pub decision: String,
    /// What the agency must correct (required when returning).
    #[serde(default)]
    pub note: String,
    /// The page's confirmation box (the API needs none).
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub confirm: Option<String>,
}

/// Checks a decision: published or returned, a note when returning.
pub fn validate_review(d: &ReviewDraft) -> Result<(Review, String), Vec<FieldError>> {
    let mut c = Checker::default();
    let decision = match c.choice::<Review>("decision", &d.decision) {
        Some(Review::Pending) => {
            c.push(FieldError::new("decision", "error-choose"));
            None
        }
        other => other,
    };
    let note = c.optional("note", Some(&d.note), 1000).unwrap_or_default();
    if decision == Some(Review::Returned) && note.is_empty() {
        c.push(FieldError::new("note", "data-error-review-note"));
    }
    match decision {
        Some(r) if c.errors.is_empty() => Ok((r, note)),
        _ => Err(c.errors),
    }
}

/// A region code the region adds, as typed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionCodeDraft {
    /// The code (`32.04.47`).
    #[serde(default)]
    pub code: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// What it rests on: the regional regulation forming it, or a Kemendagri letter.
    #[serde(default)]
    pub basis: String,
}

/// Checks an added code against the shipped list and the additions so far: well formed, not
/// listed already, under a known parent.
pub fn validate_region_code(
    d: &RegionCodeDraft,
    added: &crate::regions::Added,
) -> Result<(String, String, String), Vec<FieldError>> {
    use crate::regions;
    let mut c = Checker::default();
    let code = c.text("code", &d.code, 20);
    if !code.is_empty() {
        if !regions::valid_shape(&code) {
            c.push(FieldError::new("code", "data-error-region").arg("code", code.clone()));
        } else if let Some(name) = regions::name(&code, added) {
            c.push(
                FieldError::new("code", "data-error-region-listed").arg("name", name.to_owned()),
            );
        } else if regions::parent(&code).is_some_and(|p| regions::name(p, added).is_none()) {
            c.push(FieldError::new("code", "data-error-region-parent"));
        }
    }
    let name = c.text("name", &d.name, 200);
    let basis = c.text("basis", &d.basis, 300);
    if c.errors.is_empty() {
        Ok((code, name, basis))
    } else {
        Err(c.errors)
    }
}

#[cfg(test)]
mod review_tests {
    use super::*;

    #[test]
    fn returning_needs_a_note_and_pending_is_no_decision() {
        let d = |decision: &str, note: &str| ReviewDraft {
            decision: decision.into(),
            note: note.into(),
            confirm: None,
        };
        assert_eq!(
            validate_review(&d("published", "")).unwrap().0,
            Review::Published
        );
        let e = validate_review(&d("returned", " ")).unwrap_err();
        assert_eq!(e[0].field, "note");
        assert_eq!(e[0].key, "data-error-review-note");
        assert_eq!(
            validate_review(&d("pending", "")).unwrap_err()[0].field,
            "decision"
        );
        assert_eq!(
            validate_review(&d("terbit", "")).unwrap_err()[0].field,
            "decision"
        );
        assert_eq!(
            validate_review(&d("returned", "Baris 12: jumlah tidak sama")).unwrap(),
            (Review::Returned, "Baris 12: jumlah tidak sama".to_owned())
        );
    }

    #[test]
    fn an_added_code_is_new_well_formed_and_under_a_known_parent() {
        let mut added = crate::regions::Added::new();
        let d = |code: &str| RegionCodeDraft {
            code: code.into(),
            name: "Kecamatan Baru".into(),
            basis: "Perda Nomor 3 Tahun 2026".into(),
        };
        assert!(validate_region_code(&d("32.04.99"), &added).is_ok());
        let key = |code: &str, added: &crate::regions::Added| {
            validate_region_code(&d(code), added).unwrap_err()[0].key
        };
        assert_eq!(key("32.04.05", &added), "data-error-region-listed");
        assert_eq!(key("32.4.99", &added), "data-error-region");
        assert_eq!(key("32.98.01", &added), "data-error-region-parent");
        added.insert("32.98".into(), "Kabupaten Baru".into());
        assert!(validate_region_code(&d("32.98.01"), &added).is_ok());
        assert_eq!(key("32.98", &added), "data-error-region-listed");
        let e = validate_region_code(&RegionCodeDraft::default(), &added).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["code", "name", "basis"]);
    }
}
