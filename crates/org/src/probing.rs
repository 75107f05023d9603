//! Saving a person whose NIP or NIK another record holds must answer that the number is taken
//! — which says the number exists, in whatever agency holds it. One such answer is a typing
//! mistake; thousands are a search for a masked NIK. So refusals are counted per account and
//! recorded in the audit trail, without the number.

use std::future::Future;

use kernel::ratelimit::Limit;
use kernel::{AppError, AppResult, AppState, Ctx};

/// Refused saves (number taken) one account may make in an hour.
const NUMBER_REFUSALS: Limit = Limit {
    name: "org.person-number-refused",
    max: 20,
    window: 3600,
};

/// Runs `save` (a create or update of one person) unless the caller has used up its refusals;
/// counts and records a refusal for a number already held.
pub async fn guarded<T>(
    state: &AppState,
    ctx: &Ctx,
    save: impl Future<Output = AppResult<T>>,
) -> AppResult<T> {
    let p = ctx.require()?.clone();
    let key = p.user_id.to_string();
    if NUMBER_REFUSALS.blocked(state, &key).await?.is_some() {
        return Err(AppError::TooManyAttempts);
    }
    let result = save.await;
    let refused = match &result {
        Err(AppError::Conflict(f)) if matches!(f.key, "error-nip-taken" | "error-nik-taken") => {
            Some(f.field.clone())
        }
        _ => None,
    };
    if let Some(field) = refused {
        let summary = serde_json::json!({ "field": field });
        refusal(
            state,
            &p,
            &NUMBER_REFUSALS,
            "person.number_refused",
            summary,
        )
        .await?;
    }
    result
}

/// Counts a refusal that told the caller something about numbers against `limit` and records
/// it (`action`, with a `summary` that never holds the numbers).
pub(crate) async fn refusal(
    state: &AppState,
    p: &kernel::principal::Principal,
    limit: &Limit,
    action: &'static str,
    summary: serde_json::Value,
) -> AppResult<()> {
    limit.hit(state, &p.user_id.to_string()).await?;
    let actor = p.actor();
    state
        .write(move |c| {
            let change = kernel::audit::Change {
                action,
                record_type: "person",
                record_id: String::new(),
                agency: None,
                summary,
            };
            kernel::audit::record(c, &actor, change)?;
            Ok(())
        })
        .await
}
