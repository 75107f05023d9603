"""Fills a running Simpul with N public datasets, each with one small version the Walidata
published, for bench/data/catalogue.sh.

    python3 catalogue.py BASE TOKEN N
"""
import sys
import time

import requests

base, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = requests.Session()
s.headers["Authorization"] = f"Bearer {token}"
agencies = [a["id"] for a in s.get(f"{base}/api/v1/agencies?per_page=100").json()["items"]]
topics = ["population", "health", "education", "transport", "finance", "agriculture"]
columns = {"columns": [
    {"name": "kode_kecamatan", "kind": "region_code", "required": True},
    {"name": "tahun", "kind": "integer", "required": True},
    {"name": "jumlah", "kind": "integer", "min": "0"},
]}
rows = "kode_kecamatan,tahun,jumlah\n" + "".join(f"32.99.{d:02d},{y},{d * y % 997}\n" for d in range(1, 11) for y in range(2015, 2026))
for i in range(n):
    slug = f"bench-{i:04d}"
    r = s.post(f"{base}/api/v1/data/datasets", json={
        "agency_id": agencies[i % len(agencies)], "slug": slug, "title": f"Statistik {topics[i % 6]} nomor {i}",
        "topic": topics[i % 6], "classification": "public", "frequency": "annual",
        "tags": f"statistik, {topics[i % 6]}, tahun-{2015 + i % 10}", "description": "Data contoh untuk mengukur katalog."})
    r.raise_for_status()
    s.put(f"{base}/api/v1/data/datasets/{slug}/columns", json=columns).raise_for_status()
    s.post(f"{base}/api/v1/data/datasets/{slug}/versions?file_name=data.csv", data=rows.encode()).raise_for_status()
for i in range(n):
    slug = f"bench-{i:04d}"
    for _ in range(600):
        v = s.get(f"{base}/api/v1/data/datasets/{slug}/versions/1").json()
        if v["status"] != "ingesting":
            break
        time.sleep(0.05)
    assert v["status"] == "ready", v
    review = s.post(f"{base}/api/v1/data/datasets/{slug}/versions/1/review", json={"decision": "published"})
    if review.status_code == 404:  # a binary from before the Walidata's check publishes at once
        continue
    review.raise_for_status()
print(n)
