//! How a context plugs into Simpul: it fills in one [`Module`] value — its routes, navigation,
//! messages, API document, compliance rules, panels on other contexts' pages, the principals it
//! can resolve, its demo data — and the binary keeps one list of them. The kernel gathers the
//! list into [`Modules`] once at start; nothing else in the kernel names a context.

use std::future::Future;
use std::pin::Pin;

use axum::Router;
use db::DbConn;

use crate::audit::Actor;
use crate::compliance::RuleSource;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::i18n::Messages;
use crate::ids::{AgencyId, PersonId, UserId};
use crate::jobs::JobKind;
use crate::layout::NavEntry;
use crate::permissions::Capability;
use crate::principal::Principal;
use crate::state::AppState;

/// A future rendering a panel: its HTML, or nothing for this visitor.
pub type PanelFuture<'a> = Pin<Box<dyn Future<Output = AppResult<Option<String>>> + Send + 'a>>;

/// The page a panel is asked for, and the record shown there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The home page.
    Home,
    /// A person's page.
    Person(PersonId),
    /// An agency's page.
    Agency(AgencyId),
}

impl Place {
    /// The kind of page.
    pub fn slot(self) -> Slot {
        match self {
            Place::Home => Slot::Home,
            Place::Person(_) => Slot::Person,
            Place::Agency(_) => Slot::Agency,
        }
    }
}

/// A kind of page that shows other contexts' panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The home page.
    Home,
    /// Every person's page.
    Person,
    /// Every agency's page.
    Agency,
}

/// A block one context adds to another context's page (an agency's open findings on the home
/// page, a person's account on the person's page), so the page's owner never names the
/// contributor.
#[derive(Clone, Copy)]
pub struct Panel {
    /// Which kind of page.
    pub slot: Slot,
    /// Renders it for the record the page shows.
    pub render: for<'a> fn(&'a AppState, &'a Ctx, Place) -> PanelFuture<'a>,
}

/// Finds who is behind a request. The accounts context resolves sessions and API tokens; the
/// provider resolves its own access tokens. The kernel only asks.
pub trait Resolver: Send + Sync {
    /// The principal behind a session cookie's secret, if the session is live (`hours`: its
    /// idle lifetime, for sliding expiry).
    fn session(
        &self,
        _conn: &mut DbConn,
        _secret: &str,
        _hours: u32,
    ) -> diesel::QueryResult<Option<Principal>> {
        Ok(None)
    }

    /// The principal behind a bearer token, if this resolver knows it and it is live.
    fn bearer(&self, _conn: &mut DbConn, _token: &str) -> diesel::QueryResult<Option<Principal>> {
        Ok(None)
    }

    /// Revokes every token this resolver issued to the account (its password changed or it
    /// was disabled); returns how many. Sessions are the accounts context's own business.
    fn revoke_all(&self, _conn: &mut DbConn, _user: UserId) -> diesel::QueryResult<usize> {
        Ok(0)
    }

    /// Browser sessions (their stored ids) have just ended, by any route: sign-out, a logout
    /// from an application, ending one from the account page, a password change, a disabled
    /// account. Runs in the transaction that ends them, so what it records (tokens issued from
    /// them revoked, applications to tell) commits with the end or not at all.
    fn sessions_ended(&self, _conn: &mut DbConn, _sessions: &[String]) -> diesel::QueryResult<()> {
        Ok(())
    }
}

/// Loads a context's part of the demo region inside the one demo transaction; returns whether
/// it added anything (it must be harmless to run twice).
pub type DemoLoader = fn(&mut DbConn, &Actor) -> AppResult<bool>;

/// One context, as the binary sees it.
#[derive(Clone, Copy)]
pub struct Module {
    /// The context's name (`registry`).
    pub name: &'static str,
    /// Its pages and API.
    pub routes: fn() -> Router<AppState>,
    /// Its entries in the main navigation.
    pub nav: &'static [NavEntry],
    /// Its message catalogues.
    pub messages: Messages,
    /// Its part of the OpenAPI document.
    pub openapi: fn() -> utoipa::openapi::OpenApi,
    /// Its compliance rules.
    pub rules: &'static [RuleSource],
    /// Panels it adds to other pages.
    pub panels: &'static [Panel],
    /// How it recognises sessions or tokens, if it issues any.
    pub resolver: Option<&'static dyn Resolver>,
    /// Its part of the demo region.
    pub demo: Option<DemoLoader>,
    /// The kinds of record it owns and who may read and write them.
    pub capabilities: &'static [Capability],
    /// The tables it owns: only its own crate's code may name them (a test in the binary's
    /// crate checks every source file).
    pub tables: &'static [&'static str],
    /// The kinds of background job it runs.
    pub jobs: &'static [JobKind],
    /// Routes (as registered, `/registry/applications/{id}/edit`) whose POST handler takes a
    /// [`crate::form::Submitted`] form and shows it again, values kept, when the anti-forgery
    /// token is stale. Any other route refuses such a post.
    pub forms: &'static [&'static str],
    /// Path prefixes under `/api/` that answer without a credential (an open-data catalogue,
    /// say). Everywhere else under `/api/` an anonymous request is a 401 before anything of
    /// it is read, so no input check can tell an outsider more than "sign in".
    pub public_api: &'static [&'static str],
    /// The region's agencies as (id, label), if this context keeps them: what pages outside
    /// the context (the audit trail) offer in an agency picker.
    pub agencies: Option<AgencyLister>,
    /// The region's time zone, if this context keeps the region profile: every page shows
    /// times in it.
    pub time_zone: Option<ZoneReader>,
    /// The page of each kind of record it keeps, as (record type in the audit trail, path
    /// with `{id}`): the audit trail links its events to them.
    pub records: &'static [(&'static str, &'static str)],
    /// A network service of its own beside HTTP (the authoritative DNS server), started by
    /// `simpul serve` before HTTP: the future binds what the settings ask for and spawns its
    /// tasks, failing with a message for the operator when it cannot.
    pub listener: Option<Listener>,
}

/// Starts a context's own network service; see [`Module::listener`].
pub type Listener =
    fn(AppState) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>>;

/// Lists the region's agencies as (id, label).
pub type AgencyLister = fn(&mut DbConn) -> diesel::QueryResult<Vec<(String, String)>>;

/// Reads the region's time zone (none before the region profile is set).
pub type ZoneReader = fn(&mut DbConn) -> diesel::QueryResult<Option<crate::time::Zone>>;

fn no_routes() -> Router<AppState> {
    Router::new()
}

fn no_openapi() -> utoipa::openapi::OpenApi {
    utoipa::openapi::OpenApiBuilder::new().build()
}

impl Module {
    /// A module with nothing yet; fill it in with the builder methods, in a `const`.
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            routes: no_routes,
            nav: &[],
            messages: Messages { id: "", en: "" },
            openapi: no_openapi,
            rules: &[],
            panels: &[],
            resolver: None,
            demo: None,
            capabilities: &[],
            tables: &[],
            jobs: &[],
            forms: &[],
            public_api: &[],
            agencies: None,
            time_zone: None,
            records: &[],
            listener: None,
        }
    }

    /// Sets the network service it runs beside HTTP.
    pub const fn listener(mut self, start: Listener) -> Self {
        self.listener = Some(start);
        self
    }

    /// Declares the pages of the kinds of record it keeps, for links from the audit trail.
    pub const fn records(mut self, pages: &'static [(&'static str, &'static str)]) -> Self {
        self.records = pages;
        self
    }

    /// Declares that this context keeps the region's time zone.
    pub const fn time_zone(mut self, read: ZoneReader) -> Self {
        self.time_zone = Some(read);
        self
    }

    /// Declares that this context keeps the region's agencies.
    pub const fn agencies(mut self, list: AgencyLister) -> Self {
        self.agencies = Some(list);
        self
    }

    /// Sets the public API path prefixes.
    pub const fn public_api(mut self, prefixes: &'static [&'static str]) -> Self {
        self.public_api = prefixes;
        self
    }

    /// Sets the routes.
    pub const fn routes(mut self, routes: fn() -> Router<AppState>) -> Self {
        self.routes = routes;
        self
    }

    /// Sets the navigation entries.
    pub const fn nav(mut self, nav: &'static [NavEntry]) -> Self {
        self.nav = nav;
        self
    }

    /// Sets the message catalogues.
    pub const fn messages(mut self, messages: Messages) -> Self {
        self.messages = messages;
        self
    }

    /// Sets the OpenAPI document.
    pub const fn openapi(mut self, openapi: fn() -> utoipa::openapi::OpenApi) -> Self {
        self.openapi = openapi;
        self
    }

    /// Sets the compliance rule sources.
    pub const fn rules(mut self, rules: &'static [RuleSource]) -> Self {
        self.rules = rules;
        self
    }

    /// Sets the panels.
    pub const fn panels(mut self, panels: &'static [Panel]) -> Self {
        self.panels = panels;
        self
    }

    /// Sets the resolver of sessions or tokens.
    pub const fn resolver(mut self, resolver: &'static dyn Resolver) -> Self {
        self.resolver = Some(resolver);
        self
    }

    /// Declares the capabilities.
    pub const fn capabilities(mut self, capabilities: &'static [Capability]) -> Self {
        self.capabilities = capabilities;
        self
    }

    /// Declares the tables it owns.
    pub const fn tables(mut self, tables: &'static [&'static str]) -> Self {
        self.tables = tables;
        self
    }

    /// Declares the form routes that show themselves again on a stale token.
    pub const fn forms(mut self, forms: &'static [&'static str]) -> Self {
        self.forms = forms;
        self
    }

    /// Declares the kinds of background job it runs.
    pub const fn jobs(mut self, jobs: &'static [JobKind]) -> Self {
        self.jobs = jobs;
        self
    }

    /// Sets the demo loader.
    pub const fn demo(mut self, demo: DemoLoader) -> Self {
        self.demo = Some(demo);
        self
    }
}

/// Every module of the running binary, gathered once at start.
pub struct Modules {
    list: Vec<Module>,
    nav: Vec<NavEntry>,
    rules: Vec<RuleSource>,
}

impl std::fmt::Debug for Modules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.list.iter().map(|m| m.name))
            .finish()
    }
}

impl Modules {
    /// Gathers the list; fails naming the problem when two modules clash or a module's
    /// capabilities break the kernel's rules.
    pub fn new(list: &[Module]) -> Result<Self, String> {
        for (i, m) in list.iter().enumerate() {
            if list.iter().skip(i + 1).any(|o| o.name == m.name) {
                return Err(format!("module {} is listed twice", m.name));
            }
        }
        let declared: Vec<(&str, &[Capability])> =
            list.iter().map(|m| (m.name, m.capabilities)).collect();
        crate::permissions::check(&declared)?;
        let mut nav: Vec<NavEntry> = list.iter().flat_map(|m| m.nav.iter().copied()).collect();
        nav.sort_by_key(|e| e.order);
        Ok(Self {
            list: list.to_vec(),
            nav,
            rules: list.iter().flat_map(|m| m.rules.iter().copied()).collect(),
        })
    }

    /// The modules, in the binary's order.
    pub fn iter(&self) -> impl Iterator<Item = &Module> {
        self.list.iter()
    }

    /// Every navigation entry, in display order.
    pub fn nav(&self) -> &[NavEntry] {
        &self.nav
    }

    /// Every compliance rule source.
    pub fn rules(&self) -> &[RuleSource] {
        &self.rules
    }

    /// Every declared capability, with its module's name.
    pub fn capabilities(&self) -> impl Iterator<Item = (&'static str, &'static Capability)> + '_ {
        self.list
            .iter()
            .flat_map(|m| m.capabilities.iter().map(move |c| (m.name, c)))
    }

    /// Whether a route's form shows itself again on a stale token.
    pub fn rerenders(&self, route: &str) -> bool {
        self.list.iter().any(|m| m.forms.contains(&route))
    }

    /// The handler of a kind of job.
    pub fn job_kind(&self, kind: &str) -> Option<JobKind> {
        self.list
            .iter()
            .flat_map(|m| m.jobs.iter())
            .find(|k| k.kind == kind)
            .copied()
    }

    /// Whether an API path answers without a credential.
    pub fn is_public_api(&self, path: &str) -> bool {
        self.list
            .iter()
            .flat_map(|m| m.public_api.iter())
            .any(|prefix| path.starts_with(prefix))
    }

    /// Every resolver of sessions and tokens.
    pub fn resolvers(&self) -> impl Iterator<Item = &'static dyn Resolver> + '_ {
        self.list.iter().filter_map(|m| m.resolver)
    }

    /// Revokes every token any context issued to the account; returns how many.
    pub fn revoke_tokens(&self, conn: &mut DbConn, user: UserId) -> diesel::QueryResult<usize> {
        let mut n = 0;
        for r in self.resolvers() {
            n += r.revoke_all(conn, user)?;
        }
        Ok(n)
    }

    /// The region's agencies as (id, label), from the context that keeps them (none without
    /// one).
    pub fn agencies(&self, conn: &mut DbConn) -> diesel::QueryResult<Vec<(String, String)>> {
        match self.list.iter().find_map(|m| m.agencies) {
            Some(list) => list(conn),
            None => Ok(vec![]),
        }
    }

    /// The region's time zone, from the context that keeps it (WIB without one, or before
    /// the region profile is set).
    pub fn time_zone(&self, conn: &mut DbConn) -> diesel::QueryResult<crate::time::Zone> {
        match self.list.iter().find_map(|m| m.time_zone) {
            Some(read) => Ok(read(conn)?.unwrap_or_default()),
            None => Ok(crate::time::Zone::default()),
        }
    }

    /// Tells every resolver that these sessions ended (see [`Resolver::sessions_ended`]).
    pub fn sessions_ended(
        &self,
        conn: &mut DbConn,
        sessions: &[String],
    ) -> diesel::QueryResult<()> {
        if sessions.is_empty() {
            return Ok(());
        }
        for r in self.resolvers() {
            r.sessions_ended(conn, sessions)?;
        }
        Ok(())
    }

    /// Starts every context's own network service (see [`Module::listener`]).
    pub async fn start_listeners(&self, state: &AppState) -> Result<(), String> {
        for m in &self.list {
            if let Some(start) = m.listener {
                start(state.clone()).await?;
            }
        }
        Ok(())
    }

    /// Every module's record pages, for the audit trail's links.
    pub fn record_pages(&self) -> Vec<(&'static str, &'static str)> {
        self.list
            .iter()
            .flat_map(|m| m.records.iter().copied())
            .collect()
    }

    /// Every module's message catalogues.
    pub fn messages(&self) -> Vec<Messages> {
        self.list.iter().map(|m| m.messages).collect()
    }

    /// The panels for `place`, rendered for this visitor, in module order.
    pub async fn panels(
        &self,
        state: &AppState,
        ctx: &Ctx,
        place: Place,
    ) -> AppResult<Vec<String>> {
        let mut out = vec![];
        for panel in self.list.iter().flat_map(|m| m.panels.iter()) {
            if panel.slot == place.slot()
                && let Some(html) = (panel.render)(state, ctx, place).await?
            {
                out.push(html);
            }
        }
        Ok(out)
    }

    /// Loads every module's demo data in one transaction (the caller's); whether any was added.
    pub fn load_demo(&self, conn: &mut DbConn) -> AppResult<bool> {
        let actor = Actor::system("demo");
        let mut added = false;
        for load in self.list.iter().filter_map(|m| m.demo) {
            added |= load(conn, &actor)?;
        }
        Ok(added)
    }

    /// The modules' routes, merged.
    pub fn router(&self) -> Router<AppState> {
        self.list
            .iter()
            .fold(Router::new(), |r, m| r.merge((m.routes)()))
    }

    /// The modules' API documents, merged into `root`.
    pub fn openapi(&self, mut root: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
        for m in &self.list {
            root.merge((m.openapi)());
        }
        root
    }
}
