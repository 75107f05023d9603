//! The zone's settings: its name servers and the SOA's contact and timers (RFC 1035 3.3.13,
//! with RFC 1912's advice on the timers). `GET/POST /domains/settings` and
//! `GET/PUT /api/v1/dns/settings`; the Dinas changes them, everyone signed in reads them.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::extract::ApiJson;
use kernel::form::{FormSpec, Submitted, text};
use kernel::layout::{Chrome, FormErrors, render};
use kernel::permissions::{Access, Scope};
use kernel::validate::Checker;
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};
use serde::Deserialize;

use crate::store::ZoneRow;

/// The settings as typed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsDraft {
    /// Host names of the zone's name servers, one per line or separated by commas (at least
    /// two, RFC 2182).
    #[serde(default)]
    pub name_servers: String,
    /// The zone's contact, as an e-mail address (`hostmaster@sukamajukab.go.id`).
    #[serde(default)]
    pub hostmaster: String,
    /// Seconds between a secondary's checks of the serial.
    #[serde(default)]
    pub refresh: String,
    /// Seconds before a failed check is retried.
    #[serde(default)]
    pub retry: String,
    /// Seconds after which a secondary that cannot reach the primary stops answering.
    #[serde(default)]
    pub expire: String,
    /// Seconds a resolver keeps a "no such name" answer.
    #[serde(default)]
    pub minimum: String,
    /// Sign the zone with DNSSEC (a form's ticked box, or `true` in JSON).
    #[serde(default, deserialize_with = "ticked")]
    pub dnssec: bool,
}

/// A checkbox as a form posts it (`on` when ticked, absent otherwise) or a JSON boolean.
fn ticked<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Posted {
        Bool(bool),
        Text(String),
    }
    Ok(match Posted::deserialize(d)? {
        Posted::Bool(b) => b,
        Posted::Text(t) => matches!(t.as_str(), "on" | "true" | "1"),
    })
}

/// The settings' timers' bounds, in seconds.
const REFRESH: (i32, i32) = (300, 86_400);
const RETRY: (i32, i32) = (60, 86_400);
const EXPIRE: (i32, i32) = (86_400, 5_184_000);
const MINIMUM: (i32, i32) = (60, 86_400);

/// An e-mail address as the SOA's RNAME: the first dot of the local part escaped, the rest a
/// name (`host.master@x.go.id` → `host\.master.x.go.id.`).
fn rname(email: &str) -> Option<String> {
    let (local, domain) = email.trim().split_once('@')?;
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let local_ok = !local.is_empty()
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.+".contains(&b));
    let domain_ok = domain.contains('.')
        && domain
            .split('.')
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    (local_ok && domain_ok).then(|| format!("{}.{domain}.", local.replace('.', "\\.")))
}

/// The e-mail address a SOA's RNAME stands for.
fn email(rname: &str) -> String {
    let name = rname.trim_end_matches('.');
    let mut at = None;
    let bytes = name.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'.' && (i == 0 || bytes.get(i - 1) != Some(&b'\\')) {
            at = Some(i);
            break;
        }
    }
    match at {
        Some(i) => format!("{}@{}", name[..i].replace("\\.", "."), &name[i + 1..]),
        None => name.to_owned(),
    }
}

/// The draft of stored settings (for the form).
pub fn draft_of(z: &ZoneRow) -> SettingsDraft {
    SettingsDraft {
        name_servers: crate::zone::name_servers(z)
            .iter()
            .map(|n| n.trim_end_matches('.'))
            .collect::<Vec<_>>()
            .join("\n"),
        hostmaster: email(&z.hostmaster),
        refresh: z.refresh.to_string(),
        retry: z.retry.to_string(),
        expire: z.expire.to_string(),
        minimum: z.minimum.to_string(),
        dnssec: z.dnssec,
    }
}

/// Checks the settings against the zone `apex`, keeping `serial`; every problem at once.
pub fn validate(d: &SettingsDraft, apex: &str, serial: i64) -> Result<ZoneRow, Vec<FieldError>> {
    let mut c = Checker::default();
    let servers: Vec<&str> = d
        .name_servers
        .split([',', '\n', ' '])
        .map(|s| s.trim().trim_end_matches('.'))
        .filter(|s| !s.is_empty())
        .collect();
    let mut names = vec![];
    for s in &servers {
        match crate::model::canonical_value(crate::model::RecordType::Ns, s, apex) {
            Ok(n) if !names.contains(&n) => names.push(n),
            Ok(_) => {}
            Err(_) => c.push(FieldError::new("name_servers", "error-dns-host")),
        }
    }
    if names.len() < 2 && c.errors.is_empty() {
        c.push(FieldError::new("name_servers", "error-dns-two-servers"));
    }
    let hostmaster = rname(&d.hostmaster);
    if hostmaster.is_none() {
        c.push(FieldError::new("hostmaster", "error-email"));
    }
    let mut timer =
        |field: &str, text: &str, (min, max): (i32, i32)| match text.trim().parse::<i32>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                c.push(
                    FieldError::new(field, "error-number")
                        .arg("min", min)
                        .arg("max", max),
                );
                None
            }
        };
    let refresh = timer("refresh", &d.refresh, REFRESH);
    let retry = timer("retry", &d.retry, RETRY);
    let expire = timer("expire", &d.expire, EXPIRE);
    let minimum = timer("minimum", &d.minimum, MINIMUM);
    if let (Some(r), Some(t)) = (refresh, retry)
        && t > r
    {
        c.push(FieldError::new("retry", "error-dns-retry"));
    }
    if let (Some(r), Some(e)) = (refresh, expire)
        && e <= r
    {
        c.push(FieldError::new("expire", "error-dns-expire"));
    }
    match (
        c.errors.is_empty(),
        hostmaster,
        refresh,
        retry,
        expire,
        minimum,
    ) {
        (true, Some(hostmaster), Some(refresh), Some(retry), Some(expire), Some(minimum)) => {
            Ok(ZoneRow {
                name_servers: names.join(","),
                hostmaster,
                serial,
                refresh,
                retry,
                expire,
                minimum,
                dnssec: d.dnssec,
            })
        }
        _ => Err(c.errors),
    }
}

const FORM: FormSpec = FormSpec {
    fields: &[
        text("name_servers", "domains-settings-servers"),
        text("hostmaster", "domains-settings-hostmaster"),
        text("refresh", "domains-settings-refresh"),
        text("retry", "domains-settings-retry"),
        text("expire", "domains-settings-expire"),
        text("minimum", "domains-settings-minimum"),
        kernel::form::check("dnssec", "domains-settings-dnssec"),
    ],
};

#[derive(Template)]
#[template(path = "domains_settings.html")]
struct Page {
    chrome: Chrome,
    form: SettingsDraft,
    serial: i64,
    can_write: bool,
    errors: FormErrors,
    server: Server,
    keys: Vec<crate::keys::KeyView>,
    key_name: String,
    key_errors: FormErrors,
    dnssec: crate::signing::DnssecView,
}

/// The DNS server of the instance that shows the page.
struct Server {
    addr: Option<String>,
    secondaries: String,
    serial: u64,
    answered: u64,
    transfers: u64,
    notified: u64,
}

impl Server {
    fn of(state: &AppState) -> Self {
        use std::sync::atomic::Ordering::Relaxed;
        let s = crate::dns::status(state);
        let addr = *s.addr.lock().unwrap_or_else(|e| e.into_inner());
        Self {
            addr: addr.map(|a| a.to_string()),
            secondaries: state.config.dns_secondaries.join(", "),
            serial: s.serial.load(Relaxed),
            answered: s.answered.load(Relaxed),
            transfers: s.transfers.load(Relaxed),
            notified: s.notified.load(Relaxed),
        }
    }
}

async fn current(state: &AppState) -> AppResult<ZoneRow> {
    state
        .read(|c| {
            let apex = crate::service::apex(c)?;
            crate::service::zone(c, &apex)
        })
        .await
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    form: Option<SettingsDraft>,
    errors: FormErrors,
    (key_name, key_errors): (String, FormErrors),
) -> AppResult<Response> {
    let can_write = ctx.can(&crate::RECORDS, Access::Write, Scope::Region);
    let tr = ctx.tr();
    let (zone, apex, keys, dnssec) = state
        .read(move |c| {
            let apex = crate::service::apex(c)?;
            let zone = crate::service::zone(c, &apex)?;
            // The secrets are the Dinas's alone.
            let keys = if can_write {
                crate::service::keys(c)?
            } else {
                vec![]
            };
            let dnssec = crate::signing::view(c, &apex, tr)?;
            Ok((zone, apex, keys, dnssec))
        })
        .await?;
    let status = if errors.is_empty() && key_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let server = Server::of(state);
    let primary = *crate::dns::status(state)
        .addr
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let page = Page {
        chrome: Chrome::new(state, ctx, "domains-settings-title"),
        form: form.unwrap_or_else(|| draft_of(&zone)),
        serial: zone.serial,
        can_write,
        errors,
        server,
        keys: keys
            .into_iter()
            .map(|k| crate::keys::view(k, &apex, primary))
            .collect(),
        key_name,
        key_errors,
        dnssec,
    };
    Ok((status, render(&page)?).into_response())
}

/// The settings page with the key form's value and problems.
pub(crate) async fn page_with_key(
    state: &AppState,
    ctx: &Ctx,
    key_name: String,
    key_errors: FormErrors,
) -> AppResult<Response> {
    page(
        state,
        ctx,
        None,
        FormErrors::default(),
        (key_name, key_errors),
    )
    .await
}

fn no_key() -> (String, FormErrors) {
    (String::new(), FormErrors::default())
}

/// The settings (a form for the Dinas).
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.visible(&crate::RECORDS)?;
    page(&state, &ctx, None, FormErrors::default(), no_key()).await
}

/// Saves them, or shows the form again with every problem.
pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Submitted {
        values: form,
        stale,
    }: Submitted<SettingsDraft>,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&crate::RECORDS, Access::Write, Scope::Region)?
        .actor();
    if stale {
        return page(&state, &ctx, Some(form), FORM.expired(ctx.tr()), no_key()).await;
    }
    let draft = form.clone();
    match state
        .write(move |c| crate::service::save_settings(c, &actor, &draft))
        .await
    {
        Ok(_) => Ok(Redirect::to("/domains/settings?saved=1").into_response()),
        Err(e @ AppError::Validation(_)) => {
            let errors = FORM.errors(&e, ctx.tr());
            page(&state, &ctx, Some(form), errors, no_key()).await
        }
        Err(e) => Err(e),
    }
}

/// The zone's settings as the API shows them.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = DnsZoneSettings)]
pub struct SettingsOut {
    /// The name servers' host names.
    pub name_servers: Vec<String>,
    /// The SOA's contact (RNAME form).
    pub hostmaster: String,
    /// The SOA serial.
    pub serial: i64,
    /// Seconds.
    pub refresh: i32,
    /// Seconds.
    pub retry: i32,
    /// Seconds.
    pub expire: i32,
    /// Seconds.
    pub minimum: i32,
    /// Whether the zone is signed (DNSSEC).
    pub dnssec: bool,
}

impl From<ZoneRow> for SettingsOut {
    fn from(z: ZoneRow) -> Self {
        Self {
            name_servers: crate::zone::name_servers(&z)
                .into_iter()
                .map(str::to_owned)
                .collect(),
            hostmaster: z.hostmaster,
            serial: z.serial,
            refresh: z.refresh,
            retry: z.retry,
            expire: z.expire,
            minimum: z.minimum,
            dnssec: z.dnssec,
        }
    }
}

/// The zone's settings.
#[utoipa::path(get, path = "/api/v1/dns/settings", tag = "domains",
    responses((status = 200, body = SettingsOut), (status = 401), (status = 422, description = "no region profile yet")))]
pub async fn api_get(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<SettingsOut>> {
    ctx.visible(&crate::RECORDS)?;
    Ok(Json(current(&state).await?.into()))
}

/// Changes the zone's settings (the Dinas); the serial rises.
#[utoipa::path(put, path = "/api/v1/dns/settings", tag = "domains", request_body = SettingsDraft,
    responses((status = 200, body = SettingsOut), (status = 401), (status = 403), (status = 422)))]
pub async fn api_put(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<SettingsDraft>,
) -> AppResult<Json<SettingsOut>> {
    let actor = ctx
        .authorize(&crate::RECORDS, Access::Write, Scope::Region)?
        .actor();
    let row = state
        .write(move |c| crate::service::save_settings(c, &actor, &body))
        .await?;
    Ok(Json(row.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const APEX: &str = "sukamajukab.go.id";

    #[test]
    fn the_contact_is_an_address_written_as_a_name() {
        assert_eq!(
            rname("hostmaster@sukamajukab.go.id").as_deref(),
            Some("hostmaster.sukamajukab.go.id.")
        );
        assert_eq!(
            rname("tim.dns@sukamajukab.go.id").as_deref(),
            Some("tim\\.dns.sukamajukab.go.id.")
        );
        assert_eq!(
            email("tim\\.dns.sukamajukab.go.id."),
            "tim.dns@sukamajukab.go.id"
        );
        assert_eq!(rname("bukan alamat"), None);
    }

    #[test]
    fn two_name_servers_and_timers_in_order() {
        let good = SettingsDraft {
            name_servers: "ns1.sukamajukab.go.id\nns2.sukamajukab.go.id, ns1.sukamajukab.go.id"
                .into(),
            hostmaster: "hostmaster@sukamajukab.go.id".into(),
            refresh: "3600".into(),
            retry: "900".into(),
            expire: "1209600".into(),
            minimum: "300".into(),
            dnssec: false,
        };
        let z = validate(&good, APEX, 7).unwrap();
        assert_eq!(
            (z.name_servers.as_str(), z.serial),
            ("ns1.sukamajukab.go.id.,ns2.sukamajukab.go.id.", 7)
        );
        let bad = SettingsDraft {
            name_servers: "ns1".into(),
            retry: "7200".into(),
            expire: "3000".into(),
            minimum: "x".into(),
            ..good
        };
        let fields: Vec<String> = validate(&bad, APEX, 7)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["name_servers", "expire", "minimum", "retry"]);
    }
}
