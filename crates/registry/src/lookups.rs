//! What a record points at (its agency, an application, a master-plan item, an SSO client),
//! asked of the database once per distinct value: a form asks once anyway, an import of
//! 100,000 rows that name six agencies asks six times instead of 100,000.

use std::collections::HashMap;

use db::DbConn;
use diesel::QueryResult;
use kernel::ids::AgencyId;
use sso::ClientId;

use crate::inventory::DeviceId;
use crate::model::{ApplicationId, PlanItemId};

/// Answers already looked up. Valid for one operation: what it remembers (an agency exists,
/// an application's owner) does not change inside one transaction or one import's check.
#[derive(Default)]
pub struct Lookups {
    agencies: HashMap<AgencyId, bool>,
    apps: HashMap<ApplicationId, Option<AgencyId>>,
    items: HashMap<PlanItemId, bool>,
    clients: HashMap<String, Option<Option<AgencyId>>>,
    /// Each agency's serial numbers (lower-case) and the device, or the import's row, that
    /// holds each.
    serials: HashMap<AgencyId, HashMap<String, Holder>>,
    /// The import row being checked or written (0 for a form).
    line: usize,
}

/// Who holds a serial number: a stored device, or a new one on a row of the import.
#[derive(Debug, Clone)]
struct Holder {
    device: Option<DeviceId>,
    line: usize,
    name: String,
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

    /// The import row the next checks are for: two rows of one file that claim one serial
    /// number are told apart by it.
    pub fn at_line(&mut self, line: usize) {
        self.line = line;
    }

    /// The name of the other device of `agency` that already carries `serial` (any case),
    /// if one does; otherwise the serial is `me`'s (the device being corrected, or `None`
    /// for a new one on the current row), named `name`. Each agency's serials are read once.
    pub fn serial_holder(
        &mut self,
        c: &mut DbConn,
        agency: AgencyId,
        serial: &str,
        me: Option<DeviceId>,
        name: &str,
    ) -> QueryResult<Option<String>> {
        let known = match self.serials.entry(agency) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(
                crate::inventory::store::device_serials(c, agency)?
                    .into_iter()
                    .map(|(id, s, n)| {
                        let holder = Holder {
                            device: Some(id),
                            line: 0,
                            name: n,
                        };
                        (s.to_lowercase(), holder)
                    })
                    .collect(),
            ),
        };
        let key = serial.to_lowercase();
        match known.get(&key) {
            Some(h) if me.is_some() && h.device == me => Ok(None),
            Some(h) if me.is_none() && h.device.is_none() && h.line == self.line => Ok(None),
            Some(h) => Ok(Some(h.name.clone())),
            None => {
                let holder = Holder {
                    device: me,
                    line: self.line,
                    name: name.to_owned(),
                };
                known.insert(key, holder);
                Ok(None)
            }
        }
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
