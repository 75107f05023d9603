//! Single sign-on for registered applications only (R-SSO.2, KT 9.5, MU 6.5): the Dinas
//! connects an approved application to the provider, which registers a client owned by the
//! application's agency at the application's security level and links the two; and a rule
//! finds every client that no approved registration points at (made by hand, or whose
//! application was withdrawn).

use std::collections::HashSet;

use db::DbConn;
use diesel::QueryResult;
use kernel::audit::{self, Actor, Change};
use kernel::compliance::{Active, Evaluation, Finding, Pack, Rule, RuleSource, Within};
use kernel::ids::AgencyId;
use kernel::{AppError, AppResult, FieldError};
use serde::Deserialize;
use serde_json::json;

use crate::model::{ApplicationId, Status};
use crate::store;
use sso::ClientId;

/// A single sign-on client not tied to an approved registration.
pub const CLIENT_REGISTERED: Rule = Rule {
    id: "REG-SSO-CLIENT-REGISTERED",
    statement: "rule-reg-sso-client-registered",
    articles: &[
        (Pack::KT, "Pasal 9 ayat (5)"),
        (Pack::MU, "Pasal 6 ayat (5)"),
    ],
};

/// This module's rules.
pub const RULES: [Rule; 1] = [CLIENT_REGISTERED];

/// Its contribution to the rule packs.
pub const SOURCE: RuleSource = RuleSource {
    rules: &RULES,
    evaluate,
};

/// Whether a client breaks the rule: an active government client that no approved
/// registration links to. (Clients of outside partners are not agency applications.)
pub fn unregistered(disabled: bool, external: bool, linked: bool) -> bool {
    !disabled && !external && !linked
}

fn evaluate(c: &mut DbConn, within: &Within, active: &Active) -> QueryResult<Evaluation> {
    let mut e = Evaluation::new(active);
    if !active.has(&CLIENT_REGISTERED) {
        return Ok(e);
    }
    // Clients without an owner agency are the Dinas's own business, not an agency's finding.
    let owned: Vec<(AgencyId, sso::ClientRef)> = sso::clients::all(c)?
        .into_iter()
        .filter_map(|client| Some((client.owner?, client)))
        .filter(|(owner, _)| match within {
            Within::Agency(a) => a == owner,
            Within::Region => true,
        })
        .collect();
    let among: Option<Vec<ClientId>> = match within {
        Within::Agency(_) => Some(owned.iter().map(|(_, c)| c.id.clone()).collect()),
        Within::Region => None,
    };
    let linked: HashSet<ClientId> = store::linked_sso_clients(c, among.as_deref())?
        .into_iter()
        .collect();
    for (agency, client) in &owned {
        let broken = unregistered(
            client.disabled,
            client.external,
            linked.contains(&client.id),
        );
        e.check(Some(*agency), broken, || Finding {
            rule: CLIENT_REGISTERED.id,
            agency_id: Some(*agency),
            record_type: "sso_client",
            record_id: client.id.to_string(),
            label: client.name.clone(),
            href: format!("/sso/clients/{}", client.id),
        });
    }
    Ok(e)
}

/// What connecting an application needs.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Connect {
    /// Exact redirect URIs, one per line in the form.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Where people may land after signing out.
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    /// A public client (a single-page or mobile app: no secret, PKCE).
    #[serde(default)]
    pub public: bool,
}

/// Registers a client for an approved application and links it; returns the client and its
/// secret (shown once).
pub fn connect(
    c: &mut DbConn,
    actor: &Actor,
    app_id: ApplicationId,
    d: &Connect,
) -> AppResult<(sso::ClientRef, Option<String>)> {
    let app = store::app_find(c, app_id)?.ok_or(AppError::NotFound)?;
    if app.status != Status::Approved {
        return Err(AppError::Conflict(
            FieldError::new("status", "error-sso-needs-registration").arg("status", app.status),
        ));
    }
    if app.sso_client_id.is_some() {
        return Err(AppError::Conflict(FieldError::new(
            "sso_client_id",
            "error-sso-already",
        )));
    }
    let new = sso::clients::NewClient {
        name: app.name.clone(),
        redirect_uris: d.redirect_uris.clone(),
        post_logout_redirect_uris: d.post_logout_redirect_uris.clone(),
        public: d.public,
        owner: app.agency_id,
        security_level: app.security_level,
    };
    let (client, secret) = sso::clients::register(c, actor, &new)?;
    store::app_set_sso_client(c, app_id, &client.id, &actor.label)?;
    audit::record(
        c,
        actor,
        Change {
            action: "application.sso",
            record_type: "application",
            record_id: app_id.to_string(),
            agency: Some(app.agency_id),
            summary: json!({"sso_client_id": client.id}),
        },
    )?;
    Ok((client, secret))
}

#[cfg(test)]
mod tests {
    use super::unregistered;

    #[test]
    fn only_active_government_clients_without_a_registration_are_findings() {
        assert!(unregistered(false, false, false));
        assert!(!unregistered(false, false, true), "linked");
        assert!(!unregistered(true, false, false), "disabled");
        assert!(!unregistered(false, true, false), "an outside partner's");
    }
}
