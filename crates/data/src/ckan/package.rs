//! The public catalogue as CKAN describes it: packages (datasets) with their organization
//! (the producing agency), groups (the EN 10.3 groups), tags, extras (the update duty, the
//! period, the area) and resources (each readable version, in the DataStore, downloadable as
//! CSV from the portal).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use kernel::AppState;
use kernel::cache::Memo;
use kernel::ids::AgencyId;
use org::directory::AgencyRef;
use serde_json::{Value, json};

use super::Failure;
use crate::model::{Topic, tags_of};
use crate::store::{self, DatasetRow, VersionRow};

/// A public dataset and its published versions (newest first).
#[derive(Debug, Clone)]
pub struct Entry {
    /// The dataset.
    pub row: DatasetRow,
    /// Its versions the Walidata published.
    pub versions: Vec<VersionRow>,
}

/// Every public dataset with its published versions and agencies.
pub struct Catalogue {
    /// The site's address, for resource URLs.
    pub base: String,
    /// The datasets, in title order.
    pub entries: Arc<Vec<Entry>>,
    /// Their agencies.
    pub agencies: Arc<HashMap<AgencyId, AgencyRef>>,
}

type Read = (Arc<Vec<Entry>>, Arc<HashMap<AgencyId, AgencyRef>>);

/// The catalogue as last read, shared by the requests of one cache epoch: every audited
/// change (an edit, an upload read, a publication) starts a new epoch, and other instances'
/// changes reach this one through the kernel's cache within seconds (at most [`KEPT_FOR`]).
pub struct Kept(Memo<(), Read>);

/// The longest a read catalogue is kept.
const KEPT_FOR: Duration = Duration::from_secs(10);

impl Default for Kept {
    fn default() -> Self {
        Self(Memo::new(1, KEPT_FOR))
    }
}

/// CKAN's time format: ISO 8601 without a zone (UTC).
pub fn ckan_time(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// An organization's CKAN name: the agency's code, lower-cased.
pub fn org_name(a: &AgencyRef) -> String {
    a.code.to_lowercase()
}

fn topic_title(t: Topic) -> String {
    kernel::i18n::message(kernel::i18n::Lang::Id, &format!("data-topic-{t}"), &[])
}

impl Catalogue {
    /// The public datasets with their published versions and agencies, as last read unless
    /// something changed since.
    pub async fn load(state: &AppState, base: String) -> Result<Self, Failure> {
        let (kept, epoch) = (state.cache.slot::<Kept>(), state.cache.epoch());
        if let Some((entries, agencies)) = kept.0.get(epoch, &()) {
            return Ok(Self {
                base,
                entries,
                agencies,
            });
        }
        let (entries, agencies) = state
            .read(|c| {
                let rows = store::public(c)?;
                let ids: Vec<_> = rows.iter().map(|r| r.id).collect();
                let mut versions: HashMap<_, Vec<VersionRow>> = HashMap::new();
                for v in store::published_versions(c, &ids)? {
                    versions.entry(v.dataset_id).or_default().push(v);
                }
                let agency_ids: Vec<AgencyId> = rows.iter().map(|r| r.agency_id).collect();
                let agencies = org::directory::agencies(c, &agency_ids)?;
                let entries = rows
                    .into_iter()
                    .map(|row| Entry {
                        versions: versions.remove(&row.id).unwrap_or_default(),
                        row,
                    })
                    .collect::<Vec<_>>();
                Ok((Arc::new(entries), Arc::new(agencies)))
            })
            .await?;
        kept.0.put(epoch, (), (entries.clone(), agencies.clone()));
        Ok(Self {
            base,
            entries,
            agencies,
        })
    }

    /// The dataset named by its slug or id.
    pub fn find(&self, key: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.row.slug == key || e.row.id.to_string() == key)
    }

    /// Package names, in name order.
    pub fn names(&self, offset: i64, limit: i64) -> Vec<String> {
        let mut names: Vec<String> = self.entries.iter().map(|e| e.row.slug.clone()).collect();
        names.sort();
        names
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .collect()
    }

    /// Packages, most recently changed first.
    pub fn recent(&self, offset: i64, limit: i64) -> Vec<Value> {
        let mut all: Vec<&Entry> = self.entries.iter().collect();
        all.sort_by_key(|e| std::cmp::Reverse(modified(e)));
        all.into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|e| self.dict(e))
            .collect()
    }

    /// `package_show`.
    pub fn package(&self, key: &str) -> Option<Value> {
        self.find(key).map(|e| self.dict(e))
    }

    /// The organization dict of an agency.
    pub fn org_dict(&self, a: &AgencyRef, count: usize) -> Value {
        json!({
            "id": a.id, "name": org_name(a), "title": a.name, "display_name": a.name,
            "description": "", "image_url": "", "type": "organization", "is_organization": true,
            "state": "active", "approval_status": "approved", "package_count": count,
        })
    }

    fn group_dict(&self, t: Topic, count: usize) -> Value {
        let title = topic_title(t);
        json!({
            "id": t.as_str(), "name": t.as_str(), "title": title, "display_name": title,
            "description": "", "image_url": "", "type": "group", "is_organization": false,
            "state": "active", "approval_status": "approved", "package_count": count,
        })
    }

    /// A resource dict: one readable version.
    pub fn resource_dict(&self, e: &Entry, v: &VersionRow, position: usize) -> Value {
        json!({
            "id": v.id, "package_id": e.row.id, "position": position,
            "name": format!("{} (versi {})", e.row.title, v.number),
            "description": format!("{} baris; versi {} dari {}", v.row_count, v.number, v.file_name),
            "format": "CSV", "mimetype": "text/csv",
            "url": format!("{}/portal/{}/v{}.csv", self.base, e.row.slug, v.number),
            "url_type": "", "datastore_active": true, "state": "active",
            "created": ckan_time(v.created_at),
            "last_modified": v.finished_at.map(ckan_time),
            "metadata_modified": ckan_time(v.finished_at.unwrap_or(v.created_at)),
            "size": Value::Null, "hash": format!("sha256:{}", v.file_sha),
        })
    }

    /// A package dict.
    pub fn dict(&self, e: &Entry) -> Value {
        let r = &e.row;
        let org = self.agencies.get(&r.agency_id);
        let tags: Vec<Value> = tags_of(&r.tags)
            .into_iter()
            .map(|t| json!({"name": t, "display_name": t, "state": "active"}))
            .collect();
        let resources: Vec<Value> = e
            .versions
            .iter()
            .enumerate()
            .map(|(i, v)| self.resource_dict(e, v, i))
            .collect();
        let mut extras = vec![
            ("classification", r.classification.as_str().to_owned()),
            ("update_frequency", r.frequency.as_str().to_owned()),
            (
                "next_update_due",
                r.next_due.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("period", r.period.clone()),
            ("spatial_coverage", r.coverage.clone()),
            ("unit", r.unit.clone()),
            ("statistical_activity", r.activity_name.clone()),
            ("collection_method", r.activity_method.clone()),
        ];
        extras.retain(|(_, v)| !v.is_empty());
        json!({
            "id": r.id, "name": r.slug, "title": r.title, "notes": r.description,
            "type": "dataset", "state": "active", "private": false,
            "license_id": r.licence, "license_title": r.licence,
            "author": org.map(|a| a.name.clone()), "author_email": Value::Null,
            "maintainer": r.contact_name, "maintainer_email": r.contact_email,
            "url": format!("{}/portal/{}", self.base, r.slug), "version": e.versions.first().map(|v| v.number.to_string()),
            "metadata_created": ckan_time(r.created_at), "metadata_modified": ckan_time(modified(e)),
            "owner_org": r.agency_id,
            "organization": org.map(|a| self.org_dict(a, self.count_of(a.id))),
            "groups": [self.group_dict(r.topic, 0)],
            "tags": tags, "num_tags": tags.len(),
            "resources": resources, "num_resources": resources.len(),
            "extras": extras.iter().map(|(k, v)| json!({"key": k, "value": v})).collect::<Vec<_>>(),
        })
    }

    fn count_of(&self, agency: AgencyId) -> usize {
        self.entries
            .iter()
            .filter(|e| e.row.agency_id == agency)
            .count()
    }

    /// The agencies with public datasets.
    fn publishers(&self) -> Vec<&AgencyRef> {
        let mut out: Vec<&AgencyRef> = self.agencies.values().collect();
        out.sort_by_key(|a| org_name(a));
        out
    }

    /// `organization_list`.
    pub fn organizations(&self, all_fields: bool) -> Value {
        let list = self.publishers();
        if all_fields {
            json!(
                list.iter()
                    .map(|a| self.org_dict(a, self.count_of(a.id)))
                    .collect::<Vec<_>>()
            )
        } else {
            json!(list.iter().map(|a| org_name(a)).collect::<Vec<_>>())
        }
    }

    /// `organization_show`.
    pub fn organization(&self, key: &str, include_datasets: bool) -> Option<Value> {
        let a = self
            .agencies
            .values()
            .find(|a| org_name(a) == key.to_lowercase() || a.id.to_string() == key)?;
        let mut d = self.org_dict(a, self.count_of(a.id));
        if include_datasets {
            crate::ckan::put(
                &mut d,
                "packages",
                json!(
                    self.entries
                        .iter()
                        .filter(|e| e.row.agency_id == a.id)
                        .map(|e| self.dict(e))
                        .collect::<Vec<_>>()
                ),
            );
        }
        Some(d)
    }

    fn topic_counts(&self) -> BTreeMap<&'static str, (Topic, usize)> {
        let mut out = BTreeMap::new();
        for e in self.entries.iter() {
            out.entry(e.row.topic.as_str())
                .or_insert((e.row.topic, 0))
                .1 += 1;
        }
        out
    }

    /// `group_list`: the groups that have public datasets.
    pub fn groups(&self, all_fields: bool) -> Value {
        let counts = self.topic_counts();
        if all_fields {
            json!(
                counts
                    .values()
                    .map(|(t, n)| self.group_dict(*t, *n))
                    .collect::<Vec<_>>()
            )
        } else {
            json!(counts.keys().collect::<Vec<_>>())
        }
    }

    /// `group_show` (any of the EN 10.3 groups).
    pub fn group(&self, key: &str, include_datasets: bool) -> Option<Value> {
        let t = Topic::parse(key)?;
        let members: Vec<&Entry> = self.entries.iter().filter(|e| e.row.topic == t).collect();
        let mut d = self.group_dict(t, members.len());
        if include_datasets {
            crate::ckan::put(
                &mut d,
                "packages",
                json!(members.iter().map(|e| self.dict(e)).collect::<Vec<_>>()),
            );
        }
        Some(d)
    }

    /// `tag_list`, optionally those containing `query`.
    pub fn tags(&self, query: Option<&str>) -> Value {
        let mut all: Vec<String> = self
            .entries
            .iter()
            .flat_map(|e| tags_of(&e.row.tags).into_iter().map(str::to_owned))
            .filter(|t| query.is_none_or(|q| t.contains(&q.to_lowercase())))
            .collect();
        all.sort();
        all.dedup();
        json!(all)
    }

    /// The entry and version of a resource id.
    pub fn version(&self, id: &str) -> Option<(&Entry, &VersionRow, usize)> {
        self.entries.iter().find_map(|e| {
            e.versions
                .iter()
                .enumerate()
                .find(|(_, v)| v.id.to_string() == id)
                .map(|(i, v)| (e, v, i))
        })
    }

    /// `resource_show`.
    pub fn resource(&self, id: &str) -> Option<Value> {
        self.version(id)
            .map(|(e, v, i)| self.resource_dict(e, v, i))
    }
}

/// When a package last changed: its description, or which version the public sees.
pub fn modified(e: &Entry) -> chrono::NaiveDateTime {
    e.row
        .published_at
        .map_or(e.row.updated_at, |d| d.max(e.row.updated_at))
}
