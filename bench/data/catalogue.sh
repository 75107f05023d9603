#!/usr/bin/env bash
# The public catalogue under a harvester's and the portal's load: N public datasets (each one
# small published version), then wrk on CKAN's package_search and package_show and on the
# portal's search page, on SQLite and PostgreSQL.
#
#     bench/data/catalogue.sh [N] [seconds] [connections]     # BENCH_BIN=… to measure another build
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-500} secs=${2:-10} conns=${3:-16}
bin=${BENCH_BIN:-target/release/simpul}
[ -n "${BENCH_BIN:-}" ] || cargo build -q --release -p simpul
pg=${PG_URL:-postgres://postgres@127.0.0.1:5432}
port=18095 out=$(mktemp -d) pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

run() { # name database-url
  local dir; dir=$(mktemp -d)
  export SIMPUL_DATA_DIR=$dir SIMPUL_DATABASE_URL=$2 SIMPUL_HTTP_ADDR=127.0.0.1:$port \
         SIMPUL_PUBLIC_URL=http://127.0.0.1:$port SIMPUL_LOG=warn
  "$bin" demo >/dev/null
  "$bin" serve >"$out/$1.log" 2>&1 & local spid=$!; pids+=("$spid")
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  python3 bench/data/catalogue.py "http://127.0.0.1:$port" "$("$bin" admin create-token --login admin)" "$n" >/dev/null
  for m in "package_search /api/3/action/package_search?q=statistik&fq=groups:health&rows=20" \
           "package_show /api/3/action/package_show?id=bench-0042" \
           "portal_search /portal?q=statistik&groups=health"; do
    set -- $m
    wrk -t2 -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:$port$2" >"$out/w.txt"
    awk -v n="$name $1" '/Non-2xx/ {bad=$5} $1=="50%" {p50=$2} $1=="99%" {p99=$2} /Requests\/sec/ {rps=$2}
         END {printf "%-32s %8.0f req/s  p50 %s  p99 %s  non-2xx %d\n", n, rps, p50, p99, bad+0}' "$out/w.txt"
  done
  kill "$spid"; wait "$spid" 2>/dev/null || true
}

name=sqlite run sqlite "sqlite://$(mktemp -d)/simpul.db"
psql "$pg/postgres" -qc 'DROP DATABASE IF EXISTS simpul_bench_catalogue' -c 'CREATE DATABASE simpul_bench_catalogue' >/dev/null
name=postgres run postgres "$pg/simpul_bench_catalogue"
