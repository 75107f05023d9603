//! The accounts context's operations: each validates, writes and records its audit event inside
//! the caller's write transaction. Who may act is decided by the handlers.

use db::DbConn;
use diesel::QueryResult;
use kernel::audit::{self, Actor, Change};
use kernel::ids::{PersonId, UserId};
use kernel::listing::ListQuery;
use kernel::permissions::{Role, RoleGrant};
use kernel::{AppError, AppResult, FieldError};
use serde_json::json;

use crate::hashing::hash_password;
use crate::model::{check_grants, check_login, check_new_password};
use crate::store::{self, UserRow};

/// Input for a new account.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Login (stored lower-case).
    pub login: &'a str,
    /// Display name.
    pub name: &'a str,
    /// Password in clear, checked against the rules and hashed here.
    pub password: &'a str,
    /// The linked person, if any.
    pub person_id: Option<PersonId>,
    /// Roles.
    pub grants: Vec<RoleGrant>,
}

/// An account with its roles, as lists and the API show it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Account {
    /// Account id.
    pub id: UserId,
    /// Login.
    pub login: String,
    /// Display name.
    pub name: String,
    /// The person it belongs to.
    pub person_id: Option<PersonId>,
    /// Disabled accounts cannot sign in and their tokens stop working.
    pub disabled: bool,
    /// Roles held.
    pub roles: Vec<RoleGrant>,
}

fn account_of(conn: &mut DbConn, u: UserRow) -> QueryResult<Option<Account>> {
    let Some(id) = UserId::parse(&u.id) else {
        return Ok(None);
    };
    let roles = store::grants_of(conn, &u.id)?;
    Ok(Some(Account {
        id,
        login: u.login,
        name: u.name,
        person_id: u.person_id.as_deref().and_then(PersonId::parse),
        disabled: u.disabled,
        roles,
    }))
}

/// One account by id.
pub fn find_account(conn: &mut DbConn, id: UserId) -> QueryResult<Option<Account>> {
    match store::user_find(conn, id)? {
        Some(u) => account_of(conn, u),
        None => Ok(None),
    }
}

/// The account of a person, if they have one.
pub fn account_of_person(conn: &mut DbConn, person: PersonId) -> QueryResult<Option<Account>> {
    match store::user_of_person(conn, person)? {
        Some(u) => account_of(conn, u),
        None => Ok(None),
    }
}

/// A page of accounts by login or name, with the total.
pub fn list_accounts(conn: &mut DbConn, list: &ListQuery) -> QueryResult<(Vec<Account>, i64)> {
    let (rows, total) = store::list_users(conn, list)?;
    let mut out = Vec::with_capacity(rows.len());
    for u in rows {
        out.extend(account_of(conn, u)?);
    }
    Ok((out, total))
}

/// Everything wrong with a new account, all at once (empty when it may be created).
pub fn check_new_user(new: &NewUser<'_>) -> Vec<FieldError> {
    [
        check_login(new.login).err(),
        check_new_password("password", new.password).err(),
        check_grants(&new.grants).err(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Creates an account with its roles and records it in the audit trail.
pub fn register_user(conn: &mut DbConn, actor: &Actor, new: &NewUser<'_>) -> AppResult<UserId> {
    let errors = check_new_user(new);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let login = check_login(new.login).map_err(|e| AppError::Validation(vec![e]))?;
    if store::find_user_by_login(conn, &login)?.is_some() {
        return Err(AppError::Conflict(FieldError::new(
            "login",
            "error-duplicate",
        )));
    }
    let id = UserId::new();
    let hash = hash_password(new.password)?;
    store::insert_user(
        conn,
        &store::NewRow {
            id,
            login: &login,
            name: new.name.trim(),
            person_id: new.person_id,
            password_hash: &hash,
        },
    )?;
    store::insert_grants(conn, &id.to_string(), &new.grants, Some(&actor.label))?;
    let roles: Vec<_> = new
        .grants
        .iter()
        .map(|g| json!({"role": g.role.as_str(), "agency": g.agency}))
        .collect();
    audit::record(
        conn,
        actor,
        Change {
            action: "user.create",
            record_type: "user",
            record_id: id.to_string(),
            agency: new.grants.iter().find_map(|g| g.agency),
            summary: json!({"after": {"login": login, "name": new.name.trim(), "roles": roles}}),
        },
    )?;
    Ok(id)
}

/// Replaces an account's roles and records the change. The last enabled Dinas administrator
/// cannot give up that role, so the region is never left without one.
pub fn set_grants(
    conn: &mut DbConn,
    actor: &Actor,
    id: UserId,
    grants: &[RoleGrant],
) -> AppResult<Account> {
    check_grants(grants).map_err(|e| AppError::Validation(vec![e]))?;
    let before = find_account(conn, id)?.ok_or(AppError::NotFound)?;
    let keeps_admin = grants.iter().any(|g| g.role == Role::DinasAdmin);
    let was_admin = before.roles.iter().any(|g| g.role == Role::DinasAdmin);
    let key = id.to_string();
    if was_admin && !keeps_admin && !before.disabled && !store::another_admin_remains(conn, &key)? {
        return Err(AppError::Conflict(FieldError::new(
            "roles",
            "error-last-admin",
        )));
    }
    store::delete_grants(conn, &key)?;
    store::insert_grants(conn, &key, grants, Some(&actor.label))?;
    let after = find_account(conn, id)?.ok_or(AppError::NotFound)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "user.roles",
            record_type: "user",
            record_id: key,
            agency: grants.iter().find_map(|g| g.agency),
            summary: json!({"before": before.roles, "after": after.roles}),
        },
    )?;
    Ok(after)
}

/// Disables or re-enables an account. Disabling ends its sessions and revokes its API tokens
/// and every application's tokens for it (`modules`: who issued tokens): enabling it again
/// does not bring them back.
pub fn set_disabled(
    conn: &mut DbConn,
    modules: &kernel::module::Modules,
    actor: &Actor,
    id: UserId,
    disabled: bool,
) -> AppResult<Account> {
    let before = find_account(conn, id)?.ok_or(AppError::NotFound)?;
    let key = id.to_string();
    let is_admin = before.roles.iter().any(|g| g.role == Role::DinasAdmin);
    if disabled && is_admin && !before.disabled && !store::another_admin_remains(conn, &key)? {
        return Err(AppError::Conflict(FieldError::new(
            "disabled",
            "error-last-admin",
        )));
    }
    store::set_disabled(conn, &key, disabled)?;
    let (ended, revoked) = if disabled {
        end_sessions_and_tokens(conn, modules, id, None)?
    } else {
        (0, 0)
    };
    audit::record(
        conn,
        actor,
        Change {
            action: if disabled {
                "user.disable"
            } else {
                "user.enable"
            },
            record_type: "user",
            record_id: key,
            agency: None,
            summary: json!({"before": {"disabled": before.disabled}, "after": {"disabled": disabled}, "sessions_ended": ended, "tokens_revoked": revoked}),
        },
    )?;
    find_account(conn, id)?.ok_or(AppError::NotFound)
}

/// Issues an API token for an account and records it; returns the token (shown once).
pub fn issue_token(conn: &mut DbConn, actor: &Actor, id: UserId, name: &str) -> AppResult<String> {
    let token = store::create_token(conn, &id.to_string(), name)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "token.create",
            record_type: "user",
            record_id: id.to_string(),
            agency: None,
            summary: json!({"name": name}),
        },
    )?;
    Ok(token)
}

/// Ends every session of the account but `keep` and revokes every token any context issued to
/// it (a password changed or reset, an account disabled); the contexts are told which sessions
/// ended. Returns (sessions ended, tokens revoked).
pub(crate) fn end_sessions_and_tokens(
    conn: &mut DbConn,
    modules: &kernel::module::Modules,
    id: UserId,
    keep: Option<&str>,
) -> QueryResult<(usize, usize)> {
    let ended = store::end_all_sessions(conn, &id.to_string(), keep)?;
    // Revoked first, so the count says what the account held; the applications are told of
    // the ended sessions all the same.
    let revoked = modules.revoke_tokens(conn, id)?;
    modules.sessions_ended(conn, &ended)?;
    Ok((ended.len(), revoked))
}

/// How long a password reset link works.
pub const RESET_HOURS: i64 = 24;

/// A one-time link for a person who forgot their password, handed to them by the Dinas.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PasswordReset {
    /// The account it is for.
    pub login: String,
    /// The link (shown once: only its hash is kept).
    pub url: String,
    /// When it stops working.
    #[serde(serialize_with = "kernel::api::utc")]
    pub expires_at: chrono::NaiveDateTime,
}

/// Issues a one-time password reset link for an account (an earlier unused one stops working);
/// the old password keeps working until the link is used. Audited, without the link.
pub fn issue_password_reset(
    conn: &mut DbConn,
    actor: &Actor,
    id: UserId,
    public_url: &str,
) -> AppResult<PasswordReset> {
    let account = find_account(conn, id)?.ok_or(AppError::NotFound)?;
    let (secret, expires_at) =
        store::create_reset(conn, &id.to_string(), &actor.label, RESET_HOURS)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "user.password_reset_issue",
            record_type: "user",
            record_id: id.to_string(),
            agency: None,
            summary: json!({"login": account.login, "hours": RESET_HOURS}),
        },
    )?;
    Ok(PasswordReset {
        login: account.login,
        url: format!(
            "{}/reset-password/{secret}",
            public_url.trim_end_matches('/')
        ),
        expires_at,
    })
}

/// The login a reset link is for, while it works.
pub fn reset_login(conn: &mut DbConn, secret: &str) -> AppResult<Option<String>> {
    Ok(store::reset_user(conn, secret)?.map(|u| u.login))
}

/// Sets the password chosen through a reset link (`hash` made before the transaction): the
/// link is used up, a lockout is lifted, every session ends and every token issued to the
/// account is revoked, as after a password change. Audited as the person.
pub fn complete_password_reset(
    conn: &mut DbConn,
    modules: &kernel::module::Modules,
    secret: &str,
    hash: &str,
) -> AppResult<UserId> {
    let user = store::reset_user(conn, secret)?.ok_or(AppError::NotFound)?;
    let id = UserId::parse(&user.id).ok_or(AppError::NotFound)?;
    if !store::use_reset(conn, secret)? {
        return Err(AppError::NotFound);
    }
    store::set_password_hash(conn, &user.id, hash)?;
    store::clear_lockout(conn, &user.id)?;
    let (ended, revoked) = end_sessions_and_tokens(conn, modules, id, None)?;
    let actor = Actor {
        id: Some(id),
        label: user.login.clone(),
    };
    audit::record(
        conn,
        &actor,
        Change {
            action: "user.password_reset",
            record_type: "user",
            record_id: user.id,
            agency: None,
            summary: json!({"sessions_ended": ended, "tokens_revoked": revoked}),
        },
    )?;
    Ok(id)
}
