//! Who may do what: every handler asks here, by role and agency scope. Pure functions over
//! the roles a principal holds, unit tested without a server.

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

    /// Whether the role reads every agency's records.
    fn reads_everything(self) -> bool {
        matches!(
            self,
            Role::DinasAdmin | Role::KepalaDinas | Role::Leader | Role::Auditor | Role::Ppid
        )
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

/// What a request touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Records of the whole region that the Dinas keeps (region profile, the agency list).
    Region,
    /// Non-public records owned by one agency.
    Agency(AgencyId),
    /// The audit trail.
    AuditTrail,
    /// Accounts and the roles they hold.
    Accounts,
}

/// Whether someone holding `grants` may have `access` to `scope`.
pub fn allows(grants: &[RoleGrant], access: Access, scope: Scope) -> bool {
    grants.iter().any(|g| grant_allows(g, access, scope))
}

fn grant_allows(grant: &RoleGrant, access: Access, scope: Scope) -> bool {
    match (scope, access) {
        (Scope::AuditTrail, Access::Read) => matches!(grant.role, Role::Auditor | Role::DinasAdmin),
        // Nobody edits the trail; it is only appended to by the platform itself.
        (Scope::AuditTrail, Access::Write) => false,
        (Scope::Accounts, Access::Read) => matches!(
            grant.role,
            Role::DinasAdmin | Role::KepalaDinas | Role::Auditor
        ),
        (Scope::Accounts, Access::Write) => grant.role == Role::DinasAdmin,
        (_, Access::Write) if grant.role == Role::DinasAdmin => true,
        (Scope::Region, Access::Read) => true,
        (Scope::Region, Access::Write) => false,
        (Scope::Agency(a), Access::Read) => {
            grant.role.reads_everything() || grant.agency == Some(a)
        }
        (Scope::Agency(a), Access::Write) => {
            grant.role == Role::AgencyOperator && grant.agency == Some(a)
        }
    }
}

/// Which agencies' non-public records a principal may list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visible {
    /// Every agency.
    All,
    /// Only these.
    Only(Vec<AgencyId>),
}

/// The agencies whose records `grants` may read.
pub fn visible_agencies(grants: &[RoleGrant]) -> Visible {
    if grants.iter().any(|g| g.role.reads_everything()) {
        return Visible::All;
    }
    let mut ids: Vec<AgencyId> = grants.iter().filter_map(|g| g.agency).collect();
    ids.sort();
    ids.dedup();
    Visible::Only(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, agency: Option<AgencyId>) -> Vec<RoleGrant> {
        vec![RoleGrant { role, agency }]
    }

    #[test]
    fn operator_reads_and_writes_only_own_agency() {
        let (a, b) = (AgencyId::new(), AgencyId::new());
        let op = grant(Role::AgencyOperator, Some(a));
        assert!(allows(&op, Access::Read, Scope::Agency(a)));
        assert!(allows(&op, Access::Write, Scope::Agency(a)));
        assert!(!allows(&op, Access::Read, Scope::Agency(b)));
        assert!(!allows(&op, Access::Write, Scope::Agency(b)));
        assert!(!allows(&op, Access::Write, Scope::Region));
        assert!(!allows(&op, Access::Read, Scope::AuditTrail));
        assert_eq!(visible_agencies(&op), Visible::Only(vec![a]));
    }

    #[test]
    fn read_only_roles_never_write() {
        let a = AgencyId::new();
        for role in [Role::Leader, Role::Auditor, Role::KepalaDinas] {
            let g = grant(role, None);
            assert!(allows(&g, Access::Read, Scope::Agency(a)), "{role:?} reads");
            assert!(
                !allows(&g, Access::Write, Scope::Agency(a)),
                "{role:?} must not write"
            );
            assert!(
                !allows(&g, Access::Write, Scope::Region),
                "{role:?} must not write"
            );
            assert_eq!(visible_agencies(&g), Visible::All);
        }
    }

    #[test]
    fn only_auditor_and_admin_read_the_audit_trail_and_nobody_edits_it() {
        assert!(allows(
            &grant(Role::Auditor, None),
            Access::Read,
            Scope::AuditTrail
        ));
        assert!(allows(
            &grant(Role::DinasAdmin, None),
            Access::Read,
            Scope::AuditTrail
        ));
        assert!(!allows(
            &grant(Role::Leader, None),
            Access::Read,
            Scope::AuditTrail
        ));
        assert!(!allows(
            &grant(Role::DinasAdmin, None),
            Access::Write,
            Scope::AuditTrail
        ));
    }

    #[test]
    fn agency_scoped_non_operator_roles_read_but_do_not_write_org_records() {
        let a = AgencyId::new();
        let w = grant(Role::WaliData, Some(a));
        assert!(allows(&w, Access::Read, Scope::Agency(a)));
        assert!(!allows(&w, Access::Write, Scope::Agency(a)));
    }

    #[test]
    fn nobody_without_grants_may_do_anything_but_read_region() {
        assert!(!allows(&[], Access::Read, Scope::Region));
        assert!(!allows(&[], Access::Read, Scope::Agency(AgencyId::new())));
        assert_eq!(visible_agencies(&[]), Visible::Only(vec![]));
    }

    #[test]
    fn only_the_dinas_admin_manages_accounts() {
        let a = AgencyId::new();
        assert!(allows(
            &grant(Role::DinasAdmin, None),
            Access::Write,
            Scope::Accounts
        ));
        assert!(allows(
            &grant(Role::Auditor, None),
            Access::Read,
            Scope::Accounts
        ));
        assert!(!allows(
            &grant(Role::Auditor, None),
            Access::Write,
            Scope::Accounts
        ));
        assert!(!allows(
            &grant(Role::AgencyOperator, Some(a)),
            Access::Read,
            Scope::Accounts
        ));
        assert!(!allows(
            &grant(Role::Leader, None),
            Access::Write,
            Scope::Accounts
        ));
    }

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
