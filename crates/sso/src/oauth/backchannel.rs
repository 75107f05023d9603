//! Back-channel logout (OpenID Connect Back-Channel Logout 1.0): when a person's Simpul session
//! ends, by whatever route, every application that received tokens from it and registered a
//! `backchannel_logout_uri` is sent a signed logout token, server to server, and the tokens
//! issued from that session stop working.
//!
//! The end of a session and the notices to send commit together (the notices are a
//! database-claimed job, so any instance delivers them, once, and an instance that stops
//! mid-way leaves them to the next). A session that merely runs out is not announced: nothing
//! happens at that moment to announce it, and the application's own tokens expire with it.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Duration;

use db::DbConn;
use kernel::AppState;
use kernel::ids::UserId;
use kernel::jobs::{self, JobFuture, JobKind, JobRun, NewJob, Outcome};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::store;

/// The job that delivers logout tokens.
pub const JOB: JobKind = JobKind {
    kind: "sso.backchannel_logout",
    run,
};

/// The event a logout token carries (§2.4).
pub const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// How long a logout token is valid: the application checks it on arrival.
const LOGOUT_TOKEN_SECONDS: i64 = 120;
/// Tries per application: a receiver that is down for a moment still hears of it.
const TRIES: u32 = 3;

/// One application to tell that one session of one person ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// The application.
    pub client_id: String,
    /// The person (`sub`).
    pub sub: String,
    /// The session as the application knows it (`sid`).
    pub sid: String,
}

/// The notices for sessions that ended, one per application and session, grouped by person,
/// for the applications that registered where to be told.
pub fn notices(
    granted: &[(String, Option<UserId>, Option<String>)],
    listening: &dyn Fn(&str) -> bool,
) -> BTreeMap<UserId, Vec<Notice>> {
    let mut by_person: BTreeMap<UserId, Vec<Notice>> = BTreeMap::new();
    for (client, user, session) in granted {
        let (Some(user), Some(session)) = (user, session) else {
            continue;
        };
        if !listening(client) {
            continue;
        }
        let notice = Notice {
            client_id: client.clone(),
            sub: user.to_string(),
            sid: crate::service::sid(session),
        };
        let list = by_person.entry(*user).or_default();
        if !list.contains(&notice) {
            list.push(notice);
        }
    }
    by_person
}

/// The claims of a logout token (§2.4): never a `nonce`, so that it cannot pass for an ID token.
pub fn logout_claims(issuer: &str, n: &Notice, now: i64) -> serde_json::Value {
    json!({
        "iss": issuer,
        "aud": n.client_id,
        "iat": now,
        "exp": now + LOGOUT_TOKEN_SECONDS,
        "jti": uuid::Uuid::now_v7().to_string(),
        "sub": n.sub,
        "sid": n.sid,
        "events": {EVENT: {}},
    })
}

/// In the transaction that ends the sessions: revokes what they granted and queues the
/// notices.
pub(crate) fn sessions_ended(c: &mut DbConn, sessions: &[String]) -> diesel::QueryResult<()> {
    let granted = store::session_clients(c, sessions)?;
    store::end_session_grants(c, sessions)?;
    if granted.is_empty() {
        return Ok(());
    }
    let clients: std::collections::BTreeSet<&str> = granted
        .iter()
        .map(|(client, _, _)| client.as_str())
        .collect();
    let mut listening = std::collections::HashSet::new();
    for client in clients {
        if let Some(row) = store::client(c, client)?
            && row.backchannel_logout_uri.is_some()
            && !row.disabled
        {
            listening.insert(client.to_owned());
        }
    }
    let granted: Vec<_> = granted
        .into_iter()
        .map(|(client, user, session)| (client.to_string(), user, session))
        .collect();
    for (user, list) in notices(&granted, &|c| listening.contains(c)) {
        jobs::enqueue(
            c,
            &NewJob {
                kind: JOB.kind,
                owner: user,
                title: "sso-backchannel-job".into(),
                done_href: "/account".into(),
                total: list.len() as u64,
                payload: json!({ "notices": list }),
            },
        )?;
    }
    Ok(())
}

fn run(state: AppState, job: JobRun) -> JobFuture {
    Box::pin(async move { deliver_all(&state, &job).await })
}

/// Sends each notice; the job fails, naming the field to fix, when an application never
/// answered.
async fn deliver_all(state: &AppState, job: &JobRun) -> Outcome {
    let list: Vec<Notice> = job
        .payload
        .get("notices")
        .cloned()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let mut delivered = 0;
    let mut failed = false;
    for n in &list {
        match deliver(state, n).await {
            Ok(true) => delivered += 1,
            Ok(false) => {}
            Err(why) => {
                tracing::warn!(client = %n.client_id, %why, "back-channel logout not delivered");
                failed = true;
            }
        }
        job.progress.step();
    }
    if failed {
        Outcome::Failed(vec![(
            "backchannel_logout_uri".into(),
            "error-sso-backchannel".into(),
        )])
    } else {
        Outcome::Done(delivered)
    }
}

/// Sends one logout token; `Ok(false)` when the application no longer listens.
async fn deliver(state: &AppState, n: &Notice) -> Result<bool, String> {
    let id = n.client_id.clone();
    let client = state
        .read(move |c| Ok(store::client(c, &id)?))
        .await
        .map_err(|e| e.to_string())?;
    let Some((uri, alg)) = client
        .filter(|c| !c.disabled)
        .and_then(|c| Some((c.backchannel_logout_uri?, c.id_token_alg)))
    else {
        return Ok(false);
    };
    let claims = logout_claims(&super::issuer(state), n, chrono::Utc::now().timestamp());
    let token = crate::cache::sign(state, &alg, "logout+jwt", claims)
        .await
        .map_err(|e| e.to_string())?;
    let mut last = String::new();
    for attempt in 0..TRIES {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_secs(u64::from(attempt) * 2)).await;
        }
        let sent = http()
            .post(&uri)
            .header("cache-control", "no-store")
            .form(&[("logout_token", token.as_str())])
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => return Ok(true),
            // The application refused the token (§2.8): sending it again changes nothing.
            Ok(r) if r.status().is_client_error() => {
                return Err(format!("answered {}", r.status()));
            }
            Ok(r) => last = format!("answered {}", r.status()),
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}

/// One HTTP client for every delivery: short timeouts (a hanging application must not hold
/// the job), no redirects followed (the token goes only where it was registered to go).
fn http() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_listening_application_hears_once_per_session_and_others_not_at_all() {
        let (a, b) = (UserId::new(), UserId::new());
        let granted = vec![
            ("app".to_owned(), Some(a), Some("s1".to_owned())),
            ("app".to_owned(), Some(a), Some("s1".to_owned())),
            ("app".to_owned(), Some(a), Some("s2".to_owned())),
            ("deaf".to_owned(), Some(a), Some("s1".to_owned())),
            ("app".to_owned(), Some(b), Some("s3".to_owned())),
            ("app".to_owned(), None, None),
        ];
        let by = notices(&granted, &|c| c == "app");
        assert_eq!(by.len(), 2);
        let of_a = by.get(&a).unwrap();
        assert_eq!(of_a.len(), 2, "{of_a:?}");
        assert!(
            of_a.iter()
                .all(|n| n.client_id == "app" && n.sub == a.to_string())
        );
        assert_ne!(of_a[0].sid, of_a[1].sid);
        assert_eq!(of_a[0].sid, crate::service::sid("s1"));
        assert_eq!(by.get(&b).unwrap().len(), 1);
    }

    #[test]
    fn a_logout_token_names_the_event_and_never_carries_a_nonce() {
        let n = Notice {
            client_id: "app".into(),
            sub: "u".into(),
            sid: "s".into(),
        };
        let c = logout_claims("https://sso.example", &n, 1000);
        assert_eq!(c["aud"], "app");
        assert_eq!(c["exp"], 1000 + LOGOUT_TOKEN_SECONDS);
        assert!(c["events"][EVENT].is_object());
        assert!(c.get("nonce").is_none());
        assert_ne!(
            c["jti"],
            logout_claims("https://sso.example", &n, 1000)["jti"]
        );
    }
}
