#!/usr/bin/env bash
# Registry benchmark at national scale: 500 regions' worth of records (20,000 agencies, 50,000
# applications, 500,000 devices, 10,000 servers, 5,000 vendors) on top of the demo region, on
# SQLite and on PostgreSQL. Measures
#   - compliance evaluation of every rule for one agency (findings API, narrowed) and for the
#     whole registry (scores API), as request wall time: median and worst of 7;
#   - the application list, filtered and paged, as JSON API and as HTML page: wrk p50/p99;
#   - an XLSX import of 10,000 devices in one all-or-nothing request: rows/s.
# No peer is run: NetBox, Snipe-IT and GLPI are not installable from the registries this
# project may use, and none of them evaluates rules of law over its records.
# Usage: bench/registry/run.sh [wrk seconds] [connections]
# BENCH_BIN=path runs that binary instead of building this checkout (an earlier commit's, to
# set the figures side by side); BENCH_KEEP=1 keeps the databases for a closer look.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
conns=${2:-16}
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v psql >/dev/null || need+=(postgresql-client)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; fi
python3 -c 'import openpyxl' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check openpyxl
if [ -n "${BENCH_BIN:-}" ]; then bin=$BENCH_BIN; else cargo build --release -q; bin=$PWD/target/release/simpul; fi
out=bench/out/registry; mkdir -p "$out"
pg_admin=${BENCH_PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
pg_url=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/simpul_bench_registry}
port=18081
base=http://127.0.0.1:$port

# 10,000 device rows for the import, spread over the demo region's agencies.
python3 - "$out/devices.xlsx" <<'PY'
import sys
from openpyxl import Workbook
wb = Workbook(write_only=True)
ws = wb.create_sheet()
ws.append(["agency_code", "kind", "name", "serial", "acquired_on", "funding_source", "location", "maintenance_months", "last_maintained_on"])
codes = ["DINKES", "DISDIKBUD", "DISDUKCAPIL", "DISHUB", "BKPSDM", "DISKOMINFO"]
for i in range(10000):
    ws.append([codes[i % len(codes)], ["hardware", "end_user", "network"][i % 3], f"Komputer impor {i}", f"IMP-{i:06d}",
               "2025-02-03", "apbd", "Gedung B", 12, "2026-03-01"])
wb.save(sys.argv[1])
PY

# Median and worst wall time (ms) of 7 GETs.
timed() {
  local url=$1 token=$2 t=()
  for _ in 1 2 3 4 5 6 7; do
    t+=("$(curl -fsS -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$url")")
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1*1000} END {printf "%.0f ms / %.0f ms", a[4], a[7]}'
}

wrk_line() {
  local name=$1 url=$2 token=$3
  wrk -t2 -c"$conns" -d"${secs}s" --latency -H "Authorization: Bearer $token" "$url" >"$out/$name.txt"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$out/$name.txt")
  p50=$(awk '$1=="50%" {print $2}' "$out/$name.txt")
  p99=$(awk '$1=="99%" {print $2}' "$out/$name.txt")
  echo "$rps req/s, p50 $p50, p99 $p99"
}

run_one() {
  local name=$1 url=$2 dir pad
  dir=$(mktemp -d)
  export SIMPUL_DATABASE_URL=$url SIMPUL_DATA_DIR=$dir SIMPUL_HTTP_ADDR=127.0.0.1:$port SIMPUL_LOG=warn
  "$bin" demo >/dev/null
  local t0; t0=$(date +%s.%N)
  if [ "$name" = sqlite ]; then
    sed -e "s/PAD(\([^)]*\))/substr('000000000000' || (\1), -12, 12)/g" -e "s/DATE(\('[^']*'\))/\1/g" bench/registry/generate.sql | sqlite3 "${url#sqlite://}"
    sqlite3 "${url#sqlite://}" "ANALYZE;"
  else
    sed -e "s/PAD(\([^)]*\))/lpad((\1)::text, 12, '0')/g" -e "s/DATE(\('[^']*'\))/\1::date/g" bench/registry/generate.sql | psql -q -v ON_ERROR_STOP=1 "$url"
    psql -q "$url" -c "ANALYZE"
  fi
  local gen; gen=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}')
  local token; token=$("$bin" admin create-token --login admin)
  "$bin" serve >"$out/$name-serve.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done
  local agency; agency=$(curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/agencies?q=PD12345" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  echo "### $name (generated in ${gen} s)"
  echo "- rules, one agency (median / worst of 7): $(timed "$base/api/v1/compliance/findings?agency_id=$agency" "$token")"
  echo "- rules, whole registry (median / worst of 7): $(timed "$base/api/v1/compliance/scores" "$token")"
  echo "- GET /api/v1/applications?lifecycle=production&q=layanan%201&page=3: $(wrk_line "$name-api" "$base/api/v1/applications?lifecycle=production&q=layanan%201&page=3" "$token")"
  echo "- GET /registry/applications?lifecycle=production&q=layanan%201&page=3: $(wrk_line "$name-page" "$base/registry/applications?lifecycle=production&q=layanan%201&page=3" "$token")"
  local s; s=$(curl -fsS -o "$out/$name-import.json" -w '%{time_total}' -H "Authorization: Bearer $token" \
    -H 'content-type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' \
    --data-binary @"$out/devices.xlsx" "$base/api/v1/devices/import")
  echo "- XLSX import, 10,000 devices: $(awk -v s="$s" 'BEGIN {printf "%.2f s, %.0f rows/s", s, 10000 / s}') ($(cat "$out/$name-import.json"))"
  echo "- resident memory after all of it: $(($(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024)) MB"
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$dir"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); commit $(git rev-parse --short HEAD); wrk -t2 -c$conns -d${secs}s"
run_one sqlite "sqlite://$(mktemp -d)/bench.db"
if psql "$pg_admin" -qc "DROP DATABASE IF EXISTS simpul_bench_registry" -c "CREATE DATABASE simpul_bench_registry" >/dev/null 2>&1; then
  run_one postgres "$pg_url"
else
  echo "### postgres: skipped, no PostgreSQL at $pg_admin"
fi
