//! All of the accounts context's SQL: accounts, their role grants, browser sessions and API
//! tokens. Private to the crate; other contexts use the facade in `lib.rs`.

use chrono::{NaiveDateTime, TimeDelta};
use db::DbConn;
use db::schema::{api_tokens, password_resets, role_grants, sessions, users};
use diesel::prelude::*;
use kernel::i18n::Lang;
use kernel::ids::{AgencyId, PersonId, UserId};
use kernel::listing::ListQuery;
use kernel::permissions::{Role, RoleGrant};
use kernel::principal::{Principal, Via, random_secret, secret_hash};

use crate::model::{SignInFailure, locked_until};

/// A stored account.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub(crate) struct UserRow {
    pub id: String,
    pub login: String,
    pub name: String,
    pub person_id: Option<String>,
    pub password_hash: String,
    pub lang: String,
    pub disabled: bool,
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
    #[expect(
        dead_code,
        reason = "selected with the row; the account pages do not show it yet"
    )]
    pub created_at: NaiveDateTime,
    #[expect(
        dead_code,
        reason = "selected with the row; the account pages do not show it yet"
    )]
    pub updated_at: NaiveDateTime,
}

impl UserRow {
    /// The account as other contexts see it.
    pub(crate) fn user(&self) -> Option<crate::User> {
        Some(crate::User {
            id: UserId::parse(&self.id)?,
            login: self.login.clone(),
            name: self.name.clone(),
            person: self.person_id.as_deref().and_then(PersonId::parse),
            disabled: self.disabled,
        })
    }
}

pub(crate) fn grants_of(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<RoleGrant>> {
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
pub(crate) fn principal_by_session(
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

/// Revokes every live API token of an account; returns how many.
pub(crate) fn revoke_api_tokens(conn: &mut DbConn, user_id: &str) -> QueryResult<usize> {
    diesel::update(
        api_tokens::table
            .filter(api_tokens::user_id.eq(user_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(db::now()))
    .execute(conn)
}

/// The principal behind an API token, if it is live.
pub(crate) fn principal_by_token(conn: &mut DbConn, token: &str) -> QueryResult<Option<Principal>> {
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
        Some(user) => principal(conn, user, Via::Token { client: None }),
        None => Ok(None),
    }
}

/// The principal of an enabled account, authenticated `via`.
pub(crate) fn principal_of_user(
    conn: &mut DbConn,
    user_id: UserId,
    via: Via,
) -> QueryResult<Option<Principal>> {
    let user: Option<UserRow> = users::table
        .find(user_id.to_string())
        .filter(users::disabled.eq(false))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    match user {
        Some(u) => principal(conn, u, via),
        None => Ok(None),
    }
}

/// Finds an account by login (logins are stored lower-case).
pub(crate) fn find_user_by_login(conn: &mut DbConn, login: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::login.eq(login.trim().to_lowercase()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// Whether an account is locked now, and until when.
pub(crate) fn locked_now(user: &UserRow) -> Option<NaiveDateTime> {
    user.locked_until.filter(|u| *u > db::now())
}

/// Inside the caller's write transaction: re-reads the account (another sign-in may have
/// failed meanwhile), then counts the failure or clears the count.
pub(crate) fn record_sign_in(
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

/// Creates a browser session (`mfa`: the sign-in passed a second factor); returns the
/// cookie value.
pub(crate) fn create_session(
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

/// Records that a session has passed a second factor.
pub(crate) fn mark_session_mfa(conn: &mut DbConn, session_id: &str) -> QueryResult<usize> {
    diesel::update(sessions::table.filter(sessions::id.eq(session_id)))
        .set(sessions::mfa.eq(true))
        .execute(conn)
}

/// Ends one session.
pub(crate) fn end_session(conn: &mut DbConn, session_id: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::id.eq(session_id))).execute(conn)
}

/// Ends every session of an account, but `except`; returns the ids of those it ended.
pub(crate) fn end_all_sessions(
    conn: &mut DbConn,
    user_id: &str,
    except: Option<&str>,
) -> QueryResult<Vec<String>> {
    let ids: Vec<String> = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::id.ne(except.unwrap_or("")))
        .select(sessions::id)
        .load(conn)?;
    diesel::delete(sessions::table.filter(sessions::id.eq_any(&ids))).execute(conn)?;
    Ok(ids)
}

/// Issues an API token for an account; returns the token (shown once).
pub(crate) fn create_token(conn: &mut DbConn, user_id: &str, name: &str) -> QueryResult<String> {
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

/// Adds role grants to an account.
pub(crate) fn insert_grants(
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

/// Removes every role grant of an account.
pub(crate) fn delete_grants(conn: &mut DbConn, user_id: &str) -> QueryResult<usize> {
    diesel::delete(role_grants::table.filter(role_grants::user_id.eq(user_id))).execute(conn)
}

/// What a new account row holds.
pub(crate) struct NewRow<'a> {
    pub id: UserId,
    pub login: &'a str,
    pub name: &'a str,
    pub person_id: Option<PersonId>,
    pub password_hash: &'a str,
}

/// Inserts an account.
pub(crate) fn insert_user(conn: &mut DbConn, new: &NewRow<'_>) -> QueryResult<usize> {
    let now = db::now();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(new.id.to_string()),
            users::login.eq(new.login),
            users::name.eq(new.name),
            users::person_id.eq(new.person_id.map(|p| p.to_string())),
            users::password_hash.eq(new.password_hash),
            users::lang.eq("id"),
            users::disabled.eq(false),
            users::failed_logins.eq(0),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Sets a new password hash.
pub(crate) fn set_password_hash(
    conn: &mut DbConn,
    user_id: &str,
    hash: &str,
) -> QueryResult<usize> {
    diesel::update(users::table.filter(users::id.eq(user_id)))
        .set((
            users::password_hash.eq(hash),
            users::updated_at.eq(db::now()),
        ))
        .execute(conn)
}

/// Saves the preferred language.
pub(crate) fn set_lang(conn: &mut DbConn, user_id: &str, lang: Lang) -> QueryResult<usize> {
    diesel::update(users::table.filter(users::id.eq(user_id)))
        .set(users::lang.eq(lang.code()))
        .execute(conn)
}

/// Disables or enables an account.
pub(crate) fn set_disabled(conn: &mut DbConn, user_id: &str, disabled: bool) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set((
            users::disabled.eq(disabled),
            users::updated_at.eq(db::now()),
        ))
        .execute(conn)
}

/// One account by id.
pub(crate) fn user_find(conn: &mut DbConn, id: UserId) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id.to_string())
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// The account of a person, if they have one.
pub(crate) fn user_of_person(conn: &mut DbConn, person: PersonId) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::person_id.eq(person.to_string()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// A page of accounts by login or name, with the total.
pub(crate) fn list_users(conn: &mut DbConn, list: &ListQuery) -> QueryResult<(Vec<UserRow>, i64)> {
    let build = || {
        let mut query = users::table.into_boxed();
        if let Some(text) = list.get("q") {
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
    let query = build();
    let query = match list.sort {
        "name" => db::sorted!(query, list.descending, users::name, users::login),
        _ => db::sorted!(query, list.descending, users::login),
    };
    let rows: Vec<UserRow> = query
        .limit(list.limit())
        .offset(list.offset())
        .select(UserRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Whether any enabled account other than `except` is a Dinas administrator.
pub(crate) fn another_admin_remains(conn: &mut DbConn, except: &str) -> QueryResult<bool> {
    let n: i64 = role_grants::table
        .inner_join(users::table)
        .filter(role_grants::role.eq(Role::DinasAdmin.as_str()))
        .filter(users::disabled.eq(false))
        .filter(users::id.ne(except))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// When a session began (the `auth_time` of OpenID Connect).
pub(crate) fn session_started(
    conn: &mut DbConn,
    session_id: &str,
) -> QueryResult<Option<NaiveDateTime>> {
    sessions::table
        .find(session_id)
        .select(sessions::created_at)
        .first(conn)
        .optional()
}

/// A live browser session, as its owner sees it.
#[derive(Debug, Clone, Queryable)]
pub(crate) struct SessionInfo {
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
pub(crate) fn list_sessions(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<SessionInfo>> {
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
pub(crate) fn end_own_session(
    conn: &mut DbConn,
    user_id: &str,
    session_id: &str,
) -> QueryResult<bool> {
    let n = diesel::delete(
        sessions::table
            .filter(sessions::id.eq(session_id))
            .filter(sessions::user_id.eq(user_id)),
    )
    .execute(conn)?;
    Ok(n == 1)
}

/// Issues a one-time password reset for an account, voiding any earlier unused one; returns
/// the secret (shown once).
pub(crate) fn create_reset(
    conn: &mut DbConn,
    user_id: &str,
    by: &str,
    hours: i64,
) -> QueryResult<(String, NaiveDateTime)> {
    diesel::delete(
        password_resets::table
            .filter(password_resets::user_id.eq(user_id))
            .filter(password_resets::used_at.is_null()),
    )
    .execute(conn)?;
    let secret = random_secret();
    let now = db::now();
    let expires = now + TimeDelta::hours(hours);
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::token_hash.eq(secret_hash(&secret)),
            password_resets::user_id.eq(user_id),
            password_resets::created_by.eq(by),
            password_resets::created_at.eq(now),
            password_resets::expires_at.eq(expires),
        ))
        .execute(conn)?;
    Ok((secret, expires))
}

/// The account a reset secret is for, while it is unused and unexpired.
pub(crate) fn reset_user(conn: &mut DbConn, secret: &str) -> QueryResult<Option<UserRow>> {
    password_resets::table
        .inner_join(users::table)
        .filter(password_resets::token_hash.eq(secret_hash(secret)))
        .filter(password_resets::used_at.is_null())
        .filter(password_resets::expires_at.gt(db::now()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// Uses a reset secret up; false when it was already used or has expired.
pub(crate) fn use_reset(conn: &mut DbConn, secret: &str) -> QueryResult<bool> {
    let now = db::now();
    let n = diesel::update(
        password_resets::table
            .filter(password_resets::token_hash.eq(secret_hash(secret)))
            .filter(password_resets::used_at.is_null())
            .filter(password_resets::expires_at.gt(now)),
    )
    .set(password_resets::used_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}

/// Clears a lockout after failed sign-ins (a new password set through a reset).
pub(crate) fn clear_lockout(conn: &mut DbConn, user_id: &str) -> QueryResult<usize> {
    diesel::update(users::table.filter(users::id.eq(user_id)))
        .set((
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
}
