"""Reads a Simpul portal with CKAN's own client library (ckanapi, PyPI) the way national
portals and scripts do, and prints what it found as JSON for the Rust test to check.

    python3 client.py BASE_URL
"""
import json
import sys

import ckanapi

ck = ckanapi.RemoteCKAN(sys.argv[1], user_agent="simpul-ckan-test/1.0")
out = {}
out["status"] = ck.action.status_show()
out["list"] = ck.action.package_list()
search = ck.action.package_search(
    q="warga", fq="organization:dinkes", rows=5, **{"facet.field": ["groups", "tags"]}
)
out["search"] = {
    "count": search["count"],
    "names": [r["name"] for r in search["results"]],
    "facets": search["facets"],
}
# Paging through everything changed since a date, a page at a time (ckanext-harvest itself
# runs in harvest.py).
page1 = ck.action.package_search(fq="metadata_modified:[2020-01-01T00:00:00Z TO *]", rows=1, start=0, sort="metadata_modified asc")
page2 = ck.action.package_search(fq="metadata_modified:[2020-01-01T00:00:00Z TO *]", rows=1, start=1, sort="metadata_modified asc")
out["harvest"] = [page1["count"], [r["name"] for r in page1["results"] + page2["results"]]]
package = ck.action.package_show(id="warga")
out["package"] = {
    "title": package["title"],
    "organization": package["organization"]["name"],
    "groups": [g["name"] for g in package["groups"]],
    "resources": [(r["format"], r["datastore_active"], r["url"]) for r in package["resources"]],
    "extras": {e["key"]: e["value"] for e in package["extras"]},
}
resource = package["resources"][0]["id"]
out["resource"] = ck.action.resource_show(id=resource)["package_id"] == package["id"]
found = ck.action.datastore_search(
    resource_id=resource, filters={"kecamatan": "32.04.05"}, sort="umur desc", limit=1
)
out["datastore"] = {
    "total": found["total"],
    "fields": [f["id"] for f in found["fields"]],
    "records": found["records"],
}
out["organizations"] = ck.action.organization_list()
out["organization"] = ck.action.organization_show(id="dinkes", include_datasets=True)["package_count"]
out["groups"] = ck.action.group_list()
out["tags"] = ck.action.tag_list()
for name, call in [
    ("hidden", lambda: ck.action.package_show(id="dinkes_rahasia")),
    ("sql", lambda: ck.action.datastore_search_sql(sql="SELECT * FROM x")),
    ("bad_filter", lambda: ck.action.datastore_search(resource_id=resource, filters={"nik": "1"})),
]:
    try:
        call()
        out[name] = "answered"
    except ckanapi.NotFound:
        out[name] = "NotFound"
    except ckanapi.NotAuthorized:
        out[name] = "NotAuthorized"
    except ckanapi.ValidationError:
        out[name] = "ValidationError"
print(json.dumps(out))
