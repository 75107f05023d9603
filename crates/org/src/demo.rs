//! The organisation's part of the demo region, the fictional Kabupaten Sukamaju
//! (`sukamajukab.go.id`): the region profile, sixteen agencies and their people. Running it
//! twice changes nothing.

use db::DbConn;
use kernel::AppResult;
use kernel::audit::Actor;

use crate::model::{AgencyDraft, PersonDraft, RegionDraft};
use crate::{service, store};

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

/// Loads the region, agencies and people (inside the demo's transaction); false
/// when they are there already.
pub fn load(conn: &mut DbConn, actor: &Actor) -> AppResult<bool> {
    {
        if store::agency_by_code(conn, "DISKOMINFO")?.is_some() {
            return Ok(false);
        }
        let actor = actor.clone();
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
            time_zone: "WIB".into(),
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
            ids.push((code, row.id));
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
        Ok(true)
    }
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
                crate::model::check_nip(&nip, crate::model::AsnKind::Pns, today).is_ok(),
                "{nip}"
            );
        }
    }
}
