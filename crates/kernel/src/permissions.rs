//! Who may do what. Each context declares its *capabilities* — which roles may read and which
//! may write one kind of its records, and whether within their own agency or region-wide — in
//! its module; [`allows`] is the one place the decision is made, for every context. The kernel
//! checks the declarations at start ([`check`]): a new role's rights in a new context are a
//! declaration in that context, never an edit here.

use serde::{Deserialize, Serialize};

use crate::ids::AgencyId;

/// The roles the regulations name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Diskominfo staff running the platform.
    DinasAdmin,
    /// Head of the Dinas: signs decisions, reads everything.
    KepalaDinas,
    /// Registers an agency's records; sees only that agency.
    AgencyOperator,
    /// Administrator of an agency's website (BT 21.3).
    WebAdmin,
    /// Data steward of an agency's databases.
    WaliData,
    /// Information officer (PPID) of the region.
    Ppid,
    /// Assistant information officer of an agency.
    PpidPembantu,
    /// Bupati/Walikota or Sekda: read-only dashboards.
    Leader,
    /// Inspektorat: read-only, including the audit trail.
    Auditor,
}

impl Role {
    /// Every role, in display order.
    pub const ALL: [Role; 9] = [
        Role::DinasAdmin,
        Role::KepalaDinas,
        Role::AgencyOperator,
        Role::WebAdmin,
        Role::WaliData,
        Role::Ppid,
        Role::PpidPembantu,
        Role::Leader,
        Role::Auditor,
    ];

    /// The stored and CLI name (`agency-operator`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::DinasAdmin => "dinas-admin",
            Role::KepalaDinas => "kepala-dinas",
            Role::AgencyOperator => "agency-operator",
            Role::WebAdmin => "web-admin",
            Role::WaliData => "wali-data",
            Role::Ppid => "ppid",
            Role::PpidPembantu => "ppid-pembantu",
            Role::Leader => "leader",
            Role::Auditor => "auditor",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether the role only makes sense inside one agency.
    pub fn needs_agency(self) -> bool {
        matches!(
            self,
            Role::AgencyOperator | Role::WebAdmin | Role::WaliData | Role::PpidPembantu
        )
    }

    /// Whether the role only ever looks (the Bupati's office and the Inspektorat).
    pub fn read_only(self) -> bool {
        matches!(self, Role::Leader | Role::Auditor)
    }
}

/// A role held by an account, scoped to an agency where the role needs one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleGrant {
    /// The role.
    pub role: Role,
    /// The agency it applies to, for agency-scoped roles.
    pub agency: Option<AgencyId>,
}

/// Reading or changing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Look at records.
    Read,
    /// Create, change or withdraw records.
    Write,
}

/// What a request touches: a record of the whole region (the region profile, the agency list,
/// the master plan, or a step only the Dinas takes), or a record owned by one agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Region-wide.
    Region,
    /// Owned by this agency.
    Agency(AgencyId),
}

/// How far one role's right reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The records of the agencies the role is granted in.
    OwnAgency,
    /// Every agency's records and the region's own.
    Region,
}

/// One role's right.
pub type Right = (Role, Reach);

/// A kind of record a context owns, and who may read and write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capability {
    /// `context.thing` (`registry.applications`).
    pub id: &'static str,
    /// Who may look, and how far.
    pub read: &'static [Right],
    /// Who may change, and how far.
    pub write: &'static [Right],
}

/// Every role reads, region-wide (records of the region that are not secret among staff).
pub const EVERYONE_READS: &[Right] = &[
    (Role::DinasAdmin, Reach::Region),
    (Role::KepalaDinas, Reach::Region),
    (Role::AgencyOperator, Reach::Region),
    (Role::WebAdmin, Reach::Region),
    (Role::WaliData, Reach::Region),
    (Role::Ppid, Reach::Region),
    (Role::PpidPembantu, Reach::Region),
    (Role::Leader, Reach::Region),
    (Role::Auditor, Reach::Region),
];

/// An agency's non-public records: the Dinas, its head, the leaders, the Inspektorat and the
/// region's PPID read every agency's; an agency's own staff read their agency's.
pub const AGENCY_STAFF_READ: &[Right] = &[
    (Role::DinasAdmin, Reach::Region),
    (Role::KepalaDinas, Reach::Region),
    (Role::Leader, Reach::Region),
    (Role::Auditor, Reach::Region),
    (Role::Ppid, Reach::Region),
    (Role::AgencyOperator, Reach::OwnAgency),
    (Role::WebAdmin, Reach::OwnAgency),
    (Role::WaliData, Reach::OwnAgency),
    (Role::PpidPembantu, Reach::OwnAgency),
];

/// The agency's operator keeps its records; the Dinas may correct any.
pub const OPERATOR_WRITES: &[Right] = &[
    (Role::DinasAdmin, Reach::Region),
    (Role::AgencyOperator, Reach::OwnAgency),
];

/// Only the Dinas's administrators change it.
pub const DINAS_WRITES: &[Right] = &[(Role::DinasAdmin, Reach::Region)];

/// The Dinas, its head and the Inspektorat (who oversee accounts and access).
pub const OVERSIGHT_READS: &[Right] = &[
    (Role::DinasAdmin, Reach::Region),
    (Role::KepalaDinas, Reach::Region),
    (Role::Auditor, Reach::Region),
];

impl Capability {
    /// Records owned by agencies: their staff read their own, the Dinas and overseers all;
    /// the agency's operator and the Dinas write (region-wide writes — reviews, decisions — are
    /// the Dinas's alone).
    pub const fn agency_records(id: &'static str) -> Self {
        Self {
            id,
            read: AGENCY_STAFF_READ,
            write: OPERATOR_WRITES,
        }
    }

    /// Records of the region the Dinas keeps and every role reads.
    pub const fn region_records(id: &'static str) -> Self {
        Self {
            id,
            read: EVERYONE_READS,
            write: DINAS_WRITES,
        }
    }

    fn rights(&self, access: Access) -> &'static [Right] {
        match access {
            Access::Read => self.read,
            Access::Write => self.write,
        }
    }
}

/// Whether someone holding `grants` may have `access` to `scope` of `cap`.
pub fn allows(grants: &[RoleGrant], cap: &Capability, access: Access, scope: Scope) -> bool {
    let rights = cap.rights(access);
    grants.iter().any(|g| {
        rights
            .iter()
            .filter(|(role, _)| *role == g.role)
            .any(|(_, reach)| match (reach, scope) {
                (Reach::Region, _) => true,
                (Reach::OwnAgency, Scope::Agency(a)) => g.agency == Some(a),
                (Reach::OwnAgency, Scope::Region) => false,
            })
    })
}

/// Which agencies' records of a capability a principal may list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visible {
    /// Every agency.
    All,
    /// Only these.
    Only(Vec<AgencyId>),
}

impl Visible {
    /// Whether this agency's records are among them.
    pub fn includes(&self, agency: AgencyId) -> bool {
        match self {
            Visible::All => true,
            Visible::Only(ids) => ids.contains(&agency),
        }
    }
}

/// The agencies whose records of `cap` someone holding `grants` may read.
pub fn visible_agencies(grants: &[RoleGrant], cap: &Capability) -> Visible {
    let rights = cap.rights(Access::Read);
    let reach = |g: &RoleGrant| {
        rights
            .iter()
            .filter(|(role, _)| *role == g.role)
            .map(|(_, reach)| *reach)
            .max_by_key(|r| *r == Reach::Region)
    };
    if grants.iter().any(|g| reach(g) == Some(Reach::Region)) {
        return Visible::All;
    }
    let mut ids: Vec<AgencyId> = grants
        .iter()
        .filter(|g| reach(g) == Some(Reach::OwnAgency))
        .filter_map(|g| g.agency)
        .collect();
    ids.sort();
    ids.dedup();
    Visible::Only(ids)
}

/// Checks every module's declarations; the first problem, named, or nothing. The rules hold for
/// every context: ids are unique and named after their context; the read-only roles (leaders,
/// the Inspektorat) never write; a role held within one agency never writes region-wide; whoever
/// may write may read at least as far; no role is listed twice for the same access.
pub fn check(declared: &[(&str, &[Capability])]) -> Result<(), String> {
    let mut seen: Vec<&str> = vec![];
    for (module, caps) in declared {
        for cap in *caps {
            if !cap
                .id
                .strip_prefix(module)
                .is_some_and(|rest| rest.starts_with('.') && rest.len() > 1)
            {
                return Err(format!(
                    "capability {} of module {module} must be named {module}.<thing>",
                    cap.id
                ));
            }
            if seen.contains(&cap.id) {
                return Err(format!("capability {} is declared twice", cap.id));
            }
            seen.push(cap.id);
            for rights in [cap.read, cap.write] {
                for (i, (role, _)) in rights.iter().enumerate() {
                    if rights.iter().skip(i + 1).any(|(r, _)| r == role) {
                        return Err(format!("{}: {} is listed twice", cap.id, role.as_str()));
                    }
                }
            }
            for (role, reach) in cap.write {
                if role.read_only() {
                    return Err(format!(
                        "{}: {} only reads and may not write",
                        cap.id,
                        role.as_str()
                    ));
                }
                if role.needs_agency() && *reach == Reach::Region {
                    return Err(format!(
                        "{}: {} is held within one agency and may not write region-wide",
                        cap.id,
                        role.as_str()
                    ));
                }
                let reads = cap
                    .read
                    .iter()
                    .any(|(r, rr)| r == role && (*rr == Reach::Region || rr == reach));
                if !reads {
                    return Err(format!(
                        "{}: {} writes but may not read as far",
                        cap.id,
                        role.as_str()
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORDS: Capability = Capability::agency_records("test.records");
    const REGION: Capability = Capability::region_records("test.region");
    const TRAIL: Capability = Capability {
        id: "test.trail",
        read: &[
            (Role::Auditor, Reach::Region),
            (Role::DinasAdmin, Reach::Region),
        ],
        write: &[],
    };

    fn grant(role: Role, agency: Option<AgencyId>) -> Vec<RoleGrant> {
        vec![RoleGrant { role, agency }]
    }

    #[test]
    fn operator_reads_and_writes_only_own_agency() {
        let (a, b) = (AgencyId::new(), AgencyId::new());
        let op = grant(Role::AgencyOperator, Some(a));
        assert!(allows(&op, &RECORDS, Access::Read, Scope::Agency(a)));
        assert!(allows(&op, &RECORDS, Access::Write, Scope::Agency(a)));
        assert!(!allows(&op, &RECORDS, Access::Read, Scope::Agency(b)));
        assert!(!allows(&op, &RECORDS, Access::Write, Scope::Agency(b)));
        assert!(!allows(&op, &RECORDS, Access::Write, Scope::Region));
        assert!(!allows(&op, &TRAIL, Access::Read, Scope::Region));
        assert_eq!(visible_agencies(&op, &RECORDS), Visible::Only(vec![a]));
        assert_eq!(visible_agencies(&op, &REGION), Visible::All);
        assert!(allows(&op, &REGION, Access::Read, Scope::Region));
        assert!(!allows(&op, &REGION, Access::Write, Scope::Region));
    }

    #[test]
    fn read_only_roles_never_write() {
        let a = AgencyId::new();
        for role in [Role::Leader, Role::Auditor, Role::KepalaDinas] {
            let g = grant(role, None);
            assert!(
                allows(&g, &RECORDS, Access::Read, Scope::Agency(a)),
                "{role:?} reads"
            );
            for scope in [Scope::Agency(a), Scope::Region] {
                assert!(
                    !allows(&g, &RECORDS, Access::Write, scope),
                    "{role:?} must not write"
                );
            }
            assert_eq!(visible_agencies(&g, &RECORDS), Visible::All);
        }
    }

    #[test]
    fn the_dinas_writes_region_wide_and_nobody_edits_the_trail() {
        let admin = grant(Role::DinasAdmin, None);
        assert!(allows(&admin, &RECORDS, Access::Write, Scope::Region));
        assert!(allows(&admin, &REGION, Access::Write, Scope::Region));
        assert!(allows(&admin, &TRAIL, Access::Read, Scope::Region));
        assert!(!allows(&admin, &TRAIL, Access::Write, Scope::Region));
        assert!(allows(
            &grant(Role::Auditor, None),
            &TRAIL,
            Access::Read,
            Scope::Region
        ));
        assert!(!allows(
            &grant(Role::Leader, None),
            &TRAIL,
            Access::Read,
            Scope::Region
        ));
    }

    #[test]
    fn agency_scoped_non_operator_roles_read_but_do_not_write_records() {
        let a = AgencyId::new();
        let w = grant(Role::WaliData, Some(a));
        assert!(allows(&w, &RECORDS, Access::Read, Scope::Agency(a)));
        assert!(!allows(&w, &RECORDS, Access::Write, Scope::Agency(a)));
        // A context that gives the Wali Data a write right declares it; nothing else changes.
        const DATASETS: Capability = Capability {
            id: "test.datasets",
            read: AGENCY_STAFF_READ,
            write: &[
                (Role::DinasAdmin, Reach::Region),
                (Role::WaliData, Reach::OwnAgency),
            ],
        };
        assert!(allows(&w, &DATASETS, Access::Write, Scope::Agency(a)));
        assert!(!allows(
            &w,
            &DATASETS,
            Access::Write,
            Scope::Agency(AgencyId::new())
        ));
        assert!(check(&[("test", &[DATASETS])]).is_ok());
    }

    #[test]
    fn nobody_without_grants_may_do_anything() {
        assert!(!allows(&[], &REGION, Access::Read, Scope::Region));
        assert!(!allows(
            &[],
            &RECORDS,
            Access::Read,
            Scope::Agency(AgencyId::new())
        ));
        assert_eq!(visible_agencies(&[], &RECORDS), Visible::Only(vec![]));
    }

    #[test]
    fn declarations_that_break_the_rules_are_refused() {
        let bad = |cap: Capability| check(&[("test", &[cap])]).unwrap_err();
        assert!(
            bad(Capability {
                id: "test.x",
                read: EVERYONE_READS,
                write: &[(Role::Leader, Reach::Region)],
            })
            .contains("only reads")
        );
        assert!(
            bad(Capability {
                id: "test.x",
                read: EVERYONE_READS,
                write: &[(Role::AgencyOperator, Reach::Region)],
            })
            .contains("region-wide")
        );
        assert!(
            bad(Capability {
                id: "test.x",
                read: &[],
                write: DINAS_WRITES,
            })
            .contains("may not read")
        );
        assert!(bad(Capability::agency_records("other.x")).contains("must be named"));
        assert!(
            check(&[("test", &[RECORDS, RECORDS])])
                .unwrap_err()
                .contains("twice")
        );
        assert!(check(&[("test", &[RECORDS, REGION, TRAIL])]).is_ok());
    }

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
