"""Runs ckanext-harvest's own CKAN harvester (PyPI ckanext-harvest 1.6.3, with CKAN 2.11 for
its imports) against a Simpul portal, the way a national portal harvests a regional one.

Its gather stage runs unchanged: the configuration filters (organizations and groups to take
or leave), the "changed since the last job" search, paging and de-duplication. What it would
write to its own CKAN database — the harvest objects, gather errors, and the previous job it
looks up — is held in memory here, because a CKAN site with Solr cannot be installed from the
registries this project uses. Then the remote look-ups its import stage makes (the
organization, a group) are called as they are.

    python harvest.py BASE_URL SINCE ORGANIZATION GROUP

SINCE is the start of a previous, error-free job (UTC, ISO 8601); ORGANIZATION and GROUP are
the CKAN names the filters take and leave.

Prints what each run gathered as JSON for the Rust test to check.
"""
import datetime
import json
import sys
import types

from ckanext.harvest.harvesters import ckanharvester

base, since, organization, group = sys.argv[1:5]
since = datetime.datetime.fromisoformat(since)
gathered = []


class HarvestObject:
    """Stands in for ckanext.harvest.model.HarvestObject: keeps what it would store."""

    def __init__(self, guid, job, content):
        self.id, self.guid, self.job, self.content = guid, guid, job, content

    def save(self):
        gathered.append(json.loads(self.content)["name"])


ckanharvester.HarvestObject = HarvestObject


def gather(config, last_job_started=None):
    gathered.clear()
    errors = []
    harvester = ckanharvester.CKANHarvester()
    previous = None if last_job_started is None else types.SimpleNamespace(gather_started=last_job_started)
    harvester.last_error_free_job = lambda job: previous
    harvester._save_gather_error = lambda message, job: errors.append(message)
    source = types.SimpleNamespace(url=base + "/", config=json.dumps(config))
    ids = harvester.gather_stage(types.SimpleNamespace(source=source))
    return {"objects": len(ids or []), "names": sorted(gathered), "errors": errors}


out = {
    "all": gather({}),
    "organization": gather({"organizations_filter_include": [organization]}),
    "without_organization": gather({"organizations_filter_exclude": [organization]}),
    "group": gather({"groups_filter_include": [group]}),
    "since": gather({}, last_job_started=since),
}
harvester = ckanharvester.CKANHarvester()
harvester.config = {}
out["remote_organization"] = harvester._get_organization(base, organization)["name"]
out["remote_group"] = harvester._get_group(base, {"id": group})["name"]
print(json.dumps(out))
