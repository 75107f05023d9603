//! The zone's DNSSEC keys as the Dinas manages them: made when signing is switched on, rolled
//! over by command (`simpul dns rollover`), each step audited and announced by a higher serial;
//! and what the parent needs (the DS) on the settings page and at `/api/v1/dns/dnssec`.

use axum::Json;
use axum::extract::State;
use db::DbConn;
use kernel::audit::{self, Actor, Change};
use kernel::{AppError, AppResult, AppState, Ctx};
use serde_json::json;

use crate::dnssec::{self, DnssecKeyId, KeyLife, KeyRole, KeyState, Rollover};
use crate::store::{self, DnssecKeyRow};

fn unusable(e: dnssec::BadKey) -> AppError {
    AppError::Internal(e.to_string())
}

/// Makes a key for `role` in `state`; audited, the private key never in the trail.
fn make(c: &mut DbConn, actor: &Actor, role: KeyRole, state: KeyState) -> AppResult<DnssecKeyRow> {
    let private_key = dnssec::generate().map_err(unusable)?;
    let key = DnssecKeyRow {
        id: DnssecKeyId::new(),
        role,
        state,
        key_tag: i32::from(dnssec::key_tag(&private_key, role).map_err(unusable)?),
        private_key,
        created_at: db::now(),
        created_by: actor.label.clone(),
        retired_at: None,
    };
    store::dnssec_key_insert(c, &key)?;
    audit::record(
        c,
        actor,
        Change {
            action: "dns_dnssec_key.create",
            record_type: "dnssec_key",
            record_id: key.id.to_string(),
            agency: None,
            summary: json!({"role": role.as_str(), "state": state.as_str(), "key_tag": key.key_tag,
                "algorithm": "ECDSAP256SHA256"}),
        },
    )?;
    Ok(key)
}

/// The keys that are published (active and incoming).
pub fn published(c: &mut DbConn) -> AppResult<Vec<DnssecKeyRow>> {
    Ok(store::dnssec_keys(c)?
        .into_iter()
        .filter(|k| k.state != KeyState::Retired)
        .collect())
}

/// When signing is on, makes the key of each role that has none: the first switch-on makes
/// both, and the DS to give the parent appears on the settings page.
pub fn ensure_keys(c: &mut DbConn, actor: &Actor) -> AppResult<()> {
    let keys = published(c)?;
    for role in KeyRole::ALL {
        if !keys.iter().any(|k| k.role == *role) {
            make(c, actor, *role, KeyState::Active)?;
        }
    }
    Ok(())
}

/// What a rollover command did.
#[derive(Debug)]
pub enum Rolled {
    /// A new key is published and signing; the step after waits until `from`.
    Started {
        /// The new key's tag.
        tag: i32,
        /// When the rollover may finish.
        from: chrono::NaiveDateTime,
    },
    /// Nothing done: the incoming key is not yet known to every cache.
    Waiting {
        /// When the rollover may finish.
        from: chrono::NaiveDateTime,
    },
    /// The old key retired.
    Finished {
        /// The retired key's tag.
        retired: Option<i32>,
        /// The key now active.
        active: i32,
    },
}

/// The zone's longest TTL: how long a cache may keep anything signed.
fn max_ttl(c: &mut DbConn, apex: &str) -> AppResult<u32> {
    let zone = crate::service::zone(c, apex)?;
    let records = store::all(c)?;
    let longest = records
        .iter()
        .map(|r| r.ttl)
        .max()
        .unwrap_or(0)
        .max(zone.minimum);
    Ok(u32::try_from(longest).unwrap_or(0))
}

/// One step of a rollover for `role` (see [`dnssec::rollover`]); `force` finishes early (after
/// a compromised key, say), knowing caches may fail to validate until they refetch.
pub fn rollover(c: &mut DbConn, actor: &Actor, role: KeyRole, force: bool) -> AppResult<Rolled> {
    let apex = crate::service::apex(c)?;
    if !crate::service::zone(c, &apex)?.dnssec {
        return Err(AppError::field("dnssec", "error-dnssec-off"));
    }
    let keys = store::dnssec_keys(c)?;
    let lives: Vec<KeyLife> = keys
        .iter()
        .map(|k| KeyLife {
            id: k.id,
            role: k.role,
            state: k.state,
            created_at: k.created_at,
        })
        .collect();
    // Read once: every zone record is loaded to find it.
    let longest = max_ttl(c, &apex)?;
    let step = match dnssec::rollover(&lives, role, db::now(), longest) {
        Rollover::TooEarly { from } if force => dnssec::rollover(&lives, role, from, longest),
        step => step,
    };
    let tag = |id: DnssecKeyId| keys.iter().find(|k| k.id == id).map(|k| k.key_tag);
    let done = match step {
        Rollover::Start => {
            let key = make(c, actor, role, KeyState::Incoming)?;
            let from = key.created_at + dnssec::wait(longest);
            Rolled::Started {
                tag: key.key_tag,
                from,
            }
        }
        // Nothing changes: the command says when to run it again.
        Rollover::TooEarly { from } => return Ok(Rolled::Waiting { from }),
        Rollover::Finish { retire, activate } => {
            if let Some(old) = retire {
                store::dnssec_key_state(c, old, KeyState::Retired)?;
            }
            store::dnssec_key_state(c, activate, KeyState::Active)?;
            audit::record(
                c,
                actor,
                Change {
                    action: "dns_dnssec_key.rollover",
                    record_type: "dnssec_key",
                    record_id: activate.to_string(),
                    agency: None,
                    summary: json!({"role": role.as_str(), "retired": retire.and_then(tag),
                        "active": tag(activate), "forced": force}),
                },
            )?;
            Rolled::Finished {
                retired: retire.and_then(tag),
                active: tag(activate).unwrap_or_default(),
            }
        }
    };
    crate::service::bump_serial(c, &apex, &actor.label)?;
    Ok(done)
}

/// A published key as the Dinas and the parent's operator read it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DnssecKeyOut {
    /// `ksk` (signs the key set; its DS goes to the parent) or `zsk` (signs the zone).
    pub role: KeyRole,
    /// `active`, or `incoming` during a rollover.
    pub state: KeyState,
    /// The key tag.
    pub key_tag: i32,
    /// Always 13 (ECDSA P-256 with SHA-256).
    pub algorithm: u8,
    /// The DNSKEY record.
    pub dnskey: String,
    /// The DS record for the parent zone (key-signing keys only).
    pub ds: Option<String>,
    /// When it was made.
    #[serde(serialize_with = "kernel::api::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: chrono::NaiveDateTime,
}

/// The zone's signing as the API shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DnssecOut {
    /// Whether the zone is signed.
    pub enabled: bool,
    /// The published keys.
    pub keys: Vec<DnssecKeyOut>,
}

/// The published keys with their DNSKEY and DS records.
pub fn public_keys(c: &mut DbConn, apex: &str) -> AppResult<Vec<DnssecKeyOut>> {
    published(c)?
        .into_iter()
        .map(|k| {
            let key = dnssec::signing_key(&k.private_key).map_err(unusable)?;
            let dnskey = dnssec::dnskey(&key, k.role).map_err(unusable)?;
            let ds = match k.role {
                KeyRole::Ksk => Some(dnssec::ds(apex, &dnskey).map_err(unusable)?),
                KeyRole::Zsk => None,
            };
            Ok(DnssecKeyOut {
                role: k.role,
                state: k.state,
                key_tag: k.key_tag,
                algorithm: u8::from(dnssec::ALGORITHM),
                dnskey: dnssec::dnskey_text(apex, &dnskey),
                ds,
                created_at: k.created_at,
            })
        })
        .collect()
}

/// Whether the zone is signed, and its published keys with the DS for the parent (public
/// data: any resolver can ask the server for them).
#[utoipa::path(get, path = "/api/v1/dns/dnssec", tag = "domains",
    responses((status = 200, body = DnssecOut), (status = 401), (status = 422, description = "no region profile yet")))]
pub async fn api_get(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<DnssecOut>> {
    ctx.visible(&crate::RECORDS)?;
    let out = state
        .read(|c| {
            let apex = crate::service::apex(c)?;
            let enabled = crate::service::zone(c, &apex)?.dnssec;
            let keys = if enabled {
                public_keys(c, &apex)?
            } else {
                vec![]
            };
            Ok(DnssecOut { enabled, keys })
        })
        .await?;
    Ok(Json(out))
}

/// The DNSSEC section of the settings page.
pub struct DnssecView {
    /// Whether the zone is signed.
    pub enabled: bool,
    /// The published keys.
    pub keys: Vec<KeyView>,
    /// For each role, whether its rollover is under way (the next step finishes it).
    pub rolling: Vec<(KeyRole, bool)>,
}

/// A published key on the settings page.
pub struct KeyView {
    /// The key as the API shows it.
    pub key: DnssecKeyOut,
    /// Its role, in words.
    pub role: String,
    /// Its state, in words (with when an incoming key's rollover may finish).
    pub state: String,
}

/// The section's content, in the reader's language and the region's time.
pub fn view(c: &mut DbConn, apex: &str, tr: kernel::i18n::Tr) -> AppResult<DnssecView> {
    let enabled = crate::service::zone(c, apex)?.dnssec;
    if !enabled {
        return Ok(DnssecView {
            enabled,
            keys: vec![],
            rolling: vec![],
        });
    }
    let wait = dnssec::wait(max_ttl(c, apex)?);
    let keys: Vec<KeyView> = public_keys(c, apex)?
        .into_iter()
        .map(|k| KeyView {
            role: tr.t(match k.role {
                KeyRole::Ksk => "dnssec-role-ksk",
                KeyRole::Zsk => "dnssec-role-zsk",
            }),
            state: match k.state {
                KeyState::Incoming => {
                    let from = tr.when(k.created_at + wait);
                    tr.t1("dnssec-state-incoming", "from", &from)
                }
                _ => tr.t("dnssec-state-active"),
            },
            key: k,
        })
        .collect();
    let rolling = KeyRole::ALL
        .iter()
        .map(|r| {
            let on = keys
                .iter()
                .any(|k| k.key.role == *r && k.key.state == KeyState::Incoming);
            (*r, on)
        })
        .collect();
    Ok(DnssecView {
        enabled,
        keys,
        rolling,
    })
}

/// The rollover form: which role's next step, confirmed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RolloverForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// One rollover step from the settings page (the Dinas), confirmed first; finishing early is
/// only offered by the command, for a compromised key.
pub async fn rollover_page(
    State(state): State<AppState>,
    ctx: Ctx,
    kernel::extract::PageForm(form): kernel::extract::PageForm<RolloverForm>,
) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let actor = crate::pages::may_write(&ctx)?;
    let role = KeyRole::parse(&form.role).ok_or(AppError::NotFound)?;
    let field = format!("rollover-{role}");
    let again = |key: String| {
        let errors = kernel::layout::FormErrors::one(&field, key);
        crate::settings::page_with_key(&state, &ctx, String::new(), errors)
    };
    if form.confirm.is_none() {
        return again(ctx.tr().t("error-confirm-action")).await;
    }
    let done = state.write(move |c| rollover(c, &actor, role, false)).await;
    match done {
        Ok(Rolled::Waiting { from }) => {
            let from = ctx.tr().when(from);
            again(ctx.tr().t1("dnssec-too-early", "from", &from)).await
        }
        Ok(_) => {
            Ok(axum::response::Redirect::to("/domains/settings?saved=1#dnssec").into_response())
        }
        Err(e @ AppError::Validation(_)) => {
            let message = e
                .field_errors()
                .first()
                .map(|f| f.message(ctx.tr().lang))
                .unwrap_or_default();
            again(message).await
        }
        Err(e) => Err(e),
    }
}
