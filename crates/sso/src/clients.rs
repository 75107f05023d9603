//! The provider's facade for other contexts: the clients (registered applications) as small
//! typed values, and registering one for an approved application. Other contexts never read
//! the provider's tables.

use db::DbConn;
use diesel::QueryResult;
use kernel::AppResult;
use kernel::audit::Actor;
use kernel::ids::AgencyId;

use crate::mfa::SecurityLevel;
use crate::store::{self, ClientRow};

/// A client's `client_id`: 32 hex digits for the clients Simpul registers; an application sends
/// it back exactly as it got it, so it is kept as text.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(transparent)]
pub struct ClientId(String);

impl ClientId {
    /// A new id for a client being registered.
    pub fn new() -> Self {
        Self(uuid::Uuid::now_v7().simple().to_string())
    }

    /// The id an application sent.
    pub fn sent(text: &str) -> Self {
        Self(text.to_owned())
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// A client id is text through and through: it reads as one wherever text is expected.
impl std::ops::Deref for ClientId {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl Default for ClientId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for ClientId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl db::TextValue for ClientId {
    const WHAT: &'static str = "ClientId";
    fn to_text(&self) -> String {
        self.0.clone()
    }
    fn from_text(text: &str) -> Option<Self> {
        Some(Self(text.to_owned()))
    }
}

db::text_sql!(ClientId);

/// A client as other contexts see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRef {
    /// Its `client_id`.
    pub id: ClientId,
    /// The application's name.
    pub name: String,
    /// The agency that owns the application (none: the Dinas's own).
    pub owner: Option<AgencyId>,
    /// Disabled clients can do nothing.
    pub disabled: bool,
    /// Run outside the government.
    pub external: bool,
    /// Its security level.
    pub security_level: SecurityLevel,
}

fn client_ref(r: ClientRow) -> ClientRef {
    ClientRef {
        id: r.id,
        name: r.name,
        owner: r.owner_agency_id,
        disabled: r.disabled,
        external: r.external,
        security_level: r.security_level,
    }
}

/// One client.
pub fn client(conn: &mut DbConn, id: &ClientId) -> QueryResult<Option<ClientRef>> {
    Ok(store::client(conn, id.as_str())?.map(client_ref))
}

/// Every client, by name.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<ClientRef>> {
    Ok(store::clients(conn)?.into_iter().map(client_ref).collect())
}

/// The clients an agency owns, by name (for choosing one when registering its application).
pub fn owned_by(conn: &mut DbConn, agency: AgencyId) -> QueryResult<Vec<ClientRef>> {
    Ok(all(conn)?
        .into_iter()
        .filter(|c| c.owner == Some(agency))
        .collect())
}

/// What registering a client for an application needs.
#[derive(Debug, Clone)]
pub struct NewClient {
    /// The application's name.
    pub name: String,
    /// Exact redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Where people may land after signing out.
    pub post_logout_redirect_uris: Vec<String>,
    /// A public client (no secret, PKCE).
    pub public: bool,
    /// The owner agency.
    pub owner: AgencyId,
    /// The application's security level.
    pub security_level: SecurityLevel,
}

/// Registers a client for an agency's application (audited); returns it and, for a
/// confidential client, its secret (shown once).
pub fn register(
    conn: &mut DbConn,
    actor: &Actor,
    new: &NewClient,
) -> AppResult<(ClientRef, Option<String>)> {
    let draft = crate::service::ClientDraft {
        name: new.name.clone(),
        redirect_uris: new.redirect_uris.clone(),
        post_logout_redirect_uris: new.post_logout_redirect_uris.clone(),
        public: new.public,
        owner_agency_id: Some(new.owner),
        id_token_alg: None,
        security_level: Some(new.security_level.as_str().to_owned()),
        external: false,
        api_access: false,
        backchannel_logout_uri: None,
    };
    let (row, secret) = crate::service::register_client(conn, actor, &draft)?;
    Ok((client_ref(row), secret))
}
