//! The rules of accounts, as plain functions: what a login and a password must be, when
//! repeated failures lock an account, and which role sets are coherent.

use chrono::{NaiveDateTime, TimeDelta};
use kernel::FieldError;
use kernel::permissions::RoleGrant;

/// Failures allowed before the account is locked.
pub const FREE_ATTEMPTS: i32 = 5;

/// The lockout rule: after `FREE_ATTEMPTS` failures the account locks for one minute,
/// doubling with each further failure up to an hour.
pub fn locked_until(failures: i32, now: NaiveDateTime) -> Option<NaiveDateTime> {
    if failures < FREE_ATTEMPTS {
        return None;
    }
    let minutes = 1_i64 << (failures - FREE_ATTEMPTS).clamp(0, 6);
    Some(now + TimeDelta::minutes(minutes.min(60)))
}

/// The password rules: long enough to resist guessing, not absurdly long.
pub fn check_new_password(field: &str, password: &str) -> Result<(), FieldError> {
    let len = password.chars().count();
    if len < 10 {
        return Err(FieldError::new(field, "error-password-short").arg("min", 10));
    }
    if len > 200 {
        return Err(FieldError::new(field, "error-field-too-long").arg("max", 200));
    }
    Ok(())
}

/// A new password typed twice (fields `new` and `confirm`): its rules, and that both agree.
pub fn check_new_pair(new: &str, confirm: &str) -> Vec<FieldError> {
    let mut errors = vec![];
    if let Err(e) = check_new_password("new", new) {
        errors.push(e);
    }
    if new != confirm {
        errors.push(FieldError::new("confirm", "error-password-mismatch"));
    }
    errors
}

/// Validates a login: 3–64 of a–z, 0–9, `.`, `_`, `-`; returns it lower-cased.
pub fn check_login(login: &str) -> Result<String, FieldError> {
    let login = login.trim().to_lowercase();
    let ok_chars = login
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if login.len() < 3 || login.len() > 64 || !ok_chars {
        return Err(FieldError::new("login", "error-login-format"));
    }
    Ok(login)
}

/// Checks a set of roles: agency roles need an agency; no role twice.
pub fn check_grants(grants: &[RoleGrant]) -> Result<(), FieldError> {
    for (i, g) in grants.iter().enumerate() {
        if g.role.needs_agency() && g.agency.is_none() {
            return Err(FieldError::new("roles", "error-role-needs-agency"));
        }
        if grants.iter().skip(i + 1).any(|o| o == g) {
            return Err(FieldError::new("roles", "error-role-twice"));
        }
    }
    Ok(())
}

/// Why a sign-in failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInFailure {
    /// Wrong login or password (never saying which).
    Invalid,
    /// Locked by repeated failures until this time.
    Locked(NaiveDateTime),
}

#[cfg(test)]
mod tests {
    use kernel::ids::AgencyId;
    use kernel::permissions::Role;

    use super::*;

    #[test]
    fn lockout_starts_after_free_attempts_and_backs_off_to_an_hour() {
        let now = NaiveDateTime::default();
        assert_eq!(locked_until(4, now), None);
        assert_eq!(locked_until(5, now), Some(now + TimeDelta::minutes(1)));
        assert_eq!(locked_until(7, now), Some(now + TimeDelta::minutes(4)));
        assert_eq!(locked_until(40, now), Some(now + TimeDelta::minutes(60)));
    }

    #[test]
    fn login_rules() {
        assert_eq!(check_login(" Admin.Dinas ").unwrap(), "admin.dinas");
        assert!(check_login("ab").is_err());
        assert!(check_login("has space").is_err());
        assert!(check_new_password("p", "short").is_err());
        assert!(check_new_password("p", "long enough pass").is_ok());
    }

    #[test]
    fn agency_roles_need_an_agency_and_no_role_comes_twice() {
        let a = Some(AgencyId::new());
        let op = RoleGrant {
            role: Role::AgencyOperator,
            agency: a,
        };
        assert!(check_grants(std::slice::from_ref(&op)).is_ok());
        assert!(check_grants(&[op.clone(), op]).is_err());
        assert!(
            check_grants(&[RoleGrant {
                role: Role::WaliData,
                agency: None
            }])
            .is_err()
        );
    }
}
