"""Loads the benchmark's CSV into a SQLite file for Datasette, typed as Simpul types it (whole
numbers as INTEGER, the yes/no as 0/1), in one transaction.

    python3 load_datasette.py bench.csv bench.db
"""
import csv
import sqlite3
import sys

db = sqlite3.connect(sys.argv[2])
db.execute("DROP TABLE IF EXISTS rows")
db.execute(
    "CREATE TABLE rows (id INTEGER PRIMARY KEY, kode_kecamatan TEXT, kecamatan TEXT, desa TEXT, "
    "tahun INTEGER, jenis_kelamin TEXT, umur INTEGER, pendidikan TEXT, pekerjaan TEXT, "
    "penghasilan INTEGER, tanggal TEXT, bantuan INTEGER)"
)
with open(sys.argv[1], newline="") as f:
    r = csv.reader(f)
    next(r)
    db.executemany(
        "INSERT INTO rows VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        ((int(a), b, c, d, int(e), g, int(h), i, j, int(k), l, 1 if m == "ya" else 0)
         for a, b, c, d, e, g, h, i, j, k, l, m in r),
    )
db.commit()
if len(sys.argv) > 3 and sys.argv[3] == "--index":
    for col in ["kecamatan", "kode_kecamatan"]:
        db.execute(f"CREATE INDEX rows_{col} ON rows ({col})")
    db.commit()
db.execute("VACUUM")
