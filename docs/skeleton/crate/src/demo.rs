//! The context's part of the demo region: a few entries of the demo agencies. Running it twice
//! changes nothing.

use db::DbConn;
use kernel::AppResult;
use kernel::audit::Actor;

use crate::model::EntryDraft;

/// Loads the demo entries (inside the demo's one transaction); false when there are entries
/// already or the demo agencies are missing.
pub fn load(c: &mut DbConn, actor: &Actor) -> AppResult<bool> {
    if crate::store::count(c)? > 0 {
        return Ok(false);
    }
    let mut added = false;
    for (code, name, status) in [
        ("DINKES", "Buku tamu puskesmas", "active"),
        ("DISDIKBUD", "Daftar sekolah mitra", "draft"),
    ] {
        let Some(agency) = org::directory::agency_by_code(c, code)? else {
            continue;
        };
        let draft = EntryDraft {
            agency_id: agency.id.to_string(),
            name: name.to_owned(),
            status: status.to_owned(),
            note: String::new(),
        };
        crate::service::create(c, actor, &draft)?;
        added = true;
    }
    Ok(added)
}
