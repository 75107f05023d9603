//! The accounts of the demo region: one for every role, each belonging to a person of the
//! agency the role is held in. Running it twice changes nothing.

use db::DbConn;
use kernel::AppResult;
use kernel::audit::Actor;
use kernel::permissions::{Role, RoleGrant};
use org::model::PersonDraft;

use crate::service::{NewUser, register_user};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "Sukamaju-2026";

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

/// Loads the demo accounts (inside the demo's transaction); false when they are there already
/// or the demo agencies are not.
pub fn load(conn: &mut DbConn, actor: &Actor) -> AppResult<bool> {
    if crate::store::find_user_by_login(conn, "admin")?.is_some() {
        return Ok(false);
    }
    let Some(fallback) = org::directory::agency_by_code(conn, "SETDA")? else {
        return Ok(false);
    };
    for (login, name, role, code) in ACCOUNTS {
        let agency = match code {
            Some(c) => org::directory::agency_by_code(conn, c)?.map(|a| a.id),
            None => None,
        };
        let person = org::directory::add_person(
            conn,
            actor,
            agency.unwrap_or(fallback.id),
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
            person_id: Some(person),
            grants: vec![RoleGrant { role, agency }],
        };
        register_user(conn, actor, &new)?;
    }
    Ok(true)
}
