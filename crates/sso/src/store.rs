//! All of the provider's SQL: settings, clients, codes and tokens. Private to the crate: other
//! contexts use [`crate::clients`].

use chrono::NaiveDateTime;
use db::DbConn;
use db::schema::{sso_clients, sso_codes, sso_settings, sso_tokens};
use diesel::prelude::*;
use kernel::ids::{AgencyId, UserId};
use kernel::listing::ListQuery;

use crate::clients::ClientId;
use crate::mfa::SecurityLevel;

/// A registered client.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = sso_clients)]
pub struct ClientRow {
    /// The `client_id`.
    pub id: ClientId,
    /// Display name (shown on the sign-in page).
    pub name: String,
    /// Keyed hash of the secret; none for public clients.
    #[serde(skip)]
    pub secret_hash: Option<String>,
    /// Public clients (browser or mobile apps) have no secret and must use PKCE.
    pub public: bool,
    /// JSON array of exact redirect URIs.
    pub redirect_uris: String,
    /// JSON array of URIs allowed after logout.
    pub post_logout_redirect_uris: String,
    /// The agency that owns the application.
    pub owner_agency_id: Option<AgencyId>,
    /// `RS256` or `ES256`.
    pub id_token_alg: String,
    /// Disabled clients can do nothing.
    pub disabled: bool,
    /// Created.
    #[serde(serialize_with = "kernel::api::utc")]
    pub created_at: NaiveDateTime,
    /// Created by.
    pub created_by: Option<String>,
    /// Updated.
    #[serde(serialize_with = "kernel::api::utc")]
    pub updated_at: NaiveDateTime,
    /// Updated by.
    pub updated_by: Option<String>,
    /// Security level (KT 8.1).
    pub security_level: SecurityLevel,
    /// Run outside the government: people are asked to consent before it gets their data.
    pub external: bool,
    /// May ask for `simpul.api`: its access tokens then act on Simpul's API for the person.
    pub api_access: bool,
    /// Where it is told that a person's session ended (Back-Channel Logout 1.0).
    pub backchannel_logout_uri: Option<String>,
}

impl ClientRow {
    /// Whether signing in to this client needs a second factor.
    pub fn requires_second_factor(&self) -> bool {
        self.security_level.requires_second_factor()
    }

    /// The registered redirect URIs.
    pub fn redirect_uris(&self) -> Vec<String> {
        serde_json::from_str(&self.redirect_uris).unwrap_or_default()
    }

    /// The registered post-logout redirect URIs.
    pub fn post_logout_uris(&self) -> Vec<String> {
        serde_json::from_str(&self.post_logout_redirect_uris).unwrap_or_default()
    }
}

/// A stored code.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sso_codes)]
pub struct CodeRow {
    /// Hash of the code.
    pub code_hash: String,
    /// Client.
    pub client_id: ClientId,
    /// Account.
    pub user_id: UserId,
    /// The redirect URI it was issued for.
    pub redirect_uri: String,
    /// Granted scope.
    pub scope: String,
    /// The client's nonce.
    pub nonce: Option<String>,
    /// PKCE challenge (S256).
    pub code_challenge: Option<String>,
    /// When the person signed in.
    pub auth_time: NaiveDateTime,
    /// The token family it starts.
    pub family_id: String,
    /// Expiry.
    pub expires_at: NaiveDateTime,
    /// When it was exchanged.
    #[expect(dead_code, reason = "selected with the row; use_code checks it in SQL")]
    pub used_at: Option<NaiveDateTime>,
    /// How the person authenticated (`pwd`, or with a second factor `pwd otp mfa`).
    pub amr: String,
    /// The browser session it was issued from.
    pub session_id: Option<String>,
}

/// A stored access or refresh token.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sso_tokens)]
pub struct TokenRow {
    /// Hash.
    pub token_hash: String,
    /// `access` or `refresh`.
    pub kind: String,
    /// The family.
    pub family_id: String,
    /// Client.
    pub client_id: ClientId,
    /// Account (none for client credentials).
    pub user_id: Option<UserId>,
    /// Scope.
    pub scope: String,
    /// When the person signed in.
    pub auth_time: Option<NaiveDateTime>,
    /// Issued.
    pub created_at: NaiveDateTime,
    /// Expiry.
    pub expires_at: NaiveDateTime,
    /// When a refresh token was rotated.
    pub used_at: Option<NaiveDateTime>,
    /// When revoked.
    pub revoked_at: Option<NaiveDateTime>,
    /// How the person signed in (none for tokens issued before it was kept).
    pub amr: Option<String>,
    /// The browser session the sign-in was (none for client tokens and older ones).
    pub session_id: Option<String>,
}

/// A setting.
pub fn setting(conn: &mut DbConn, name: &str) -> QueryResult<Option<String>> {
    sso_settings::table
        .find(name)
        .select(sso_settings::value)
        .first(conn)
        .optional()
}

/// Stores a setting.
pub fn set_setting(conn: &mut DbConn, name: &str, value: &str) -> QueryResult<usize> {
    diesel::insert_into(sso_settings::table)
        .values((sso_settings::name.eq(name), sso_settings::value.eq(value)))
        .execute(conn)
}

/// One client.
pub fn client(conn: &mut DbConn, id: &str) -> QueryResult<Option<ClientRow>> {
    sso_clients::table
        .find(id)
        .select(ClientRow::as_select())
        .first(conn)
        .optional()
}

/// A page of the clients the list asks for, and the total.
pub fn client_list(conn: &mut DbConn, list: &ListQuery) -> QueryResult<(Vec<ClientRow>, i64)> {
    let build = || {
        let mut q = sso_clients::table.into_boxed();
        if let Some(text) = list.get("q") {
            q = q.filter(
                db::dialect::lower(sso_clients::name)
                    .like(db::dialect::contains_pattern(text))
                    .escape('\\'),
            );
        }
        q
    };
    let total = build().count().get_result(conn)?;
    let rows = db::sorted!(build(), list.descending, sso_clients::name, sso_clients::id)
        .limit(list.limit())
        .offset(list.offset())
        .select(ClientRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Every client, by name.
pub fn clients(conn: &mut DbConn) -> QueryResult<Vec<ClientRow>> {
    sso_clients::table
        .order(sso_clients::name.asc())
        .select(ClientRow::as_select())
        .load(conn)
}

/// What a new client needs.
#[derive(Debug, Clone)]
pub struct NewClient {
    /// Name.
    pub name: String,
    /// Keyed hash of its secret (none for public clients).
    pub secret_hash: Option<String>,
    /// Public client.
    pub public: bool,
    /// Redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Post-logout redirect URIs.
    pub post_logout_redirect_uris: Vec<String>,
    /// Owner agency.
    pub owner_agency_id: Option<AgencyId>,
    /// ID token algorithm.
    pub id_token_alg: String,
    /// Security level.
    pub security_level: SecurityLevel,
    /// Outside the government.
    pub external: bool,
    /// May ask for `simpul.api`.
    pub api_access: bool,
    /// Back-channel logout URI.
    pub backchannel_logout_uri: Option<String>,
}

/// Inserts a client with a new id.
pub fn insert_client(conn: &mut DbConn, c: &NewClient, by: &str) -> QueryResult<ClientRow> {
    let id = ClientId::new();
    let now = db::now();
    diesel::insert_into(sso_clients::table)
        .values((
            sso_clients::id.eq(&id),
            sso_clients::name.eq(&c.name),
            sso_clients::secret_hash.eq(&c.secret_hash),
            sso_clients::public.eq(c.public),
            sso_clients::redirect_uris.eq(serde_json::json!(c.redirect_uris).to_string()),
            sso_clients::post_logout_redirect_uris
                .eq(serde_json::json!(c.post_logout_redirect_uris).to_string()),
            sso_clients::owner_agency_id.eq(&c.owner_agency_id),
            sso_clients::id_token_alg.eq(&c.id_token_alg),
            sso_clients::security_level.eq(c.security_level),
            sso_clients::external.eq(c.external),
            sso_clients::api_access.eq(c.api_access),
            sso_clients::backchannel_logout_uri.eq(&c.backchannel_logout_uri),
            sso_clients::disabled.eq(false),
            sso_clients::created_at.eq(now),
            sso_clients::created_by.eq(by),
            sso_clients::updated_at.eq(now),
            sso_clients::updated_by.eq(by),
        ))
        .execute(conn)?;
    sso_clients::table
        .find(&id)
        .select(ClientRow::as_select())
        .first(conn)
}

/// Sets a client's disabled flag.
pub fn set_client_disabled(
    conn: &mut DbConn,
    id: &str,
    disabled: bool,
    by: &str,
) -> QueryResult<usize> {
    diesel::update(sso_clients::table.find(id))
        .set((
            sso_clients::disabled.eq(disabled),
            sso_clients::updated_at.eq(db::now()),
            sso_clients::updated_by.eq(by),
        ))
        .execute(conn)
}

/// Stores an authorization code.
pub fn insert_code(conn: &mut DbConn, c: &CodeRow) -> QueryResult<usize> {
    diesel::insert_into(sso_codes::table)
        .values((
            sso_codes::code_hash.eq(&c.code_hash),
            sso_codes::client_id.eq(&c.client_id),
            sso_codes::user_id.eq(&c.user_id),
            sso_codes::redirect_uri.eq(&c.redirect_uri),
            sso_codes::scope.eq(&c.scope),
            sso_codes::nonce.eq(&c.nonce),
            sso_codes::code_challenge.eq(&c.code_challenge),
            sso_codes::auth_time.eq(c.auth_time),
            sso_codes::family_id.eq(&c.family_id),
            sso_codes::expires_at.eq(c.expires_at),
            sso_codes::amr.eq(&c.amr),
            sso_codes::session_id.eq(&c.session_id),
        ))
        .execute(conn)
}

/// A code by hash.
pub fn code(conn: &mut DbConn, hash: &str) -> QueryResult<Option<CodeRow>> {
    sso_codes::table
        .find(hash)
        .select(CodeRow::as_select())
        .first(conn)
        .optional()
}

/// Marks a code used; returns false when it already was (a concurrent exchange).
pub fn use_code(conn: &mut DbConn, hash: &str) -> QueryResult<bool> {
    let n = diesel::update(
        sso_codes::table
            .find(hash)
            .filter(sso_codes::used_at.is_null()),
    )
    .set(sso_codes::used_at.eq(db::now()))
    .execute(conn)?;
    Ok(n == 1)
}

/// What a new token records.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    /// Hash of the token.
    pub hash: String,
    /// `access` or `refresh`.
    pub kind: &'a str,
    /// Family.
    pub family_id: &'a str,
    /// Client.
    pub client_id: &'a str,
    /// Account.
    pub user_id: Option<UserId>,
    /// Scope.
    pub scope: &'a str,
    /// Sign-in time.
    pub auth_time: Option<NaiveDateTime>,
    /// How the person signed in.
    pub amr: Option<&'a str>,
    /// The browser session of the sign-in.
    pub session_id: Option<&'a str>,
    /// Lifetime in seconds.
    pub seconds: i64,
}

/// Stores a token.
pub fn insert_token(conn: &mut DbConn, t: &NewToken<'_>) -> QueryResult<usize> {
    let now = db::now();
    diesel::insert_into(sso_tokens::table)
        .values((
            sso_tokens::token_hash.eq(&t.hash),
            sso_tokens::kind.eq(t.kind),
            sso_tokens::family_id.eq(t.family_id),
            sso_tokens::client_id.eq(t.client_id),
            sso_tokens::user_id.eq(t.user_id),
            sso_tokens::scope.eq(t.scope),
            sso_tokens::auth_time.eq(t.auth_time),
            sso_tokens::amr.eq(t.amr),
            sso_tokens::session_id.eq(t.session_id),
            sso_tokens::created_at.eq(now),
            sso_tokens::expires_at.eq(now + chrono::TimeDelta::seconds(t.seconds)),
        ))
        .execute(conn)
}

/// A token by hash.
pub fn token(conn: &mut DbConn, hash: &str) -> QueryResult<Option<TokenRow>> {
    sso_tokens::table
        .find(hash)
        .select(TokenRow::as_select())
        .first(conn)
        .optional()
}

/// Marks a refresh token rotated; returns false when it already was (reuse).
pub fn use_token(conn: &mut DbConn, hash: &str) -> QueryResult<bool> {
    let n = diesel::update(
        sso_tokens::table
            .find(hash)
            .filter(sso_tokens::used_at.is_null()),
    )
    .set(sso_tokens::used_at.eq(db::now()))
    .execute(conn)?;
    Ok(n == 1)
}

/// Locks a token's row for the rest of the transaction, writing nothing: SQLite takes its write
/// lock up front (where its busy timeout can wait for it, instead of failing when a read turns
/// into a write), and two refreshes of one token on PostgreSQL take turns.
pub fn lock_token(conn: &mut DbConn, hash: &str) -> QueryResult<usize> {
    diesel::update(sso_tokens::table.find(hash))
        .set(sso_tokens::used_at.eq(sso_tokens::used_at))
        .execute(conn)
}

/// Revokes one token.
pub fn revoke_token(conn: &mut DbConn, hash: &str) -> QueryResult<usize> {
    diesel::update(
        sso_tokens::table
            .find(hash)
            .filter(sso_tokens::revoked_at.is_null()),
    )
    .set(sso_tokens::revoked_at.eq(db::now()))
    .execute(conn)
}

/// Revokes every token of a family (refresh token reuse, a replayed code).
pub fn revoke_family(conn: &mut DbConn, family: &str) -> QueryResult<usize> {
    diesel::update(
        sso_tokens::table
            .filter(sso_tokens::family_id.eq(family))
            .filter(sso_tokens::revoked_at.is_null()),
    )
    .set(sso_tokens::revoked_at.eq(db::now()))
    .execute(conn)
}

/// An application that received tokens from a browser session: (client, person, session).
pub type SessionGrant = (ClientId, Option<UserId>, Option<String>);

/// The applications that received tokens from these browser sessions, once each.
pub fn session_clients(conn: &mut DbConn, sessions: &[String]) -> QueryResult<Vec<SessionGrant>> {
    sso_tokens::table
        .filter(sso_tokens::session_id.eq_any(sessions))
        .select((
            sso_tokens::client_id,
            sso_tokens::user_id,
            sso_tokens::session_id,
        ))
        .distinct()
        .load(conn)
}

/// Ends what these browser sessions granted: their tokens are revoked and their codes not yet
/// exchanged can no longer be; returns how many tokens were revoked.
pub fn end_session_grants(conn: &mut DbConn, sessions: &[String]) -> QueryResult<usize> {
    let now = db::now();
    diesel::update(
        sso_codes::table
            .filter(sso_codes::session_id.eq_any(sessions))
            .filter(sso_codes::used_at.is_null()),
    )
    .set(sso_codes::used_at.eq(now))
    .execute(conn)?;
    diesel::update(
        sso_tokens::table
            .filter(sso_tokens::session_id.eq_any(sessions))
            .filter(sso_tokens::revoked_at.is_null()),
    )
    .set(sso_tokens::revoked_at.eq(now))
    .execute(conn)
}

/// Replaces a client's secret hash.
pub fn set_client_secret(conn: &mut DbConn, id: &str, hash: &str, by: &str) -> QueryResult<usize> {
    diesel::update(sso_clients::table.find(id))
        .set((
            sso_clients::secret_hash.eq(hash),
            sso_clients::updated_at.eq(db::now()),
            sso_clients::updated_by.eq(by),
        ))
        .execute(conn)
}

/// Revokes every live token of a client (when it is disabled).
pub fn revoke_client(conn: &mut DbConn, client_id: &str) -> QueryResult<usize> {
    diesel::update(
        sso_tokens::table
            .filter(sso_tokens::client_id.eq(client_id))
            .filter(sso_tokens::revoked_at.is_null()),
    )
    .set(sso_tokens::revoked_at.eq(db::now()))
    .execute(conn)
}

/// Applications holding live tokens for an account: client id, name, latest issue.
pub fn connected(
    conn: &mut DbConn,
    user_id: &str,
) -> QueryResult<Vec<(String, String, NaiveDateTime)>> {
    sso_tokens::table
        .inner_join(sso_clients::table)
        .filter(sso_tokens::user_id.eq(user_id))
        .filter(sso_tokens::revoked_at.is_null())
        .filter(sso_tokens::used_at.is_null())
        .filter(sso_tokens::expires_at.gt(db::now()))
        .group_by((sso_clients::id, sso_clients::name))
        .select((
            sso_clients::id,
            sso_clients::name,
            diesel::dsl::max(sso_tokens::created_at).assume_not_null(),
        ))
        .order(sso_clients::name.asc())
        .load(conn)
}

/// Revokes every token any application holds for one account.
pub fn revoke_user_tokens(conn: &mut DbConn, user_id: &str) -> QueryResult<usize> {
    diesel::update(
        sso_tokens::table
            .filter(sso_tokens::user_id.eq(user_id))
            .filter(sso_tokens::revoked_at.is_null()),
    )
    .set(sso_tokens::revoked_at.eq(db::now()))
    .execute(conn)
}

/// Revokes every token one application holds for one account.
pub fn revoke_user_client(conn: &mut DbConn, user_id: &str, client_id: &str) -> QueryResult<usize> {
    diesel::update(
        sso_tokens::table
            .filter(sso_tokens::user_id.eq(user_id))
            .filter(sso_tokens::client_id.eq(client_id))
            .filter(sso_tokens::revoked_at.is_null()),
    )
    .set(sso_tokens::revoked_at.eq(db::now()))
    .execute(conn)
}

/// Sets a client's security level, whether it is outside the government and whether it may
/// call Simpul's API.
pub fn set_client_assurance(
    conn: &mut DbConn,
    id: &str,
    level: SecurityLevel,
    external: bool,
    api_access: bool,
    by: &str,
) -> QueryResult<usize> {
    diesel::update(sso_clients::table.find(id))
        .set((
            sso_clients::security_level.eq(level),
            sso_clients::external.eq(external),
            sso_clients::api_access.eq(api_access),
            sso_clients::updated_at.eq(db::now()),
            sso_clients::updated_by.eq(by),
        ))
        .execute(conn)
}

/// Sets or clears a client's back-channel logout URI.
pub fn set_backchannel_logout(
    conn: &mut DbConn,
    id: &str,
    uri: Option<&str>,
    by: &str,
) -> QueryResult<usize> {
    diesel::update(sso_clients::table.find(id))
        .set((
            sso_clients::backchannel_logout_uri.eq(uri),
            sso_clients::updated_at.eq(db::now()),
            sso_clients::updated_by.eq(by),
        ))
        .execute(conn)
}

/// Whether the person has consented to `scope` (every scope in it) for the client.
pub fn consented(
    conn: &mut DbConn,
    user_id: &str,
    client_id: &str,
    scope: &str,
) -> QueryResult<bool> {
    use db::schema::sso_consents;
    let granted: Option<String> = sso_consents::table
        .find((user_id, client_id))
        .select(sso_consents::scope)
        .first(conn)
        .optional()?;
    Ok(granted.is_some_and(|g| {
        scope
            .split_whitespace()
            .all(|s| g.split_whitespace().any(|x| x == s))
    }))
}

/// Records (or widens) a person's consent for a client.
pub fn save_consent(
    conn: &mut DbConn,
    user_id: &str,
    client_id: &str,
    scope: &str,
) -> QueryResult<usize> {
    use db::schema::sso_consents;
    diesel::delete(sso_consents::table.find((user_id, client_id))).execute(conn)?;
    diesel::insert_into(sso_consents::table)
        .values((
            sso_consents::user_id.eq(user_id),
            sso_consents::client_id.eq(client_id),
            sso_consents::scope.eq(scope),
            sso_consents::granted_at.eq(db::now()),
        ))
        .execute(conn)
}

/// Withdraws a person's consent for a client (when they disconnect it).
pub fn forget_consent(conn: &mut DbConn, user_id: &str, client_id: &str) -> QueryResult<usize> {
    use db::schema::sso_consents;
    diesel::delete(sso_consents::table.find((user_id, client_id))).execute(conn)
}
