//! The registry's part of the demo region: a master plan due for review, applications that
//! show what the rules catch (an outside host, a closed licence, missing facilities, a
//! registration sent back), and vendors, devices and servers with the problems a real
//! inventory has. Running it twice changes nothing.

use crate::lookups::Lookups;
use db::DbConn;
use kernel::AppResult;
use kernel::audit::Actor;
use kernel::ids::AgencyId;

use crate::model::Action;

/// The day the demo's dates were written for. Every date is moved by the days since then, so
/// the demo tells the same story whenever it is loaded (a plan in force but due for review, a
/// switch past its maintenance, an expired warranty) instead of ageing into another one.
const WRITTEN_FOR: (i32, u32, u32) = (2026, 12, 4);

/// `date` (`YYYY-MM-DD`, or empty) moved by the days between [`WRITTEN_FOR`] and today.
fn shifted(date: &str) -> String {
    let (y, m, d) = WRITTEN_FOR;
    let (Ok(when), Some(anchor)) = (
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d"),
        chrono::NaiveDate::from_ymd_opt(y, m, d),
    ) else {
        return date.to_owned();
    };
    (when + (db::now().date() - anchor)).to_string()
}

/// The demo agencies this part refers to, by code.
const CODES: [&str; 6] = [
    "DISKOMINFO",
    "BKPSDM",
    "DINKES",
    "DISDIKBUD",
    "DISDUKCAPIL",
    "DISHUB",
];

/// Loads the registry's demo records (inside the demo's transaction); false when a master plan
/// exists already or the demo agencies are not there.
pub fn load(conn: &mut DbConn, actor: &Actor) -> AppResult<bool> {
    if crate::store::plan_latest(conn)?.is_some() {
        return Ok(false);
    }
    let mut ids = vec![];
    for code in CODES {
        match org::directory::agency_by_code(conn, code)? {
            Some(a) => ids.push((code, a.id)),
            None => return Ok(false),
        }
    }
    load_registry(conn, actor, &ids)?;
    load_history(conn)?;
    Ok(true)
}

/// Half a year of the region's compliance score, read every two weeks up to yesterday: the
/// leaders' trend has a past (today's reading is the live one).
fn load_history(conn: &mut DbConn) -> AppResult<()> {
    const SCORES: [i32; 13] = [38, 41, 40, 44, 46, 45, 49, 51, 50, 53, 55, 54, 57];
    let now = db::now();
    let yesterday = now.date() - chrono::Days::new(1);
    for (i, score) in (0u64..).zip(SCORES) {
        let day = yesterday - chrono::Days::new(14 * (12 - i));
        crate::store::history_record(conn, day, (score, 100, 100 - score), now)?;
    }
    Ok(())
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
    let adopted = shifted("2022-03-01");
    let start: i32 = adopted
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(2022);
    let plan = crate::service::create_plan(
        conn,
        actor,
        &crate::model::PlanDraft {
            title: format!(
                "Rencana Induk e-Government Kabupaten Sukamaju {start}–{}",
                start + 4
            ),
            period_start: start.to_string(),
            adopted_on: adopted,
        },
    )?;
    let reviewed =
        chrono::NaiveDate::parse_from_str(&shifted("2024-02-15"), "%Y-%m-%d").unwrap_or_default();
    crate::service::review_plan(conn, actor, plan.id, reviewed)?;
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
            crate::service::add_item(conn, actor, plan.id, code, title)?.id,
        ));
    }
    let mut apps = vec![];
    for a in &DEMO_APPS {
        let agency = ids
            .iter()
            .find(|(k, _)| *k == a.agency)
            .map(|(_, id)| id.to_string());
        let draft = crate::model::ApplicationDraft {
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
                .map(|(_, id)| id.to_string()),
            feature_correction: a.user_features,
            feature_cancel: a.user_features,
            feature_confirmation: a.user_features,
            feature_offer_choice: a.user_features,
            ..Default::default()
        };
        let row = crate::service::create(conn, actor, &draft)?;
        for (step, note) in a.steps {
            crate::service::act(conn, actor, row.id, *step, note)?;
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
    apps: &[(&str, crate::model::ApplicationId)],
) -> AppResult<()> {
    use crate::inventory::{DeviceDraft, ServerDraft, VendorDraft, service};
    let agency = |code: &str| {
        ids.iter()
            .find(|(k, _)| *k == code)
            .map(|(_, id)| id.to_string())
            .unwrap_or_default()
    };
    let app = |name: &str| apps.iter().find(|(n, _)| *n == name).map(|(_, id)| *id);
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
            contract_start: shifted("2024-01-15"),
            contract_end: shifted("2024-12-31"),
            application_id: app(app_name).map(|a| a.to_string()),
            confidentiality_signed: nda,
            training_given: trained,
            warranty_until: shifted(warranty),
        };
        service::save_vendor(conn, &mut Lookups::default(), actor, None, &draft)?;
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
        servers.push((
            name,
            service::save_server(conn, &mut Lookups::default(), actor, true, None, &draft)?.id,
        ));
    }
    for (server, app_name) in [
        ("vm-simpeg-01", "SIMPEG Sukamaju"),
        ("vm-eoffice-01", "e-Office Sukamaju"),
    ] {
        if let (Some((_, s)), Some(a)) = (servers.iter().find(|(n, _)| *n == server), app(app_name))
        {
            service::set_applications(conn, actor, *s, &[a], |_| true)?;
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
            acquired_on: shifted(acquired),
            funding_source: "apbd".into(),
            location: location.into(),
            maintenance_months: months.into(),
            last_maintained_on: shifted(last),
            retired: false,
        };
        service::save_device(conn, &mut Lookups::default(), actor, None, &draft)?;
    }
    Ok(())
}
