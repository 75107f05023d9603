//! `simpul demo`: loads the fictional Kabupaten Sukamaju (`sukamajukab.go.id`) — agencies,
//! people and an account for every role. Running it twice changes nothing.

use db::DbConn;
use kernel::audit::Actor;
use kernel::auth::{self, NewUser};
use kernel::ids::AgencyId;
use kernel::permissions::{Role, RoleGrant};
use kernel::{AppResult, state::write_tx};
use org::model::{AgencyDraft, PersonDraft, RegionDraft};
use org::{service, store};
use registry::model::Action;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "Sukamaju-2026";

const AGENCIES: [(&str, &str, &str); 16] = [
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika", "dinas"),
    ("SETDA", "Sekretariat Daerah", "sekretariat-daerah"),
    ("SETWAN", "Sekretariat DPRD", "sekretariat-dprd"),
    ("INSPEKTORAT", "Inspektorat Daerah", "inspektorat"),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", "badan"),
    (
        "BKPSDM",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "badan",
    ),
    (
        "BPKAD",
        "Badan Pengelolaan Keuangan dan Aset Daerah",
        "badan",
    ),
    ("DINKES", "Dinas Kesehatan", "dinas"),
    ("DISDIKBUD", "Dinas Pendidikan dan Kebudayaan", "dinas"),
    (
        "DPMPTSP",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "dinas",
    ),
    (
        "DISDUKCAPIL",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "dinas",
    ),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", "dinas"),
    ("DISHUB", "Dinas Perhubungan", "dinas"),
    ("SATPOLPP", "Satuan Polisi Pamong Praja", "satpol-pp"),
    ("RSUD", "Rumah Sakit Umum Daerah Sukamaju", "rsud"),
    ("KEC-SUKAMAJU", "Kecamatan Sukamaju Kota", "kecamatan"),
];

const FIRST: [&str; 16] = [
    "Agus", "Siti", "Budi", "Dewi", "Rahmat", "Nur", "Andi", "Sri", "Hendra", "Wulan", "Yusuf",
    "Ratna", "Fajar", "Indah", "Rizky", "Lestari",
];
const LAST: [&str; 12] = [
    "Saputra", "Wahyuni", "Hidayat", "Pratiwi", "Setiawan", "Rahayu", "Nugroho", "Kusuma",
    "Siregar", "Lubis", "Hasibuan", "Ramadhan",
];
const POSITIONS: [&str; 4] = ["Kepala", "Sekretaris", "Kepala Bidang", "Pranata Komputer"];

/// The demo accounts: login, name, role, agency code.
pub const ACCOUNTS: [(&str, &str, Role, Option<&str>); 12] = [
    (
        "admin",
        "Admin Diskominfo",
        Role::DinasAdmin,
        Some("DISKOMINFO"),
    ),
    (
        "kadis",
        "Kepala Dinas Kominfo",
        Role::KepalaDinas,
        Some("DISKOMINFO"),
    ),
    ("ppid", "PPID Utama", Role::Ppid, Some("DISKOMINFO")),
    ("bupati", "Bupati Sukamaju", Role::Leader, None),
    ("sekda", "Sekretaris Daerah", Role::Leader, Some("SETDA")),
    (
        "auditor",
        "Auditor Inspektorat",
        Role::Auditor,
        Some("INSPEKTORAT"),
    ),
    (
        "op.dinkes",
        "Operator Dinas Kesehatan",
        Role::AgencyOperator,
        Some("DINKES"),
    ),
    (
        "op.disdikbud",
        "Operator Dinas Pendidikan",
        Role::AgencyOperator,
        Some("DISDIKBUD"),
    ),
    (
        "op.dukcapil",
        "Operator Disdukcapil",
        Role::AgencyOperator,
        Some("DISDUKCAPIL"),
    ),
    (
        "web.dinkes",
        "Admin Web Dinas Kesehatan",
        Role::WebAdmin,
        Some("DINKES"),
    ),
    (
        "walidata.dinkes",
        "Wali Data Dinas Kesehatan",
        Role::WaliData,
        Some("DINKES"),
    ),
    (
        "ppid.dinkes",
        "PPID Pembantu Dinas Kesehatan",
        Role::PpidPembantu,
        Some("DINKES"),
    ),
];

/// A valid PNS NIP for the `n`-th demo person (birth 1970–1995, appointed at 25).
fn demo_nip(n: usize) -> String {
    let year = demo_birth_year(n);
    format!(
        "{}{:04}{:02}{}{:03}",
        demo_birth(n),
        year + 25,
        1 + n % 12,
        1 + n % 2,
        1 + n % 999
    )
}

fn demo_birth_year(n: usize) -> usize {
    1970 + (n * 7) % 26
}

/// A birth date `YYYYMMDD` for the `n`-th demo person.
fn demo_birth(n: usize) -> String {
    format!(
        "{:04}{:02}{:02}",
        demo_birth_year(n),
        1 + (n * 5) % 12,
        1 + (n * 3) % 28
    )
}

/// Loads the demo region; returns whether anything was added.
pub fn load(conn: &mut DbConn) -> AppResult<bool> {
    write_tx(conn, |conn| {
        if store::agency_by_code(conn, "DISKOMINFO")?.is_some() {
            return Ok(false);
        }
        let actor = Actor::system("demo");
        let region = RegionDraft {
            name: "Kabupaten Sukamaju".into(),
            kind: "kabupaten".into(),
            domain: "sukamajukab.go.id".into(),
            regulation_pack: "KT".into(),
            regulation_number: "6".into(),
            regulation_year: 2018,
            regulation_title:
                "Peraturan Bupati Sukamaju Nomor 6 Tahun 2018 tentang Penyelenggaraan e-Government"
                    .into(),
            subdomain_authority: "kepala-dinas".into(),
            reporting_chain: "agency-dinas-bupati".into(),
        };
        service::put_region(conn, &actor, &region)?;
        let mut ids = vec![];
        for (code, name, kind) in AGENCIES {
            let draft = AgencyDraft {
                name: name.into(),
                code: code.into(),
                kind: kind.into(),
                is_dinas: code == "DISKOMINFO",
                egov_unit: Some(if code == "DISKOMINFO" {
                    "Bidang Aplikasi Informatika".into()
                } else {
                    "Subbagian Umum dan Kepegawaian".into()
                }),
            };
            let row = service::create_agency(conn, &actor, &draft)?;
            ids.push((code, AgencyId::parse(&row.id).unwrap_or_default()));
        }
        let mut n = 0;
        for (code, agency) in &ids {
            for slot in 0..4 {
                n += 1;
                let name = format!(
                    "{} {}",
                    FIRST.get(n % FIRST.len()).unwrap_or(&"Ani"),
                    LAST.get((n * 5) % LAST.len()).unwrap_or(&"Putri")
                );
                let kind = match slot {
                    3 => "non-asn",
                    2 if n % 3 == 0 => "pppk",
                    _ => "pns",
                };
                let nip = match kind {
                    "pns" => Some(demo_nip(n)),
                    "pppk" => Some(format!("{}202321{}{:03}", demo_birth(n), 1 + n % 2, n)),
                    _ => None,
                };
                let login_part = code.to_lowercase().replace('-', "");
                let draft = PersonDraft {
                    name,
                    kind: kind.into(),
                    nip,
                    nik: None,
                    position: Some(format!(
                        "{} {}",
                        POSITIONS.get(slot).unwrap_or(&"Staf"),
                        code
                    )),
                    email: Some(format!("pegawai{n}.{login_part}@sukamajukab.go.id")),
                    phone: None,
                };
                service::create_person(conn, &actor, *agency, &draft)?;
            }
        }
        for (login, name, role, code) in ACCOUNTS {
            let agency = code.and_then(|c| ids.iter().find(|(k, _)| *k == c).map(|(_, id)| *id));
            let person = service::create_person(
                conn,
                &actor,
                agency
                    .or_else(|| ids.iter().find(|(k, _)| *k == "SETDA").map(|(_, id)| *id))
                    .unwrap_or_default(),
                &PersonDraft {
                    name: name.into(),
                    kind: "non-asn".into(),
                    email: Some(format!("{}@sukamajukab.go.id", login.replace('.', "-"))),
                    position: Some(name.into()),
                    ..Default::default()
                },
            )?;
            let new = NewUser {
                login,
                name,
                password: DEMO_PASSWORD,
                person_id: Some(person.id),
                grants: vec![RoleGrant { role, agency }],
            };
            auth::register_user(conn, &actor, &new)?;
        }
        load_registry(conn, &actor, &ids)?;
        Ok(true)
    })
}

/// One demo application: agency code, name, kind, lifecycle, the workflow steps it has been
/// through, and how it falls short (or not).
struct DemoApp {
    agency: &'static str,
    name: &'static str,
    kind: &'static str,
    lifecycle: &'static str,
    steps: &'static [(Action, &'static str)],
    open_source: bool,
    owned: bool,
    url: Option<&'static str>,
    hosting: &'static str,
    item: Option<&'static str>,
    /// Gives its users every facility of KT 16.5.
    user_features: bool,
}

const SUBMIT: (Action, &str) = (Action::Submit, "");
const APPROVE: (Action, &str) = (Action::Approve, "");

const DEMO_APPS: [DemoApp; 6] = [
    DemoApp {
        agency: "BKPSDM",
        name: "SIMPEG Sukamaju",
        kind: "khusus",
        lifecycle: "production",
        steps: &[SUBMIT, APPROVE],
        open_source: true,
        owned: true,
        url: Some("https://simpeg.sukamajukab.go.id"),
        hosting: "dinas_dc",
        item: Some("RI-02"),
        user_features: true,
    },
    DemoApp {
        agency: "DINKES",
        name: "SIKDA Puskesmas",
        kind: "khusus",
        lifecycle: "production",
        steps: &[SUBMIT, APPROVE],
        open_source: false,
        owned: false,
        url: Some("https://sikda-sukamaju.vendorkes.co.id"),
        hosting: "outside",
        item: None,
        user_features: false,
    },
    DemoApp {
        agency: "DISKOMINFO",
        name: "e-Office Sukamaju",
        kind: "umum",
        lifecycle: "production",
        steps: &[SUBMIT, APPROVE],
        open_source: true,
        owned: true,
        url: Some("https://eoffice.sukamajukab.go.id"),
        hosting: "dinas_dc",
        item: Some("RI-01"),
        user_features: true,
    },
    DemoApp {
        agency: "DISDIKBUD",
        name: "Data Sekolah Terpadu",
        kind: "khusus",
        lifecycle: "development",
        steps: &[SUBMIT],
        open_source: true,
        owned: true,
        url: None,
        hosting: "dinas_dc",
        item: Some("RI-04"),
        user_features: true,
    },
    DemoApp {
        agency: "DISDUKCAPIL",
        name: "Antrian Online Dukcapil",
        kind: "khusus",
        lifecycle: "production",
        steps: &[],
        open_source: true,
        owned: true,
        url: Some("https://antrian.dukcapil.sukamajukab.go.id"),
        hosting: "dinas_dc",
        item: Some("RI-03"),
        user_features: true,
    },
    DemoApp {
        agency: "DISHUB",
        name: "Sistem Informasi Terminal",
        kind: "khusus",
        lifecycle: "planned",
        steps: &[
            SUBMIT,
            (
                Action::Return,
                "Lengkapi rincian antarmuka dan butir Rencana Induk.",
            ),
        ],
        open_source: true,
        owned: true,
        url: None,
        hosting: "none",
        item: None,
        user_features: false,
    },
];

/// A master plan due for review, and applications that show what the rules catch.
fn load_registry(conn: &mut DbConn, actor: &Actor, ids: &[(&str, AgencyId)]) -> AppResult<()> {
    let date = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    let plan = registry::service::create_plan(
        conn,
        actor,
        "Rencana Induk e-Government Kabupaten Sukamaju 2022–2026",
        2022,
        date(2022, 3, 1),
    )?;
    registry::service::review_plan(conn, actor, &plan.id, date(2024, 2, 15))?;
    let mut items = vec![];
    for (code, title) in [
        (
            "RI-01",
            "Naskah dinas elektronik untuk seluruh perangkat daerah",
        ),
        ("RI-02", "Sistem informasi kepegawaian terintegrasi"),
        ("RI-03", "Layanan administrasi kependudukan daring"),
        ("RI-04", "Data pendidikan terpadu"),
        ("RI-05", "Pusat data dan pemulihan bencana"),
        ("RI-06", "Satu data Sukamaju"),
    ] {
        items.push((
            code,
            registry::service::add_item(conn, actor, &plan.id, code, title)?.id,
        ));
    }
    let mut apps = vec![];
    for a in &DEMO_APPS {
        let agency = ids
            .iter()
            .find(|(k, _)| *k == a.agency)
            .map(|(_, id)| id.to_string());
        let draft = registry::model::ApplicationDraft {
            agency_id: agency.unwrap_or_default(),
            name: a.name.into(),
            kind: a.kind.into(),
            purpose: format!("{} untuk {}", a.name, a.agency),
            users: "ASN perangkat daerah dan masyarakat".into(),
            funding_source: "apbd".into(),
            funding_amount: Some(250_000_000),
            open_source: a.open_source,
            licence: a.open_source.then(|| "GPL-3.0".into()),
            code_owned_by_region: a.owned,
            licence_owned_by_region: a.owned,
            web_based: true,
            production_url: a.url.map(Into::into),
            security_level: "tinggi".into(),
            hosting: a.hosting.into(),
            lifecycle: a.lifecycle.into(),
            master_plan_item_id: a
                .item
                .and_then(|c| items.iter().find(|(k, _)| *k == c))
                .map(|(_, id)| id.clone()),
            feature_correction: a.user_features,
            feature_cancel: a.user_features,
            feature_confirmation: a.user_features,
            feature_offer_choice: a.user_features,
            ..Default::default()
        };
        let row = registry::service::create(conn, actor, &draft)?;
        for (step, note) in a.steps {
            registry::service::act(conn, actor, &row.id, *step, note)?;
        }
        apps.push((a.name, row.id));
    }
    load_inventory(conn, actor, ids, &apps)
}

/// Vendors, devices and servers, with a few of the problems a real inventory has: a vendor
/// without a confidentiality duty whose warranty has run out, a switch past its maintenance,
/// a server in an agency's own server room.
fn load_inventory(
    conn: &mut DbConn,
    actor: &Actor,
    ids: &[(&str, AgencyId)],
    apps: &[(&str, String)],
) -> AppResult<()> {
    use registry::inventory::{DeviceDraft, ServerDraft, VendorDraft, service};
    let agency = |code: &str| {
        ids.iter()
            .find(|(k, _)| *k == code)
            .map(|(_, id)| id.to_string())
            .unwrap_or_default()
    };
    let app = |name: &str| {
        apps.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, id)| id.clone())
    };
    for (code, name, contract, app_name, nda, trained, warranty) in [
        (
            "BKPSDM",
            "CV Mitra Data Nusantara",
            "027/045/BKPSDM/2024",
            "SIMPEG Sukamaju",
            true,
            true,
            "2027-06-30",
        ),
        (
            "DINKES",
            "PT Vendorkes Solusi Medika",
            "440/112/DINKES/2022",
            "SIKDA Puskesmas",
            false,
            true,
            "2025-12-31",
        ),
        (
            "DISKOMINFO",
            "PT Arsip Digital Indonesia",
            "555/021/DISKOMINFO/2025",
            "e-Office Sukamaju",
            true,
            false,
            "2027-12-31",
        ),
    ] {
        let draft = VendorDraft {
            agency_id: agency(code),
            name: name.into(),
            contract_number: contract.into(),
            contract_start: "2024-01-15".into(),
            contract_end: "2024-12-31".into(),
            application_id: app(app_name),
            confidentiality_signed: nda,
            training_given: trained,
            warranty_until: warranty.into(),
        };
        service::save_vendor(conn, actor, None, &draft)?;
    }
    let mut servers = vec![];
    for (code, name, kind, site, rack, cpu, mem, disk) in [
        (
            "DISKOMINFO",
            "dc-node-01",
            "physical",
            "dinas_dc",
            "Rak A3",
            "32",
            "256",
            "8000",
        ),
        (
            "DISKOMINFO",
            "vm-simpeg-01",
            "virtual",
            "dinas_dc",
            "Klaster Proxmox DC",
            "4",
            "16",
            "200",
        ),
        (
            "DISKOMINFO",
            "vm-eoffice-01",
            "virtual",
            "dinas_dc",
            "Klaster Proxmox DC",
            "8",
            "32",
            "500",
        ),
        (
            "DISKOMINFO",
            "dr-node-01",
            "physical",
            "dinas_dr",
            "Rak DR-1",
            "16",
            "128",
            "8000",
        ),
        (
            "DINKES",
            "srv-dinkes-lokal",
            "physical",
            "agency",
            "Ruang server Dinkes",
            "8",
            "32",
            "2000",
        ),
    ] {
        let draft = ServerDraft {
            agency_id: agency(code),
            name: name.into(),
            kind: kind.into(),
            site: site.into(),
            rack_or_cluster: rack.into(),
            cpu_cores: cpu.into(),
            memory_gb: mem.into(),
            storage_gb: disk.into(),
            retired: false,
        };
        servers.push((name, service::save_server(conn, actor, None, &draft)?.id));
    }
    for (server, app_name) in [
        ("vm-simpeg-01", "SIMPEG Sukamaju"),
        ("vm-eoffice-01", "e-Office Sukamaju"),
    ] {
        if let (Some((_, s)), Some(a)) = (servers.iter().find(|(n, _)| *n == server), app(app_name))
        {
            service::set_applications(conn, actor, s, &[a])?;
        }
    }
    for (code, kind, name, serial, acquired, months, last, location) in [
        (
            "DISKOMINFO",
            "network",
            "Core switch Cisco C9300",
            "FOC2231X0AB",
            "2021-05-10",
            "6",
            "2026-02-01",
            "Pusat data, rak A1",
        ),
        (
            "DISKOMINFO",
            "network",
            "Firewall FortiGate 200F",
            "FG200FT921900",
            "2022-03-01",
            "6",
            "2026-09-15",
            "Pusat data, rak A1",
        ),
        (
            "DISKOMINFO",
            "hardware",
            "UPS APC Smart-UPS 10 kVA",
            "AS2105123456",
            "2021-05-10",
            "12",
            "2026-06-20",
            "Pusat data",
        ),
        (
            "DINKES",
            "end_user",
            "Laptop Lenovo ThinkPad E14",
            "PF3XK9A1",
            "2024-02-12",
            "",
            "",
            "Bidang P2P",
        ),
        (
            "DISDUKCAPIL",
            "end_user",
            "Mesin antrean Dukcapil",
            "ANT-2023-007",
            "2023-07-01",
            "12",
            "2024-07-01",
            "Ruang pelayanan",
        ),
        (
            "DISHUB",
            "network",
            "Access point Terminal Sukamaju",
            "",
            "2023-01-20",
            "12",
            "",
            "Terminal tipe A",
        ),
    ] {
        let draft = DeviceDraft {
            agency_id: agency(code),
            kind: kind.into(),
            name: name.into(),
            serial: serial.into(),
            acquired_on: acquired.into(),
            funding_source: "apbd".into(),
            location: location.into(),
            maintenance_months: months.into(),
            last_maintained_on: last.into(),
            retired: false,
        };
        service::save_device(conn, actor, None, &draft)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_nips_are_valid() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        for n in 1..=80 {
            let nip = demo_nip(n);
            assert!(
                org::model::check_nip(&nip, org::model::AsnKind::Pns, today).is_ok(),
                "{nip}"
            );
        }
    }
}
