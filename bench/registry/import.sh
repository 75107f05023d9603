#!/usr/bin/env bash
# Import under load (issue 16): the preview (dry run) of a 100,000-row device CSV, alone, and
# /healthz latency while four such previews run at once; then the import itself (kept), which
# is the longest turn to write there is, with one other write sent meanwhile — on SQLite and on
# PostgreSQL. Targets: the preview under 2 s; /healthz p99 under 50 ms during the four.
# Before the fix (main at 8fef4b0) the same reader took 7.5 s for 20,000 rows, 43 s for 40,000,
# 171 s for 80,000, and two 30,000-row dry runs froze /healthz for 18.5 s.
# Usage: bench/registry/import.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
cargo build --release -q
bin=$PWD/target/release/simpul
out=bench/out/import; mkdir -p "$out"
pg_url=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/test}
port=18083
base=http://127.0.0.1:$port

python3 - "$out/devices.csv" <<'PY'
import sys
codes = ["DINKES", "DISDIKBUD", "DISDUKCAPIL", "DISHUB", "BKPSDM", "DISKOMINFO"]
with open(sys.argv[1], "w") as f:
    f.write("agency_code,kind,name,serial,acquired_on,funding_source,location,maintenance_months,last_maintained_on\n")
    for i in range(100000):
        f.write(f"{codes[i % 6]},{['hardware','end_user','network'][i % 3]},Komputer impor {i},IMP-{i:06d},2025-02-03,apbd,Gedung B,12,2026-03-01\n")
PY

run() {
  local name=$1 url=$2 dir
  dir=$(mktemp -d)
  export SIMPUL_DATABASE_URL=$url SIMPUL_DATA_DIR=$dir SIMPUL_HTTP_ADDR=127.0.0.1:$port SIMPUL_LOG=warn
  "$bin" demo >/dev/null
  local token; token=$("$bin" admin create-token --login admin)
  "$bin" serve >"$out/$name-serve.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done
  local preview=(curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $token"
    -H 'Content-Type: text/csv' --data-binary @"$out/devices.csv" "$base/api/v1/devices/import?dry_run=true")
  echo "## $name"
  echo "- preview of 100,000 rows, alone: $("${preview[@]}" | tr -d '\n') (status, seconds)"
  for i in 1 2 3 4; do "${preview[@]}" >"$out/$name-concurrent-$i.txt" & done
  wrk -t1 -c4 -d8s --latency "$base/healthz" >"$out/$name-healthz.txt"
  wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
  echo "- four previews at once: $(cat "$out"/$name-concurrent-*.txt | tr '\n' ' ')"
  echo "- /healthz meanwhile: p50 $(awk '$1=="50%" {print $2}' "$out/$name-healthz.txt"), p99 $(awk '$1=="99%" {print $2}' "$out/$name-healthz.txt"), max $(awk '/Latency/ {print $4}' "$out/$name-healthz.txt")"
  local agency; agency=$(curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/agencies?q=DINKES" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' \
    --data-binary @"$out/devices.csv" "$base/api/v1/devices/import" >"$out/$name-import.txt" &
  local importing=$!
  sleep 1
  local other; other=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data "{\"agency_id\":\"$agency\",\"kind\":\"end_user\",\"name\":\"Laptop lain\",\"funding_source\":\"apbd\",\"location\":\"Gedung A\"}" "$base/api/v1/devices")
  local read; read=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $token" "$base/api/v1/devices?per_page=1")
  wait $importing
  echo "- import of 100,000 rows, kept: $(tr -d '\n' <"$out/$name-import.txt") (status, seconds)"
  echo "- meanwhile, one other write: $other; one read: $read (status, seconds)"
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$dir"
}

run sqlite "sqlite://$(mktemp -d)/simpul.db"
schema=bench_import_$$
psql -q "$pg_url" -c "CREATE SCHEMA $schema" >/dev/null
run postgres "$pg_url?options=-csearch_path%3D$schema"
psql -q "$pg_url" -c "DROP SCHEMA $schema CASCADE" >/dev/null
