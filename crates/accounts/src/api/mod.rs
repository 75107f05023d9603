//! The accounts API: one's own account, and the Dinas's management of accounts and roles.

pub mod me;
pub mod user_create;
pub mod user_disable;
pub mod user_list;
pub mod user_reset;
pub mod user_roles;

use db::DbConn;
use kernel::ids::AgencyId;
use kernel::permissions::RoleGrant;
use kernel::{AppError, AppResult};

/// Every agency a role grant names must exist (one lookup for all of them).
pub(crate) fn check_role_agencies(conn: &mut DbConn, grants: &[RoleGrant]) -> AppResult<()> {
    let named: Vec<AgencyId> = grants.iter().filter_map(|g| g.agency).collect();
    let found = org::directory::agencies(conn, &named)?;
    if named.iter().all(|a| found.contains_key(a)) {
        Ok(())
    } else {
        Err(AppError::field("roles", "error-agency-unknown"))
    }
}
