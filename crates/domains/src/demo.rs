//! The demo region's zone, `sukamajukab.go.id`: the portal, mail, the name servers and a few
//! agencies' subdomains, each on the decision that granted it (addresses from the
//! documentation ranges, RFC 5737 and 3849). Running it twice changes nothing.

use db::DbConn;
use kernel::AppResult;
use kernel::audit::Actor;

use crate::model::RecordDraft;

const DECISION: &str = "Keputusan Kepala Dinas Kominfo Nomor 045/112/DISKOMINFO/2025";

/// Loads the demo zone (inside the demo's one transaction); false when there are records
/// already, or no region or agencies to own them.
pub fn load(c: &mut DbConn, actor: &Actor) -> AppResult<bool> {
    if crate::store::count(c)? > 0 || crate::service::apex(c).is_err() {
        return Ok(false);
    }
    let records: [(&str, &str, &str, &str, &str); 15] = [
        ("DISKOMINFO", "ns1", "A", "203.0.113.2", DECISION),
        ("DISKOMINFO", "ns2", "A", "198.51.100.2", DECISION),
        ("DISKOMINFO", "@", "A", "203.0.113.10", DECISION),
        ("DISKOMINFO", "www", "CNAME", "sukamajukab.go.id.", DECISION),
        ("DISKOMINFO", "mail", "A", "203.0.113.25", DECISION),
        ("DISKOMINFO", "@", "MX", "10 mail", DECISION),
        ("DISKOMINFO", "@", "TXT", "v=spf1 mx -all", DECISION),
        (
            "DISKOMINFO",
            "_dmarc",
            "TXT",
            "v=DMARC1; p=quarantine; rua=mailto:dmarc@sukamajukab.go.id",
            DECISION,
        ),
        (
            "DISKOMINFO",
            "@",
            "CAA",
            "0 issue \"letsencrypt.org\"",
            DECISION,
        ),
        ("DISKOMINFO", "ppid", "A", "203.0.113.33", DECISION),
        ("DISKOMINFO", "ppid", "AAAA", "2001:db8:10::33", DECISION),
        (
            "DINKES",
            "dinkes",
            "A",
            "203.0.113.31",
            "Keputusan Kepala Dinas Kominfo Nomor 045/131/DISKOMINFO/2025",
        ),
        (
            "DINKES",
            "sikda",
            "CNAME",
            "dinkes",
            "Keputusan Kepala Dinas Kominfo Nomor 045/137/DISKOMINFO/2025",
        ),
        (
            "DISDIKBUD",
            "disdikbud",
            "A",
            "203.0.113.32",
            "Keputusan Kepala Dinas Kominfo Nomor 045/140/DISKOMINFO/2025",
        ),
        (
            "BKPSDM",
            "simpeg",
            "A",
            "203.0.113.40",
            "Keputusan Kepala Dinas Kominfo Nomor 045/152/DISKOMINFO/2026",
        ),
    ];
    let mut added = false;
    for (code, name, rtype, value, basis) in records {
        let Some(agency) = org::directory::agency_by_code(c, code)? else {
            continue;
        };
        let draft = RecordDraft {
            agency_id: agency.id.to_string(),
            name: name.into(),
            rtype: rtype.into(),
            value: value.into(),
            ttl: String::new(),
            basis: basis.into(),
        };
        crate::service::create(c, actor, &draft)?;
        added = true;
    }
    // Requests the Dinas has yet to decide, and one it refused.
    let asks = [
        (
            "DISHUB",
            "subdomain",
            "angkutan",
            "Sistem informasi trayek dan angkutan umum",
            "203.0.113.45",
        ),
        (
            "DPMPTSP",
            "separate_domain",
            "investsukamaju.id",
            "Portal promosi investasi untuk calon investor luar negeri",
            "",
        ),
        (
            "DINKES",
            "subdomain",
            "sehat",
            "Nama umum untuk layanan kesehatan",
            "",
        ),
    ];
    for (code, kind, name, purpose, target) in asks {
        let Some(agency) = org::directory::agency_by_code(c, code)? else {
            continue;
        };
        let draft = crate::request::RequestDraft {
            agency_id: agency.id.to_string(),
            kind: kind.into(),
            name: name.into(),
            purpose: purpose.into(),
            target: target.into(),
        };
        let row = crate::service::ask(c, actor, &draft)?;
        if name == "sehat" {
            let refusal = crate::request::DecisionDraft {
                decision: "refuse".into(),
                decision_number: "045/160/DISKOMINFO/2026".into(),
                decision_date: db::now().date().format("%Y-%m-%d").to_string(),
                reason: "Nama terlalu umum; gunakan nama layanannya, misalnya sikda.".into(),
            };
            crate::service::decide(c, actor, row.id, &refusal)?;
        }
    }
    Ok(added)
}
