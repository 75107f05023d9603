//! Organisation types and their rules, as plain functions over plain values: the region
//! profile, agencies (Perangkat Daerah), people, and the structure of NIP and NIK numbers.

use chrono::{Datelike, NaiveDate};
use kernel::FieldError;
use kernel::compliance::Pack;
use kernel::time::Zone;
use kernel::validate::{Checker, check_email};
use serde::{Deserialize, Serialize};

kernel::text_enum! {
    /// Kabupaten (regency) or Kota (city).
    pub enum RegionKind {
        /// A regency.
        Kabupaten = "kabupaten",
        /// A city.
        Kota = "kota",
    }
}

kernel::text_enum! {
    /// Who grants subdomains: the Kepala Dinas (MU 10.4), the Bupati (EN 9.4) or the Dinas
    /// (BT 29.3).
    pub enum SubdomainAuthority {
        /// The head of the Dinas.
        KepalaDinas = "kepala-dinas",
        /// The Bupati or Walikota.
        Bupati = "bupati",
        /// The Dinas itself.
        Dinas = "dinas",
    }
}

kernel::text_enum! {
    /// Reporting chains: agency→Dinas→Bupati (MU 24) or agency→Bupati via the Dinas (EN 26).
    pub enum ReportingChain {
        /// Agency to the Dinas, the Dinas to the Bupati.
        AgencyDinasBupati = "agency-dinas-bupati",
        /// Agency to the Bupati through the Dinas.
        AgencyBupatiViaDinas = "agency-bupati-via-dinas",
    }
}

kernel::text_enum! {
    /// Kinds of agency.
    pub enum AgencyKind {
        /// Sekretariat Daerah.
        SekretariatDaerah = "sekretariat-daerah",
        /// Sekretariat DPRD.
        SekretariatDprd = "sekretariat-dprd",
        /// Inspektorat.
        Inspektorat = "inspektorat",
        /// A Dinas.
        Dinas = "dinas",
        /// A Badan.
        Badan = "badan",
        /// Satuan Polisi Pamong Praja.
        SatpolPp = "satpol-pp",
        /// A Kecamatan.
        Kecamatan = "kecamatan",
        /// A Kelurahan.
        Kelurahan = "kelurahan",
        /// The regional hospital.
        Rsud = "rsud",
        /// Anything else.
        Lainnya = "lainnya",
    }
}

kernel::text_enum! {
    /// Kinds of staff: PNS and PPPK are ASN (with an 18-digit number); the rest are non-ASN.
    pub enum PersonKind {
        /// Civil servant.
        Pns = "pns",
        /// Government employee on contract.
        Pppk = "pppk",
        /// Not a civil servant.
        NonAsn = "non-asn",
    }
}

/// The region profile as entered (before validation).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionDraft {
    /// "Kabupaten Sukamaju".
    pub name: String,
    /// `kabupaten` or `kota`.
    #[schema(value_type = RegionKind)]
    pub kind: String,
    /// The main domain, e.g. `sukamajukab.go.id`.
    pub domain: String,
    /// The rule pack of the regulation in force: KT, EN, MU or BT.
    pub regulation_pack: String,
    /// The regulation's number ("6").
    pub regulation_number: String,
    /// The regulation's year.
    pub regulation_year: i32,
    /// Its full title, as cited in findings.
    pub regulation_title: String,
    /// Who grants subdomains.
    pub subdomain_authority: String,
    /// The reporting chain.
    pub reporting_chain: String,
    /// The region's time zone: `WIB`, `WITA` or `WIT` (WIB when left out).
    #[serde(default)]
    #[schema(value_type = Option<Zone>)]
    pub time_zone: String,
}

/// The region profile, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Name.
    pub name: String,
    /// Regency or city.
    pub kind: RegionKind,
    /// The main domain, lower-case, without a trailing dot.
    pub domain: String,
    /// The rule pack.
    pub regulation_pack: Pack,
    /// The regulation's number.
    pub regulation_number: String,
    /// The regulation's year.
    pub regulation_year: i32,
    /// Its full title.
    pub regulation_title: String,
    /// Who grants subdomains.
    pub subdomain_authority: SubdomainAuthority,
    /// The reporting chain.
    pub reporting_chain: ReportingChain,
    /// The time zone every page shows times in.
    pub time_zone: Zone,
}

/// Checks a region profile; the domain must follow the national rule
/// (`<name>kab.go.id` for a regency, `<name>kota.go.id` for a city).
pub fn validate_region(d: &RegionDraft, this_year: i32) -> Result<Region, Vec<FieldError>> {
    let mut c = Checker::default();
    let name = c.text("name", &d.name, 120);
    let kind = c.choice::<RegionKind>("kind", &d.kind);
    let domain = d.domain.trim().trim_end_matches('.').to_lowercase();
    let suffix = if kind == Some(RegionKind::Kota) {
        "kota.go.id"
    } else {
        "kab.go.id"
    };
    let label = domain.strip_suffix(suffix).unwrap_or("");
    if !domain.ends_with(suffix)
        || label.is_empty()
        || !label
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit())
    {
        c.push(FieldError::new("domain", "error-region-domain").arg("suffix", suffix));
    }
    let pack = c.choice::<Pack>("regulation_pack", &d.regulation_pack);
    let number = c.text("regulation_number", &d.regulation_number, 20);
    if !(2000..=this_year).contains(&d.regulation_year) {
        c.push(FieldError::new("regulation_year", "error-year").arg("max", this_year));
    }
    let title = c.text("regulation_title", &d.regulation_title, 300);
    let authority = c.choice::<SubdomainAuthority>("subdomain_authority", &d.subdomain_authority);
    let chain = c.choice::<ReportingChain>("reporting_chain", &d.reporting_chain);
    let time_zone = if d.time_zone.trim().is_empty() {
        Some(Zone::default())
    } else {
        c.choice::<Zone>("time_zone", &d.time_zone)
    };
    match (c.errors.is_empty(), kind, pack, authority, chain, time_zone) {
        (
            true,
            Some(kind),
            Some(regulation_pack),
            Some(subdomain_authority),
            Some(reporting_chain),
            Some(time_zone),
        ) => Ok(Region {
            name,
            kind,
            domain,
            regulation_pack,
            regulation_number: number,
            regulation_year: d.regulation_year,
            regulation_title: title,
            subdomain_authority,
            reporting_chain,
            time_zone,
        }),
        _ => Err(c.errors),
    }
}

/// An agency as entered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgencyDraft {
    /// Full name.
    pub name: String,
    /// Short code, e.g. `DISKOMINFO`.
    pub code: String,
    /// One of the [`AgencyKind`] names.
    pub kind: String,
    /// Whether this is the Dinas (the e-government coordinator).
    pub is_dinas: bool,
    /// The agency's e-government unit (MU 17.1, EN 20.1).
    pub egov_unit: Option<String>,
}

/// An agency, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    /// Full name.
    pub name: String,
    /// Code, upper-case.
    pub code: String,
    /// Kind.
    pub kind: AgencyKind,
    /// Whether it is the Dinas.
    pub is_dinas: bool,
    /// Its e-government unit.
    pub egov_unit: Option<String>,
}

/// Checks an agency; codes are upper-case letters, digits and hyphens.
pub fn validate_agency(d: &AgencyDraft) -> Result<Agency, Vec<FieldError>> {
    let mut c = Checker::default();
    let name = c.text("name", &d.name, 200);
    let code = d.code.trim().to_uppercase();
    if code.len() < 2
        || code.len() > 20
        || !code
            .chars()
            .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '-')
    {
        c.push(FieldError::new("code", "error-agency-code"));
    }
    let kind = c.choice::<AgencyKind>("kind", &d.kind);
    let egov_unit = c.optional("egov_unit", d.egov_unit.as_deref(), 200);
    match (c.errors.is_empty(), kind) {
        (true, Some(kind)) => Ok(Agency {
            name,
            code,
            kind,
            is_dinas: d.is_dinas,
            egov_unit,
        }),
        _ => Err(c.errors),
    }
}

/// A person as entered; the agency is named by id (forms, API) or code (CSV), resolved by the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonDraft {
    /// Full name with titles.
    pub name: String,
    /// One of the [`PersonKind`] names.
    pub kind: String,
    /// The 18-digit ASN number (PNS NIP or PPPK number), required for ASN.
    pub nip: Option<String>,
    /// The 16-digit population number, optional.
    pub nik: Option<String>,
    /// Position (jabatan).
    pub position: Option<String>,
    /// Official e-mail address.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

/// A person, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Full name.
    pub name: String,
    /// Kind of staff.
    pub kind: PersonKind,
    /// ASN number.
    pub nip: Option<String>,
    /// NIK.
    pub nik: Option<String>,
    /// Position.
    pub position: Option<String>,
    /// E-mail, lower-case.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

/// Checks a person against the rules for their kind.
/// Checks a person; `region_domain` (once the region profile is set) is the domain an official
/// e-mail address must be in.
pub fn validate_person(
    d: &PersonDraft,
    today: NaiveDate,
    region_domain: Option<&str>,
) -> Result<Person, Vec<FieldError>> {
    let mut c = Checker::default();
    let name = c.text("name", &d.name, 200);
    let kind = c.choice::<PersonKind>("kind", &d.kind);
    let nip = d.nip.as_deref().map(as_printed).filter(|s| !s.is_empty());
    let nip = match (kind, nip) {
        (Some(PersonKind::Pns), Some(n)) => c.check(check_nip(&n, AsnKind::Pns, today)).map(|_| n),
        (Some(PersonKind::Pppk), Some(n)) => {
            c.check(check_nip(&n, AsnKind::Pppk, today)).map(|_| n)
        }
        (Some(PersonKind::Pns | PersonKind::Pppk), None) => {
            c.push(FieldError::new("nip", "error-nip-required"));
            None
        }
        (Some(PersonKind::NonAsn), Some(_)) => {
            c.push(FieldError::new("nip", "error-nip-non-asn"));
            None
        }
        (_, _) => None,
    };
    let nik = match d.nik.as_deref().map(as_printed).filter(|s| !s.is_empty()) {
        Some(n) => c.check(check_nik(&n)).map(|_| n),
        None => None,
    };
    let position = c.optional("position", d.position.as_deref(), 200);
    let email = match d.email.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(e) => c
            .check(check_email("email", e))
            .and_then(|e| match region_domain {
                Some(domain) => c.check(check_official_email(&e, domain)).map(|()| e),
                None => Some(e),
            }),
        None => None,
    };
    let phone = c.optional("phone", d.phone.as_deref(), 30);
    if let Some(p) = &phone
        && !p
            .chars()
            .all(|ch| ch.is_ascii_digit() || matches!(ch, '+' | ' ' | '-' | '(' | ')'))
    {
        c.push(FieldError::new("phone", "error-phone"));
    }
    match (c.errors.is_empty(), kind) {
        (true, Some(kind)) => Ok(Person {
            name,
            kind,
            nip,
            nik,
            position,
            email,
            phone,
        }),
        _ => Err(c.errors),
    }
}

/// Which kind of ASN number to expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsnKind {
    /// PNS: birth date, appointment year and month (TMT CPNS), gender, serial.
    Pns,
    /// PPPK: birth date, appointment year, a 2-digit code (not a month), gender, serial.
    Pppk,
}

fn digits(s: &str, from: usize, len: usize) -> Option<u32> {
    s.get(from..from + len)?.parse().ok()
}

/// An official address is in the region's domain or one of its subdomains
/// (`siti@sukamajukab.go.id`, `siti@dinkes.sukamajukab.go.id`).
pub fn check_official_email(email: &str, domain: &str) -> Result<(), FieldError> {
    let host = email.rsplit_once('@').map_or("", |(_, h)| h);
    let domain = domain.trim_end_matches('.');
    let official = host.eq_ignore_ascii_case(domain)
        || host
            .to_ascii_lowercase()
            .ends_with(&format!(".{}", domain.to_ascii_lowercase()));
    if official {
        Ok(())
    } else {
        Err(FieldError::new("email", "error-email-not-official").arg("domain", domain))
    }
}

/// A NIP or NIK as printed on a decree or an identity card ("19850101 201001 2 001",
/// "3201.0112.0385.0001"): its digits, the grouping dropped.
pub fn as_printed(number: &str) -> String {
    number
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-'))
        .collect()
}

/// Checks the structure of an 18-digit ASN number (Perka BKN 22/2007 for PNS): a real birth
/// date, an appointment year after the 15th birthday and not in the future, for PNS a real
/// month, gender 1 or 2, and a serial other than 000.
pub fn check_nip(nip: &str, kind: AsnKind, today: NaiveDate) -> Result<(), FieldError> {
    let bad = |why: &'static str| Err(FieldError::new("nip", why));
    if nip.len() != 18 || !nip.bytes().all(|b| b.is_ascii_digit()) {
        return bad("error-nip-format");
    }
    let (Some(y), Some(m), Some(d)) = (digits(nip, 0, 4), digits(nip, 4, 2), digits(nip, 6, 2))
    else {
        return bad("error-nip-format");
    };
    let Some(birth) = i32::try_from(y)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
    else {
        return bad("error-nip-birth");
    };
    if birth.year() < 1930 || birth >= today {
        return bad("error-nip-birth");
    }
    let (Some(appointed), Some(month_or_code)) = (digits(nip, 8, 4), digits(nip, 12, 2)) else {
        return bad("error-nip-format");
    };
    let appointed = i32::try_from(appointed).unwrap_or(0);
    if appointed < birth.year() + 15 || appointed > today.year() + 1 {
        return bad("error-nip-appointment");
    }
    if kind == AsnKind::Pns && !(1..=12).contains(&month_or_code) {
        return bad("error-nip-appointment");
    }
    if !matches!(nip.get(14..15), Some("1" | "2")) {
        return bad("error-nip-gender");
    }
    if nip.get(15..18) == Some("000") {
        return bad("error-nip-serial");
    }
    Ok(())
}

/// Checks the structure of a 16-digit NIK: region codes, a birth date (day + 40 for women)
/// that exists in some century, and a serial other than 0000. There is no check digit.
pub fn check_nik(nik: &str) -> Result<(), FieldError> {
    let bad = |why: &'static str| Err(FieldError::new("nik", why));
    if nik.len() != 16 || !nik.bytes().all(|b| b.is_ascii_digit()) {
        return bad("error-nik-format");
    }
    let (Some(province), Some(day), Some(month), Some(yy)) = (
        digits(nik, 0, 2),
        digits(nik, 6, 2),
        digits(nik, 8, 2),
        digits(nik, 10, 2),
    ) else {
        return bad("error-nik-format");
    };
    if !(11..=99).contains(&province) {
        return bad("error-nik-region");
    }
    let day = if day > 40 { day - 40 } else { day };
    let yy = i32::try_from(yy).unwrap_or(0);
    let exists = [1900 + yy, 2000 + yy]
        .into_iter()
        .any(|y| NaiveDate::from_ymd_opt(y, month, day).is_some());
    if !exists {
        return bad("error-nik-birth");
    }
    if nik.get(12..16) == Some("0000") {
        return bad("error-nik-format");
    }
    Ok(())
}

/// A NIK as it may be shown to staff: region code and serial hidden.
pub fn mask_nik(nik: &str) -> String {
    let head: String = nik.chars().take(4).collect();
    format!(
        "{head}{}",
        "*".repeat(nik.chars().count().saturating_sub(4))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    #[test]
    fn valid_pns_nip_passes() {
        // Born 1985-03-12, CPNS from 2010-01, male, serial 001.
        assert!(check_nip("198503122010011001", AsnKind::Pns, today()).is_ok());
        assert!(check_nip("199012312019032002", AsnKind::Pns, today()).is_ok());
    }

    #[test]
    fn pppk_numbers_with_a_non_month_code_pass() {
        // Appointment year 2022 and code 21, which is not a month: valid PPPK, invalid PNS.
        assert!(check_nip("199002142022211003", AsnKind::Pppk, today()).is_ok());
        assert_eq!(
            check_nip("199002142022211003", AsnKind::Pns, today())
                .unwrap_err()
                .key,
            "error-nip-appointment"
        );
    }

    #[test]
    fn impossible_nips_are_rejected_with_the_reason() {
        let key = |n: &str| check_nip(n, AsnKind::Pns, today()).unwrap_err().key;
        assert_eq!(key("19850312201001100"), "error-nip-format"); // 17 digits
        assert_eq!(key("19850312201001100x"), "error-nip-format");
        assert_eq!(key("198502302010011001"), "error-nip-birth"); // 30 February
        assert_eq!(key("198513122010011001"), "error-nip-birth"); // month 13
        assert_eq!(key("198503121995011001"), "error-nip-appointment"); // appointed at 9
        assert_eq!(key("198503122010131001"), "error-nip-appointment"); // month 13
        assert_eq!(key("198503122010013001"), "error-nip-gender");
        assert_eq!(key("198503122010011000"), "error-nip-serial");
        assert_eq!(key("203003122050011001"), "error-nip-birth"); // born in the future
    }

    #[test]
    fn official_addresses_are_in_the_region_s_domain() {
        let domain = "sukamajukab.go.id";
        assert!(check_official_email("siti@sukamajukab.go.id", domain).is_ok());
        assert!(check_official_email("siti@dinkes.sukamajukab.go.id", domain).is_ok());
        for other in [
            "siti@gmail.com",
            "siti@notsukamajukab.go.id",
            "siti@sukamajukab.go.id.evil.com",
        ] {
            let e = check_official_email(other, domain).unwrap_err();
            assert_eq!(
                (e.field.as_str(), e.key),
                ("email", "error-email-not-official"),
                "{other}"
            );
        }
        let d = PersonDraft {
            name: "Siti".into(),
            kind: "non-asn".into(),
            email: Some("siti@gmail.com".into()),
            ..Default::default()
        };
        assert!(
            validate_person(&d, today(), None).is_ok(),
            "no region profile yet: no domain to check"
        );
        assert_eq!(
            validate_person(&d, today(), Some(domain)).unwrap_err()[0].key,
            "error-email-not-official"
        );
    }

    #[test]
    fn numbers_are_read_as_printed() {
        assert_eq!(as_printed(" 19850312 201001 1 001 "), "198503122010011001");
        assert_eq!(as_printed("3201.0112.0385.0001"), "3201011203850001");
        assert_eq!(as_printed("3201-0112\u{a0}0385-0001"), "3201011203850001");
        let d = PersonDraft {
            nip: Some("19850312 201001 1 001".into()),
            nik: Some("3201 0112 0385 0001".into()),
            name: "Siti".into(),
            kind: "pns".into(),
            ..Default::default()
        };
        let p = validate_person(&d, today(), None).expect("a NIP and NIK with spaces are accepted");
        assert_eq!(p.nip.as_deref(), Some("198503122010011001"));
        assert_eq!(p.nik.as_deref(), Some("3201011203850001"));
    }

    #[test]
    fn nik_structure() {
        assert!(check_nik("3201011203850001").is_ok()); // man born 12-03-85
        assert!(check_nik("3201015203850002").is_ok()); // woman: day 12 + 40
        assert!(check_nik("3201012902000003").is_ok()); // 29 Feb 2000 exists
        assert_eq!(
            check_nik("3201013002850001").unwrap_err().key,
            "error-nik-birth"
        ); // 30 Feb
        assert_eq!(
            check_nik("3201017203850001").unwrap_err().key,
            "error-nik-birth"
        ); // day 32 (72-40)
        assert_eq!(
            check_nik("0501011203850001").unwrap_err().key,
            "error-nik-region"
        );
        assert_eq!(
            check_nik("320101120385000").unwrap_err().key,
            "error-nik-format"
        );
        assert_eq!(mask_nik("3201011203850001"), "3201************");
    }

    #[test]
    fn person_rules_depend_on_kind() {
        let mut d = PersonDraft {
            name: "Siti".into(),
            kind: "pns".into(),
            ..Default::default()
        };
        assert_eq!(
            validate_person(&d, today(), None).unwrap_err()[0].key,
            "error-nip-required"
        );
        d.kind = "non-asn".into();
        d.nip = Some("198503122010011001".into());
        assert_eq!(
            validate_person(&d, today(), None).unwrap_err()[0].key,
            "error-nip-non-asn"
        );
        d.nip = None;
        d.email = Some("siti@sukamajukab.go.id".into());
        assert!(validate_person(&d, today(), None).is_ok());
    }

    #[test]
    fn agency_and_region_rules() {
        let a = AgencyDraft {
            name: " Dinas Kominfo ".into(),
            code: "diskominfo".into(),
            kind: "dinas".into(),
            ..Default::default()
        };
        let ok = validate_agency(&a).unwrap();
        assert_eq!(
            (ok.name.as_str(), ok.code.as_str()),
            ("Dinas Kominfo", "DISKOMINFO")
        );
        let bad = AgencyDraft {
            name: "x".repeat(201),
            code: "a b".into(),
            kind: "ministry".into(),
            ..Default::default()
        };
        let fields: Vec<_> = validate_agency(&bad)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["name", "code", "kind"]);
        let blank = validate_agency(&AgencyDraft::default()).unwrap_err();
        assert_eq!(
            blank[2].key, "error-choose",
            "a blank choice asks to choose"
        );

        let mut r = RegionDraft {
            name: "Kabupaten Sukamaju".into(),
            kind: "kabupaten".into(),
            domain: "sukamajukab.go.id".into(),
            regulation_pack: "kt".into(),
            regulation_number: "6".into(),
            regulation_year: 2018,
            regulation_title: "Peraturan Bupati Sukamaju Nomor 6 Tahun 2018".into(),
            subdomain_authority: "kepala-dinas".into(),
            reporting_chain: "agency-dinas-bupati".into(),
            time_zone: String::new(),
        };
        assert_eq!(validate_region(&r, 2026).unwrap().regulation_pack, Pack::KT);
        r.domain = "sukamaju.go.id".into();
        assert_eq!(validate_region(&r, 2026).unwrap_err()[0].field, "domain");
        r.kind = "kota".into();
        r.domain = "sukamajukota.go.id".into();
        assert!(validate_region(&r, 2026).is_ok());
    }
}
