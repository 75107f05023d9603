//! The provider's operations: client registration and authentication, claims, and issuing
//! tokens. Each runs inside the caller's transaction.

use axum::http::HeaderMap;
use chrono::NaiveDateTime;
use db::DbConn;
use hmac::{Hmac, Mac};
use kernel::audit::{self, Actor, Change};
use kernel::ids::{AgencyId, UserId};
use kernel::principal::{random_secret, secret_hash};
use kernel::validate::Checker;
use kernel::{AppError, AppResult, FieldError};
use serde_json::{Map, Value, json};
use sha2::Sha256;

use crate::error::OAuthError;
use crate::keys;
use crate::mfa::SecurityLevel;
use crate::model::{self, ACCESS_SECONDS, ID_TOKEN_SECONDS, REFRESH_SECONDS};
use crate::store::{self, ClientRow, NewClient, NewToken};

/// The keyed hash of a client secret. Secrets are 256 random bits, so a fast hash is safe;
/// the key (kept in the database) means a stolen table alone cannot even check a guess.
pub fn client_secret_hash(conn: &mut DbConn, secret: &str) -> AppResult<String> {
    keyed_hash(&secret_key(conn)?, secret)
}

/// The provider's secret key (client-secret hashes, client-credentials tokens), made on
/// first use.
pub fn secret_key(conn: &mut DbConn) -> AppResult<String> {
    Ok(match store::setting(conn, "client_secret_key")? {
        Some(k) => k,
        None => {
            let k = random_secret();
            store::set_setting(conn, "client_secret_key", &k)?;
            k
        }
    })
}

/// HMAC-SHA256 of a client secret under the key, hex.
pub fn keyed_hash(key: &str, secret: &str) -> AppResult<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes())
        .map_err(|e| AppError::Internal(e.to_string()))?;
    mac.update(secret.as_bytes());
    Ok(hex::encode(mac.finalize().into_bytes()))
}

/// What the Dinas asks for when registering a client.
#[derive(Debug, Clone, Default)]
pub struct ClientDraft {
    /// Display name.
    pub name: String,
    /// Exact redirect URIs.
    pub redirect_uris: Vec<String>,
    /// URIs allowed after logout.
    pub post_logout_redirect_uris: Vec<String>,
    /// A public client (no secret; PKCE required).
    pub public: bool,
    /// The owner agency.
    pub owner_agency_id: Option<AgencyId>,
    /// `RS256` (the OIDC default) or `ES256`.
    pub id_token_alg: Option<String>,
    /// Security level (KT 8.1); `rendah` when not given.
    pub security_level: Option<String>,
    /// Run outside the government (people consent before it gets their data).
    pub external: bool,
    /// May ask for `simpul.api` (its tokens then act on Simpul's API for the person).
    pub api_access: bool,
    /// Where it is told that a person's session ended (Back-Channel Logout 1.0).
    pub backchannel_logout_uri: Option<String>,
}

/// Registers a client; returns it and, for a confidential client, its secret (shown once).
pub fn register_client(
    conn: &mut DbConn,
    actor: &Actor,
    d: &ClientDraft,
) -> AppResult<(ClientRow, Option<String>)> {
    let mut check = Checker::default();
    let name = check.text("name", &d.name, 120);
    let mut errors = check.errors;
    if d.redirect_uris.is_empty() {
        errors.push(FieldError::new("redirect_uris", "error-required"));
    }
    for (field, uris) in [
        ("redirect_uris", &d.redirect_uris),
        ("post_logout_redirect_uris", &d.post_logout_redirect_uris),
    ] {
        for uri in uris {
            if let Err(key) = model::check_redirect_uri(uri) {
                errors.push(FieldError::new(field, key).arg("uri", uri));
            }
        }
    }
    let backchannel = backchannel_uri(d.backchannel_logout_uri.as_deref()).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let alg = d.id_token_alg.clone().unwrap_or_else(|| "RS256".into());
    if !keys::ALGS.contains(&alg.as_str()) {
        errors.push(
            FieldError::new("id_token_alg", "error-choice").arg("choices", keys::ALGS.join(", ")),
        );
    }
    let level = match d.security_level.as_deref() {
        None => Some(SecurityLevel::Rendah),
        Some(l) => check_level(l).map_err(|e| errors.push(e)).ok(),
    };
    let Some(level) = level.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let secret = (!d.public).then(random_secret);
    let secret_hash = match &secret {
        Some(s) => Some(client_secret_hash(conn, s)?),
        None => None,
    };
    let new = NewClient {
        name,
        secret_hash,
        public: d.public,
        redirect_uris: d.redirect_uris.clone(),
        post_logout_redirect_uris: d.post_logout_redirect_uris.clone(),
        owner_agency_id: d.owner_agency_id,
        id_token_alg: alg,
        security_level: level,
        external: d.external,
        api_access: d.api_access,
        backchannel_logout_uri: backchannel.map(str::to_owned),
    };
    let row = store::insert_client(conn, &new, &actor.label)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "sso.client_create",
            record_type: "sso_client",
            record_id: row.id.to_string(),
            agency: d.owner_agency_id,
            summary: json!({"after": {"name": row.name, "public": row.public, "redirect_uris": d.redirect_uris,
                                       "security_level": row.security_level, "external": row.external,
                                       "api_access": row.api_access,
                                       "backchannel_logout_uri": row.backchannel_logout_uri}}),
        },
    )?;
    Ok((row, secret))
}

/// Parameters of a request body or query, refusing repeated ones (RFC 6749 §3.1, §3.2).
pub fn params(raw: &[u8]) -> Result<std::collections::HashMap<String, String>, OAuthError> {
    let mut map = std::collections::HashMap::new();
    for (k, v) in form_urlencoded::parse(raw) {
        // NUL cannot reach PostgreSQL, and no parameter of ours holds a control character.
        if kernel::validate::has_control(&k) || kernel::validate::has_control(&v) {
            return Err(OAuthError::request(format!(
                "parameter {} holds a control character",
                k.escape_debug()
            )));
        }
        if map.insert(k.to_string(), v.into_owned()).is_some() {
            return Err(OAuthError::request(format!("parameter {k} is repeated")));
        }
    }
    Ok(map)
}

/// The query of a browser-facing endpoint (authorize, logout); a malformed one is shown to the
/// person as an error page in their language.
pub fn page_params(raw: &str) -> AppResult<std::collections::HashMap<String, String>> {
    params(raw.as_bytes()).map_err(|e| {
        AppError::BadRequest(
            FieldError::new("request", "error-sso-request").arg("why", e.description),
        )
    })
}

/// Authenticates the client of a token, revocation or introspection request:
/// `client_secret_basic`, `client_secret_post`, or a public client by id alone.
pub fn authenticate_client(
    conn: &mut DbConn,
    headers: &HeaderMap,
    form: &std::collections::HashMap<String, String>,
) -> Result<ClientRow, OAuthError> {
    let (id, secret) = client_auth_params(headers, form)?;
    let client = store::client(conn, &id)?;
    check_client(client, secret.as_deref(), &secret_key(conn)?)
}

/// The same, with clients and the key from the provider's cache (no database when warm).
pub async fn authenticate_client_cached(
    state: &kernel::AppState,
    headers: &HeaderMap,
    form: &std::collections::HashMap<String, String>,
) -> Result<ClientRow, OAuthError> {
    let (id, secret) = client_auth_params(headers, form)?;
    let client = crate::cache::client(state, &id).await?;
    let key = crate::cache::secret_key(state).await?;
    check_client(client, secret.as_deref(), &key)
}

/// Which client a request names and the secret it offers, from the `Authorization: Basic`
/// header or the form (one method only). An id with a control character (possible only through
/// Basic: the form's parameters are refused earlier) names no client and never reaches a query.
pub fn client_auth_params(
    headers: &HeaderMap,
    form: &std::collections::HashMap<String, String>,
) -> Result<(String, Option<String>), OAuthError> {
    let basic = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(model::parse_basic);
    if basic
        .as_ref()
        .is_some_and(|(id, _)| kernel::validate::has_control(id))
    {
        return Err(OAuthError::client("unknown client"));
    }
    let posted = form.get("client_secret").cloned();
    match (basic, form.get("client_id")) {
        (Some(_), _) if posted.is_some() => {
            Err(OAuthError::request("use one client authentication method"))
        }
        (Some((id, _)), Some(form_id)) if *form_id != id => Err(OAuthError::request(
            "client_id differs from the authenticated client",
        )),
        (Some((id, secret)), _) => Ok((id, Some(secret))),
        (None, Some(id)) => Ok((id.clone(), posted)),
        (None, None) => Err(OAuthError::client("client authentication is required")),
    }
}

/// Checks a named client and its offered secret against the stored keyed hash.
pub fn check_client(
    client: Option<ClientRow>,
    secret: Option<&str>,
    key: &str,
) -> Result<ClientRow, OAuthError> {
    let client = client
        .filter(|c| !c.disabled)
        .ok_or_else(|| OAuthError::client("unknown or disabled client"))?;
    match (&client.secret_hash, secret) {
        (Some(stored), Some(given)) => {
            if model::constant_eq(stored, &keyed_hash(key, given)?) {
                Ok(client)
            } else {
                Err(OAuthError::client("wrong client secret"))
            }
        }
        (Some(_), None) => Err(OAuthError::client(
            "this client must authenticate with its secret",
        )),
        (None, Some(_)) => Err(OAuthError::client("a public client has no secret")),
        (None, None) => Ok(client),
    }
}

/// The claims about an account that `scope` releases (for the ID token and userinfo).
/// `None` when the account no longer exists or has been disabled.
pub fn user_claims(
    conn: &mut DbConn,
    id: UserId,
    scope: &str,
) -> AppResult<Option<Map<String, Value>>> {
    let Some(account) = accounts::find_account(conn, id)?.filter(|a| !a.disabled) else {
        return Ok(None);
    };
    let person = match account.person_id {
        Some(pid) => org::directory::person(conn, pid)?,
        None => None,
    };
    let mut claims = Map::new();
    claims.insert("sub".into(), json!(account.id));
    if model::has_scope(scope, "profile") {
        claims.insert("name".into(), json!(account.name));
        let username = person
            .as_ref()
            .and_then(|p| p.nip.clone())
            .unwrap_or_else(|| account.login.clone());
        claims.insert("preferred_username".into(), json!(username));
    }
    if model::has_scope(scope, "email")
        && let Some(email) = person.as_ref().and_then(|p| p.email.clone())
    {
        claims.insert("email".into(), json!(email));
        // The address is the one the agency recorded, never confirmed by the person (no
        // message was sent to it): an application must not treat it as proven.
        claims.insert("email_verified".into(), json!(false));
    }
    if model::has_scope(scope, "profile") || model::has_scope(scope, "roles") {
        let agency = match person.as_ref().map(|p| p.agency) {
            Some(a) => org::directory::agency(conn, a)?.map(|a| a.code),
            None => None,
        };
        claims.insert("agency".into(), json!(agency));
        // Agencies by code, as in `agency`; `roles` is flat text (`agency-operator@BKPSDM`, or
        // the role alone when region-wide) so that a plain string match works — Apache's
        // `Require claim roles:agency-operator@BKPSDM` drops lists of objects.
        let mut codes = std::collections::HashMap::new();
        let mut grants = vec![];
        let mut roles = vec![];
        for g in &account.roles {
            let code = match g.agency {
                Some(a) => match codes.get(&a) {
                    Some(known) => Option::clone(known),
                    None => {
                        let found = org::directory::agency(conn, a)?.map(|x| x.code);
                        codes.insert(a, found.clone());
                        found
                    }
                },
                None => None,
            };
            roles.push(match &code {
                Some(c) => format!("{}@{c}", g.role.as_str()),
                None => g.role.as_str().to_owned(),
            });
            grants.push(json!({"role": g.role.as_str(), "agency": code}));
        }
        claims.insert("roles".into(), json!(roles));
        claims.insert("role_grants".into(), json!(grants));
    }
    Ok(Some(claims))
}

/// Whether the account behind a token may still act (it may have been disabled since).
pub fn user_active(conn: &mut DbConn, id: UserId) -> AppResult<bool> {
    Ok(accounts::find_account(conn, id)?.is_some_and(|a| !a.disabled))
}

/// Issues an opaque token of `kind`, stored by hash; returns the token.
pub fn issue(
    conn: &mut DbConn,
    kind: &str,
    family: &str,
    client: &str,
    user: Option<UserId>,
    scope: &str,
    signed_in: SignedIn<'_>,
) -> AppResult<String> {
    let token = random_secret();
    let seconds = if kind == "refresh" {
        REFRESH_SECONDS
    } else {
        ACCESS_SECONDS
    };
    store::insert_token(
        conn,
        &NewToken {
            hash: secret_hash(&token),
            kind,
            family_id: family,
            client_id: client,
            user_id: user,
            scope,
            auth_time: signed_in.auth_time,
            amr: signed_in.amr,
            session_id: signed_in.session,
            seconds,
        },
    )?;
    Ok(token)
}

/// When and how the person signed in: every token of the sign-in carries it, so that an ID
/// token issued on refresh says the same as the first (OIDC Core 12.2).
#[derive(Debug, Clone, Copy, Default)]
pub struct SignedIn<'a> {
    /// When.
    pub auth_time: Option<NaiveDateTime>,
    /// How (`pwd`, `pwd otp mfa`).
    pub amr: Option<&'a str>,
    /// In which browser session.
    pub session: Option<&'a str>,
}

/// What goes into an ID token.
#[derive(Debug, Clone, Copy)]
pub struct IdToken<'a> {
    /// The issuer.
    pub issuer: &'a str,
    /// The audience.
    pub client: &'a ClientRow,
    /// The client's nonce from the authorization request.
    pub nonce: Option<&'a str>,
    /// When the person signed in.
    pub auth_time: NaiveDateTime,
    /// The access token issued beside it (for `at_hash`).
    pub access_token: &'a str,
    /// Authentication methods (RFC 8176), space-separated, of the original sign-in.
    pub amr: Option<&'a str>,
    /// The browser session of the sign-in (becomes `sid`).
    pub session: Option<&'a str>,
}

/// The `sid` an application sees for a browser session (Front/Back-Channel Logout 1.0): derived
/// from the stored session id, itself a hash of the cookie, so it names the session to the
/// application without giving it anything to sign in with.
pub fn sid(session: &str) -> String {
    let digest = <Sha256 as sha2::Digest>::digest(format!("simpul-sid:{session}").as_bytes());
    hex::encode(digest.get(..16).unwrap_or_default())
}

/// The claims of an ID token (OIDC Core §2), given the claims `scope` releases about the
/// person; signing is left to the caller (it is CPU work for a blocking thread).
pub fn id_token_claims(mut claims: Map<String, Value>, t: &IdToken<'_>) -> Map<String, Value> {
    let now = chrono::Utc::now().timestamp();
    claims.insert("iss".into(), json!(t.issuer));
    claims.insert("aud".into(), json!(t.client.id));
    claims.insert("iat".into(), json!(now));
    claims.insert("exp".into(), json!(now + ID_TOKEN_SECONDS));
    claims.insert("auth_time".into(), json!(t.auth_time.and_utc().timestamp()));
    if let Some(n) = t.nonce {
        claims.insert("nonce".into(), json!(n));
    }
    if let Some(methods) = t.amr {
        let list: Vec<&str> = methods.split_whitespace().collect();
        claims.insert("amr".into(), json!(list));
        claims.insert("acr".into(), json!(crate::mfa::acr(methods)));
    }
    if let Some(session) = t.session {
        claims.insert("sid".into(), json!(sid(session)));
    }
    // at_hash: the left half of the access token's SHA-256 (OIDC Core §3.1.3.6).
    let digest = <Sha256 as sha2::Digest>::digest(t.access_token.as_bytes());
    let half = digest.get(..16).unwrap_or_default();
    claims.insert(
        "at_hash".into(),
        json!(base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            half
        )),
    );
    claims
}

/// Gives a confidential client a new secret (the old one stops working); returns it, once.
pub fn rotate_secret(conn: &mut DbConn, actor: &Actor, id: &str) -> AppResult<String> {
    let client = store::client(conn, id)?.ok_or(AppError::NotFound)?;
    if client.public {
        return Err(AppError::Conflict(FieldError::new(
            "public",
            "error-sso-public-secret",
        )));
    }
    let secret = random_secret();
    let hash = client_secret_hash(conn, &secret)?;
    store::set_client_secret(conn, id, &hash, &actor.label)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "sso.client_secret_rotate",
            record_type: "sso_client",
            record_id: id.to_owned(),
            agency: None,
            summary: json!({}),
        },
    )?;
    Ok(secret)
}

/// Disables or re-enables a client; a disabled client's tokens stop with it.
pub fn set_client_disabled(
    conn: &mut DbConn,
    actor: &Actor,
    id: &str,
    disabled: bool,
) -> AppResult<ClientRow> {
    let before = store::client(conn, id)?.ok_or(AppError::NotFound)?;
    store::set_client_disabled(conn, id, disabled, &actor.label)?;
    let revoked = if disabled {
        store::revoke_client(conn, id)?
    } else {
        0
    };
    audit::record(
        conn,
        actor,
        Change {
            action: if disabled {
                "sso.client_disable"
            } else {
                "sso.client_enable"
            },
            record_type: "sso_client",
            record_id: id.to_owned(),
            agency: before.owner_agency_id,
            summary: json!({"before": {"disabled": before.disabled}, "after": {"disabled": disabled}, "tokens_revoked": revoked}),
        },
    )?;
    store::client(conn, id)?.ok_or(AppError::NotFound)
}

/// A security level must be one of the three.
fn check_level(level: &str) -> Result<SecurityLevel, FieldError> {
    SecurityLevel::parse_typed(level).ok_or_else(|| {
        FieldError::new("security_level", "error-choice")
            .arg("choices", <SecurityLevel as kernel::ids::Choice>::names())
    })
}

/// Changes a client's security level, whether it is outside the government and whether its
/// tokens may call Simpul's API (withdrawing that stops its live tokens at once: the API
/// checks the client on every request).
pub fn set_client_assurance(
    conn: &mut DbConn,
    actor: &Actor,
    id: &str,
    level: &str,
    external: bool,
    api_access: bool,
) -> AppResult<ClientRow> {
    let level = check_level(level).map_err(|e| AppError::Validation(vec![e]))?;
    let before = store::client(conn, id)?.ok_or(AppError::NotFound)?;
    store::set_client_assurance(conn, id, level, external, api_access, &actor.label)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "sso.client_assurance",
            record_type: "sso_client",
            record_id: id.to_owned(),
            agency: before.owner_agency_id,
            summary: json!({"before": {"security_level": before.security_level, "external": before.external,
                                       "api_access": before.api_access},
                            "after": {"security_level": level, "external": external, "api_access": api_access}}),
        },
    )?;
    store::client(conn, id)?.ok_or(AppError::NotFound)
}

/// A back-channel logout URI as typed: none when empty, else as a redirect URI (absolute,
/// HTTPS but on this machine, no fragment) and short enough to keep.
fn backchannel_uri(typed: Option<&str>) -> Result<Option<&str>, FieldError> {
    let Some(uri) = typed.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let field = "backchannel_logout_uri";
    if uri.chars().count() > 500 {
        return Err(FieldError::new(field, "error-field-too-long").arg("max", 500));
    }
    model::check_redirect_uri(uri).map_err(|key| FieldError::new(field, key).arg("uri", uri))?;
    Ok(Some(uri))
}

/// Sets or clears where a client is told that sessions ended (audited).
pub fn set_backchannel_logout(
    conn: &mut DbConn,
    actor: &Actor,
    id: &str,
    uri: Option<&str>,
) -> AppResult<ClientRow> {
    let uri = backchannel_uri(uri).map_err(|e| AppError::Validation(vec![e]))?;
    let before = store::client(conn, id)?.ok_or(AppError::NotFound)?;
    store::set_backchannel_logout(conn, id, uri, &actor.label)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "sso.client_backchannel_logout",
            record_type: "sso_client",
            record_id: id.to_owned(),
            agency: before.owner_agency_id,
            summary: json!({"before": {"backchannel_logout_uri": before.backchannel_logout_uri},
                            "after": {"backchannel_logout_uri": uri}}),
        },
    )?;
    store::client(conn, id)?.ok_or(AppError::NotFound)
}

/// Removes a person's authenticator and recovery codes when they lost both (the Dinas checks
/// who is asking first); their next sign-in sets up a new one if a role or client needs it.
/// Returns whether there was one.
pub fn reset_second_factor(conn: &mut DbConn, actor: &Actor, user_id: UserId) -> AppResult<bool> {
    let account = accounts::find_account(conn, user_id)?.ok_or(AppError::NotFound)?;
    let removed = crate::mfa::store::remove(conn, &account.id.to_string())? > 0;
    audit::record(
        conn,
        actor,
        Change {
            action: "mfa.reset",
            record_type: "user",
            record_id: account.id.to_string(),
            agency: account.roles.iter().find_map(|g| g.agency),
            summary: json!({"login": account.login, "had_second_factor": removed}),
        },
    )?;
    Ok(removed)
}
