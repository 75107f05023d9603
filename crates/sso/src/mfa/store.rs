//! The second factor's SQL: authenticators, recovery codes, pending sign-ins and the policy.

use chrono::{NaiveDateTime, TimeDelta};
use db::DbConn;
use db::schema::{mfa_recovery_codes, mfa_totp, sign_in_challenges};
use diesel::prelude::*;
use kernel::permissions::Role;
use kernel::principal::{random_secret, secret_hash};

use super::{CHALLENGE_MINUTES, normalise_recovery};

/// Cookie holding a pending sign-in's secret.
pub const CHALLENGE_COOKIE: &str = "simpul_2fa";

/// A person's authenticator.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mfa_totp)]
pub struct TotpRow {
    /// The account.
    pub user_id: String,
    /// Base32 secret shared with the authenticator app.
    pub secret: String,
    /// Set once the person entered a first right code.
    pub confirmed_at: Option<NaiveDateTime>,
    /// The last step a code was accepted for (no code works twice).
    pub last_step: i64,
    /// When enrolment began.
    pub created_at: NaiveDateTime,
}

/// The account's authenticator, confirmed or not.
pub fn totp(c: &mut DbConn, user_id: &str) -> QueryResult<Option<TotpRow>> {
    mfa_totp::table
        .find(user_id)
        .select(TotpRow::as_select())
        .first(c)
        .optional()
}

/// The account's authenticator once confirmed.
pub fn confirmed_totp(c: &mut DbConn, user_id: &str) -> QueryResult<Option<TotpRow>> {
    Ok(totp(c, user_id)?.filter(|t| t.confirmed_at.is_some()))
}

/// The unconfirmed authenticator being set up, made when there is none; `None` when one is
/// already confirmed.
pub fn pending_totp(c: &mut DbConn, user_id: &str) -> QueryResult<Option<TotpRow>> {
    match totp(c, user_id)? {
        Some(t) if t.confirmed_at.is_some() => Ok(None),
        Some(t) => Ok(Some(t)),
        None => {
            diesel::insert_into(mfa_totp::table)
                .values((
                    mfa_totp::user_id.eq(user_id),
                    mfa_totp::secret.eq(super::new_secret()),
                    mfa_totp::last_step.eq(0_i64),
                    mfa_totp::created_at.eq(db::now()),
                ))
                .execute(c)?;
            totp(c, user_id)
        }
    }
}

/// Records an accepted code's step (and confirms the authenticator on its first code).
pub fn accept_step(c: &mut DbConn, user_id: &str, step: i64) -> QueryResult<usize> {
    diesel::update(
        mfa_totp::table
            .find(user_id)
            .filter(mfa_totp::confirmed_at.is_null()),
    )
    .set(mfa_totp::confirmed_at.eq(db::now()))
    .execute(c)?;
    diesel::update(mfa_totp::table.find(user_id))
        .set(mfa_totp::last_step.eq(step))
        .execute(c)
}

/// Removes the authenticator and its recovery codes.
pub fn remove(c: &mut DbConn, user_id: &str) -> QueryResult<usize> {
    diesel::delete(mfa_recovery_codes::table.filter(mfa_recovery_codes::user_id.eq(user_id)))
        .execute(c)?;
    diesel::delete(mfa_totp::table.find(user_id)).execute(c)
}

/// Replaces the account's recovery codes with new ones; returns them (shown once).
pub fn new_recovery_codes(c: &mut DbConn, user_id: &str) -> QueryResult<Vec<String>> {
    diesel::delete(mfa_recovery_codes::table.filter(mfa_recovery_codes::user_id.eq(user_id)))
        .execute(c)?;
    let codes = super::new_recovery_codes();
    let now = db::now();
    for code in &codes {
        diesel::insert_into(mfa_recovery_codes::table)
            .values((
                mfa_recovery_codes::code_hash.eq(secret_hash(&normalise_recovery(code))),
                mfa_recovery_codes::user_id.eq(user_id),
                mfa_recovery_codes::created_at.eq(now),
            ))
            .execute(c)?;
    }
    Ok(codes)
}

/// Uses up a recovery code; whether it was one of the account's unused codes.
pub fn use_recovery_code(c: &mut DbConn, user_id: &str, typed: &str) -> QueryResult<bool> {
    let n = diesel::update(
        mfa_recovery_codes::table
            .filter(mfa_recovery_codes::code_hash.eq(secret_hash(&normalise_recovery(typed))))
            .filter(mfa_recovery_codes::user_id.eq(user_id))
            .filter(mfa_recovery_codes::used_at.is_null()),
    )
    .set(mfa_recovery_codes::used_at.eq(db::now()))
    .execute(c)?;
    Ok(n == 1)
}

/// Unused recovery codes left.
pub fn recovery_codes_left(c: &mut DbConn, user_id: &str) -> QueryResult<i64> {
    mfa_recovery_codes::table
        .filter(mfa_recovery_codes::user_id.eq(user_id))
        .filter(mfa_recovery_codes::used_at.is_null())
        .count()
        .get_result(c)
}

/// A pending sign-in.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sign_in_challenges)]
pub struct ChallengeRow {
    /// Hash of the cookie.
    pub id: String,
    /// The account whose password was right.
    pub user_id: String,
    /// The browser's description.
    pub user_agent: Option<String>,
    /// Wrong codes so far.
    pub attempts: i32,
    /// Started.
    pub created_at: NaiveDateTime,
    /// Void after.
    pub expires_at: NaiveDateTime,
}

/// Starts a pending sign-in; returns the cookie secret.
pub fn create_challenge(c: &mut DbConn, user_id: &str, agent: Option<&str>) -> QueryResult<String> {
    let now = db::now();
    diesel::delete(sign_in_challenges::table.filter(sign_in_challenges::expires_at.lt(now)))
        .execute(c)?;
    let secret = random_secret();
    diesel::insert_into(sign_in_challenges::table)
        .values((
            sign_in_challenges::id.eq(secret_hash(&secret)),
            sign_in_challenges::user_id.eq(user_id),
            sign_in_challenges::user_agent.eq(agent),
            sign_in_challenges::attempts.eq(0),
            sign_in_challenges::created_at.eq(now),
            sign_in_challenges::expires_at.eq(now + TimeDelta::minutes(CHALLENGE_MINUTES)),
        ))
        .execute(c)?;
    Ok(secret)
}

/// The live pending sign-in behind a cookie secret.
pub fn challenge(c: &mut DbConn, secret: &str) -> QueryResult<Option<ChallengeRow>> {
    sign_in_challenges::table
        .find(secret_hash(secret))
        .filter(sign_in_challenges::expires_at.gt(db::now()))
        .select(ChallengeRow::as_select())
        .first(c)
        .optional()
}

/// Counts a wrong code; returns the attempts so far.
pub fn count_attempt(c: &mut DbConn, id: &str) -> QueryResult<i32> {
    diesel::update(sign_in_challenges::table.find(id))
        .set(sign_in_challenges::attempts.eq(sign_in_challenges::attempts + 1))
        .execute(c)?;
    sign_in_challenges::table
        .find(id)
        .select(sign_in_challenges::attempts)
        .first(c)
}

/// Ends a pending sign-in.
pub fn end_challenge(c: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::delete(sign_in_challenges::table.find(id)).execute(c)
}

/// The `Set-Cookie` value for a pending sign-in (sent to the sign-in pages only).
pub fn challenge_cookie(secret: &str, secure: bool) -> Option<axum::http::HeaderValue> {
    let c = cookie::Cookie::build((CHALLENGE_COOKIE, secret.to_owned()))
        .path("/sign-in")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::minutes(CHALLENGE_MINUTES))
        .build();
    axum::http::HeaderValue::from_str(&c.to_string()).ok()
}

/// Roles the Dinas requires a second factor for (the `mfa_roles` setting).
pub fn required_roles(c: &mut DbConn) -> QueryResult<Vec<Role>> {
    let stored = crate::store::setting(c, "mfa_roles")?;
    let names: Vec<String> = stored
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    Ok(names.iter().filter_map(|n| Role::parse(n)).collect())
}

/// Saves the roles that require a second factor.
pub fn set_required_roles(c: &mut DbConn, roles: &[Role]) -> QueryResult<usize> {
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    let json = serde_json::to_string(&names).unwrap_or_else(|_| "[]".into());
    crate::store::set_setting(c, "mfa_roles", &json)
}
