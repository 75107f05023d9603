"""Writes the benchmark's CSV: ROWS rows of 12 columns, the same every run (a fixed seed), shaped
like a regency's survey data: an id, the district code and name, the village, the year, sex,
age, schooling, work, income, a date and a yes/no.

    python3 generate.py ROWS > bench.csv
"""
import random
import sys

rows = int(sys.argv[1])
rnd = random.Random(2026)
# Ten districts of Kabupaten Bandung, codes from the Kemendagri list Simpul ships (so every
# cell is checked against that list, as a real region's would be).
districts = [
    ("32.04.05", "Cileunyi"), ("32.04.06", "Cimenyan"), ("32.04.07", "Cilengkrang"),
    ("32.04.08", "Bojongsoang"), ("32.04.09", "Margahayu"), ("32.04.10", "Margaasih"),
    ("32.04.11", "Katapang"), ("32.04.12", "Dayeuhkolot"), ("32.04.13", "Banjaran"),
    ("32.04.14", "Pameungpeuk"),
]
schooling = ["Tidak sekolah", "SD", "SMP", "SMA", "D3", "S1", "S2", "S3"]
work = ["Petani", "Nelayan", "Pedagang", "PNS", "Karyawan swasta", "Wiraswasta", "Buruh",
        "Guru", "Pelajar", "Mengurus rumah tangga", "Pensiunan", "Belum bekerja"]
out = sys.stdout
out.write("id,kode_kecamatan,kecamatan,desa,tahun,jenis_kelamin,umur,pendidikan,pekerjaan,penghasilan,tanggal,bantuan\n")
for i in range(1, rows + 1):
    code, name = districts[rnd.randrange(10)]
    out.write(
        f"{i},{code},{name},Desa {rnd.randrange(1, 101)},{rnd.randrange(2015, 2026)},"
        f"{'L' if rnd.random() < 0.5 else 'P'},{rnd.randrange(0, 91)},{schooling[rnd.randrange(8)]},"
        f"{work[rnd.randrange(12)]},{rnd.randrange(0, 20_000_001)},"
        f"{rnd.randrange(2015, 2026)}-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d},"
        f"{'ya' if rnd.random() < 0.3 else 'tidak'}\n"
    )
