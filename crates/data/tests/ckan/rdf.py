"""Parses the portal's DCAT catalogue, in Turtle and in JSON-LD, with rdflib (PyPI) and prints
what each holds as JSON.

    python3 rdf.py BASE_URL
"""
import json
import sys
import urllib.request

from rdflib import Graph, Namespace, RDF

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")

out = {}
for name, path, fmt in [("turtle", "/portal/catalog.ttl", "turtle"), ("jsonld", "/portal/catalog.jsonld", "json-ld")]:
    with urllib.request.urlopen(sys.argv[1] + path) as r:
        g = Graph().parse(data=r.read().decode("utf-8"), format=fmt)
    datasets = list(g.subjects(RDF.type, DCAT.Dataset))
    out[name] = {
        "datasets": len(datasets),
        "distributions": len(list(g.subjects(RDF.type, DCAT.Distribution))),
        "title": str(g.value(datasets[0], DCT.title)) if datasets else None,
    }
print(json.dumps(out))
