//! Accounts, passwords (argon2id), browser sessions, API tokens and the lockout rule.
//! Secrets are random 32-byte values; only their SHA-256 is stored.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use chrono::{NaiveDateTime, TimeDelta};
use db::DbConn;
use db::schema::{api_tokens, role_grants, sessions, users};
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult, FieldError};
use crate::i18n::Lang;
use crate::ids::{AgencyId, UserId};
use crate::permissions::{Role, RoleGrant};

/// How a request proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A browser session; forms must echo this anti-forgery token.
    Session {
        /// The session's CSRF token.
        csrf: String,
        /// The session's stored id (hash of the cookie).
        session_id: String,
        /// Whether the sign-in passed a second factor.
        mfa: bool,
    },
    /// An API token.
    Token,
}

/// The signed-in account behind a request.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The account.
    pub user_id: UserId,
    /// Its login.
    pub login: String,
    /// Display name.
    pub name: String,
    /// Preferred language.
    pub lang: Lang,
    /// Roles held.
    pub grants: Vec<RoleGrant>,
    /// How it authenticated.
    pub via: Via,
}

impl Principal {
    /// Whether the account holds `role` (in any scope).
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// The actor to record in the audit trail.
    pub fn actor(&self) -> crate::audit::Actor {
        crate::audit::Actor {
            id: Some(self.user_id),
            label: self.login.clone(),
        }
    }
}

/// A fresh random secret, URL-safe.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a secret.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Hashes a password with argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane, as
/// OWASP recommends).
pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hash: {e}")))
}

/// Whether `password` matches the stored hash.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
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

/// A stored account.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    /// Id.
    pub id: String,
    /// Login.
    pub login: String,
    /// Name.
    pub name: String,
    /// Linked person.
    pub person_id: Option<String>,
    /// argon2id hash.
    pub password_hash: String,
    /// Preferred language.
    pub lang: String,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
    /// Consecutive failed sign-ins.
    pub failed_logins: i32,
    /// Locked until.
    pub locked_until: Option<NaiveDateTime>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

fn grants_of(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<RoleGrant>> {
    let rows: Vec<(String, Option<String>)> = role_grants::table
        .filter(role_grants::user_id.eq(user_id))
        .select((role_grants::role, role_grants::agency_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(role, agency)| {
            Some(RoleGrant {
                role: Role::parse(&role)?,
                agency: agency.as_deref().and_then(AgencyId::parse),
            })
        })
        .collect())
}

fn principal(conn: &mut DbConn, user: UserRow, via: Via) -> QueryResult<Option<Principal>> {
    let Some(user_id) = UserId::parse(&user.id) else {
        return Ok(None);
    };
    let grants = grants_of(conn, &user.id)?;
    Ok(Some(Principal {
        user_id,
        login: user.login,
        name: user.name,
        lang: Lang::parse(&user.lang).unwrap_or_default(),
        grants,
        via,
    }))
}

/// The principal behind a session cookie, if the session is live; extends it while in use.
pub fn principal_by_session(
    conn: &mut DbConn,
    cookie: &str,
    hours: u32,
) -> QueryResult<Option<Principal>> {
    let id = secret_hash(cookie);
    let now = db::now();
    let found: Option<(String, NaiveDateTime, bool, UserRow)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(&id))
        .filter(sessions::expires_at.gt(now))
        .filter(users::disabled.eq(false))
        .select((
            sessions::csrf,
            sessions::last_seen_at,
            sessions::mfa,
            UserRow::as_select(),
        ))
        .first(conn)
        .optional()?;
    let Some((csrf, last_seen, mfa, user)) = found else {
        return Ok(None);
    };
    // Sliding expiry, written at most once a minute to keep reads cheap.
    if now - last_seen > TimeDelta::minutes(1) {
        diesel::update(sessions::table.filter(sessions::id.eq(&id)))
            .set((
                sessions::last_seen_at.eq(now),
                sessions::expires_at.eq(now + TimeDelta::hours(i64::from(hours))),
            ))
            .execute(conn)?;
    }
    principal(
        conn,
        user,
        Via::Session {
            csrf,
            session_id: id,
            mfa,
        },
    )
}

/// The principal behind an API token, if it is live.
pub fn principal_by_token(conn: &mut DbConn, token: &str) -> QueryResult<Option<Principal>> {
    let hash = secret_hash(token);
    let found: Option<UserRow> = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(&hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(users::disabled.eq(false))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    match found {
        Some(user) => principal(conn, user, Via::Token),
        None => Ok(None),
    }
}

/// The principal of an account another part of Simpul vouches for (the provider's access
/// tokens name the account they act for), if it is enabled.
pub fn principal_of_user(
    conn: &mut DbConn,
    user_id: &str,
    via: Via,
) -> QueryResult<Option<Principal>> {
    let user: Option<UserRow> = users::table
        .find(user_id)
        .filter(users::disabled.eq(false))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    match user {
        Some(u) => principal(conn, u, via),
        None => Ok(None),
    }
}

/// Browser sessions and API tokens, as the request middleware resolves them.
pub struct Sessions;

impl crate::module::Resolver for Sessions {
    fn session(
        &self,
        conn: &mut DbConn,
        secret: &str,
        hours: u32,
    ) -> QueryResult<Option<Principal>> {
        principal_by_session(conn, secret, hours)
    }

    fn bearer(&self, conn: &mut DbConn, token: &str) -> QueryResult<Option<Principal>> {
        principal_by_token(conn, token)
    }
}

/// Finds an account by login (logins are stored lower-case).
pub fn find_user_by_login(conn: &mut DbConn, login: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::login.eq(login.trim().to_lowercase()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// Why a sign-in failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInFailure {
    /// Wrong login or password (never saying which).
    Invalid,
    /// Locked by repeated failures until this time.
    Locked(NaiveDateTime),
}

/// Checks a password on the hashing pool (one thread per core, memory reused; see
/// `hashing`). Unknown, disabled or locked accounts cost a real check too.
pub async fn password_ok_bounded(user: Option<UserRow>, password: String) -> AppResult<bool> {
    let stored = match user {
        Some(u) if !u.disabled => u.password_hash,
        _ => {
            let _ = crate::hashing::verify(password, DUMMY_HASH.to_owned()).await;
            return Ok(false);
        }
    };
    Ok(crate::hashing::verify(password, stored).await)
}

/// Whether an account is locked now, and until when.
pub fn locked_now(user: &UserRow) -> Option<NaiveDateTime> {
    user.locked_until.filter(|u| *u > db::now())
}

/// The fast half, inside the caller's write transaction: re-reads the account (another
/// sign-in may have failed meanwhile), then counts the failure or clears the count.
pub fn record_sign_in(
    conn: &mut DbConn,
    login: &str,
    ok: bool,
) -> QueryResult<Result<UserRow, SignInFailure>> {
    let now = db::now();
    let Some(user) = find_user_by_login(conn, login)? else {
        return Ok(Err(SignInFailure::Invalid));
    };
    if let Some(until) = locked_now(&user) {
        return Ok(Err(SignInFailure::Locked(until)));
    }
    if !ok || user.disabled {
        let failures = user.failed_logins + 1;
        diesel::update(users::table.filter(users::id.eq(&user.id)))
            .set((
                users::failed_logins.eq(failures),
                users::locked_until.eq(locked_until(failures, now)),
            ))
            .execute(conn)?;
        return Ok(Err(SignInFailure::Invalid));
    }
    if user.failed_logins != 0 {
        diesel::update(users::table.filter(users::id.eq(&user.id)))
            .set((
                users::failed_logins.eq(0),
                users::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
    }
    Ok(Ok(user))
}

/// An argon2id hash of a random string, checked against when the login does not exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2ltcHVsZHVtbXlzYWx0$WZ1Bq6r5T5rJ0cjpKQ2mXeGr7bTg7+Y9x1y0c9bZq1M";

/// Creates a browser session (`mfa`: the sign-in passed a second factor); returns the
/// cookie value.
pub fn create_session(
    conn: &mut DbConn,
    user_id: &str,
    hours: u32,
    user_agent: Option<&str>,
    mfa: bool,
) -> QueryResult<String> {
    let secret = random_secret();
    let now = db::now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(secret_hash(&secret)),
            sessions::user_id.eq(user_id),
            sessions::csrf.eq(random_secret()),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
            sessions::expires_at.eq(now + TimeDelta::hours(i64::from(hours))),
            sessions::user_agent.eq(user_agent.map(|s| s.chars().take(200).collect::<String>())),
            sessions::mfa.eq(mfa),
        ))
        .execute(conn)?;
    Ok(secret)
}

/// Records that a session has passed a second factor (a step-up for a stricter application).
pub fn mark_session_mfa(conn: &mut DbConn, session_id: &str) -> QueryResult<usize> {
    diesel::update(sessions::table.filter(sessions::id.eq(session_id)))
        .set(sessions::mfa.eq(true))
        .execute(conn)
}

/// Ends one session.
pub fn end_session(conn: &mut DbConn, session_id: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::id.eq(session_id))).execute(conn)
}

/// Ends every session of an account (after a password change, or when it is disabled).
pub fn end_all_sessions(
    conn: &mut DbConn,
    user_id: &str,
    except: Option<&str>,
) -> QueryResult<usize> {
    let q = sessions::table.filter(sessions::user_id.eq(user_id));
    match except {
        Some(keep) => diesel::delete(q.filter(sessions::id.ne(keep))).execute(conn),
        None => diesel::delete(q).execute(conn),
    }
}

/// Issues an API token for an account; returns the token (shown once).
pub fn create_token(conn: &mut DbConn, user_id: &str, name: &str) -> QueryResult<String> {
    let token = format!("smp_{}", random_secret());
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::id.eq(uuid::Uuid::now_v7().to_string()),
            api_tokens::user_id.eq(user_id),
            api_tokens::token_hash.eq(secret_hash(&token)),
            api_tokens::name.eq(name),
            api_tokens::created_at.eq(db::now()),
        ))
        .execute(conn)?;
    Ok(token)
}

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
    pub person_id: Option<String>,
    /// Roles.
    pub grants: Vec<RoleGrant>,
}

/// Validates a login: 3–64 of a–z, 0–9, `.`, `_`, `-`.
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

fn insert_grants(
    conn: &mut DbConn,
    user_id: &str,
    grants: &[RoleGrant],
    by: Option<&str>,
) -> QueryResult<()> {
    let now = db::now();
    for g in grants {
        diesel::insert_into(role_grants::table)
            .values((
                role_grants::id.eq(uuid::Uuid::now_v7().to_string()),
                role_grants::user_id.eq(user_id),
                role_grants::role.eq(g.role.as_str()),
                role_grants::agency_id.eq(g.agency.map(|a| a.to_string())),
                role_grants::created_at.eq(now),
                role_grants::created_by.eq(by),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Creates an account with its roles; the caller records the audit event in the same
/// transaction.
pub fn create_user(conn: &mut DbConn, new: &NewUser<'_>, by: Option<&str>) -> AppResult<UserId> {
    let login = check_login(new.login).map_err(|e| AppError::Validation(vec![e]))?;
    check_new_password("password", new.password).map_err(|e| AppError::Validation(vec![e]))?;
    check_grants(&new.grants).map_err(|e| AppError::Validation(vec![e]))?;
    if find_user_by_login(conn, &login)?.is_some() {
        return Err(AppError::Conflict(FieldError::new(
            "login",
            "error-duplicate",
        )));
    }
    let id = UserId::new();
    let now = db::now();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(id.to_string()),
            users::login.eq(&login),
            users::name.eq(new.name.trim()),
            users::person_id.eq(&new.person_id),
            users::password_hash.eq(hash_password(new.password)?),
            users::lang.eq("id"),
            users::disabled.eq(false),
            users::failed_logins.eq(0),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    insert_grants(conn, &id.to_string(), &new.grants, by)?;
    Ok(id)
}

/// Sets a new password hash.
pub fn set_password(conn: &mut DbConn, user_id: &str, password: &str) -> AppResult<()> {
    diesel::update(users::table.filter(users::id.eq(user_id)))
        .set((
            users::password_hash.eq(hash_password(password)?),
            users::updated_at.eq(db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Saves the preferred language.
pub fn set_lang(conn: &mut DbConn, user_id: &str, lang: Lang) -> QueryResult<usize> {
    diesel::update(users::table.filter(users::id.eq(user_id)))
        .set(users::lang.eq(lang.code()))
        .execute(conn)
}

/// The roles of an account (for listing people with their accounts).
pub fn grants_for_user(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<RoleGrant>> {
    grants_of(conn, user_id)
}

/// Creates an account and records it in the audit trail (the caller holds the write
/// transaction).
pub fn register_user(
    conn: &mut DbConn,
    actor: &crate::audit::Actor,
    new: &NewUser<'_>,
) -> AppResult<UserId> {
    let id = create_user(conn, new, Some(&actor.label))?;
    let roles: Vec<_> = new
        .grants
        .iter()
        .map(|g| serde_json::json!({"role": g.role.as_str(), "agency": g.agency}))
        .collect();
    crate::audit::record(
        conn,
        actor,
        crate::audit::Change {
            action: "user.create",
            record_type: "user",
            record_id: id.to_string(),
            agency: new.grants.iter().find_map(|g| g.agency),
            summary: serde_json::json!({"after": {"login": new.login.trim().to_lowercase(), "name": new.name, "roles": roles}}),
        },
    )?;
    Ok(id)
}

/// An account with its roles, as lists and the API show it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Account {
    /// Account id.
    pub id: String,
    /// Login.
    pub login: String,
    /// Display name.
    pub name: String,
    /// The person it belongs to.
    pub person_id: Option<String>,
    /// Disabled accounts cannot sign in and their tokens stop working.
    pub disabled: bool,
    /// Roles held.
    pub roles: Vec<RoleGrant>,
}

fn account_of(conn: &mut DbConn, u: UserRow) -> QueryResult<Account> {
    let roles = grants_of(conn, &u.id)?;
    Ok(Account {
        id: u.id,
        login: u.login,
        name: u.name,
        person_id: u.person_id,
        disabled: u.disabled,
        roles,
    })
}

/// One account by id.
pub fn find_account(conn: &mut DbConn, id: UserId) -> QueryResult<Option<Account>> {
    let row = users::table
        .find(id.to_string())
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    row.map(|u| account_of(conn, u)).transpose()
}

/// The account of a person, if they have one.
pub fn account_of_person(conn: &mut DbConn, person_id: &str) -> QueryResult<Option<Account>> {
    let row = users::table
        .filter(users::person_id.eq(person_id))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    row.map(|u| account_of(conn, u)).transpose()
}

/// A page of accounts by login, with the total.
pub fn list_accounts(
    conn: &mut DbConn,
    q: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Account>, i64)> {
    let build = || {
        let mut query = users::table.into_boxed();
        if let Some(text) = q.map(str::trim).filter(|s| !s.is_empty()) {
            let pat = db::dialect::contains_pattern(text);
            query = query.filter(
                db::dialect::lower(users::login)
                    .like(pat.clone())
                    .escape('\\')
                    .or(db::dialect::lower(users::name).like(pat).escape('\\')),
            );
        }
        query
    };
    let total = build().count().get_result(conn)?;
    let rows: Vec<UserRow> = build()
        .order(users::login.asc())
        .limit(limit)
        .offset(offset)
        .select(UserRow::as_select())
        .load(conn)?;
    let accounts = rows
        .into_iter()
        .map(|u| account_of(conn, u))
        .collect::<QueryResult<Vec<_>>>()?;
    Ok((accounts, total))
}

/// Whether any enabled account other than `except` is a Dinas administrator.
fn another_admin_remains(conn: &mut DbConn, except: &str) -> QueryResult<bool> {
    let n: i64 = role_grants::table
        .inner_join(users::table)
        .filter(role_grants::role.eq(Role::DinasAdmin.as_str()))
        .filter(users::disabled.eq(false))
        .filter(users::id.ne(except))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
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

/// Replaces an account's roles and records the change. The last enabled Dinas administrator
/// cannot give up that role, so the region is never left without one.
pub fn set_grants(
    conn: &mut DbConn,
    actor: &crate::audit::Actor,
    id: UserId,
    grants: &[RoleGrant],
) -> AppResult<Account> {
    check_grants(grants).map_err(|e| AppError::Validation(vec![e]))?;
    let before = find_account(conn, id)?.ok_or(AppError::NotFound)?;
    let keeps_admin = grants.iter().any(|g| g.role == Role::DinasAdmin);
    let was_admin = before.roles.iter().any(|g| g.role == Role::DinasAdmin);
    if was_admin && !keeps_admin && !before.disabled && !another_admin_remains(conn, &before.id)? {
        return Err(AppError::Conflict(FieldError::new(
            "roles",
            "error-last-admin",
        )));
    }
    diesel::delete(role_grants::table.filter(role_grants::user_id.eq(&before.id))).execute(conn)?;
    insert_grants(conn, &before.id, grants, Some(&actor.label))?;
    let after = find_account(conn, id)?.ok_or(AppError::NotFound)?;
    crate::audit::record(
        conn,
        actor,
        crate::audit::Change {
            action: "user.roles",
            record_type: "user",
            record_id: after.id.clone(),
            agency: grants.iter().find_map(|g| g.agency),
            summary: serde_json::json!({"before": before.roles, "after": after.roles}),
        },
    )?;
    Ok(after)
}

/// Disables or re-enables an account. Disabling ends its sessions at once; its API tokens
/// stop working because every lookup checks the flag.
pub fn set_disabled(
    conn: &mut DbConn,
    actor: &crate::audit::Actor,
    id: UserId,
    disabled: bool,
) -> AppResult<Account> {
    let before = find_account(conn, id)?.ok_or(AppError::NotFound)?;
    let is_admin = before.roles.iter().any(|g| g.role == Role::DinasAdmin);
    if disabled && is_admin && !before.disabled && !another_admin_remains(conn, &before.id)? {
        return Err(AppError::Conflict(FieldError::new(
            "disabled",
            "error-last-admin",
        )));
    }
    diesel::update(users::table.find(&before.id))
        .set((
            users::disabled.eq(disabled),
            users::updated_at.eq(db::now()),
        ))
        .execute(conn)?;
    let ended = if disabled {
        end_all_sessions(conn, &before.id, None)?
    } else {
        0
    };
    crate::audit::record(
        conn,
        actor,
        crate::audit::Change {
            action: if disabled {
                "user.disable"
            } else {
                "user.enable"
            },
            record_type: "user",
            record_id: before.id.clone(),
            agency: None,
            summary: serde_json::json!({"before": {"disabled": before.disabled}, "after": {"disabled": disabled}, "sessions_ended": ended}),
        },
    )?;
    find_account(conn, id)?.ok_or(AppError::NotFound)
}

/// When a session began (the `auth_time` of OpenID Connect).
pub fn session_started(conn: &mut DbConn, session_id: &str) -> QueryResult<Option<NaiveDateTime>> {
    sessions::table
        .find(session_id)
        .select(sessions::created_at)
        .first(conn)
        .optional()
}

/// A live browser session, as its owner sees it.
#[derive(Debug, Clone, Queryable)]
pub struct SessionInfo {
    /// Stored id (hash of the cookie), used to end it.
    pub id: String,
    /// Started.
    pub created_at: NaiveDateTime,
    /// Last used.
    pub last_seen_at: NaiveDateTime,
    /// The browser's own description.
    pub user_agent: Option<String>,
}

/// An account's live sessions, most recently used first.
pub fn list_sessions(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<SessionInfo>> {
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::expires_at.gt(db::now()))
        .order(sessions::last_seen_at.desc())
        .select((
            sessions::id,
            sessions::created_at,
            sessions::last_seen_at,
            sessions::user_agent,
        ))
        .load(conn)
}

/// Ends one of the account's own sessions; returns whether there was one.
pub fn end_own_session(conn: &mut DbConn, user_id: &str, session_id: &str) -> QueryResult<bool> {
    let n = diesel::delete(
        sessions::table
            .filter(sessions::id.eq(session_id))
            .filter(sessions::user_id.eq(user_id)),
    )
    .execute(conn)?;
    Ok(n == 1)
}

#[cfg(test)]
mod tests {
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
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn dummy_hash_parses_so_unknown_logins_cost_a_real_check() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn login_rules() {
        assert_eq!(check_login(" Admin.Dinas ").unwrap(), "admin.dinas");
        assert!(check_login("ab").is_err());
        assert!(check_login("has space").is_err());
        assert!(check_new_password("p", "short").is_err());
        assert!(check_new_password("p", "long enough pass").is_ok());
    }
}
