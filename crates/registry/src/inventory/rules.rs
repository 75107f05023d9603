//! The inventory's compliance rules: vendors' confidentiality duty, training and warranty,
//! devices' maintenance schedule, and servers outside the Dinas's data center.

use chrono::NaiveDate;
use db::DbConn;
use diesel::QueryResult;
use kernel::compliance::{Active, Evaluation, Finding, Pack, Rule, RuleSource, Within};

use super::maintenance_due;
use super::store::{self, DeviceFact, ServerRow, VendorRow};
use crate::model::Lifecycle;

/// A vendor servicing the agency's devices without a signed confidentiality duty (KT 8.3).
pub const VENDOR_CONFIDENTIALITY: Rule = Rule {
    id: "REG-VENDOR-CONFIDENTIALITY",
    statement: "rule-reg-vendor-confidentiality",
    articles: &[(Pack::KT, "Pasal 8 ayat (3)")],
};
/// A vendor that has not trained the agency's staff (BT 18.5).
pub const VENDOR_TRAINING: Rule = Rule {
    id: "REG-VENDOR-TRAINING",
    statement: "rule-reg-vendor-training",
    articles: &[(Pack::BT, "Pasal 18 ayat (5)")],
};
/// An application in production whose vendor warranty or maintenance period has ended, or
/// was never agreed (BT 18.5).
pub const VENDOR_WARRANTY: Rule = Rule {
    id: "REG-VENDOR-WARRANTY",
    statement: "rule-reg-vendor-warranty",
    articles: &[(Pack::BT, "Pasal 18 ayat (5)"), (Pack::KT, "Pasal 22")],
};
/// A device whose scheduled maintenance is overdue (KT 22, EN 25, MU 23, BT 28).
pub const DEVICE_MAINTENANCE: Rule = Rule {
    id: "REG-DEVICE-MAINTENANCE",
    statement: "rule-reg-device-maintenance",
    articles: &[
        (Pack::KT, "Pasal 22"),
        (Pack::EN, "Pasal 25"),
        (Pack::MU, "Pasal 23"),
        (Pack::BT, "Pasal 28"),
    ],
};
/// A server outside the Dinas's data center or DR site (KT 9.2–9.3, MU 6.3, BT 10.3).
pub const SERVER_SITE: Rule = Rule {
    id: "REG-SERVER-SITE",
    statement: "rule-reg-server-site",
    articles: &[
        (Pack::KT, "Pasal 9 ayat (3)"),
        (Pack::MU, "Pasal 6 ayat (3)"),
        (Pack::BT, "Pasal 10 ayat (3)"),
    ],
};

/// Every inventory rule.
pub const RULES: [Rule; 5] = [
    VENDOR_CONFIDENTIALITY,
    VENDOR_TRAINING,
    VENDOR_WARRANTY,
    DEVICE_MAINTENANCE,
    SERVER_SITE,
];

/// The inventory's contribution to the rule packs.
pub const SOURCE: RuleSource = RuleSource {
    rules: &RULES,
    evaluate,
};

/// Whether a vendor breaks the rule on `today` (`lifecycle`: of the application it serves).
pub fn vendor_breaks(
    rule: &Rule,
    v: &VendorRow,
    lifecycle: Option<Lifecycle>,
    today: NaiveDate,
) -> bool {
    match rule.id {
        "REG-VENDOR-CONFIDENTIALITY" => !v.confidentiality_signed,
        "REG-VENDOR-TRAINING" => !v.training_given,
        "REG-VENDOR-WARRANTY" => {
            lifecycle == Some(Lifecycle::Production) && v.warranty_until.is_none_or(|w| w < today)
        }
        _ => false,
    }
}

/// Whether a device's maintenance is overdue on `today`.
pub fn device_overdue(d: &DeviceFact, today: NaiveDate) -> bool {
    maintenance_due(d.maintenance_months, d.last_maintained_on, d.acquired_on)
        .is_some_and(|due| due < today)
}

/// Whether a server stands outside the Dinas's sites.
pub fn server_outside(s: &ServerRow) -> bool {
    !s.site.is_dinas()
}

fn evaluate(c: &mut DbConn, within: &Within, active: &Active) -> QueryResult<Evaluation> {
    let agency = match within {
        Within::Region => None,
        Within::Agency(a) => Some(*a),
    };
    let today = db::now().date();
    let facts = store::facts(c, agency, today)?;
    let mut e = Evaluation::new(active);
    for (v, lifecycle) in &facts.vendors {
        for rule in [&VENDOR_CONFIDENTIALITY, &VENDOR_TRAINING, &VENDOR_WARRANTY] {
            if !active.has(rule) {
                continue;
            }
            let broken = vendor_breaks(rule, v, *lifecycle, today);
            e.check(Some(v.agency_id), broken, || Finding {
                rule: rule.id,
                agency_id: Some(v.agency_id),
                record_type: "vendor",
                record_id: v.id.to_string(),
                label: v.name.clone(),
                href: format!("/registry/vendors/{}", v.id),
            });
        }
    }
    if active.has(&DEVICE_MAINTENANCE) {
        for (agency, n) in &facts.devices_checked {
            e.count(*agency, u32::try_from(*n).unwrap_or(u32::MAX));
        }
        for d in facts
            .devices_due
            .iter()
            .filter(|d| device_overdue(d, today))
        {
            e.fail(d.agency_id, || Finding {
                rule: DEVICE_MAINTENANCE.id,
                agency_id: Some(d.agency_id),
                record_type: "device",
                record_id: d.id.to_string(),
                label: d.name.clone(),
                href: format!("/registry/devices/{}", d.id),
            });
        }
    }
    if active.has(&SERVER_SITE) {
        for (s, apps) in &facts.servers {
            e.check(Some(s.agency_id), server_outside(s), || Finding {
                rule: SERVER_SITE.id,
                agency_id: Some(s.agency_id),
                record_type: "server",
                record_id: s.id.to_string(),
                label: if apps.is_empty() {
                    s.name.clone()
                } else {
                    format!("{} ({})", s.name, apps.join(", "))
                },
                href: format!("/registry/servers/{}", s.id),
            });
        }
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use kernel::ids::AgencyId;

    use super::*;
    use crate::inventory::{DeviceId, ServerId, ServerKind, Site, VendorId};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn vendor() -> VendorRow {
        let now = chrono::NaiveDateTime::default();
        VendorRow {
            id: VendorId::new(),
            agency_id: AgencyId::new(),
            name: "PT Solusi".into(),
            contract_number: "1".into(),
            contract_start: d(2024, 1, 1),
            contract_end: d(2024, 12, 31),
            application_id: Some(crate::model::ApplicationId::new()),
            confidentiality_signed: true,
            training_given: true,
            warranty_until: Some(d(2027, 1, 1)),
            created_at: now,
            created_by: "x".into(),
            updated_at: now,
            updated_by: "x".into(),
        }
    }

    #[test]
    fn vendor_duties() {
        let today = d(2026, 11, 24);
        let mut v = vendor();
        assert!(
            RULES
                .iter()
                .all(|r| !vendor_breaks(r, &v, Some(Lifecycle::Production), today))
        );
        v.warranty_until = Some(d(2026, 1, 1));
        assert!(vendor_breaks(
            &VENDOR_WARRANTY,
            &v,
            Some(Lifecycle::Production),
            today
        ));
        assert!(
            !vendor_breaks(&VENDOR_WARRANTY, &v, Some(Lifecycle::Retired), today),
            "only for applications in use"
        );
        v.warranty_until = None;
        assert!(
            vendor_breaks(&VENDOR_WARRANTY, &v, Some(Lifecycle::Production), today),
            "never agreed"
        );
        v.confidentiality_signed = false;
        v.training_given = false;
        assert!(vendor_breaks(&VENDOR_CONFIDENTIALITY, &v, None, today));
        assert!(vendor_breaks(&VENDOR_TRAINING, &v, None, today));
    }

    #[test]
    fn devices_and_servers() {
        let now = chrono::NaiveDateTime::default();
        let mut dev = DeviceFact {
            id: DeviceId::new(),
            agency_id: AgencyId::new(),
            name: "Core switch".into(),
            maintenance_months: Some(6),
            last_maintained_on: Some(d(2026, 8, 1)),
            acquired_on: Some(d(2024, 1, 1)),
        };
        assert!(!device_overdue(&dev, d(2026, 11, 24)));
        dev.last_maintained_on = Some(d(2026, 1, 1));
        assert!(device_overdue(&dev, d(2026, 11, 24)));
        let srv = |site: Site| ServerRow {
            id: ServerId::new(),
            agency_id: AgencyId::new(),
            name: "srv".into(),
            kind: ServerKind::Physical,
            site,
            rack_or_cluster: String::new(),
            cpu_cores: 1,
            memory_gb: 1,
            storage_gb: 1,
            retired: false,
            created_at: now,
            created_by: "x".into(),
            updated_at: now,
            updated_by: "x".into(),
        };
        assert!(!server_outside(&srv(Site::DinasDc)) && !server_outside(&srv(Site::DinasDr)));
        assert!(server_outside(&srv(Site::Agency)) && server_outside(&srv(Site::Other)));
    }
}
