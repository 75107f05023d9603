//! The demo region's datasets: population by district and sex (Disdukcapil), schools
//! (Disdikbud, overdue), health facilities (Dinkes), the civil servants with their NIK and NIP
//! (BKPSDM, limited, personal columns masked, overdue) and a development plan's indicators
//! that never got data (Bappeda, overdue, no Wali Data). Every number is made up but looks
//! like what a regency of 300,000 people has. Running it twice changes nothing.

use chrono::{Days, NaiveDate};
use db::DbConn;
use kernel::audit::Actor;
use kernel::{AppError, AppResult};

use crate::model::{DatasetDraft, WaliDraft};
use crate::variables::ColumnDraft;

/// The demo region's districts (kecamatan). Kabupaten Sukamaju is fictional, so its code
/// (32.99) and theirs are not in the Kemendagri list: the demo adds them as the region's own
/// codes, as a region adds districts formed after the decree.
const DISTRICTS: [(&str, &str); 10] = [
    ("32.99.01", "Sukamaju Kota"),
    ("32.99.02", "Cibening"),
    ("32.99.03", "Karanganyar"),
    ("32.99.04", "Sindangsari"),
    ("32.99.05", "Mekarjaya"),
    ("32.99.06", "Tanjungsari"),
    ("32.99.07", "Pasirwangi"),
    ("32.99.08", "Cikadu"),
    ("32.99.09", "Sukaraja"),
    ("32.99.10", "Margamulya"),
];

const NAMES: [&str; 20] = [
    "Ahmad Fauzi",
    "Siti Rahmawati",
    "Budi Santoso",
    "Dewi Lestari",
    "Rahmat Hidayat",
    "Nurhayati",
    "Andi Pratama",
    "Sri Wahyuni",
    "Hendra Gunawan",
    "Wulan Sari",
    "Yusuf Maulana",
    "Ratna Dewi",
    "Fajar Nugroho",
    "Indah Permatasari",
    "Rizky Ramadhan",
    "Lestari Handayani",
    "Agus Setiawan",
    "Maya Anggraini",
    "Joko Susilo",
    "Fitri Yanti",
];

fn column(name: &str, label: &str, kind: &str) -> ColumnDraft {
    ColumnDraft {
        name: name.into(),
        label: label.into(),
        kind: kind.into(),
        ..ColumnDraft::default()
    }
}

fn key(mut c: ColumnDraft) -> ColumnDraft {
    c.required = true;
    c.unique = true;
    c
}

fn required(mut c: ColumnDraft) -> ColumnDraft {
    c.required = true;
    c
}

/// Often filtered on: each version indexes it.
fn indexed(mut c: ColumnDraft) -> ColumnDraft {
    c.indexed = true;
    c
}

fn counted(mut c: ColumnDraft) -> ColumnDraft {
    c.required = true;
    c.min = "0".into();
    c
}

fn population() -> String {
    let mut csv = "kode_kecamatan,kecamatan,laki_laki,perempuan,jumlah\n".to_owned();
    for (i, (code, name)) in DISTRICTS.iter().enumerate() {
        let men = 14_000 + (i * 3_517) % 9_000;
        let women = men - 150 + (i * 97) % 400;
        csv.push_str(&format!("{code},{name},{men},{women},{}\n", men + women));
    }
    csv
}

fn schools() -> String {
    let mut csv =
        "npsn,nama_sekolah,jenjang,status,kode_kecamatan,jumlah_siswa,jumlah_guru\n".to_owned();
    for i in 0..40 {
        let (code, district) = DISTRICTS
            .get(i % DISTRICTS.len())
            .copied()
            .unwrap_or_default();
        let (level, pupils) = if i % 3 == 2 {
            ("SMP", 300 + (i * 37) % 500)
        } else {
            ("SD", 120 + (i * 53) % 260)
        };
        let status = if i % 5 == 4 { "Swasta" } else { "Negeri" };
        let number = i / 3 + 1;
        csv.push_str(&format!(
            "2099{:04},{level} {status} {number} {district},{level},{status},{code},{pupils},{}\n",
            1000 + i,
            pupils / 20 + 3
        ));
    }
    csv
}

fn facilities() -> String {
    let mut csv = "kode,nama,jenis,kode_kecamatan,tempat_tidur\n".to_owned();
    for (i, (code, district)) in DISTRICTS.iter().enumerate() {
        csv.push_str(&format!(
            "PKM{:02},Puskesmas {district},Puskesmas,{code},{}\n",
            i + 1,
            5 + i % 4 * 5
        ));
        if i % 3 == 0 {
            csv.push_str(&format!(
                "KLN{:02},Klinik Pratama Sehat {district},Klinik,{code},{}\n",
                i + 1,
                i % 2 * 6
            ));
        }
    }
    csv.push_str("RSUD01,RSUD Sukamaju,Rumah Sakit,32.99.01,212\n");
    csv
}

fn staff() -> String {
    let mut csv = "nip,nik,nama,jabatan,unit_kerja,golongan\n".to_owned();
    let units = ["DINKES", "DISDIKBUD", "DISDUKCAPIL", "BAPPEDA", "BKPSDM"];
    let posts = [
        "Analis Kebijakan",
        "Pranata Komputer",
        "Penata Kelola",
        "Arsiparis",
        "Perencana",
    ];
    for (i, name) in NAMES.iter().enumerate() {
        let year = 1975 + i % 20;
        let month = 1 + i % 12;
        let day = 1 + (i * 7) % 28;
        let female = i % 2 == 1;
        let sex = if female { 2 } else { 1 };
        let nip = format!(
            "{year}{month:02}{day:02}{}{:02}{sex}{:03}",
            2005 + i % 15,
            1 + i % 12,
            i + 1
        );
        let nik_day = if female { day + 40 } else { day };
        let district = 1 + i % DISTRICTS.len();
        let nik = format!(
            "3299{district:02}{nik_day:02}{month:02}{:02}{:04}",
            year % 100,
            i + 1
        );
        let unit = units.get(i % units.len()).copied().unwrap_or_default();
        let post = posts.get(i % posts.len()).copied().unwrap_or_default();
        let grade = ["III/a", "III/b", "III/c", "III/d", "IV/a"]
            .get(i % 5)
            .copied()
            .unwrap_or_default();
        csv.push_str(&format!("{nip},{nik},{name},{post},{unit},{grade}\n"));
    }
    csv
}

/// The demo regency and its districts, as the region's own codes.
fn regions() -> Vec<(String, String)> {
    let mut all = vec![("32.99".to_owned(), "Kabupaten Sukamaju".to_owned())];
    all.extend(
        DISTRICTS
            .iter()
            .map(|(c, n)| ((*c).to_owned(), (*n).to_owned())),
    );
    all
}

struct Demo {
    agency: &'static str,
    draft: fn(String) -> DatasetDraft,
    columns: fn() -> Vec<ColumnDraft>,
    file: Option<fn() -> String>,
    wali: bool,
    /// Days past due (none: current).
    late: Option<u64>,
    /// Whether the Walidata published its version (a public one left unpublished waits in the
    /// Dinas's queue).
    published: bool,
}

fn described(
    agency: String,
    slug: &str,
    title: &str,
    topic: &str,
    classification: &str,
    frequency: &str,
) -> DatasetDraft {
    DatasetDraft {
        agency_id: agency,
        slug: slug.into(),
        title: title.into(),
        topic: topic.into(),
        classification: classification.into(),
        frequency: frequency.into(),
        coverage: "32.99".into(),
        licence: crate::model::DEFAULT_LICENCE.into(),
        ..DatasetDraft::default()
    }
}

const DEMOS: [Demo; 5] = [
    Demo {
        agency: "DISDUKCAPIL",
        draft: |a| {
            DatasetDraft {
            description: "Jumlah penduduk menurut kecamatan dan jenis kelamin, dari data konsolidasi bersih semester II.".into(),
            period: "2025".into(),
            unit: "jiwa".into(),
            tags: "penduduk, kecamatan, jenis kelamin".into(),
            activity_name: "Konsolidasi data kependudukan".into(),
            activity_method: "Catatan administrasi (SIAK)".into(),
            contact_name: "Bidang Pengelolaan Informasi Administrasi Kependudukan".into(),
            contact_email: "pia.disdukcapil@sukamajukab.go.id".into(),
            ..described(a, "penduduk-per-kecamatan", "Jumlah Penduduk menurut Kecamatan dan Jenis Kelamin", "population", "public", "annual")
        }
        },
        columns: || {
            vec![
                key(column("kode_kecamatan", "Kode kecamatan", "region_code")),
                required(column("kecamatan", "Kecamatan", "text")),
                counted(column("laki_laki", "Laki-laki", "integer")),
                counted(column("perempuan", "Perempuan", "integer")),
                counted(column("jumlah", "Jumlah", "integer")),
            ]
        },
        file: Some(population),
        wali: true,
        late: None,
        published: true,
    },
    Demo {
        agency: "DISDIKBUD",
        draft: |a| DatasetDraft {
            description: "Satuan pendidikan dasar dengan jumlah peserta didik dan guru.".into(),
            period: "Semester I 2026".into(),
            unit: "sekolah".into(),
            tags: "sekolah, pendidikan, siswa".into(),
            activity_name: "Pendataan Dapodik".into(),
            activity_method: "Catatan administrasi".into(),
            ..described(
                a,
                "satuan-pendidikan",
                "Daftar Satuan Pendidikan Dasar",
                "education",
                "public",
                "semiannual",
            )
        },
        columns: || {
            vec![
                key(column("npsn", "NPSN", "text")),
                required(column("nama_sekolah", "Nama sekolah", "text")),
                indexed(required(column("jenjang", "Jenjang", "text"))),
                required(column("status", "Status", "text")),
                indexed(required(column(
                    "kode_kecamatan",
                    "Kode kecamatan",
                    "region_code",
                ))),
                counted(column("jumlah_siswa", "Jumlah siswa", "integer")),
                counted(column("jumlah_guru", "Jumlah guru", "integer")),
            ]
        },
        file: Some(schools),
        wali: true,
        late: Some(12),
        published: true,
    },
    Demo {
        agency: "DINKES",
        draft: |a| DatasetDraft {
            description: "Puskesmas, klinik dan rumah sakit dengan jumlah tempat tidur rawat inap."
                .into(),
            period: "2026".into(),
            unit: "fasilitas".into(),
            tags: "kesehatan, puskesmas, rumah sakit".into(),
            ..described(
                a,
                "fasilitas-kesehatan",
                "Fasilitas Kesehatan",
                "health",
                "public",
                "annual",
            )
        },
        columns: || {
            vec![
                key(column("kode", "Kode", "text")),
                required(column("nama", "Nama", "text")),
                indexed(required(column("jenis", "Jenis", "text"))),
                indexed(required(column(
                    "kode_kecamatan",
                    "Kode kecamatan",
                    "region_code",
                ))),
                counted(column("tempat_tidur", "Tempat tidur", "integer")),
            ]
        },
        file: Some(facilities),
        wali: true,
        late: None,
        published: false,
    },
    Demo {
        agency: "BKPSDM",
        draft: |a| {
            DatasetDraft {
            description: "Pegawai ASN dengan NIP, NIK, jabatan dan unit kerja; data pribadi hanya untuk BKPSDM.".into(),
            period: "November 2026".into(),
            unit: "orang".into(),
            tags: "pegawai, asn, kepegawaian".into(),
            activity_name: "Pemutakhiran data ASN (SIASN)".into(),
            activity_method: "Catatan administrasi".into(),
            ..described(a, "pegawai-asn", "Data Pegawai ASN", "personnel", "limited", "monthly")
        }
        },
        columns: || {
            let mut name = required(column("nama", "Nama", "text"));
            name.personal = true;
            vec![
                key(column("nip", "NIP", "nip")),
                required(column("nik", "NIK", "nik")),
                name,
                required(column("jabatan", "Jabatan", "text")),
                required(column("unit_kerja", "Unit kerja", "text")),
                column("golongan", "Golongan", "text"),
            ]
        },
        file: Some(staff),
        wali: false,
        late: Some(5),
        published: false,
    },
    Demo {
        agency: "BAPPEDA",
        draft: |a| DatasetDraft {
            description: "Capaian indikator kinerja utama daerah menurut RPJMD.".into(),
            period: "2025".into(),
            tags: "rpjmd, kinerja".into(),
            next_due: "2026-06-30".into(),
            ..described(
                a,
                "indikator-kinerja-daerah",
                "Capaian Indikator Kinerja Utama Daerah",
                "development",
                "public",
                "annual",
            )
        },
        columns: Vec::new,
        file: None,
        wali: false,
        late: None,
        published: false,
    },
];

/// Loads the demo datasets (inside the demo's one transaction); false when there are some
/// already, or no agencies to own them.
pub fn load(c: &mut DbConn, actor: &Actor) -> AppResult<bool> {
    if crate::store::count(c)? > 0 {
        return Ok(false);
    }
    let today = org::directory::today(c)?;
    let added = crate::store::added_regions(c)?;
    for (code, name) in regions() {
        if !added.contains_key(&code) {
            let draft = crate::model::RegionCodeDraft {
                code,
                name,
                basis: "Contoh: wilayah fiktif demo Simpul".into(),
            };
            crate::service::add_region_code(c, actor, &draft)?;
        }
    }
    for demo in &DEMOS {
        let Some(agency) = org::directory::agency_by_code(c, demo.agency)? else {
            return Ok(false);
        };
        let row = crate::service::create(
            c,
            actor,
            &(demo.draft)(agency.id.to_string()),
            &kernel::permissions::Visible::All,
        )?;
        let columns = (demo.columns)();
        if !columns.is_empty() {
            crate::service::set_columns(c, actor, row.id, &columns)?;
        }
        if let Some(file) = demo.file {
            let name = format!("{}.csv", row.slug);
            crate::version::load_now(c, actor, row.id, &name, file().as_bytes(), today)?
                .1
                .map_err(|r| {
                    AppError::Internal(format!("demo dataset {} refused: {r:?}", row.slug))
                })?;
        }
        if demo.published {
            let publish = crate::model::ReviewDraft {
                decision: "published".into(),
                ..Default::default()
            };
            crate::service::review(c, actor, row.id, 1, &publish)?;
        }
        if let Some(days) = demo.late {
            let due = today.checked_sub_days(Days::new(days)).unwrap_or(today);
            crate::store::set_due(c, row.id, Some(due))?;
        }
        if demo.wali
            && let Some(person) = org::directory::people_of(c, agency.id, 1)?
                .into_iter()
                .next()
        {
            let decree = WaliDraft {
                person_id: person.id.to_string(),
                decree_number: format!("100.3.3.2/Kep.{}/2026", 40 + row.title.len()),
                decree_date: NaiveDate::from_ymd_opt(2026, 2, 2)
                    .unwrap_or(today)
                    .to_string(),
            };
            crate::service::appoint(c, actor, row.id, &decree, today)?;
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::load;
    use crate::variables::validate_columns;

    #[test]
    fn every_demo_file_passes_its_own_schema() {
        for demo in &DEMOS {
            let (Some(file), columns) = (demo.file, (demo.columns)()) else {
                continue;
            };
            let columns = validate_columns(&columns).unwrap();
            let added: crate::regions::Added = regions().into_iter().collect();
            let out = load(
                file().as_bytes(),
                &columns,
                crate::regions::Check::Listed(&added),
                None,
                &Default::default(),
                1000,
                |_| Ok(()),
            )
            .unwrap();
            assert!(out.is_ok(), "{}: {out:?}", demo.agency);
        }
    }
}
