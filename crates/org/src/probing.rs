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
        NUMBER_REFUSALS.hit(state, &key).await?;
        let actor = p.actor();
        state
            .write(move |c| {
                kernel::audit::record(
                    c,
                    &actor,
                    kernel::audit::Change {
                        action: "person.number_refused",
                        record_type: "person",
                        record_id: String::new(),
                        agency: None,
                        summary: serde_json::json!({ "field": field }),
                    },
                )?;
                Ok(())
            })
            .await?;
    }
    result
}
