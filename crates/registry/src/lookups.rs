//! What a record points at (its agency, an application, a master-plan item, an SSO client),
//! asked of the database once per distinct value: a form asks once anyway, an import of
//! 100,000 rows that name six agencies asks six times instead of 100,000.

use std::collections::HashMap;

use db::DbConn;
use diesel::QueryResult;
use kernel::ids::AgencyId;
use sso::ClientId;

use crate::model::{ApplicationId, PlanItemId};

/// Answers already looked up. Valid for one operation: what it remembers (an agency exists,
/// an application's owner) does not change inside one transaction or one import's check.
#[derive(Default)]
pub struct Lookups {
    agencies: HashMap<AgencyId, bool>,
    apps: HashMap<ApplicationId, Option<AgencyId>>,
    items: HashMap<PlanItemId, bool>,
    clients: HashMap<String, Option<Option<AgencyId>>>,
}

/// The answer remembered for `key`, or the one `fetch` gives (then remembered).
fn memo<K: std::hash::Hash + Eq, V: Clone>(
    known: &mut HashMap<K, V>,
    key: K,
    fetch: impl FnOnce() -> QueryResult<V>,
) -> QueryResult<V> {
    if let Some(v) = known.get(&key) {
        return Ok(v.clone());
    }
    let v = fetch()?;
    known.insert(key, v.clone());
    Ok(v)
}

impl Lookups {
    /// Whether the agency exists.
    pub fn agency_exists(&mut self, c: &mut DbConn, id: AgencyId) -> QueryResult<bool> {
        memo(&mut self.agencies, id, || {
            Ok(org::directory::agency(c, id)?.is_some())
        })
    }

    /// The agency an application belongs to, if the application exists.
    pub fn app_agency(
        &mut self,
        c: &mut DbConn,
        id: ApplicationId,
    ) -> QueryResult<Option<AgencyId>> {
        memo(&mut self.apps, id, || {
            Ok(crate::store::app_find(c, id)?.map(|a| a.agency_id))
        })
    }

    /// Whether the master-plan item exists.
    pub fn item_exists(&mut self, c: &mut DbConn, id: PlanItemId) -> QueryResult<bool> {
        memo(&mut self.items, id, || {
            Ok(crate::store::item_find(c, id)?.is_some())
        })
    }

    /// The owner of a single sign-on client (`None`: no such client; `Some(None)`: the
    /// Dinas's own).
    pub fn client_owner(
        &mut self,
        c: &mut DbConn,
        id: &ClientId,
    ) -> QueryResult<Option<Option<AgencyId>>> {
        memo(&mut self.clients, id.as_str().to_owned(), || {
            Ok(sso::clients::client(c, id)?.map(|cl| cl.owner))
        })
    }
}
